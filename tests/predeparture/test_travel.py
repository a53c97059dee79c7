"""The worker's flight (within the visa's dates, times kept in UTC and read in each party's
zone) and the passport's custody (to whom, when, back when; IOM sees those out too long)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from predeparture.models import Case, PassportHandover, Travel
from predeparture.services import passport_hand_over, passport_returned, step_record, travel_save
from thamm.exceptions import DomainError

pytestmark = pytest.mark.django_db

MOROCCO, ITALY = ZoneInfo("Africa/Casablanca"), ZoneInfo("Europe/Rome")
VISA_FROM = datetime.date(2026, 11, 1)
VISA_UNTIL = datetime.date(2027, 10, 31)


def _with_visa(world, case):
    day = datetime.date(2026, 2, 1)
    for step in case.steps.order_by("position"):
        if step.status == "done":
            continue
        extra = {"reference": "R-1"}
        if step.kind == "visa_issued":
            extra |= {"visa_valid_from": VISA_FROM, "visa_valid_until": VISA_UNTIL}
        step_record(step=step, by=world.iom, done_on=day, **extra)
        if step.kind == "visa_issued":
            break
    case.refresh_from_db()
    return case


def _flight(case, by, departs, arrives, **changes):
    data = {
        "departure_airport": "CMN",
        "arrival_airport": "BGY",
        "flight_number": "AT952",
        "departs_at": departs,
        "arrives_at": arrives,
    }
    return travel_save(case=case, by=by, **(data | changes))


def test_the_flight_is_booked_within_the_visa_and_sets_the_expected_arrival(world, case):
    with pytest.raises(DomainError, match="Record the visa first"):
        _flight(
            case,
            world.company,
            datetime.datetime(2026, 12, 1, 10, tzinfo=MOROCCO),
            datetime.datetime(2026, 12, 1, 15, tzinfo=ITALY),
        )
    _with_visa(world, case)
    # Leaving late on the eve of the visa's first day (the day counts in Morocco, where the
    # worker leaves): refused.
    with pytest.raises(DomainError, match="while the visa is valid"):
        _flight(
            case,
            world.company,
            datetime.datetime(2026, 10, 31, 23, 30, tzinfo=MOROCCO),
            datetime.datetime(2026, 11, 1, 4, tzinfo=ITALY),
        )
    with pytest.raises(DomainError, match="The arrival must come after the departure"):
        _flight(
            case,
            world.company,
            datetime.datetime(2026, 12, 1, 10, tzinfo=MOROCCO),
            datetime.datetime(2026, 12, 1, 10, tzinfo=MOROCCO),
        )
    assert not Travel.objects.exists()
    # Landing at 00:30 in Italy: expected on that Italian day (23:30 the day before in UTC).
    travel = _flight(
        case,
        world.chamber,
        datetime.datetime(2026, 12, 1, 20, tzinfo=MOROCCO),
        datetime.datetime(2026, 12, 2, 0, 30, tzinfo=ITALY),
    )
    assert travel.arrives_at == datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)
    case.refresh_from_db()
    assert case.expected_arrival_on == datetime.date(2026, 12, 2)
    # Changing the flight replaces it.
    _flight(
        case,
        world.iom,
        datetime.datetime(2026, 12, 3, 20, tzinfo=MOROCCO),
        datetime.datetime(2026, 12, 4, 0, 30, tzinfo=ITALY),
        flight_number="FR3361",
    )
    assert Travel.objects.get().flight_number == "FR3361"


def test_a_flight_landing_after_the_start_date_makes_that_deadline_late(world, case):
    from predeparture.selectors import case_view

    _with_visa(world, case)
    start = case.offer.start_date
    late = datetime.datetime.combine(start + datetime.timedelta(days=2), datetime.time(9))
    _flight(case, world.company, late.replace(tzinfo=MOROCCO), late.replace(hour=14, tzinfo=ITALY))
    view = case_view(user=world.company, case=Case.objects.get(pk=case.pk))
    assert [d.kind for d in view.late] == ["start"]


def test_the_worker_does_not_book_the_flight_nor_anyone_once_arrived(world, case):
    _with_visa(world, case)
    times = (
        datetime.datetime(2026, 12, 1, 10, tzinfo=MOROCCO),
        datetime.datetime(2026, 12, 1, 15, tzinfo=ITALY),
    )
    with pytest.raises(DomainError, match="books the travel"):
        _flight(case, world.candidate, *times)
    step_record(
        step=case.steps.get(kind="orientation"), by=world.centre, done_on=datetime.date(2026, 11, 2)
    )
    step_record(
        step=case.steps.get(kind="arrived"), by=world.candidate, done_on=datetime.date(2026, 11, 3)
    )
    with pytest.raises(DomainError, match="has arrived"):
        _flight(case, world.company, *times)


def test_the_flight_reads_in_each_partys_time(client_for, world, case):
    _with_visa(world, case)
    # In June Italy is on summer time (UTC+2), Morocco an hour behind (UTC+1).
    _flight(
        case,
        world.company,
        datetime.datetime(2027, 6, 1, 20, tzinfo=MOROCCO),
        datetime.datetime(2027, 6, 2, 0, 30, tzinfo=ITALY),
    )
    url = reverse("predeparture:case", kwargs={"pk": case.pk})
    worker = client_for("candidate").get(url).content.decode()
    company = client_for("company").get(url).content.decode()
    assert "01/06/2027 20:00" in worker and "01/06/2027 23:30" in worker
    assert "Times in Moroccan time." in worker
    assert "01/06/2027 21:00" in company and "02/06/2027 00:30" in company
    assert "Times in Italian time." in company


def test_the_flight_form_reads_the_tickets_times_in_their_zones(client_for, world, case):
    _with_visa(world, case)
    answer = client_for("company").post(
        reverse("predeparture:travel", kwargs={"pk": case.pk}),
        {
            "departure_airport": "TNG",
            "arrival_airport": "BGY",
            "flight_number": "fr 3361",
            "departs_at": "2026-12-01T20:00",
            "arrives_at": "2026-12-02T00:30",
        },
    )
    assert answer.status_code == 302
    travel = Travel.objects.get()
    assert travel.flight_number == "FR3361"
    assert travel.departs_at == datetime.datetime(2026, 12, 1, 20, tzinfo=MOROCCO)
    bad = client_for("company").post(
        reverse("predeparture:travel", kwargs={"pk": case.pk}),
        {
            "departure_airport": "MXP",
            "arrival_airport": "BGY",
            "flight_number": "X",
            "departs_at": "2026-12-01T20:00",
            "arrives_at": "",
        },
    )
    text = bad.content.decode()
    assert "Select a valid choice." in text and "This field is required." in text
    assert Travel.objects.get().departure_airport == "TNG"


def test_the_passport_is_handed_over_one_at_a_time_and_comes_back_after(world, case):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="not a day to come"):
        passport_hand_over(
            case=case, by=world.candidate, handed_to="VFS", handed_on=today + datetime.timedelta(1)
        )
    out = passport_hand_over(
        case=case, by=world.candidate, handed_to="Consolato d'Italia, Tangeri", handed_on=today
    )
    with pytest.raises(DomainError, match="record its return first"):
        passport_hand_over(case=case, by=world.company, handed_to="VFS", handed_on=today)
    with pytest.raises(DomainError, match="cannot come back before it was handed over"):
        passport_returned(
            handover=out, by=world.candidate, returned_on=today - datetime.timedelta(1)
        )
    passport_returned(handover=out, by=world.candidate, returned_on=today)
    with pytest.raises(DomainError, match="recorded already"):
        passport_returned(handover=out, by=world.candidate, returned_on=today)
    assert PassportHandover.objects.get().returned_on == today
    with pytest.raises(DomainError, match="cannot act on this case"):
        passport_hand_over(case=case, by=world.company_b, handed_to="VFS", handed_on=today)


def test_iom_sees_passports_not_back_within_ten_days(client_for, world, case, monkeypatch):
    today = timezone.localdate()
    passport_hand_over(
        case=case,
        by=world.candidate,
        handed_to="VFS Global Casablanca",
        handed_on=today - datetime.timedelta(days=10),
    )
    assert "Passports not back within 10 days" not in client_for("iom").get("/").content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)  # a day later
    home = client_for("iom").get("/").content.decode()
    assert "Passports not back within 10 days" in home and "VFS Global Casablanca" in home
    assert "VFS Global Casablanca" not in client_for("company").get("/").content.decode()
    passport_returned(handover=PassportHandover.objects.get(), by=world.iom, returned_on=tomorrow)
    assert "Passports not back within 10 days" not in client_for("iom").get("/").content.decode()


def test_the_passport_from_the_page(client_for, case):
    client = client_for("candidate")
    url = reverse("predeparture:passport_out", kwargs={"pk": case.pk})
    bad = client.post(url, {"handed_to": "", "handed_on": "2026-01-01"})
    assert "This field is required." in bad.content.decode()
    assert client.post(url, {"handed_to": "VFS", "handed_on": "2026-01-05"}).status_code == 302
    handover = PassportHandover.objects.get()
    back = reverse("predeparture:passport_back", kwargs={"pk": case.pk, "handover": handover.pk})
    answer = client.post(back, {"returned_on": "2026-01-04"})
    assert "cannot come back before it was handed over" in answer.content.decode()
    assert client.post(back, {"returned_on": "2026-01-09"}).status_code == 302
    assert PassportHandover.objects.get().returned_on == datetime.date(2026, 1, 9)
