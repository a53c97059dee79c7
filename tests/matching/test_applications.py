"""Asking a candidate to meet, their answer, and who then sees what."""

import pytest
from django.core import mail
from django.urls import reverse

from companies.models import Company, Vacancy
from matching.models import Application
from matching.selectors import identity_visible
from matching.services import (
    application_answer,
    application_candidate_withdraw,
    application_company_move,
    application_shortlist,
)
from thamm.exceptions import DomainError
from thamm.models import AuditEntry, Notification

from .conftest import make_available, make_vacancy, result

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(world):
    """Centre A's candidate, with a login (world.candidate), available to companies."""
    c = world.candidate_a
    result(c, "MEC-PLC", score=80)
    result(c, "MEC-PNH", score=70)
    result(c, "ITA", level="B1")
    world.candidate.language = "fr"
    world.candidate.save()
    return make_available(c, phone="+212611223344", email="amine@example.org")


def _ask(world, vacancy, candidate, by=None):
    return application_shortlist(vacancy=vacancy, candidate=candidate, by=by or world.company)


def test_a_company_asks_from_the_search_and_the_candidate_is_told_in_french(
    world, client_for, vacancy, candidate, django_capture_on_commit_callbacks
):
    client = client_for("company")
    search = reverse("matching:search") + f"?vacancy={vacancy.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:shortlist"),
            {"vacancy": vacancy.pk, "code": candidate.code, "next": search},
        )
    assert response.status_code == 302 and response["Location"] == search
    application = Application.objects.get()
    assert (application.company, application.vacancy, application.candidate) == (
        world.company_a_profile,
        vacancy,
        candidate,
    )
    assert application.status == "shortlisted" and application.shortlisted_by == world.company
    told = Notification.objects.get(recipient=world.candidate)
    assert (
        told.subject
        == f"« \u2068{world.company_a_profile.legal_name}\u2069 » souhaite vous rencontrer"
    )
    assert told.link == reverse("matching:my_application", args=[application.pk])
    assert mail.outbox and mail.outbox[-1].to == [world.candidate.email]
    page = client.get(search).content.decode()
    assert "On your list for this vacancy" in page


def test_asking_twice_for_one_vacancy_is_refused_and_changes_nothing(world, vacancy, candidate):
    _ask(world, vacancy, candidate)
    with pytest.raises(DomainError, match="already on the list for this vacancy"):
        _ask(world, vacancy, candidate)
    assert Application.objects.count() == 1


def test_a_candidate_no_longer_available_cannot_be_asked(world, client_for, vacancy, candidate):
    candidate.status, candidate.profile_shared = "certified", False  # consent withdrawn
    candidate.save()
    response = client_for("company").post(
        reverse("matching:shortlist"), {"vacancy": vacancy.pk, "code": candidate.code}, follow=True
    )
    assert "This candidate is no longer available to companies." in response.content.decode()
    assert not Application.objects.exists()


def test_a_closed_vacancy_or_an_unverified_company_cannot_ask(world, vacancy, candidate):
    Vacancy.objects.filter(pk=vacancy.pk).update(status="closed")
    vacancy.refresh_from_db()
    with pytest.raises(DomainError, match="filled or closed"):
        _ask(world, vacancy, candidate)
    Vacancy.objects.filter(pk=vacancy.pk).update(status="published")
    Company.objects.filter(pk=vacancy.company_id).update(status="suspended")
    vacancy.refresh_from_db()
    with pytest.raises(DomainError, match="Only a verified company"):
        _ask(world, vacancy, candidate)
    assert not Application.objects.exists()


def test_another_company_cannot_ask_for_a_vacancy_not_its_own(world, vacancy, candidate):
    with pytest.raises(DomainError, match="You cannot act for this company"):
        _ask(world, vacancy, candidate, by=world.company_b)


def test_until_the_candidate_agrees_the_company_sees_no_name_nor_contact(
    world, client_for, vacancy, candidate
):
    application = _ask(world, vacancy, candidate)
    page = client_for("company").get(application.get_absolute_url()).content.decode()
    assert candidate.code in page
    for secret in (candidate.last_name, candidate.first_name, "611223344", "amine@example.org"):
        assert secret not in page
    assert not AuditEntry.objects.filter(action="candidate.identity_view").exists()


def test_agreeing_shows_the_company_who_they_are_and_each_view_is_audited(
    world, client_for, vacancy, candidate
):
    application = _ask(world, vacancy, candidate)
    response = client_for("candidate").post(
        reverse("matching:my_application_answer", args=[application.pk]), {"answer": "agree"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "agreed"
    for role in ("company", "chamber"):  # the company, and its assigned advisor
        page = client_for(role).get(application.get_absolute_url()).content.decode()
        assert candidate.last_name in page and "+212611223344" in page
    assert AuditEntry.objects.filter(action="candidate.identity_view").count() == 2
    told = Notification.objects.filter(recipient=world.company, kind="application.agreed").get()
    assert candidate.code in told.subject
    assert not identity_visible(user=world.company_b, candidate=candidate)


def test_declining_tells_the_company_without_a_reason_and_shows_nothing(
    world, client_for, vacancy, candidate
):
    application = _ask(world, vacancy, candidate)
    application_answer(application=application, agree=False, by=world.candidate)
    application.refresh_from_db()
    assert application.status == "meeting_declined"
    told = Notification.objects.get(recipient=world.company, kind="application.declined_to_meet")
    assert "non desidera proseguire" in told.body  # companies read Italian
    assert not identity_visible(user=world.company, candidate=candidate)


def test_only_the_candidate_answers_for_themself(world, vacancy, candidate):
    application = _ask(world, vacancy, candidate)
    with pytest.raises(DomainError, match="Only the candidate"):
        application_answer(application=application, agree=True, by=world.company)
    application.refresh_from_db()
    assert application.status == "shortlisted"


def test_withdrawing_after_agreeing_takes_the_companys_view_of_them_back(world, vacancy, candidate):
    application = _ask(world, vacancy, candidate)
    application_answer(application=application, agree=True, by=world.candidate)
    assert identity_visible(user=world.company, candidate=candidate)
    application_candidate_withdraw(application=application, by=world.candidate)
    assert not identity_visible(user=world.company, candidate=candidate)


def test_a_second_agreed_application_keeps_the_view_when_the_first_ends(world, vacancy, candidate):
    first = _ask(world, vacancy, candidate)
    second = _ask(world, make_vacancy(world.company_a_profile), candidate)
    for application in (first, second):
        application_answer(application=application, agree=True, by=world.candidate)
    application_candidate_withdraw(application=first, by=world.candidate)
    assert identity_visible(user=world.company, candidate=candidate)


def test_the_companys_note_stays_with_the_company(world, client_for, vacancy, candidate):
    application = _ask(world, vacancy, candidate)
    application_answer(application=application, agree=True, by=world.candidate)
    application_company_move(
        application=application, move="reject", by=world.company, note="NOTE-SECRET too junior"
    )
    application.refresh_from_db()
    assert application.status == "rejected" and "NOTE-SECRET" in application.company_note
    assert (
        "NOTE-SECRET" in client_for("company").get(application.get_absolute_url()).content.decode()
    )
    for role, url in (
        ("candidate", reverse("matching:my_application", args=[application.pk])),
        ("centre", application.get_absolute_url()),
    ):
        page = client_for(role).get(url)
        assert page.status_code == 200 and "NOTE-SECRET" not in page.content.decode(), role
    told = Notification.objects.get(recipient=world.candidate, kind="application.not_retained")
    assert "NOTE-SECRET" not in told.body


def test_rejecting_needs_a_note(world, vacancy, candidate):
    application = _ask(world, vacancy, candidate)
    application_answer(application=application, agree=True, by=world.candidate)
    with pytest.raises(DomainError, match="why not this candidate"):
        application_company_move(application=application, move="reject", by=world.company)


def test_the_candidate_reads_the_request_and_the_jobs_terms_in_arabic(
    world, client_for, vacancy, candidate
):
    application = _ask(world, vacancy, candidate)
    page = client_for("candidate").get(
        reverse("matching:my_application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = page.content.decode()
    assert 'dir="rtl"' in html and world.company_a_profile.legal_name in html
    assert "1.900,00" in html or "1900" in html.replace(" ", "").replace(".", "")
    listing = client_for("candidate").get(reverse("matching:my_applications")).content.decode()
    assert world.company_a_profile.legal_name in listing


def test_a_company_never_learns_of_another_companys_interest(world, client_for, vacancy, candidate):
    Company.objects.filter(pk=world.company_b_profile.pk).update(status="verified")
    world.company_b_profile.refresh_from_db()
    other = _ask(world, make_vacancy(world.company_b_profile), candidate, by=world.company_b)
    client = client_for("company")
    assert client.get(other.get_absolute_url()).status_code == 404
    assert list(client.get(reverse("matching:applications")).context["page"]) == []


def test_the_centre_follows_its_candidates_applications(world, client_for, vacancy, candidate):
    application = _ask(world, vacancy, candidate)
    listing = client_for("centre").get(reverse("matching:applications"))
    assert [a.pk for a in listing.context["page"]] == [application.pk]
    assert candidate.last_name in listing.content.decode()
    assert client_for("centre_b").get(application.get_absolute_url()).status_code == 404


def test_the_application_list_runs_the_same_few_queries_whatever_its_length(
    world, client_for, vacancy, candidate, django_assert_max_num_queries
):
    from ..factories import CandidateFactory

    client = client_for("company")
    for count in (2, 30):
        while Application.objects.count() < count:
            other = make_available(CandidateFactory(training_centre=world.centre_org))
            _ask(world, vacancy, other)
        with django_assert_max_num_queries(5):
            response = client.get(reverse("matching:applications"))
        assert len(response.context["page"]) == count


def test_the_companys_home_says_what_waits_on_it(world, client_for, vacancy, candidate):
    from ..factories import CandidateFactory

    application = _ask(world, vacancy, candidate)
    client = client_for("company")
    assert "agreed to meet you" not in client.get("/").content.decode()
    application_answer(application=application, agree=True, by=world.candidate)
    other = make_available(CandidateFactory(training_centre=world.centre_org))
    Application.objects.create(
        company=vacancy.company, vacancy=vacancy, candidate=other, status="interviewed"
    )
    home = client.get("/").content.decode()
    assert "1 candidate agreed to meet you: propose an interview." in home
    assert "1 candidate interviewed waits for your decision." in home


def test_a_draft_vacancy_cannot_ask_anyone_yet(world, vacancy, candidate):
    from companies.models import Vacancy as V

    V.objects.filter(pk=vacancy.pk).update(status="draft")
    vacancy.refresh_from_db()
    with pytest.raises(DomainError, match="Publish the vacancy first"):
        _ask(world, vacancy, candidate)


def test_a_candidate_who_leaves_the_scheme_ends_their_applications_as_such(
    world, vacancy, candidate
):
    from candidates.services import candidate_withdraw
    from thamm.models import StageChange

    application = _ask(world, vacancy, candidate)
    application_answer(application=application, agree=True, by=world.candidate)
    candidate.refresh_from_db()
    candidate_withdraw(candidate=candidate, by=world.centre, reason="moved to Spain")
    application.refresh_from_db()
    assert application.status == "withdrawn"
    change = StageChange.objects.filter(
        target_type="matching.application", target_id=str(application.pk)
    ).last()
    assert change.to_stage == "withdrawn" and "accepted another offer" not in change.note
    assert not identity_visible(user=world.company, candidate=candidate)
