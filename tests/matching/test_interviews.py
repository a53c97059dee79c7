"""Interviews: times proposed in Italy, chosen in Morocco, on both sides' calendars."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from matching.models import Application, Interview
from matching.services import (
    application_answer,
    application_shortlist,
    interview_ask_other_times,
    interview_cancel,
    interview_choose,
    interview_held,
    interview_propose,
    interview_reschedule,
)
from thamm.exceptions import DomainError
from thamm.models import Notification

from .conftest import make_available, make_vacancy, result

pytestmark = pytest.mark.django_db
ROME, CASABLANCA = ZoneInfo("Europe/Rome"), ZoneInfo("Africa/Casablanca")


def _agreed(world, vacancy, candidate):
    application = application_shortlist(vacancy=vacancy, candidate=candidate, by=world.company)
    return application_answer(application=application, agree=True, by=world.candidate)


@pytest.fixture
def candidate(world):
    c = world.candidate_a
    result(c, "MEC-PLC", score=80)
    result(c, "MEC-PNH", score=70)
    result(c, "ITA", level="B1")
    return make_available(c)


@pytest.fixture
def agreed(world, vacancy, candidate):
    return _agreed(world, vacancy, candidate)


def _soon(days=10, hour=10):
    """A day to come at `hour`, Italian time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ROME)


def _propose(world, application, times, **kwargs):
    kwargs.setdefault("mode", "video")
    kwargs.setdefault("video_link", "https://meet.example.it/abc")
    return interview_propose(application=application, times=times, by=world.company, **kwargs)


def _ics(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "interview.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_the_company_proposes_times_and_the_candidate_reads_them_in_moroccan_time(
    world, client_for, agreed
):
    moment = _soon(hour=15)
    response = client_for("company").post(
        reverse("matching:interview_propose", args=[agreed.pk]),
        {
            "time_1": moment.strftime("%Y-%m-%dT%H:%M"),
            "time_2": (moment + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "minutes": 45,
            "mode": "place",
            "place": "Via Brembo 5, Bergamo",
            "guidance": "Bring your training certificate.",
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert [s.starts_at for s in interview.slots.all()] == [
        moment,
        moment + datetime.timedelta(days=1),
    ]
    agreed.refresh_from_db()
    assert agreed.status == "interview_proposed"
    page = client_for("candidate").get(reverse("matching:my_application", args=[agreed.pk]))
    html = page.content.decode()
    local = moment.astimezone(CASABLANCA)
    assert local.strftime("%H:%M") in html and "Bring your training certificate." in html
    told = Notification.objects.get(recipient=world.candidate, kind="interview.proposed")
    assert local.strftime("%H:%M") in told.body


def test_a_time_in_ramadan_is_shown_at_moroccos_hour_then(world, agreed):
    """Morocco leaves UTC+1 for UTC+0 during Ramadan (in 2027 from mid-February to
    mid-March): an hour behind Italy then, the same hour as Italy's winter time otherwise."""
    ramadan = datetime.datetime(2027, 2, 24, 15, 0, tzinfo=ROME)
    after = datetime.datetime(2027, 3, 20, 15, 0, tzinfo=ROME)
    assert ramadan.astimezone(CASABLANCA).hour == 14
    assert after.astimezone(CASABLANCA).hour == 15
    if ramadan <= timezone.now():
        pytest.skip("the Ramadan of 2027 has passed: choose a later one")
    interview = _propose(world, agreed, [ramadan, after])
    body = Notification.objects.get(recipient=world.candidate, kind="interview.proposed").body
    assert "14:00" in body and "15:00" in body
    assert [s.starts_at for s in interview.slots.all()] == [ramadan, after]


def test_choosing_a_time_sets_it_and_both_sides_get_the_calendar_invitation(
    world, client_for, agreed, django_capture_on_commit_callbacks
):
    moment = _soon()
    interview = _propose(world, agreed, [moment, moment + datetime.timedelta(hours=3)])
    slot = interview.slots.order_by("starts_at").last()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("candidate").post(
            reverse("matching:interview_choose", args=[interview.pk]), {"slot": slot.pk}
        )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "scheduled" and interview.chosen == slot
    agreed.refresh_from_db()
    assert agreed.status == "interview_scheduled"
    recipients = {m.to[0] for m in mail.outbox}
    assert {world.candidate.email, world.company.email} <= recipients
    for message in mail.outbox:
        event = _ics(message).walk("VEVENT")[0]
        assert str(event["uid"]) == interview.uid and int(event["sequence"]) == 0
        assert event.decoded("dtstart") == slot.starts_at
        assert event.decoded("dtend") == slot.starts_at + datetime.timedelta(minutes=45)
    download = client_for("centre").get(reverse("matching:interview_calendar", args=[interview.pk]))
    assert (
        download["Content-Type"] == "text/calendar" and interview.uid in download.content.decode()
    )


def test_moving_the_interview_updates_the_same_calendar_event(
    world, agreed, django_capture_on_commit_callbacks
):
    interview = _propose(world, agreed, [_soon()])
    interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=world.candidate)
    mail.outbox.clear()
    later = _soon(days=12)
    with django_capture_on_commit_callbacks(execute=True):
        interview_reschedule(interview=interview, starts_at=later, by=world.company)
    event = _ics(mail.outbox[0]).walk("VEVENT")[0]
    assert str(event["uid"]) == interview.uid and int(event["sequence"]) == 1
    assert event.decoded("dtstart") == later
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        interview_cancel(interview=interview, by=world.company, reason="machine broke")
    calendar = _ics(mail.outbox[0])
    assert str(calendar["method"]) == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 2
    agreed.refresh_from_db()
    assert agreed.status == "agreed"  # the company may propose again


def test_asking_for_other_times_goes_back_to_the_company(world, agreed):
    interview = _propose(world, agreed, [_soon()])
    interview_ask_other_times(interview=interview, message="Fridays only", by=world.candidate)
    interview.refresh_from_db()
    agreed.refresh_from_db()
    assert (interview.status, agreed.status) == ("other_times", "agreed")
    told = Notification.objects.get(recipient=world.company, kind="interview.other_times")
    assert "Fridays only" in told.body
    second = _propose(world, agreed, [_soon(days=11)])
    assert second.status == "proposed"


@pytest.mark.parametrize(
    "times",
    [
        [],
        [1, 2, 3, 4],
    ],
)
def test_one_to_three_times(world, agreed, times):
    moments = [_soon(days=d) for d in times]
    with pytest.raises(DomainError, match="one to three times"):
        _propose(world, agreed, moments)
    assert not Interview.objects.exists()


def test_a_time_in_the_past_is_refused(world, client_for, agreed):
    past = timezone.now().astimezone(ROME) - datetime.timedelta(hours=2)
    response = client_for("company").post(
        reverse("matching:interview_propose", args=[agreed.pk]),
        {
            "time_1": past.strftime("%Y-%m-%dT%H:%M"),
            "minutes": 45,
            "mode": "video",
            "video_link": "https://meet.example.it/abc",
        },
    )
    assert response.status_code == 200
    assert "has passed: propose a time to come." in response.content.decode()
    assert not Interview.objects.exists()
    agreed.refresh_from_db()
    assert agreed.status == "agreed"


def test_a_video_call_needs_its_link_and_a_meeting_its_place(world, client_for, agreed):
    response = client_for("company").post(
        reverse("matching:interview_propose", args=[agreed.pk]),
        {"time_1": _soon().strftime("%Y-%m-%dT%H:%M"), "minutes": 45, "mode": "video"},
    )
    assert "Give the video-call link." in response.content.decode()
    with pytest.raises(ValidationError, match="Give the place of the interview"):
        _propose(world, agreed, [_soon()], mode="place", video_link="")
    assert not Interview.objects.exists()


def test_a_time_overlapping_another_interview_of_the_candidate_is_refused(
    world, vacancy, candidate, agreed
):
    first = _propose(world, agreed, [_soon(hour=10)])
    interview_choose(interview=first, slot_id=first.slots.get().pk, by=world.candidate)
    other = _agreed(world, make_vacancy(world.company_a_profile), candidate)
    with pytest.raises(DomainError, match="The candidate is not free at"):
        _propose(world, other, [_soon(hour=10) + datetime.timedelta(minutes=30)])
    fine = _propose(world, other, [_soon(hour=12)])
    assert fine.status == "proposed"


def test_proposed_times_must_not_overlap_each_other(world, agreed):
    with pytest.raises(DomainError, match="overlap"):
        _propose(world, agreed, [_soon(hour=10), _soon(hour=10) + datetime.timedelta(minutes=20)])


def test_only_the_candidate_chooses_and_only_among_the_times_proposed(world, agreed):
    interview = _propose(world, agreed, [_soon()])
    with pytest.raises(DomainError, match="Only the candidate"):
        interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=world.company)
    with pytest.raises(DomainError, match="Choose one of the times proposed"):
        interview_choose(interview=interview, slot_id=999999, by=world.candidate)
    interview.refresh_from_db()
    assert interview.status == "proposed"


def test_the_interview_is_recorded_only_once_it_has_taken_place(world, agreed):
    interview = _propose(world, agreed, [_soon()])
    interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=world.candidate)
    with pytest.raises(DomainError, match="not taken place yet"):
        interview_held(interview=interview, note="", by=world.company)
    interview.refresh_from_db()
    interview.chosen.starts_at = timezone.now() - datetime.timedelta(hours=1)
    interview.chosen.save()
    interview_held(interview=interview, note="Good technical answers", by=world.company)
    agreed.refresh_from_db()
    assert agreed.status == Application.Stage.INTERVIEWED
    assert Notification.objects.filter(recipient=world.candidate, kind="interview.held").exists()


def test_a_guidance_file_reaches_the_candidate_and_each_download_is_audited(
    world, client_for, agreed
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from thamm.models import AuditEntry

    interview = _propose(world, agreed, [_soon()])
    response = client_for("company").post(
        reverse("matching:interview_document_add", args=[interview.pk]),
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\nthe way to the plant\n")},
    )
    assert response.status_code == 302
    document = interview.documents.get()
    assert document.original_name == "plan.pdf" and "plan" not in document.file.name
    page = client_for("candidate").get(reverse("matching:my_application", args=[agreed.pk]))
    assert "plan.pdf" in page.content.decode()
    download = client_for("candidate").get(
        reverse("matching:interview_document", args=[document.pk])
    )
    assert b"the way to the plant" in b"".join(download.streaming_content)
    assert download["Content-Security-Policy"].startswith("sandbox")
    assert AuditEntry.objects.filter(actor=world.candidate, action="document.view").exists()
    assert (
        client_for("centre_b")
        .get(reverse("matching:interview_document", args=[document.pk]))
        .status_code
        == 404
    )


def test_a_guidance_file_that_is_not_a_document_is_refused(world, client_for, agreed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    interview = _propose(world, agreed, [_soon()])
    response = client_for("company").post(
        reverse("matching:interview_document_add", args=[interview.pk]),
        {"file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf")},
        follow=True,
    )
    assert "PDF, JPEG or PNG" in response.content.decode()
    assert not interview.documents.exists()


def test_the_company_moves_a_set_interview_from_its_page(world, client_for, agreed):
    interview = _propose(world, agreed, [_soon()])
    interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=world.candidate)
    later = _soon(days=14, hour=11)
    response = client_for("company").post(
        reverse("matching:interview_reschedule", args=[interview.pk]),
        {"starts_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.chosen.starts_at == later and interview.sequence == 1


def test_an_application_that_ends_cancels_its_interview_and_frees_the_candidate(
    world, vacancy, candidate, agreed, django_capture_on_commit_callbacks
):
    from matching.services import application_candidate_withdraw

    interview = _propose(world, agreed, [_soon(hour=10)])
    interview_choose(interview=interview, slot_id=interview.slots.get().pk, by=world.candidate)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_candidate_withdraw(application=agreed, by=world.candidate)
    interview.refresh_from_db()
    assert interview.status == "cancelled"
    assert any(
        str(_ics(m)["method"]) == "CANCEL" for m in mail.outbox if m.attachments
    )  # out of both calendars
    other = _agreed(world, make_vacancy(world.company_a_profile), candidate)
    assert _propose(world, other, [_soon(hour=10)]).status == "proposed"  # free again
