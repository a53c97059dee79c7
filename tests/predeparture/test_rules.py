"""The legal deadlines, computed from a case's data: months as the civil code counts them
(art. 2963: the same day, or the month's last day), across month ends and leap years."""

import datetime

import pytest

from predeparture.rules import (
    POSITION,
    RULES,
    STEPS,
    Deadline,
    deadlines,
    may_record,
)
from predeparture.services import OVERDUE, threshold_for

D = datetime.date


def _one(kind, **data):
    data.setdefault("done", {})
    data.setdefault("passport_expiry", None)
    data.setdefault("visa_valid_until", None)
    data.setdefault("start_date", None)
    data.setdefault("today", D(2026, 1, 1))
    found = [d for d in deadlines(**data) if d.kind == kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        (D(2026, 1, 15), D(2026, 7, 15)),
        (D(2026, 8, 31), D(2027, 2, 28)),  # no 31 February: the month's last day
        (D(2027, 8, 31), D(2028, 2, 29)),  # a leap year
        (D(2026, 12, 31), D(2027, 6, 30)),  # across the year, to a 30-day month
        (D(2028, 2, 29), D(2028, 8, 29)),
    ],
)
def test_the_nulla_osta_is_valid_six_months_from_issue(issued, due):
    deadline = _one(Deadline.VISA_REQUEST, done={"nulla_osta_issued": issued}, today=issued)
    assert deadline.due_on == due
    assert not deadline.met and not deadline.late
    assert deadline.days == (due - issued).days


def test_the_visa_request_is_late_after_the_nulla_osta_expired():
    issued = D(2026, 8, 31)
    on_time = {"nulla_osta_issued": issued, "visa_applied": D(2027, 2, 28)}
    assert _one(Deadline.VISA_REQUEST, done=on_time).late is False
    late = {"nulla_osta_issued": issued, "visa_applied": D(2027, 3, 1)}
    assert (
        _one(Deadline.VISA_REQUEST, done=late).met and _one(Deadline.VISA_REQUEST, done=late).late
    )
    waiting = {"nulla_osta_issued": issued}
    assert not _one(Deadline.VISA_REQUEST, done=waiting, today=D(2027, 2, 28)).late
    assert _one(Deadline.VISA_REQUEST, done=waiting, today=D(2027, 3, 1)).late
    assert _one(Deadline.VISA_REQUEST, done=waiting, today=D(2027, 3, 1)).days == -1


@pytest.mark.parametrize(
    ("visa_end", "passport", "late"),
    [
        (D(2027, 5, 10), D(2027, 8, 10), False),  # exactly three months beyond
        (D(2027, 5, 10), D(2027, 8, 9), True),  # one day short
        (D(2027, 11, 30), D(2028, 2, 29), False),  # to a leap February's last day
        (D(2027, 11, 30), D(2028, 2, 28), True),
        (D(2026, 11, 30), D(2027, 2, 28), False),  # to a common February's last day
    ],
)
def test_the_passport_must_last_three_months_beyond_the_visa(visa_end, passport, late):
    deadline = _one(Deadline.PASSPORT, passport_expiry=passport, visa_valid_until=visa_end)
    assert deadline.late is late and deadline.met is not late


@pytest.mark.parametrize(
    ("arrived", "due"),
    [
        (D(2028, 2, 25), D(2028, 3, 4)),  # 29 February counts in a leap year
        (D(2027, 2, 25), D(2027, 3, 5)),
        (D(2026, 12, 28), D(2027, 1, 5)),  # across the year
        (D(2027, 3, 27), D(2027, 4, 4)),  # the night the clocks change counts as one day
    ],
)
def test_the_contratto_di_soggiorno_is_due_eight_days_after_arrival(arrived, due):
    deadline = _one(Deadline.CONTRACT, done={"arrived": arrived}, today=arrived)
    assert deadline.due_on == due and deadline.days == 8
    signed_late = {"arrived": arrived, "contract_signed": due + datetime.timedelta(days=1)}
    assert _one(Deadline.CONTRACT, done=signed_late).late


def test_the_offers_start_date_against_the_arrival():
    start = D(2027, 3, 1)
    assert not _one(Deadline.START, start_date=start, today=D(2027, 2, 1)).late
    planned_late = _one(
        Deadline.START, start_date=start, today=D(2027, 2, 1), expected_arrival=D(2027, 3, 2)
    )
    assert planned_late.late and not planned_late.met
    arrived = _one(Deadline.START, start_date=start, done={"arrived": D(2027, 2, 27)})
    assert arrived.met and not arrived.late
    assert _one(Deadline.START, start_date=start, today=D(2027, 3, 2)).late


def test_deadlines_come_soonest_first():
    found = deadlines(
        done={"nulla_osta_issued": D(2026, 9, 1), "arrived": D(2026, 9, 2)},
        passport_expiry=D(2030, 1, 1),
        visa_valid_until=D(2027, 9, 1),
        start_date=D(2026, 9, 5),
        today=D(2026, 9, 2),
    )
    assert [d.due_on for d in found] == sorted(d.due_on for d in found)
    assert {d.kind for d in found} == {
        Deadline.VISA_REQUEST,
        Deadline.PASSPORT,
        Deadline.CONTRACT,
        Deadline.START,
    }


@pytest.mark.parametrize(
    ("days", "threshold"),
    [(30, None), (8, None), (7, "7"), (3, "7"), (2, "2"), (0, "2"), (-1, OVERDUE)],
)
def test_reminders_come_seven_and_two_days_before_then_when_overdue(days, threshold):
    assert threshold_for(days) == threshold


def test_the_steps_follow_the_law_and_each_has_its_party():
    assert [rule.kind for rule in STEPS][:4] == [
        "listed",
        "accepted",
        "nulla_osta_requested",
        "nulla_osta_issued",
    ]
    assert POSITION["employed"] == len(STEPS) == 11
    # An advisor records the company's steps; the worker records theirs; nobody records the
    # acceptance (the offer's own), IOM records every other one.
    assert may_record(RULES["nulla_osta_requested"], "chamber")
    assert not may_record(RULES["nulla_osta_requested"], "candidate")
    assert may_record(RULES["visa_applied"], "candidate")
    assert not may_record(RULES["listed"], "company")
    assert not may_record(RULES["accepted"], "iom")
    assert all(may_record(rule, "iom") for rule in STEPS if rule.manual)
