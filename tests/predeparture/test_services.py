"""A case's steps in the law's order, by their parties, with dates that hold together; closing
a case early; the deadline reminders, sent once."""

import datetime

import pytest
from django.utils import timezone

from candidates.models import Candidate
from matching.models import Offer, QuotaSlot
from predeparture.models import Case, Reminder, Step
from predeparture.services import case_close, reminders_send, step_record
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, Notification

from .conftest import accepted_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _step(case, kind) -> Step:
    return Step.objects.get(case=case, kind=kind)


def _record(case, kind, by, done_on=None, **fields):
    return step_record(step=_step(case, kind), by=by, done_on=done_on or TODAY(), **fields)


def _through(case, world, last_kind, start=None):
    """Record every step up to `last_kind` (as IOM), a day apart from `start`."""
    day = start or TODAY() - datetime.timedelta(days=40)
    for step in case.steps.order_by("position"):
        if step.status == Step.Status.DONE:
            continue
        fields = {"reference": "REF-1"}
        if step.kind == "visa_issued":
            fields |= {
                "visa_valid_from": day,
                "visa_valid_until": day + datetime.timedelta(days=365),
            }
        step_record(step=step, by=world.iom, done_on=day, **fields)
        day += datetime.timedelta(days=1)
        if step.kind == last_kind:
            return


def test_an_accepted_offer_opens_a_case_with_the_steps_in_order(world):
    case = accepted_case(world, dated_back=False)
    selected = Candidate.objects.get(pk=case.candidate_id)
    steps = list(case.steps.order_by("position"))
    assert [s.position for s in steps] == list(range(1, 12))
    assert [s.kind for s in steps if s.status == "done"] == ["accepted"]
    assert steps[1].done_on == TODAY()
    assert {s.kind: s.responsible for s in steps}["nulla_osta_requested"] == "company"
    assert selected.status == Candidate.Status.SELECTED
    assert case.status == Case.Status.OPEN


def test_the_company_records_its_step_the_worker_hears_and_moves_on(world, case):
    _record(case, "listed", world.centre, reference="SILEN-77")
    step = _record(case, "nulla_osta_requested", world.company, reference=" ALI-2026-001 ")
    assert (step.status, step.reference, step.done_by) == ("done", "ALI-2026-001", world.company)
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.PREDEPARTURE
    told = Notification.objects.filter(kind="case.step_done")
    assert {n.recipient for n in told} >= {world.candidate, world.company, world.chamber}
    assert AuditEntry.objects.filter(action="case.step.record", actor=world.company).exists()


def test_an_advisor_records_the_companys_step(world, case):
    _record(case, "listed", world.centre)
    assert _record(case, "nulla_osta_requested", world.chamber, reference="ALI-9").status == "done"


@pytest.mark.parametrize(
    ("who", "kind", "refusal"),
    [
        ("candidate", "nulla_osta_requested", "not yours to record"),
        ("company", "listed", "not yours to record"),
        ("centre", "nulla_osta_requested", "not yours to record"),
        ("company_b", "nulla_osta_requested", "cannot act on this case"),
        ("chamber_b", "nulla_osta_requested", "cannot act on this case"),
        ("centre_b", "listed", "cannot act on this case"),
        ("iom", "accepted", "recorded already"),
    ],
)
def test_a_step_is_recorded_by_its_parties_only(world, case, who, kind, refusal):
    with pytest.raises(DomainError, match=refusal):
        _record(case, kind, getattr(world, who), reference="X-1")
    assert _step(case, kind).done_by is None


def test_a_step_comes_after_the_ones_before_it(world, case):
    _record(case, "listed", world.centre)
    with pytest.raises(DomainError, match="“Nulla osta requested \\(ALI portal\\)” comes first"):
        _record(case, "nulla_osta_issued", world.company, reference="NO-1")
    assert _step(case, "nulla_osta_issued").status == "pending"


def test_where_the_law_allows_a_step_comes_early_with_its_reason_kept(world, case):
    with pytest.raises(DomainError, match="say why this one comes before it"):
        _record(case, "nulla_osta_requested", world.company, reference="ALI-1")
    step = _record(
        case,
        "nulla_osta_requested",
        world.company,
        reference="ALI-1",
        exception_reason="The SILEN listing is being processed",
    )
    assert step.exception_reason == "The SILEN listing is being processed"
    assert step.done_by == world.company
    # Done in order, a step keeps no exception.
    later = _record(case, "listed", world.centre)
    assert later.exception_reason == ""


@pytest.mark.parametrize(
    ("kind", "fields", "refusal"),
    [
        ("nulla_osta_requested", {"reference": ""}, "Fill in “ALI request number”"),
        ("nulla_osta_requested", {"done_on": "future"}, "cannot be in the future"),
        ("nulla_osta_requested", {"done_on": "before"}, "cannot be before that of the step"),
        ("nulla_osta_requested", {"done_on": None}, "Give the date"),
    ],
)
def test_a_step_with_bad_data_is_refused_and_nothing_changes(world, case, kind, fields, refusal):
    _record(case, "listed", world.centre, done_on=TODAY() - datetime.timedelta(days=3))
    when = fields.pop("done_on", TODAY())
    when = {
        "future": TODAY() + datetime.timedelta(days=1),
        "before": TODAY() - datetime.timedelta(days=4),
    }.get(when, when)
    fields.setdefault("reference", "ALI-1")
    with pytest.raises(DomainError, match=refusal):
        step_record(step=_step(case, kind), by=world.company, done_on=when, **fields)
    assert _step(case, kind).status == "pending"
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.SELECTED


def test_a_nulla_osta_dated_in_the_future_is_refused(world, case):
    _through(case, world, "nulla_osta_requested")
    with pytest.raises(DomainError, match="cannot be in the future"):
        _record(
            case,
            "nulla_osta_issued",
            world.company,
            done_on=TODAY() + datetime.timedelta(days=2),
            reference="NO-1",
        )


def test_a_visa_appointment_may_be_booked_ahead_but_not_after_the_nulla_osta_expired(world, case):
    start = datetime.date(2026, 1, 10)
    _through(case, world, "nulla_osta_issued", start=start)
    issued = _step(case, "nulla_osta_issued").done_on
    with pytest.raises(DomainError, match="The nulla osta expired"):
        _record(
            case, "visa_applied", world.candidate, done_on=issued + datetime.timedelta(days=200)
        )
    ahead = TODAY() + datetime.timedelta(days=5)
    fresh = accepted_case(
        world,
        company=world.company_b_profile,
        candidate=world.candidate_b,
        user=_login(world.candidate_b),
        by=world.company_b,
    )
    _through(fresh, world, "nulla_osta_issued", start=TODAY() - datetime.timedelta(days=10))
    assert _record(fresh, "visa_applied", world.company_b, done_on=ahead).done_on == ahead


def _login(candidate):
    from ..factories import candidate_user

    user = candidate_user(email="worker-b@example.org")
    Candidate.objects.filter(pk=candidate.pk).update(user=user)
    candidate.refresh_from_db()
    return user


def test_the_visa_needs_its_dates_in_order(world, case):
    _through(case, world, "visa_applied")
    with pytest.raises(DomainError, match="Give the dates the visa is valid"):
        _record(case, "visa_issued", world.candidate, reference="V-1")
    with pytest.raises(DomainError, match="The visa's end must come after its start"):
        _record(
            case,
            "visa_issued",
            world.candidate,
            reference="V-1",
            visa_valid_from=TODAY(),
            visa_valid_until=TODAY() - datetime.timedelta(days=1),
        )
    _record(
        case,
        "visa_issued",
        world.candidate,
        reference="V-1",
        visa_valid_from=TODAY(),
        visa_valid_until=TODAY() + datetime.timedelta(days=365),
    )
    case.refresh_from_db()
    assert case.visa_valid_until == TODAY() + datetime.timedelta(days=365)


def test_arrival_then_employment_complete_the_case(world, case):
    _through(case, world, "employed")
    case.refresh_from_db()
    assert case.status == Case.Status.EMPLOYED
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.EMPLOYED
    with pytest.raises(DomainError, match="“Completed: employed”: it cannot change now"):
        case_close(case=case, reason="visa_refused", note="late", by=world.iom)


def test_closing_before_departure_gives_the_place_back_and_tells_the_parties(world, case):
    _through(case, world, "visa_applied")
    assert QuotaSlot.objects.filter(candidate_id=case.candidate_id, released_at=None).exists()
    with pytest.raises(DomainError, match="Say why"):
        case_close(case=case, reason="visa_refused", note=" ", by=world.company)
    closed = case_close(case=case, reason="visa_refused", note="Refused on 3 May", by=world.company)
    assert (closed.status, closed.close_reason, closed.close_note) == (
        "closed",
        "visa_refused",
        "Refused on 3 May",
    )
    assert not QuotaSlot.objects.filter(candidate_id=case.candidate_id, released_at=None).exists()
    # Their consent stands: shown to companies again, free to be chosen by another.
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.AVAILABLE
    told = {n.recipient for n in Notification.objects.filter(kind="case.closed")}
    assert told >= {world.candidate, world.company, world.chamber, world.centre}
    with pytest.raises(DomainError, match="closed"):
        _record(case, "visa_issued", world.iom, reference="V")


def test_a_worker_closes_their_own_case_only_as_withdrawing(world, case):
    with pytest.raises(DomainError, match="Choose why"):
        case_close(case=case, reason="visa_refused", note="no", by=world.candidate)
    case_close(case=case, reason="worker_withdrew", note="Family reasons", by=world.candidate)
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.WITHDRAWN


def test_closing_after_arrival_keeps_the_place(world, case):
    _through(case, world, "arrived")
    case_close(case=case, reason="employer_withdrew", note="Plant closed", by=world.iom)
    assert QuotaSlot.objects.filter(candidate_id=case.candidate_id, released_at=None).exists()


def test_another_company_cannot_close_the_case(world, case):
    with pytest.raises(DomainError, match="cannot act on this case"):
        case_close(case=case, reason="visa_refused", note="x", by=world.company_b)
    assert Case.objects.get(pk=case.pk).status == "open"


# --- reminders -------------------------------------------------------------------------------


def _issued(world, case, on):
    """The nulla osta issued `on`; the offer's start far enough to remind nobody yet."""
    Offer.objects.filter(pk=case.offer_id).update(start_date=datetime.date(2028, 6, 1))
    case.offer.refresh_from_db()
    _through(case, world, "nulla_osta_requested", start=on - datetime.timedelta(days=5))
    _record(case, "nulla_osta_issued", world.company, done_on=on, reference="NO-1")


def test_reminders_go_seven_and_two_days_before_and_when_overdue_once_each(world, case):
    issued = datetime.date(2026, 8, 31)  # valid until 28 February 2027
    _issued(world, case, issued)
    due = datetime.date(2027, 2, 28)
    assert reminders_send(today=due - datetime.timedelta(days=8)) == 0
    assert reminders_send(today=due - datetime.timedelta(days=7)) == 1
    assert reminders_send(today=due - datetime.timedelta(days=7)) == 0  # the same run again
    assert reminders_send(today=due - datetime.timedelta(days=5)) == 0  # the 7-day one is sent
    assert reminders_send(today=due - datetime.timedelta(days=2)) == 1
    assert reminders_send(today=due + datetime.timedelta(days=1)) == 1
    assert reminders_send(today=due + datetime.timedelta(days=2)) == 0
    sent = Reminder.objects.filter(case=case, deadline="visa_request")
    assert sorted(sent.values_list("threshold", flat=True)) == ["2", "7", "overdue"]
    assert set(sent.values_list("user", flat=True)) == {world.candidate.pk}
    notes = Notification.objects.filter(recipient=world.candidate, kind__startswith="case.deadline")
    assert notes.count() == 3
    assert (
        "28/02/2027" in notes.get(kind="case.deadline_7").body
        or "2/28/2027" in notes.get(kind="case.deadline_7").body
    )


def test_a_met_deadline_reminds_nobody(world, case):
    issued = datetime.date(2026, 8, 31)
    _issued(world, case, issued)
    _record(case, "visa_applied", world.candidate, done_on=datetime.date(2026, 9, 10))
    assert reminders_send(today=datetime.date(2027, 2, 27)) == 0


def test_the_contract_deadline_reminds_the_company_and_its_advisor(world, case):
    arrival = TODAY() - datetime.timedelta(days=6)  # due in 2 days
    _through(case, world, "orientation", start=arrival - datetime.timedelta(days=20))
    _record(case, "arrived", world.candidate, done_on=arrival)
    assert reminders_send() == 2
    reminded = set(
        Reminder.objects.filter(deadline="contract", threshold="2").values_list("user", flat=True)
    )
    assert reminded == {world.company.pk, world.chamber.pk}


def test_reminders_count_days_in_italy_whatever_the_servers_clock(world, case, monkeypatch):
    """At 23:30 UTC on 20 February it is already the 21st in Rome: a deadline on the 28th is
    7 days away there (and 8 by the UTC date)."""
    _issued(world, case, datetime.date(2026, 8, 31))
    late_evening = datetime.datetime(2027, 2, 20, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening)
    assert reminders_send() == 1
    assert Reminder.objects.get().threshold == "7"


def test_reminders_skip_closed_cases(world, case):
    _issued(world, case, datetime.date(2026, 8, 31))
    case_close(case=case, reason="visa_refused", note="refused", by=world.iom)
    assert reminders_send(today=datetime.date(2027, 3, 5)) == 0


def test_a_worker_withdrawn_by_their_centre_has_their_case_closed(world, case):
    from candidates.services import candidate_withdraw

    candidate = Candidate.objects.get(pk=case.candidate_id)
    candidate_withdraw(candidate=candidate, by=world.centre, reason="Moved abroad")
    case.refresh_from_db()
    assert (case.status, case.close_reason, case.close_note) == (
        "closed",
        "worker_withdrew",
        "Moved abroad",
    )
    assert not QuotaSlot.objects.filter(candidate=candidate, released_at=None).exists()


def test_a_worker_who_had_not_agreed_to_be_shown_is_certified_again(world, case):
    Candidate.objects.filter(pk=case.candidate_id).update(profile_shared=False)
    case_close(case=case, reason="employer_withdrew", note="Order cancelled", by=world.company)
    assert Candidate.objects.get(pk=case.candidate_id).status == Candidate.Status.CERTIFIED
