"""Interviews: a company proposes times, the candidate picks one; both calendars follow."""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.notifications import notify
from thamm.transitions import transition
from thamm.uploads import upload_check

from ..calendar import interview_event
from ..models import Application, Interview, InterviewDocument, InterviewSlot
from .applications import (
    CANDIDATE_MOVES,
    COMPANY_MOVES,
    ITALY,
    MOROCCO,
    _check_acts_for,
    _check_is_the_candidate,
    company_people,
)

MAX_TIMES = 3
IS = Interview.Status


def _when(moment: datetime.datetime, zone: str) -> str:
    return formats.date_format(moment.astimezone(ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


def _check_candidate_free(
    *, candidate_id: int, starts_at, minutes: int, exclude: int | None = None
) -> None:
    """The candidate has no other interview then (scheduled, with any company). The refusal
    names the time only: another company's interest is nobody else's business."""
    ends_at = starts_at + datetime.timedelta(minutes=minutes)
    busy = (
        InterviewSlot.objects.filter(
            interview__application__candidate_id=candidate_id,
            interview__status=IS.SCHEDULED,
            interview__chosen=F("pk"),
            starts_at__lt=ends_at,
        )
        .exclude(interview_id=exclude)
        .select_related("interview")
    )
    for slot in busy:
        if slot.ends_at > starts_at:
            raise DomainError(
                _("The candidate is not free at %(time)s (Italian time): choose another time.")
                % {"time": _when(starts_at, ITALY)}
            )


def _check_times(times, *, candidate_id: int, minutes: int, exclude: int | None = None) -> None:
    if not 1 <= len(times) <= MAX_TIMES:
        raise DomainError(_("Propose one to three times."))
    now = timezone.now()
    for moment in times:
        if moment <= now:
            raise DomainError(
                _("%(time)s (Italian time) has passed: propose a time to come.")
                % {"time": _when(moment, ITALY)}
            )
        _check_candidate_free(
            candidate_id=candidate_id, starts_at=moment, minutes=minutes, exclude=exclude
        )
    ordered = sorted(times)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later < earlier + datetime.timedelta(minutes=minutes):
            raise DomainError(_("The times you propose overlap: leave room between them."))


def _tell_about_interview(
    interview: Interview, kind: str, *, candidate: bool = True, company: bool = True, cancel=False
) -> None:
    """Tell the candidate and the company's people; a chosen time goes as an iCalendar event."""
    application = interview.application
    slot = interview.chosen
    context = {
        "application": application,
        "vacancy": application.vacancy,
        "interview": interview,
        "code": application.candidate.code,
        "times": [s.starts_at for s in interview.slots.all()],
        "when": slot.starts_at if slot else None,
    }
    user = application.candidate.user
    ics = (
        interview_event(interview, slot, cancel=cancel, attendee=user.email if user else "")
        if slot
        else ""
    )
    if candidate and user is not None:
        notify(
            recipients=[user],
            kind=f"interview.{kind}",
            template=f"matching/email/interview_{kind}",
            context={**context, "zone": MOROCCO},
            link=reverse("matching:my_application", kwargs={"pk": application.pk}),
            calendar=ics,
        )
    if company:
        notify(
            recipients=company_people(application.company),
            kind=f"interview.{kind}",
            template=f"matching/email/interview_{kind}_company",
            context={**context, "zone": ITALY},
            link=application.get_absolute_url(),
            calendar=ics,
        )


@transaction.atomic
def interview_propose(
    *,
    application: Application,
    times: list[datetime.datetime],
    mode: str,
    by: User,
    video_link: str = "",
    place: str = "",
    minutes: int = 45,
    guidance: str = "",
) -> Interview:
    """The company proposes one to three times to a candidate who agreed to meet it, by video
    or in a place, with what the candidate should know; the candidate is told, their times in
    Moroccan time."""
    _check_acts_for(company=application.company, by=by)
    interview = Interview(
        application=application,
        mode=mode,
        video_link=video_link.strip(),
        place=place.strip(),
        duration_minutes=minutes,
        guidance=guidance.strip(),
        proposed_by=by,
    )
    interview.full_clean(exclude={"application", "chosen"})
    _check_times(times, candidate_id=application.candidate_id, minutes=minutes)

    def create(locked: Application) -> None:
        interview.application = locked
        interview.save()
        InterviewSlot.objects.bulk_create(
            [InterviewSlot(interview=interview, starts_at=t) for t in sorted(times)]
        )

    transition(
        COMPANY_MOVES,
        application,
        "propose_interview",
        by=by,
        queryset=Application.objects.select_related("candidate", "company", "vacancy"),
        then=create,
    )
    _tell_about_interview(interview, "proposed", company=False)
    return interview


def _locked_interview(interview: Interview) -> Interview:
    return (
        Interview.objects.select_for_update(of=("self",))
        .select_related("application__candidate__user", "application__company", "chosen")
        .get(pk=interview.pk)
    )


@transaction.atomic
def interview_choose(*, interview: Interview, slot_id: int, by: User) -> Interview:
    """The candidate picks one of the proposed times: the interview is set, and both sides get
    the calendar invitation."""
    locked = _locked_interview(interview)
    _check_is_the_candidate(application=locked.application, by=by)
    if locked.status != IS.PROPOSED:
        raise DomainError(_("These times are no longer on offer."))
    slot = locked.slots.filter(pk=slot_id).first()
    if slot is None:
        raise DomainError(_("Choose one of the times proposed."))
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This time has passed: choose another, or ask for other times."))
    _check_candidate_free(
        candidate_id=locked.application.candidate_id,
        starts_at=slot.starts_at,
        minutes=locked.duration_minutes,
        exclude=locked.pk,
    )
    transition(CANDIDATE_MOVES, locked.application, "choose_time", by=by)
    locked.chosen, locked.status = slot, IS.SCHEDULED
    locked.save(update_fields=["chosen", "status", "updated_at"])
    _tell_about_interview(locked, "scheduled")
    return locked


@transaction.atomic
def interview_ask_other_times(*, interview: Interview, message: str, by: User) -> Interview:
    """None of the times suits the candidate: the company is asked for others."""
    locked = _locked_interview(interview)
    _check_is_the_candidate(application=locked.application, by=by)
    if locked.status != IS.PROPOSED:
        raise DomainError(_("These times are no longer on offer."))
    transition(CANDIDATE_MOVES, locked.application, "ask_other_times", by=by, note=message)
    locked.status, locked.candidate_note = IS.OTHER_TIMES, message.strip()[:500]
    locked.save(update_fields=["status", "candidate_note", "updated_at"])
    _tell_about_interview(locked, "other_times", candidate=False)
    return locked


@transaction.atomic
def interview_reschedule(
    *, interview: Interview, starts_at: datetime.datetime, by: User
) -> Interview:
    """The company moves a set interview to another time: the calendar event is updated."""
    locked = _locked_interview(interview)
    _check_acts_for(company=locked.application.company, by=by)
    if locked.status != IS.SCHEDULED:
        raise DomainError(_("Only a set interview can be moved."))
    _check_times(
        [starts_at],
        candidate_id=locked.application.candidate_id,
        minutes=locked.duration_minutes,
        exclude=locked.pk,
    )
    slot = InterviewSlot.objects.create(interview=locked, starts_at=starts_at)
    locked.chosen, locked.sequence = slot, locked.sequence + 1
    locked.save(update_fields=["chosen", "sequence", "updated_at"])
    audit(actor=by, action="interview.reschedule", target=locked.application)
    _tell_about_interview(locked, "moved")
    return locked


@transaction.atomic
def interview_cancel(*, interview: Interview, by: User, reason: str = "") -> Interview:
    """The company cancels proposed or set times; a set one is removed from the calendars."""
    locked = _locked_interview(interview)
    _check_acts_for(company=locked.application.company, by=by)
    if locked.status not in (IS.PROPOSED, IS.SCHEDULED):
        raise DomainError(_("This interview is not planned any more."))
    was_set = locked.status == IS.SCHEDULED
    transition(COMPANY_MOVES, locked.application, "cancel_interview", by=by, note=reason)
    locked.status, locked.sequence = IS.CANCELLED, locked.sequence + 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    _tell_about_interview(locked, "cancelled", cancel=was_set)
    return locked


@transaction.atomic
def interview_held(*, interview: Interview, note: str, by: User) -> Interview:
    """The company records that the interview took place, and how it went (for itself)."""
    locked = _locked_interview(interview)
    _check_acts_for(company=locked.application.company, by=by)
    if locked.status != IS.SCHEDULED:
        raise DomainError(_("Only a set interview can be recorded as held."))
    if locked.chosen.starts_at > timezone.now():
        raise DomainError(_("The interview has not taken place yet."))
    transition(COMPANY_MOVES, locked.application, "interview_held", by=by)
    locked.status, locked.outcome_note = IS.HELD, note.strip()
    locked.save(update_fields=["status", "outcome_note", "updated_at"])
    _tell_about_interview(locked, "held", company=False)
    return locked


@transaction.atomic
def interview_document_add(*, interview: Interview, upload, by: User) -> InterviewDocument:
    """Give the candidate a file of guidance for a proposed or set interview (PDF, JPEG or
    PNG, by its content, 10 MB at most)."""
    _check_acts_for(company=interview.application.company, by=by)
    if interview.status not in (IS.PROPOSED, IS.SCHEDULED):
        raise DomainError(_("This interview is not planned any more."))
    checked = upload_check(upload)
    document = InterviewDocument(
        interview=interview,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    audit(
        actor=by,
        action="interview.document_add",
        target=interview.application,
        detail={"document": document.pk},
    )
    return document


def interviews_end(*, application: Application) -> int:
    """An application that ends takes its planned interviews with it: they are cancelled, and a
    set one leaves both sides' calendars (the candidate is free again for other companies).
    Inside the caller's transaction; returns how many were cancelled."""
    ended = 0
    for interview in (
        Interview.objects.select_for_update(of=("self",))
        .filter(application=application, status__in=(IS.PROPOSED, IS.SCHEDULED))
        .select_related("application__candidate__user", "application__company", "chosen")
    ):
        was_set = interview.status == IS.SCHEDULED
        interview.status, interview.sequence = IS.CANCELLED, interview.sequence + 1
        interview.save(update_fields=["status", "sequence", "updated_at"])
        if was_set:
            _tell_about_interview(interview, "cancelled", cancel=True)
        ended += 1
    return ended
