"""Writes with rules for the selection of workers (DESIGN.md §3, §4): a company asks a candidate to
meet it, the candidate agrees or declines, the company goes on or ends it.

Agreeing gives the company (its group: accounts.services.organisation_group) a django-guardian
grant to see who the candidate is; the grant lasts while one of the company's applications with
the candidate is past the candidate's agreement and not withdrawn by them.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Role, User
from accounts.selectors import assist_grants, organisation_members
from accounts.services import organisation_group
from candidates.models import Candidate
from companies.models import Company, Vacancy
from companies.selectors import company_list
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.notifications import notify
from thamm.stages import stage_record
from thamm.transitions import Lifecycle, Move, transition

from ..models import Application

A = Application.Stage
VIEW_IDENTITY = "candidates.view_identity"
# The zones people read times in: the company's, and the candidate's and their centre's.
ITALY, MOROCCO = "Europe/Rome", "Africa/Casablanca"


def _check_acts_for(*, company: Company, by: User) -> None:
    """A user of the company, its assigned chamber advisor, or IOM."""
    if by.role not in (Role.COMPANY, Role.CHAMBER, Role.IOM) or not (
        company_list(user=by).filter(pk=company.pk).exists()
    ):
        raise DomainError(_("You cannot act for this company."))


def _check_is_the_candidate(*, application: Application, by: User) -> None:
    if not (by.is_authenticated and application.candidate.user_id == by.pk):
        raise DomainError(_("Only the candidate can answer for themself."))


COMPANY_MOVES = Lifecycle(
    model=Application,
    moves=(
        Move(
            "reject",
            (A.AGREED, A.INTERVIEW_PROPOSED, A.INTERVIEW_SCHEDULED, A.INTERVIEWED),
            A.REJECTED,
            _l("Do not go on with this candidate"),
            reason_required=_l("Write a note for your records: why not this candidate."),
        ),
        Move(
            "withdraw",
            (A.SHORTLISTED,),
            A.WITHDRAWN,
            _l("Withdraw the request to meet"),
        ),
        # Follow from the interview services below.
        Move("propose_interview", (A.AGREED,), A.INTERVIEW_PROPOSED, manual=False),
        Move(
            "cancel_interview",
            (A.INTERVIEW_PROPOSED, A.INTERVIEW_SCHEDULED),
            A.AGREED,
            manual=False,
        ),
        Move("interview_held", (A.INTERVIEW_SCHEDULED,), A.INTERVIEWED, manual=False),
        # Follow from the offer services (matching.services.offers).
        Move("offer", (A.INTERVIEWED,), A.OFFERED, manual=False),
        Move("withdraw_offer", (A.OFFERED,), A.WITHDRAWN, manual=False),
        Move("expire", (A.OFFERED,), A.EXPIRED, manual=False),
    ),
    audit_prefix="application",
    refusal=_l("This is not possible now: the application is “%(stage)s”."),
    roles=(Role.COMPANY, Role.CHAMBER, Role.IOM),
    may=lambda application, by: _check_acts_for(company=application.company, by=by),
    changed_at_field="status_changed_at",
)

CANDIDATE_MOVES = Lifecycle(
    model=Application,
    moves=(
        Move("agree", (A.SHORTLISTED,), A.AGREED, _l("Yes, I agree to meet this company")),
        Move("decline_meeting", (A.SHORTLISTED,), A.MEETING_DECLINED, _l("No, thank you")),
        Move(
            "withdraw",
            (A.AGREED, A.INTERVIEW_PROPOSED, A.INTERVIEW_SCHEDULED, A.INTERVIEWED),
            A.WITHDRAWN,
            _l("I no longer wish to go on"),
        ),
        Move("choose_time", (A.INTERVIEW_PROPOSED,), A.INTERVIEW_SCHEDULED, manual=False),
        Move("ask_other_times", (A.INTERVIEW_PROPOSED,), A.AGREED, manual=False),
    ),
    audit_prefix="application",
    refusal=_l("This is not possible now: the application is “%(stage)s”."),
    roles=(Role.CANDIDATE,),
    may=lambda application, by: _check_is_the_candidate(application=application, by=by),
    changed_at_field="status_changed_at",
)


def company_people(company: Company) -> list[User]:
    """Who hears about a company's applications: its users and its assigned advisors."""
    advisors = assist_grants().filter(content_object_id=company.organisation_id)
    people = organisation_members(organisation_id=company.organisation_id)
    people += [grant.user for grant in advisors.select_related("user__membership_row")]
    return people


def _tell_company(application: Application, kind: str) -> None:
    notify(
        recipients=company_people(application.company),
        kind=f"application.{kind}",
        template=f"matching/email/{kind}",
        context={"application": application, "code": application.candidate.code},
        link=application.get_absolute_url(),
    )


def _tell_candidate(application: Application, kind: str) -> None:
    user = application.candidate.user
    if user is None:
        return
    notify(
        recipients=[user],
        kind=f"application.{kind}",
        template=f"matching/email/{kind}",
        context={"application": application, "vacancy": application.vacancy},
        link=reverse("matching:my_application", kwargs={"pk": application.pk}),
    )


def disclosure_sync(*, company: Company, candidate: Candidate) -> bool:
    """Give or take back the company's grant to see who the candidate is, from its applications
    with them; returns whether the company now has it."""
    group = organisation_group(company.organisation)
    disclosed = Application.objects.filter(
        company=company, candidate=candidate, status__in=Application.DISCLOSED_STAGES
    ).exists()
    if disclosed:
        assign_perm(VIEW_IDENTITY, group, candidate)
    else:
        remove_perm(VIEW_IDENTITY, group, candidate)
    return disclosed


@transaction.atomic
def application_shortlist(
    *, vacancy: Vacancy, candidate: Candidate, by: User, note: str = ""
) -> Application:
    """Ask an available candidate to meet the company for one of its open vacancies; the
    candidate is told, in their language, who asks and for what."""
    company = vacancy.company
    _check_acts_for(company=company, by=by)
    if company.status != Company.Status.VERIFIED:
        raise DomainError(_("Only a verified company can ask candidates to meet it."))
    if vacancy.status == Vacancy.Status.DRAFT:
        raise DomainError(
            _("Publish the vacancy first: candidates are asked about a published job.")
        )
    if not vacancy.is_open:
        raise DomainError(_("This vacancy is filled or closed: candidates can no longer be asked."))
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != Candidate.Status.AVAILABLE or not locked.profile_shared:
        raise DomainError(_("This candidate is no longer available to companies."))
    if Application.objects.filter(vacancy=vacancy, candidate=locked).exists():
        raise DomainError(_("This candidate is already on the list for this vacancy."))
    application = Application(
        company=company,
        vacancy=vacancy,
        candidate=locked,
        shortlisted_by=by,
        company_note=note.strip(),
    )
    application.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same request made at the same moment (two tabs)
        raise DomainError(_("This candidate is already on the list for this vacancy.")) from exc
    stage_record(obj=application, from_stage="", to_stage=A.SHORTLISTED, by=by)
    audit(
        actor=by,
        action="application.shortlist",
        target=application,
        detail={"vacancy": vacancy.pk, "candidate": locked.pk},
    )
    _tell_candidate(application, "asked_to_meet")
    return application


@transaction.atomic
def application_answer(*, application: Application, agree: bool, by: User) -> Application:
    """The candidate agrees to meet the company (which then sees who they are) or declines (the
    company is told, without a reason)."""
    locked = transition(
        CANDIDATE_MOVES,
        application,
        "agree" if agree else "decline_meeting",
        by=by,
        queryset=Application.objects.select_related("candidate", "company__organisation"),
    )
    if agree:
        disclosure_sync(company=locked.company, candidate=locked.candidate)
    _tell_company(locked, "agreed" if agree else "declined_to_meet")
    return locked


@transaction.atomic
def application_candidate_withdraw(*, application: Application, by: User) -> Application:
    """The candidate no longer wishes to go on with this company: it no longer sees who they
    are (unless another of its applications with them goes on)."""
    locked = transition(
        CANDIDATE_MOVES,
        application,
        "withdraw",
        by=by,
        queryset=Application.objects.select_related("candidate", "company__organisation"),
    )
    disclosure_sync(company=locked.company, candidate=locked.candidate)
    _end_interviews(locked)
    _tell_company(locked, "candidate_withdrew")
    return locked


@transaction.atomic
def application_company_move(
    *, application: Application, move: str, by: User, note: str = ""
) -> Application:
    """The company does not go on with the candidate (`reject`, its note kept for itself) or
    withdraws a request the candidate has not answered (`withdraw`); the candidate is told
    politely, without the company's note."""

    def keep_note(locked: Application) -> list[str]:
        if note.strip():
            locked.company_note = "\n".join(filter(None, [locked.company_note, note.strip()]))
            return ["company_note"]
        return []

    locked = transition(
        COMPANY_MOVES,
        application,
        move,
        by=by,
        note=note,
        queryset=Application.objects.select_related("candidate", "company__organisation"),
        prepare=keep_note,
    )
    _end_interviews(locked)
    _tell_candidate(locked, "not_retained" if move == "reject" else "request_withdrawn")
    return locked


def _end_interviews(application: Application) -> None:
    from .interviews import interviews_end  # interviews builds on this module

    interviews_end(application=application)
