"""Offers and the scheme's quota (DESIGN.md §5, §6).

An offer takes its terms from the vacancy and may improve them, never worsen them. Before one is
sent, three gates: the company is verified, it has signed the employer-pays statement in force,
and the person sending it has done the ethical-recruitment course (an advisor may prepare an
offer; a company user sends it). The candidate reads the terms in their language and accepts or
declines; accepting stores exactly what they read (the terms, their hash, the language, the
time), takes one of the scheme's places, withdraws their other applications (their companies
are told) and opens their pre-departure case.

The places: held ones never exceed the scheme's quota, also when many accept at once. The
acceptance locks the scheme's row (SELECT … FOR UPDATE), counts the places held, and takes one
in the same transaction; a region that keeps to its target (the scheme's setting) takes no
more while another region's target is unmet.
"""

import datetime
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.models import Role, User
from candidates.models import Candidate
from companies.models import PAY_BOUNDS, Company, Vacancy
from companies.selectors import signed_current_statement
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.lists import join_sentences
from thamm.models import Scheme
from thamm.notifications import notify
from thamm.scheme import region_name
from thamm.transitions import Lifecycle, Move, transition

from ..models import HOUSING_ORDER, QUOTA, Application, Offer, QuotaSlot
from ..signals import offer_accepted
from .applications import (
    COMPANY_MOVES,
    _check_acts_for,
    _check_is_the_candidate,
    _tell_company,
    disclosure_sync,
)
from .interviews import interviews_end

A, OS = Application.Stage, Offer.Status
# The candidate's stage once they accept (the pre-departure app moves them on from there).
SELECTION = Lifecycle(
    model=Candidate,
    moves=(
        Move(
            "select",
            (Candidate.Status.AVAILABLE, Candidate.Status.CERTIFIED),
            Candidate.Status.SELECTED,
            manual=False,
        ),
    ),
    audit_prefix="candidate.stage",
    refusal=_l("A candidate who is “%(stage)s” cannot accept an offer."),
    roles=(),
    changed_at_field="status_changed_at",
)
# What a company may set on an offer (the rest is the vacancy's: occupation, place, CCNL and
# level, contract type).
OFFER_FIELDS = (
    "job_title",
    "gross_monthly_pay",
    "hours_per_week",
    "contract_months",
    "housing",
    "start_date",
    "expires_on",
)
LATEST_START_DAYS = 180  # an offer's start may come this long after the vacancy's


def _euros(amount) -> str:
    """An amount as the reader's language writes it (its decimal mark and digit grouping), as the
    vacancy's page shows pay."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def offer_terms_from(vacancy: Vacancy) -> dict:
    """An offer's terms as the vacancy gives them (the form's starting point)."""
    return {
        "job_title": vacancy.title,
        "gross_monthly_pay": vacancy.gross_monthly_pay,
        "hours_per_week": vacancy.hours_per_week,
        "contract_months": vacancy.contract_months,
        "housing": vacancy.housing,
        "start_date": vacancy.start_date,
        "expires_on": min(vacancy.start_date, timezone.localdate() + datetime.timedelta(days=14)),
    }


def offer_check_terms(*, vacancy: Vacancy, terms: dict) -> None:
    """An offer may improve the vacancy's terms for the worker, never worsen them: no lower pay,
    no more hours, no shorter fixed term, no less housing; a start not in the past nor more than
    six months after the vacancy's; an answer due before the start. Raises DomainError naming
    every term out of bounds."""
    problems = []
    pay = Decimal(terms["gross_monthly_pay"])
    if pay < vacancy.gross_monthly_pay or pay > PAY_BOUNDS[1]:
        problems.append(
            _("the gross monthly pay must be from %(low)s to %(high)s euros")
            % {
                "low": formats.number_format(
                    vacancy.gross_monthly_pay, 2, use_l10n=True, force_grouping=True
                ),
                "high": formats.number_format(PAY_BOUNDS[1], 2, use_l10n=True, force_grouping=True),
            }
        )
    if not 8 <= terms["hours_per_week"] <= vacancy.hours_per_week:
        problems.append(
            _("the hours per week must be from 8 to %(hours)s") % {"hours": vacancy.hours_per_week}
        )
    if vacancy.contract == Vacancy.Contract.FIXED_TERM and (
        not terms["contract_months"] or terms["contract_months"] < vacancy.contract_months
    ):
        problems.append(
            _("the contract must last at least %(months)s months")
            % {"months": vacancy.contract_months}
        )
    if HOUSING_ORDER.index(terms["housing"]) < HOUSING_ORDER.index(vacancy.housing):
        problems.append(_("the housing cannot be less than the vacancy's"))
    today = timezone.localdate()
    latest = vacancy.start_date + datetime.timedelta(days=LATEST_START_DAYS)
    if not today <= terms["start_date"] <= latest:
        problems.append(
            _("the start date must be from today to %(date)s")
            % {"date": formats.date_format(latest, "SHORT_DATE_FORMAT")}
        )
    if not today < terms["expires_on"] <= terms["start_date"]:
        problems.append(_("the answer must be due after today and by the start date"))
    if problems:
        raise DomainError(
            _("This offer is outside what the vacancy allows: %(problems)s.")
            % {"problems": join_sentences(problems)}
        )


def offer_gates(*, company: Company, by: User) -> list[str]:
    """What stops `by` sending an offer for `company` now, each with how to clear it (empty:
    nothing). The ethical-recruitment gates of DESIGN.md §6."""
    missing = []
    if company.status != Company.Status.VERIFIED:
        missing.append(_("The company is not verified: IOM or its chamber advisor verifies it."))
    if not signed_current_statement(user=by, company=company):
        missing.append(
            _(
                "The company has not signed the employer-pays statement in force: an "
                "administrator of the company signs it on the company's “Employer pays” page."
            )
        )
    if by.role != Role.COMPANY:
        missing.append(_("An offer is sent by a user of the company (an advisor prepares it)."))
    elif by.ethical_training_completed_on is None:
        missing.append(
            _(
                "You have not completed the ethical-recruitment training: once you have, IOM "
                "records it on your account."
            )
        )
    return missing


def places_left(scheme: Scheme | None = None) -> int:
    """The scheme's places not held (never below 0)."""
    scheme = scheme or Scheme.objects.get(is_current=True)
    held = QuotaSlot.objects.filter(scheme=scheme, released_at__isnull=True).count()
    return max(scheme.quota - held, 0)


def _save_terms(offer: Offer, vacancy: Vacancy, terms: dict) -> None:
    offer_check_terms(vacancy=vacancy, terms=terms)
    for name in OFFER_FIELDS:
        setattr(offer, name, terms[name])
    offer.occupation_id = vacancy.occupation_id
    offer.ccnl, offer.ccnl_level = vacancy.ccnl, vacancy.ccnl_level
    offer.contract = vacancy.contract
    if vacancy.contract == Vacancy.Contract.PERMANENT:
        offer.contract_months = None
    unit = vacancy.unit
    offer.place_of_work = f"{unit.address}, {unit.comune} ({unit.province[3:]})"
    offer.region = unit.region


@transaction.atomic
def offer_prepare(*, application: Application, terms: dict, by: User) -> Offer:
    """Prepare (or change) the offer of an interviewed candidate, without sending it."""
    _check_acts_for(company=application.company, by=by)
    locked = (
        Application.objects.select_for_update()
        .select_related("vacancy__unit", "company")
        .get(pk=application.pk)
    )
    if locked.status != A.INTERVIEWED:
        raise DomainError(_("An offer follows the interview: record the interview first."))
    offer = Offer.objects.filter(application=locked).first() or Offer(application=locked)
    if offer.pk and offer.status != OS.DRAFT:
        raise DomainError(_("This offer has been sent already."))
    _save_terms(offer, locked.vacancy, terms)
    offer.prepared_by = by
    offer.full_clean(exclude={"application", "occupation"})
    offer.save()
    audit(actor=by, action="offer.prepare", target=locked, detail={"offer": offer.pk})
    return offer


@transaction.atomic
def offer_send(*, offer: Offer, by: User) -> Offer:
    """Send a prepared offer to the candidate, once the three ethical-recruitment gates are
    open; the candidate is told in their language."""
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__company", "application__candidate__user")
        .get(pk=offer.pk)
    )
    application = locked.application
    _check_acts_for(company=application.company, by=by)
    missing = offer_gates(company=application.company, by=by)
    if missing:
        raise DomainError(
            _("The offer cannot be sent yet: %(missing)s") % {"missing": join_sentences(missing)}
        )
    if locked.status != OS.DRAFT:
        raise DomainError(_("This offer has been sent already."))
    if locked.expires_on <= timezone.localdate():
        raise DomainError(_("The answer date has passed: change it before sending."))
    if places_left() == 0:
        raise DomainError(_("The scheme is full: no place is left for a new worker."))
    transition(COMPANY_MOVES, application, "offer", by=by)
    locked.status, locked.sent_by, locked.sent_at = OS.SENT, by, timezone.now()
    locked.save(update_fields=["status", "sent_by", "sent_at", "updated_at"])
    user = application.candidate.user
    if user is not None:
        notify(
            recipients=[user],
            kind="offer.sent",
            template="matching/email/offer_sent",
            context={"application": application, "offer": locked},
            link=reverse("matching:my_application", kwargs={"pk": application.pk}),
        )
    return locked


def offer_terms(offer: Offer, language: str) -> list[tuple[str, str]]:
    """The offer's terms as the candidate reads them: (label, value) in `language`, values
    formatted for it. What acceptance stores, and hashes."""
    with translation.override(language):
        contract = dict(Vacancy.Contract.choices)[offer.contract]
        if offer.contract_months:
            contract = _("%(contract)s, %(months)s months") % {
                "contract": contract,
                "months": offer.contract_months,
            }
        rows = [
            (_("Employer"), offer.application.company.legal_name),
            (_("Job"), offer.job_title),
            (_("Occupation"), str(offer.occupation)),
            (_("Place of work"), f"{offer.place_of_work} — {region_name(offer.region)}"),
            (_("CCNL and level"), f"{offer.ccnl} — {offer.ccnl_level}"),
            (
                _("Gross monthly pay"),
                f"{_euros(offer.gross_monthly_pay)} €",
            ),
            (_("Hours per week"), str(offer.hours_per_week)),
            (_("Contract"), str(contract)),
            (_("Housing"), str(dict(Vacancy.Housing.choices)[offer.housing])),
            (_("Start date"), formats.date_format(offer.start_date, "SHORT_DATE_FORMAT")),
            (_("Answer by"), formats.date_format(offer.expires_on, "SHORT_DATE_FORMAT")),
        ]
        return [(str(label), str(value)) for label, value in rows]


def terms_hash(terms: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(terms, ensure_ascii=False).encode()).hexdigest()


def _check_region_target(scheme: Scheme, region: str) -> None:
    """With the scheme's rule on: a region at its target takes no more while another's is
    unmet."""
    targets = {code: int(n) for code, n in (scheme.region_targets or {}).items()}
    if not (scheme.region_targets_enforced and region in targets):
        return
    held = dict(
        QuotaSlot.objects.filter(scheme=scheme, released_at__isnull=True)
        .values_list("region")
        .annotate(n=Count("pk"))
    )
    unmet = [
        code for code, target in targets.items() if code != region and held.get(code, 0) < target
    ]
    if held.get(region, 0) >= targets[region] and unmet:
        raise DomainError(
            _(
                "The places for %(region)s are all taken while other regions still have "
                "theirs: the offer cannot be accepted now. Ask IOM when places open again."
            )
            % {"region": region_name(region)}
        )


@transaction.atomic
def offer_accept(*, offer: Offer, by: User, language: str, shown_hash: str) -> Offer:
    """The candidate accepts the offer they read (`shown_hash`: the hash of the terms on their
    page, in `language`): one of the scheme's places is theirs, their other applications end,
    and their pre-departure case opens."""
    scheme = Scheme.objects.select_for_update().get(is_current=True)  # one acceptance at a time
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__candidate__user", "application__company", "occupation")
        .get(pk=offer.pk)
    )
    application = locked.application
    _check_is_the_candidate(application=application, by=by)
    if locked.status != OS.SENT:
        raise DomainError(_("This offer can no longer be accepted."))
    if locked.expires_on < timezone.localdate():
        raise DomainError(
            _("This offer expired on %(date)s.")
            % {"date": formats.date_format(locked.expires_on, "SHORT_DATE_FORMAT")}
        )
    terms = offer_terms(locked, language)
    if terms_hash(terms) != shown_hash:
        raise DomainError(_("The offer's terms have changed since you opened it: read them again."))
    candidate = Candidate.objects.select_for_update().get(pk=application.candidate_id)
    if QuotaSlot.objects.filter(candidate=candidate, released_at__isnull=True).exists():
        raise DomainError(_("You have accepted an offer already."))
    held = QuotaSlot.objects.filter(scheme=scheme, released_at__isnull=True).count()
    if held >= scheme.quota:
        raise DomainError(
            _("The scheme is full: every one of its %(quota)s places is taken.")
            % {"quota": scheme.quota}
        )
    _check_region_target(scheme, locked.region)
    QuotaSlot.objects.create(
        scheme=scheme,
        offer=locked,
        candidate=candidate,
        company=application.company,
        region=locked.region,
    )
    now = timezone.now()
    locked.status, locked.decided_at = OS.ACCEPTED, now
    locked.accepted_terms, locked.accepted_terms_hash = terms, shown_hash
    locked.accepted_language = language
    locked.save()
    transition(CANDIDATE_OFFER_MOVES, application, "accept", by=by)
    transition(SELECTION, candidate, "select", by=by, checked=True)
    for other in (
        Application.objects.filter(candidate=candidate, status__in=Application.OPEN_STAGES)
        .exclude(pk=application.pk)
        .select_related("company", "candidate")
    ):
        _end_for_candidate(other, by, "withdraw_accepted_elsewhere")
    offer_accepted.send(sender=Offer, offer=locked)
    audit(
        actor=by,
        action="offer.accept",
        target=application,
        detail={"offer": locked.pk, "hash": shown_hash, "language": language},
    )
    _tell_company(application, "offer_accepted")
    return locked


def _end_for_candidate(application: Application, by: User, move: str) -> None:
    """One of the candidate's other applications ends because they accepted an offer elsewhere
    (`move` withdraw_accepted_elsewhere) or left the scheme (withdraw_left_scheme): an offer sent
    there is withdrawn, its interviews cancelled, the company told and no longer sees them."""
    Offer.objects.filter(application=application, status=OS.SENT).update(
        status=OS.WITHDRAWN, decided_at=timezone.now()
    )
    transition(CANDIDATE_OFFER_MOVES, application, move, by=by)
    interviews_end(application=application)
    disclosure_sync(company=application.company, candidate=application.candidate)
    _tell_company(application, "candidate_withdrew")


@transaction.atomic
def offer_decline(*, offer: Offer, by: User) -> Offer:
    """The candidate declines the offer (the company is told, without a reason)."""
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__candidate", "application__company")
        .get(pk=offer.pk)
    )
    _check_is_the_candidate(application=locked.application, by=by)
    if locked.status != OS.SENT:
        raise DomainError(_("This offer can no longer be answered."))
    locked.status, locked.decided_at = OS.DECLINED, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    transition(CANDIDATE_OFFER_MOVES, locked.application, "decline", by=by)
    _tell_company(locked.application, "offer_declined")
    return locked


@transaction.atomic
def offer_withdraw(*, offer: Offer, by: User, reason: str) -> Offer:
    """The company withdraws an offer the candidate has not answered (a reason is required)."""
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__candidate__user", "application__company")
        .get(pk=offer.pk)
    )
    _check_acts_for(company=locked.application.company, by=by)
    if locked.status not in (OS.DRAFT, OS.SENT):
        raise DomainError(_("This offer can no longer be withdrawn."))
    was_sent = locked.status == OS.SENT
    locked.status, locked.decided_at = OS.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    if was_sent:
        transition(COMPANY_MOVES, locked.application, "withdraw_offer", by=by, note=reason)
        user = locked.application.candidate.user
        if user is not None:
            notify(
                recipients=[user],
                kind="offer.withdrawn",
                template="matching/email/offer_withdrawn",
                context={"application": locked.application},
                link=reverse("matching:my_application", kwargs={"pk": locked.application_id}),
            )
    else:
        audit(
            actor=by, action="offer.discard", target=locked.application, detail={"reason": reason}
        )
    return locked


def offers_expire(*, today: datetime.date | None = None) -> int:
    """Sent offers whose answer date has passed expire (a daily task); each side is told.
    Running it twice changes nothing more."""
    today = today or timezone.localdate()
    done = 0
    for offer in Offer.objects.filter(status=OS.SENT, expires_on__lt=today).select_related(
        "application__company", "application__candidate__user"
    ):
        with transaction.atomic():
            if not Offer.objects.filter(pk=offer.pk, status=OS.SENT).update(
                status=OS.EXPIRED, decided_at=timezone.now()
            ):
                continue
            transition(COMPANY_MOVES, offer.application, "expire", by=None, checked=True)
            _tell_company(offer.application, "offer_expired")
            done += 1
    return done


CANDIDATE_OFFER_MOVES = Lifecycle(
    model=Application,
    moves=(
        Move("accept", (A.OFFERED,), A.ACCEPTED, manual=False),
        Move("decline", (A.OFFERED,), A.DECLINED, manual=False),
        Move("withdraw_accepted_elsewhere", Application.OPEN_STAGES, A.WITHDRAWN, manual=False),
        Move("withdraw_left_scheme", Application.OPEN_STAGES, A.WITHDRAWN, manual=False),
    ),
    audit_prefix="application",
    refusal=_l("This is not possible now: the application is “%(stage)s”."),
    roles=(Role.CANDIDATE,),
    changed_at_field="status_changed_at",
)


@transaction.atomic
def quota_release(*, candidate: Candidate, reason: str, by: User | None) -> int:
    """Give back the place a worker holds (they withdrew, or their case closed, before
    departure); returns how many were released (0 or 1)."""
    released = QuotaSlot.objects.filter(candidate=candidate, released_at__isnull=True).update(
        released_at=timezone.now(), release_reason=reason[:300]
    )
    if released:
        QUOTA.changed()  # an update sends no signal
        audit(actor=by, action="quota.release", target=candidate, detail={"reason": reason})
    return released


@transaction.atomic
def applications_end_for_withdrawal(*, candidate: Candidate, by: User) -> int:
    """A candidate who left the scheme: their open applications end (each company is told,
    and no longer sees who they are), and any place they held goes back to the scheme."""
    ended = 0
    for application in Application.objects.filter(
        candidate=candidate, status__in=Application.OPEN_STAGES
    ).select_related("company", "candidate"):
        _end_for_candidate(application, by, "withdraw_left_scheme")
        ended += 1
    quota_release(candidate=candidate, reason="the candidate withdrew from the scheme", by=by)
    return ended
