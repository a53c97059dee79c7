"""Writes with rules for pre-departure cases (DESIGN.md §4): opening a case, recording its
steps in the law's order, closing it early, and the daily deadline reminders.

Each step is recorded through the shared transition helper (`thamm.transitions`), which locks
the step and its case, records the stage change and the audit entry; the checks here are the
order of the steps, their dates and what each must carry."""

import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.models import Organisation, Role, User
from accounts.selectors import organisation_members
from candidates.models import Candidate, CandidateDocument
from matching.models import Offer
from matching.services import ITALY, MOROCCO, company_people, quota_release
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.notifications import notify
from thamm.transitions import Lifecycle, Move, transition
from thamm.uploads import upload_check

from .models import (
    Case,
    CaseDocument,
    Cost,
    DocumentType,
    Dossier,
    FeeAttestation,
    PassportCheck,
    PassportHandover,
    Reminder,
    Step,
    Travel,
)
from .mrz import check as mrz_check
from .rules import (
    CANDIDATE,
    CENTRE,
    COMPANY,
    DEADLINE_LABELS,
    DEADLINE_PARTY,
    IOM,
    NULLA_OSTA_VALID,
    POSITION,
    RULES,
    STEPS,
    may_record,
    may_upload,
    may_verify,
)
from .selectors import case_deadlines, case_list

K = Step.Kind
S = Candidate.Status
MOROCCO_ZONE, ITALY_ZONE = ZoneInfo(MOROCCO), ZoneInfo(ITALY)


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _check_sees(case: Case, by: User) -> None:
    if not (by.is_authenticated and case_list(user=by).filter(pk=case.pk).exists()):
        raise DomainError(_("You cannot act on this case."))


STEP_MOVES = Lifecycle(
    model=Step,
    moves=(Move("record", (Step.Status.PENDING,), Step.Status.DONE, manual=False),),
    audit_prefix="case.step",
    refusal=_l("This step is recorded already."),
    roles=(Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.CANDIDATE, Role.IOM),
)

CASE_MOVES = Lifecycle(
    model=Case,
    moves=(
        Move("complete", (Case.Status.OPEN,), Case.Status.EMPLOYED, manual=False),
        Move(
            "close",
            (Case.Status.OPEN,),
            Case.Status.CLOSED,
            _l("Close the case"),
            reason_required=_l("Say why the case closes."),
        ),
    ),
    audit_prefix="case",
    refusal=_l("This case is “%(stage)s”: it cannot change now."),
    roles=(Role.COMPANY, Role.CHAMBER, Role.CANDIDATE, Role.IOM),
    changed_at_field="status_changed_at",
    reason_field="close_note",
)

# The worker's own stages that the case moves (the candidates app's lifecycle stops at
# "available"; the selection's at "selected").
JOURNEY = Lifecycle(
    model=Candidate,
    moves=(
        Move("start_predeparture", (S.SELECTED,), S.PREDEPARTURE, manual=False),
        Move("arrive", (S.PREDEPARTURE,), S.ARRIVED, manual=False),
        Move("employ", (S.ARRIVED,), S.EMPLOYED, manual=False),
        # A case closed early before departure: the worker is free to be chosen by another
        # company, shown to companies again if their consent says so, else certified.
        Move("case_closed", (S.SELECTED, S.PREDEPARTURE), S.CERTIFIED, manual=False),
        Move("case_closed_shown", (S.SELECTED, S.PREDEPARTURE), S.AVAILABLE, manual=False),
        Move("withdraw", (S.SELECTED, S.PREDEPARTURE, S.ARRIVED), S.WITHDRAWN, manual=False),
    ),
    audit_prefix="candidate.stage",
    refusal=_l("A candidate who is “%(stage)s” cannot move to “%(to)s”."),
    roles=(),
    changed_at_field="status_changed_at",
)
# What recording a step does to the worker's stage (when they are at the move's start).
STEP_JOURNEY = {K.NULLA_OSTA_REQUESTED: "start_predeparture", K.ARRIVED: "arrive"}


def _journey(candidate: Candidate, move: str, by: User | None) -> None:
    if candidate.status in JOURNEY.move(move).sources:
        transition(JOURNEY, candidate, move, by=by, checked=True)


def refresh_next_due(case: Case, steps: list[Step] | None = None) -> None:
    """Keep the case's nearest deadline not yet met (home pages sort on it)."""
    steps = steps if steps is not None else list(case.steps.all())
    open_ones = [d.due_on for d in case_deadlines(case, steps, timezone.localdate()) if not d.met]
    due = min(open_ones) if open_ones else None
    if due != case.next_due_on:
        case.next_due_on = due
        Case.objects.filter(pk=case.pk).update(next_due_on=due)


@transaction.atomic
def case_open(*, offer: Offer) -> Case:
    """Open the worker's case for an accepted offer (once: running it again returns the same
    case), with its steps; the acceptance is the first one done."""
    application = offer.application
    case, created = Case.objects.get_or_create(
        offer=offer,
        defaults={"candidate": application.candidate, "company": application.company},
    )
    if not created:
        return case
    accepted_on = timezone.localdate(offer.decided_at) if offer.decided_at else None
    Step.objects.bulk_create(
        Step(
            case=case,
            kind=rule.kind,
            position=POSITION[rule.kind],
            responsible=rule.responsible,
            status=Step.Status.DONE if rule.kind == K.ACCEPTED else Step.Status.PENDING,
            done_on=accepted_on if rule.kind == K.ACCEPTED else None,
        )
        for rule in STEPS
    )
    case.offer = offer
    refresh_next_due(case)
    audit(actor=None, action="case.open", target=case, detail={"offer": offer.pk})
    return case


def _check_step(
    locked: Step,
    steps: list[Step],
    *,
    by: User,
    done_on: datetime.date | None,
    reference: str,
    exception_reason: str,
    visa_valid_from: datetime.date | None,
    visa_valid_until: datetime.date | None,
) -> None:
    """The checks of a step's record against the case's other steps (read under the lock)."""
    rule = RULES[locked.kind]
    case = locked.case
    _check_open(case)
    if not may_record(rule, by.role):
        raise DomainError(_("This step is not yours to record."))
    if done_on is None:
        raise DomainError(_("Give the date."))
    today = timezone.localdate()
    if done_on > today and not rule.future_date:
        raise DomainError(_("The date cannot be in the future."))
    if rule.reference_required and not reference:
        raise DomainError(_("Fill in “%(reference)s”.") % {"reference": rule.reference_label})
    earlier = [s for s in steps if s.position < locked.position]
    missing = [s for s in earlier if s.status == Step.Status.PENDING]
    if missing:
        allowed = set(rule.may_precede)
        if any(s.kind not in allowed for s in missing):
            first = missing[0]
            raise DomainError(
                _("The step “%(step)s” comes first.") % {"step": first.get_kind_display()}
            )
        if not exception_reason:
            raise DomainError(
                _(
                    "The step “%(step)s” is not done yet: say why this one comes before it "
                    "(the law allows it)."
                )
                % {"step": missing[0].get_kind_display()}
            )
    done_before = [s for s in earlier if s.status == Step.Status.DONE and s.done_on]
    if done_before:
        last = max(done_before, key=lambda s: (s.done_on, s.position))
        if done_on < last.done_on:
            raise DomainError(
                _("The date cannot be before that of the step “%(step)s” (%(date)s).")
                % {"step": last.get_kind_display(), "date": _date(last.done_on)}
            )
    done = {s.kind: s.done_on for s in steps if s.status == Step.Status.DONE}
    if locked.kind == K.VISA_APPLIED and K.NULLA_OSTA_ISSUED in done:
        expiry = done[K.NULLA_OSTA_ISSUED] + NULLA_OSTA_VALID
        if done_on > expiry:
            raise DomainError(
                _(
                    "The nulla osta expired on %(date)s: the employer must ask for a new one "
                    "before the visa can be requested."
                )
                % {"date": _date(expiry)}
            )
    if locked.kind == K.VISA_ISSUED:
        if visa_valid_from is None or visa_valid_until is None:
            raise DomainError(_("Give the dates the visa is valid from and until."))
        if visa_valid_until <= visa_valid_from:
            raise DomainError(_("The visa's end must come after its start."))


@transaction.atomic
def step_record(
    *,
    step: Step,
    by: User,
    done_on: datetime.date | None,
    reference: str = "",
    exception_reason: str = "",
    visa_valid_from: datetime.date | None = None,
    visa_valid_until: datetime.date | None = None,
) -> Step:
    """Record a step done: on its date, with its reference number, by a party that records it,
    after the steps before it (or, where the law allows, before them with a reason). The next
    step's party and the worker are told."""
    case = (
        Case.objects.select_for_update().select_related("candidate", "offer").get(pk=step.case_id)
    )
    _check_sees(case, by)
    reference, exception_reason = reference.strip(), exception_reason.strip()
    steps = list(case.steps.order_by("position"))
    current = next(s for s in steps if s.pk == step.pk)
    current.case = case

    def prepare(locked: Step):
        locked.case = case
        _check_step(
            locked,
            steps,
            by=by,
            done_on=done_on,
            reference=reference,
            exception_reason=exception_reason,
            visa_valid_from=visa_valid_from,
            visa_valid_until=visa_valid_until,
        )
        locked.done_on, locked.reference, locked.done_by = done_on, reference, by
        locked.exception_reason = exception_reason if _out_of_order(locked, steps) else ""
        return ["done_on", "reference", "done_by", "exception_reason"]

    recorded = transition(STEP_MOVES, current, "record", by=by, checked=True, prepare=prepare)
    if recorded.kind == K.VISA_ISSUED:
        case.visa_valid_from, case.visa_valid_until = visa_valid_from, visa_valid_until
        case.save(update_fields=["visa_valid_from", "visa_valid_until", "updated_at"])
    if recorded.kind in STEP_JOURNEY:
        _journey(case.candidate, STEP_JOURNEY[recorded.kind], by)
    current.status, current.done_on = recorded.status, recorded.done_on
    if recorded.kind == K.EMPLOYED:
        transition(CASE_MOVES, case, "complete", by=by, checked=True)
        _journey(case.candidate, "employ", by)
    refresh_next_due(case, steps)
    _tell_step_done(case, recorded, steps)
    return recorded


def _out_of_order(step: Step, steps: list[Step]) -> bool:
    return any(s.status == Step.Status.PENDING for s in steps if s.position < step.position)


def party_people(case: Case, party: str) -> list[User]:
    """Who acts for a party of the case: the company's users and its advisors, the worker,
    the centre's users, or IOM's."""
    if party == COMPANY:
        return company_people(case.company)
    if party == CANDIDATE:
        user = case.candidate.user
        return [user] if user is not None else []
    if party == CENTRE:
        return organisation_members(organisation_id=case.candidate.training_centre_id)
    if party == IOM:
        return organisation_members(kind=Organisation.Kind.IOM)
    return []


def _tell_step_done(case: Case, step: Step, steps: list[Step]) -> None:
    """The worker hears of every step; the party of the next step hears it is theirs."""
    following = next(
        (s for s in steps if s.status == Step.Status.PENDING and s.position > step.position),
        None,
    )
    recipients = {u.pk: u for u in party_people(case, CANDIDATE)}
    if following is not None:
        recipients.update({u.pk: u for u in party_people(case, following.responsible)})
    notify(
        recipients=list(recipients.values()),
        kind="case.step_done",
        template="predeparture/email/step_done",
        context={"case": case, "step": step, "next": following},
        link=case.get_absolute_url(),
    )


# Who may close a case, for which reasons: the worker for themself; the company's side and IOM
# for any reason.
CLOSE_REASONS_BY_ROLE = {
    Role.CANDIDATE: (Case.CloseReason.WORKER_WITHDREW,),
    Role.COMPANY: tuple(Case.CloseReason.values),
    Role.CHAMBER: tuple(Case.CloseReason.values),
    Role.IOM: tuple(Case.CloseReason.values),
}


def departed(steps: list[Step]) -> bool:
    return any(s.kind == K.ARRIVED and s.status == Step.Status.DONE for s in steps)


@transaction.atomic
def case_close(*, case: Case, reason: str, note: str, by: User) -> Case:
    """Close a case early with its reason (visa refused, offer withdrawn, the worker or the
    employer withdrew): before departure the worker's place goes back to the scheme; the
    worker, the company's side and the centre are told."""
    _check_sees(case, by)
    if reason not in CLOSE_REASONS_BY_ROLE.get(by.role, ()):
        raise DomainError(_("Choose why the case closes."))
    return _close(case, reason=reason, note=note, by=by)


def _close(case: Case, *, reason: str, note: str, by: User | None) -> Case:
    def prepare(locked: Case):
        locked.close_reason = reason
        return ["close_reason"]

    closed = transition(CASE_MOVES, case, "close", by=by, note=note, checked=True, prepare=prepare)
    candidate = Candidate.objects.get(pk=closed.candidate_id)
    steps = list(closed.steps.all())
    if not departed(steps):
        quota_release(candidate=candidate, reason=f"pre-departure case closed: {reason}", by=by)
    if reason == Case.CloseReason.WORKER_WITHDREW:
        move = "withdraw"
    else:
        move = "case_closed_shown" if candidate.profile_shared else "case_closed"
    _journey(candidate, move, by)
    closed.candidate = candidate
    recipients = {}
    for party in (CANDIDATE, COMPANY, CENTRE):
        recipients.update({u.pk: u for u in party_people(closed, party)})
    notify(
        recipients=list(recipients.values()),
        kind="case.closed",
        template="predeparture/email/case_closed",
        context={"case": closed, "reason": Case.CloseReason(reason).label},
        link=closed.get_absolute_url(),
    )
    return closed


@transaction.atomic
def cases_close_for_withdrawal(*, candidate: Candidate, by: User | None, reason: str) -> int:
    """The worker left the scheme (their centre or IOM recorded it): their open case closes
    as withdrawn by the worker, with the reason given."""
    closed = 0
    for case in Case.objects.filter(candidate=candidate, status=Case.Status.OPEN):
        _close(case, reason=Case.CloseReason.WORKER_WITHDREW, note=reason, by=by)
        closed += 1
    return closed


def close_reasons_for(user: User) -> list[tuple[str, str]]:
    allowed = CLOSE_REASONS_BY_ROLE.get(user.role, ())
    return [(value, label) for value, label in Case.CloseReason.choices if value in allowed]


# Reminders ------------------------------------------------------------------------------------

OVERDUE = "overdue"


def threshold_for(days_left: int) -> str | None:
    """Which reminder a deadline `days_left` away calls for: 7 and 2 days before, then
    overdue; none further out. A day the task did not run is caught up the next day."""
    if days_left < 0:
        return OVERDUE
    if days_left <= 2:
        return "2"
    if days_left <= 7:
        return "7"
    return None


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the responsible party of each open case's deadlines that are near (7 and 2 days)
    or passed, in their language: once per deadline, person and threshold (a second run the
    same day sends nothing). Returns how many reminders were sent. `today` is the date in
    Italy (the portal's time zone), where the deadlines run."""
    today = today or timezone.localdate()
    sent = 0
    cases = (
        Case.objects.filter(status=Case.Status.OPEN)
        .select_related("candidate__user", "company", "offer")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position")))
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=200):
        steps = list(case.steps.all())
        for deadline in case_deadlines(case, steps, today):
            if deadline.met:  # in time or late, nothing is left to remind
                continue
            threshold = OVERDUE if deadline.late else threshold_for(deadline.days)
            if threshold is None:
                continue
            for user in party_people(case, DEADLINE_PARTY[deadline.kind]):
                sent += _remind(case, deadline, threshold, user, today)
    return sent


def _remind(case: Case, deadline, threshold: str, user: User, today: datetime.date) -> int:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                case=case,
                deadline=deadline.kind,
                due_on=deadline.due_on,
                threshold=threshold,
                user=user,
            )
            notify(
                recipients=[user],
                kind=f"case.deadline_{threshold}",
                template="predeparture/email/deadline",
                context={
                    "case": case,
                    "deadline": deadline.kind,
                    "label": DEADLINE_LABELS[deadline.kind],  # in the recipient's language
                    "due_on": deadline.due_on,
                    "overdue": threshold == OVERDUE,
                    "days": deadline.days,
                },
                link=reverse("predeparture:case", kwargs={"pk": case.pk}),
            )
    except IntegrityError:  # sent already (by this run's twin, or an earlier one)
        return 0
    return 1


# Travel and passport custody -------------------------------------------------------------------

TRAVEL_ROLES = (Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.IOM)


def _check_open(case: Case) -> None:
    if not case.is_open:
        raise DomainError(_("This case is closed: it can no longer change."))


@transaction.atomic
def travel_save(
    *,
    case: Case,
    by: User,
    departure_airport: str,
    arrival_airport: str,
    flight_number: str,
    departs_at: datetime.datetime,
    arrives_at: datetime.datetime,
) -> Travel:
    """Record (or change) the worker's flight: once the visa's dates are known, leaving within
    them, landing after leaving; not once the worker has arrived. The arrival's date in Italy
    becomes the case's expected arrival (against the offer's start date)."""
    _check_sees(case, by)
    if by.role not in TRAVEL_ROLES:
        raise DomainError(_("The employer, the training centre or IOM books the travel."))
    case = Case.objects.select_for_update().select_related("candidate", "offer").get(pk=case.pk)
    _check_open(case)
    steps = list(case.steps.all())
    if departed(steps):
        raise DomainError(_("The worker has arrived: the travel can no longer change."))
    if case.visa_valid_from is None:
        raise DomainError(_("Record the visa first: the flight is booked within its dates."))
    leaving = timezone.localtime(departs_at, MOROCCO_ZONE).date()
    if not case.visa_valid_from <= leaving <= case.visa_valid_until:
        raise DomainError(
            _("The flight must leave while the visa is valid, from %(start)s to %(end)s.")
            % {"start": _date(case.visa_valid_from), "end": _date(case.visa_valid_until)}
        )
    if arrives_at <= departs_at:
        raise DomainError(_("The arrival must come after the departure."))
    travel, _created = Travel.objects.update_or_create(
        case=case,
        defaults={
            "departure_airport": departure_airport,
            "arrival_airport": arrival_airport,
            "flight_number": flight_number,
            "departs_at": departs_at,
            "arrives_at": arrives_at,
            "recorded_by": by,
        },
    )
    travel.full_clean()
    case.expected_arrival_on = timezone.localtime(arrives_at, ITALY_ZONE).date()
    case.save(update_fields=["expected_arrival_on", "updated_at"])
    refresh_next_due(case, steps)
    audit(
        actor=by,
        action="case.travel",
        target=case,
        detail={"flight": flight_number, "departs_at": departs_at.isoformat()},
    )
    notify(
        recipients=party_people(case, CANDIDATE),
        kind="case.travel",
        template="predeparture/email/travel",
        context={"case": case, "travel": travel},
        link=case.get_absolute_url(),
    )
    return travel


HANDOVER_ROLES = (Role.CANDIDATE, Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.IOM)


@transaction.atomic
def passport_hand_over(*, case: Case, by: User, handed_to: str, handed_on) -> PassportHandover:
    """Record that the worker's passport was handed over (to the consulate, a visa centre):
    one at a time; not on a day to come."""
    _check_sees(case, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_open(case)
    handed_to = handed_to.strip()
    if not handed_to:
        raise DomainError(_("Say to whom the passport was handed."))
    if handed_on is None or handed_on > timezone.localdate():
        raise DomainError(_("Give the day it was handed over (not a day to come)."))
    out = case.handovers.filter(returned_on__isnull=True).first()
    if out is not None:
        raise DomainError(
            _("The passport is with “%(whom)s” since %(date)s: record its return first.")
            % {"whom": out.handed_to, "date": _date(out.handed_on)}
        )
    handover = PassportHandover.objects.create(
        case=case, handed_to=handed_to, handed_on=handed_on, recorded_by=by
    )
    audit(actor=by, action="case.passport_out", target=case, detail={"to": handed_to})
    return handover


@transaction.atomic
def passport_returned(*, handover: PassportHandover, by: User, returned_on) -> PassportHandover:
    """Record the passport back with the worker (not before it left, not on a day to come)."""
    _check_sees(handover.case, by)
    locked = PassportHandover.objects.select_for_update().get(pk=handover.pk)
    if locked.returned_on is not None:
        raise DomainError(_("The passport's return is recorded already."))
    if returned_on is None or returned_on > timezone.localdate():
        raise DomainError(_("Give the day it came back (not a day to come)."))
    if returned_on < locked.handed_on:
        raise DomainError(
            _("The passport cannot come back before it was handed over (%(date)s).")
            % {"date": _date(locked.handed_on)}
        )
    locked.returned_on = returned_on
    locked.save(update_fields=["returned_on", "updated_at"])
    audit(actor=by, action="case.passport_back", target=locked.case)
    return locked


# The fee ledger: the employer pays ----------------------------------------------------------

COST_ROLES = (Role.COMPANY, Role.CHAMBER, Role.IOM)
# What the worker reads and answers, in their language, at each moment (the text is kept).
NO_FEE_STATEMENT = _l(
    "I have paid nothing to anyone for this job: no fee and no cost of recruitment, of papers, "
    "of travel or of anything else."
)


def _flag(case: Case, *, by: User | None, cost=None, attestation=None) -> None:
    """The worker paid something (`cost`, or their `attestation` answered "no"): flag the case
    (and so its company) for IOM, and tell IOM at once."""
    if case.fee_flagged_at is None:
        case.fee_flagged_at = timezone.now()
        Case.objects.filter(pk=case.pk).update(fee_flagged_at=case.fee_flagged_at)
    detail = {"cost": cost.pk} if cost else {"attestation": attestation.pk}
    audit(actor=by, action="case.fee_flag", target=case, detail=detail)
    notify(
        recipients=party_people(case, IOM),
        kind="case.fee_flag",
        template="predeparture/email/fee_flag",
        context={"case": case, "cost": cost, "attestation": attestation},
        link=case.get_absolute_url(),
    )


@transaction.atomic
def cost_record(
    *,
    case: Case,
    by: User,
    kind: str,
    amount,
    currency: str,
    paid_on: datetime.date | None,
    paid_by: str,
    description: str = "",
) -> Cost:
    """Record a cost of the worker's way and who paid it; one the worker paid flags the case."""
    _check_sees(case, by)
    if by.role not in COST_ROLES:
        raise DomainError(_("The employer's side or IOM records the costs."))
    case = Case.objects.select_for_update().select_related("candidate", "company").get(pk=case.pk)
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."))
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError(_("Give the day it was paid (not a day to come)."))
    cost = Cost(
        case=case,
        kind=kind,
        description=description.strip(),
        amount=amount,
        currency=currency,
        paid_on=paid_on,
        paid_by=paid_by,
        recorded_by=by,
    )
    cost.full_clean()
    cost.save()
    audit(actor=by, action="case.cost", target=case, detail={"kind": kind, "paid_by": paid_by})
    if paid_by == Cost.Payer.WORKER:
        _flag(case, by=by, cost=cost)
    return cost


def attestation_moments(steps: list[Step]) -> list[str]:
    """The moments the worker may attest now: at acceptance from the start, before departure
    until they arrive, after arrival once they have."""
    moments = [FeeAttestation.Moment.ACCEPTANCE]
    moments.append(
        FeeAttestation.Moment.AFTER_ARRIVAL
        if departed(steps)
        else FeeAttestation.Moment.BEFORE_DEPARTURE
    )
    return moments


@transaction.atomic
def fee_attest(
    *, case: Case, by: User, moment: str, paid_nothing: bool, note: str, language: str
) -> FeeAttestation:
    """The worker says, in their language, whether they paid nothing; a "no" (what they paid,
    and to whom) flags the case for IOM at once. Once per moment."""
    case = Case.objects.select_for_update().select_related("candidate", "company").get(pk=case.pk)
    if not (by.is_authenticated and case.candidate.user_id == by.pk):
        raise DomainError(_("Only the worker can say this for themself."))
    if moment not in attestation_moments(list(case.steps.all())):
        raise DomainError(_("This is not the moment for this answer."))
    if case.fee_attestations.filter(moment=moment).exists():
        raise DomainError(_("You have answered for this moment already."))
    note = note.strip()
    if not paid_nothing and not note:
        raise DomainError(_("Say what you paid, how much and to whom."))
    with translation.override(language):
        statement = str(NO_FEE_STATEMENT)
    attestation = FeeAttestation.objects.create(
        case=case,
        moment=moment,
        paid_nothing=paid_nothing,
        note="" if paid_nothing else note,
        statement=statement,
        language=language,
        by=by,
    )
    audit(
        actor=by,
        action="case.fee_attest",
        target=case,
        detail={"moment": moment, "paid_nothing": paid_nothing},
    )
    if not paid_nothing:
        _flag(case, by=by, attestation=attestation)
    return attestation


# The passport's machine-readable zone ---------------------------------------------------------


@transaction.atomic
def passport_check(*, case: Case, by: User, lines: str):
    """Check the passport's two MRZ lines (their check digits, then field by field against the
    worker's record); a valid check is kept with the fields that differ. Returns the check and
    the comparison. Lines whose digits fail are refused and nothing is kept."""
    _check_sees(case, by)
    candidate = Candidate.objects.get(pk=case.candidate_id)
    result = mrz_check(candidate, lines)
    kept = PassportCheck.objects.create(
        case=case,
        lines=result.lines,
        digits_valid=True,
        mismatches=result.mismatches,
        checked_by=by,
    )
    audit(actor=by, action="case.passport_check", target=case, detail={"differ": result.mismatches})
    return kept, result


# Documents --------------------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    case: Case,
    doc_type: DocumentType,
    by: User,
    upload=None,
    attach: CandidateDocument | None = None,
    expires_on: datetime.date | None = None,
) -> CaseDocument:
    """Put a document of `doc_type` on the case: a file checked by its content, or the worker's
    own document of the matching kind attached. By the type's party or IOM; a document that is
    there already is replaced only once rejected or expired. Its verifier is told."""
    _check_sees(case, by)
    _check_open(case)
    if not may_upload(doc_type, by):
        raise DomainError(_("This document is not yours to upload."))
    today = timezone.localdate()
    if doc_type.expires and expires_on is None:
        raise DomainError(_("Give the document's expiry date."))
    if expires_on is not None and expires_on <= today:
        raise DomainError(_("This document has expired already: upload a valid one."))
    existing = CaseDocument.objects.select_for_update().filter(case=case, type=doc_type).first()
    if existing and existing.status != CaseDocument.Status.REJECTED and not existing.expired(today):
        raise DomainError(
            _("This document is there already: it is replaced once rejected or expired.")
        )
    document = existing or CaseDocument(case=case, type=doc_type)
    old_file = document.file.name if existing and existing.file else ""
    if attach is not None:
        if attach.candidate_id != case.candidate_id or attach.kind != doc_type.candidate_kind:
            raise DomainError(_("Choose one of the worker's own documents of this kind."))
        document.attached, document.file = attach, None
        document.original_name, document.content_type = attach.original_name, attach.content_type
        document.size = attach.size
    else:
        if upload is None:
            raise DomainError(_("Choose the file."))
        checked = upload_check(upload)
        document.attached = None
        document.original_name, document.content_type = checked.original_name, checked.content_type
        document.size = checked.size
        document.file.save("upload", upload, save=False)
    document.status = CaseDocument.Status.UPLOADED
    document.expires_on = expires_on
    document.uploaded_by, document.verified_by, document.verified_at = by, None, None
    document.reject_reason = ""
    document.save()
    if old_file and old_file != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit(
        actor=by,
        action="case.document_upload",
        target=case,
        detail={"type": doc_type.code, "document": document.pk, "attached": attach is not None},
    )
    notify(
        recipients=[u for u in party_people(case, doc_type.verified_by) if u.pk != by.pk],
        kind="case.document_uploaded",
        template="predeparture/email/document_uploaded",
        context={"case": case, "document": document},
        link=case.get_absolute_url(),
        email=False,
    )
    return document


def _locked_document(document: CaseDocument, by: User) -> CaseDocument:
    _check_sees(document.case, by)
    locked = (
        CaseDocument.objects.select_for_update(of=("self",))
        .select_related("case", "type")
        .get(pk=document.pk)
    )
    _check_open(locked.case)
    if not may_verify(locked.type, by):
        raise DomainError(_("This document is not yours to verify."))
    if locked.status != CaseDocument.Status.UPLOADED:
        raise DomainError(_("This document is not waiting to be verified."))
    if locked.uploaded_by_id == by.pk:
        raise DomainError(_("Someone other than who uploaded it verifies it."))
    return locked


@transaction.atomic
def document_verify(*, document: CaseDocument, by: User) -> CaseDocument:
    """The type's verifier (or IOM) confirms the document; not the person who uploaded it."""
    locked = _locked_document(document, by)
    locked.status, locked.verified_by, locked.verified_at = (
        CaseDocument.Status.VERIFIED,
        by,
        timezone.now(),
    )
    locked.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
    audit(
        actor=by, action="case.document_verify", target=locked.case, detail={"document": locked.pk}
    )
    return locked


@transaction.atomic
def document_reject(*, document: CaseDocument, by: User, reason: str) -> CaseDocument:
    """The verifier sends the document back with a reason; its uploader's party is told."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the document is rejected."))
    locked = _locked_document(document, by)
    locked.status, locked.reject_reason = CaseDocument.Status.REJECTED, reason[:300]
    locked.verified_by, locked.verified_at = by, timezone.now()
    locked.save(
        update_fields=["status", "reject_reason", "verified_by", "verified_at", "updated_at"]
    )
    audit(
        actor=by,
        action="case.document_reject",
        target=locked.case,
        detail={"document": locked.pk, "reason": reason},
    )
    notify(
        recipients=party_people(locked.case, locked.type.uploaded_by),
        kind="case.document_rejected",
        template="predeparture/email/document_rejected",
        context={"case": locked.case, "document": locked},
        link=locked.case.get_absolute_url(),
    )
    return locked


# The visa dossier -------------------------------------------------------------------------------

DOSSIER_ROLES = (Role.COMPANY, Role.CHAMBER, Role.IOM)


@transaction.atomic
def dossier_request(*, case: Case, by: User):
    """Queue the making of the case's dossier (by the employer's side or IOM); one at a time."""
    from thamm.jobs import job_start
    from thamm.models import Job

    from .tasks import dossier_build

    _check_sees(case, by)
    if by.role not in DOSSIER_ROLES:
        raise DomainError(_("The employer's side or IOM makes the dossier."))
    case = Case.objects.select_for_update().select_related("company").get(pk=case.pk)
    dossier, _created = Dossier.objects.get_or_create(case=case)
    if dossier.job and dossier.job.status in (Job.Status.QUEUED, Job.Status.RUNNING):
        raise DomainError(_("The dossier is being made already."))
    if not case.documents.filter(status=CaseDocument.Status.VERIFIED).exists():
        raise DomainError(_("No document is verified yet: the dossier would hold none."))
    dossier.job = job_start(
        task=dossier_build,
        kind="case.dossier",
        organisation=case.company.organisation,
        by=by,
        case_id=case.pk,
    )
    dossier.save(update_fields=["job", "updated_at"])
    audit(actor=by, action="case.dossier", target=case, detail={"job": dossier.job.pk})
    return dossier


def passport_read(*, case: Case, by: User) -> str:
    """The MRZ lines read from the passport's scan on the case (a suggestion to check, then
    to submit to `passport_check`). Refused, with the reason, where there is nothing to read."""
    from .mrz import ocr_unavailable, read_lines

    _check_sees(case, by)
    scan = case.documents.filter(type__code="passport").select_related("attached").first()
    if scan is None:
        raise DomainError(_("There is no passport scan on the case yet: type the lines."))
    if scan.content_type not in ("image/jpeg", "image/png"):
        raise DomainError(_("Only a scan (JPEG or PNG) can be read: type the lines."))
    if ocr_unavailable():
        raise DomainError(_("Reading scans is not available here: type the lines."))
    with scan.stored.open("rb") as stored:
        lines = read_lines(stored.read())
    if not lines:
        raise DomainError(_("No machine-readable lines were found on the scan: type them."))
    audit(actor=by, action="case.passport_read", target=case, detail={"document": scan.pk})
    return lines
