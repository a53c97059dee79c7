"""The case's pages: each party reads the case and records its steps; bad input is answered
next to the field and changes nothing; the list costs the same queries for 1 case or 30."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from predeparture.models import Case, Step
from thamm.fragments import SHOWN_DATA

from .conftest import accepted_case

pytestmark = pytest.mark.django_db


def _url(case, name="predeparture:case", **kw):
    return reverse(name, kwargs={"pk": case.pk, **kw})


def _step(case, kind):
    return Step.objects.get(case=case, kind=kind)


@pytest.mark.parametrize("role", ["company", "chamber", "centre", "candidate", "iom"])
def test_each_party_reads_the_case(client_for, case, role):
    page = client_for(role).get(_url(case))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nulla osta requested (ALI portal)" in text
    assert "Where it stands" in text


def test_the_worker_reads_the_next_step_in_plain_words_in_their_language(client_for, world, case):
    from predeparture.services import step_record

    step_record(step=_step(case, "listed"), by=world.centre, done_on=datetime.date(2026, 2, 1))
    step_record(
        step=_step(case, "nulla_osta_requested"),
        by=world.company,
        done_on=datetime.date(2026, 3, 3),
        reference="ALI-1",
    )
    step_record(
        step=_step(case, "nulla_osta_issued"),
        by=world.company,
        done_on=datetime.date(2026, 4, 1),
        reference="NO-1",
    )
    client = client_for("candidate")
    home = client.get("/").content.decode()
    assert "You book an appointment at the Italian consulate" in home
    assert "This step is yours." in home
    assert "Last step done: “Nulla osta issued”, on 01/04/2026." in home
    # The visa request was due on 1 October 2026: passed, and said so.
    assert "Deadline passed: Ask for the visa before the nulla osta expires" in home
    french = client.get(_url(case), headers={"accept-language": "fr"})
    assert french.status_code == 200


def test_the_company_records_a_step_from_the_page(client_for, world, case):
    client = client_for("company")
    listed = _step(case, "listed")
    # Not the company's step: no form for it, and a post is refused with a message.
    page = client.get(_url(case)).content.decode()
    assert _url(case, "predeparture:step_record", step=listed.pk) not in page
    # The company's later step has no form before its turn; the one it may record now has.
    issued = _step(case, "nulla_osta_issued")
    assert _url(case, "predeparture:step_record", step=issued.pk) not in page
    step = _step(case, "nulla_osta_requested")
    answer = client.post(
        _url(case, "predeparture:step_record", step=step.pk),
        {
            "done_on": "2026-03-03",
            "reference": "ALI-2026-77",
            "exception_reason": "Listing on its way",
        },
    )
    assert answer.status_code == 302
    step.refresh_from_db()
    assert (step.status, step.reference, step.done_on) == (
        "done",
        "ALI-2026-77",
        datetime.date(2026, 3, 3),
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"done_on": "", "reference": "ALI-1"}, "This field is required."),
        ({"done_on": "2026-13-40", "reference": "ALI-1"}, "Enter a valid date."),
        ({"done_on": "2026-03-03", "reference": ""}, "This field is required."),
        ({"done_on": "2026-03-03", "reference": "ALI-1"}, "say why this one comes before it"),
        (
            {"done_on": "2099-01-01", "reference": "ALI-1", "exception_reason": "x"},
            "The date cannot be in the future.",
        ),
    ],
)
def test_bad_input_is_answered_next_to_the_form_and_changes_nothing(client_for, case, data, error):
    step = _step(case, "nulla_osta_requested")
    posted = data
    answer = client_for("company").post(
        _url(case, "predeparture:step_record", step=step.pk), posted
    )
    assert answer.status_code == 200
    assert error in answer.content.decode()
    step.refresh_from_db()
    assert step.status == "pending" and step.reference == ""


def test_the_visas_dates_are_checked_by_the_form(client_for, world, case):
    from predeparture.services import step_record

    day = datetime.date(2026, 2, 1)
    for kind in ("listed", "nulla_osta_requested", "nulla_osta_issued", "visa_applied"):
        step_record(step=_step(case, kind), by=world.iom, done_on=day, reference="R-1")
    step = _step(case, "visa_issued")
    answer = client_for("candidate").post(
        _url(case, "predeparture:step_record", step=step.pk),
        {
            "done_on": "2026-02-10",
            "reference": "V-1",
            "visa_valid_from": "2026-03-01",
            "visa_valid_until": "2026-02-01",
        },
    )
    assert answer.status_code == 200
    assert "The visa’s end must come after its start." in answer.content.decode() or (
        "The visa&#x27;s end must come after its start." in answer.content.decode()
    )
    assert _step(case, "visa_issued").status == "pending"


def test_a_step_of_another_case_is_not_found(client_for, world, case):
    from ..factories import candidate_user

    user = candidate_user(email="worker-b@example.org")
    world.candidate_b.user = user
    world.candidate_b.save()
    other = accepted_case(
        world,
        company=world.company_b_profile,
        candidate=world.candidate_b,
        user=user,
        by=world.company_b,
    )
    foreign = _step(other, "nulla_osta_requested")
    answer = client_for("company").post(
        _url(case, "predeparture:step_record", step=foreign.pk),
        {"done_on": "2026-03-03", "reference": "X"},
    )
    assert answer.status_code == 404
    assert _step(other, "nulla_osta_requested").status == "pending"


def test_closing_from_the_page(client_for, case):
    client = client_for("company")
    bad = client.post(_url(case, "predeparture:case_close"), {"reason": "visa_refused"})
    assert bad.status_code == 200 and "This field is required." in bad.content.decode()
    assert Case.objects.get(pk=case.pk).status == "open"
    done = client.post(
        _url(case, "predeparture:case_close"),
        {"reason": "visa_refused", "note": "Refused by the consulate"},
    )
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "closed"
    page = client.get(_url(case)).content.decode()
    assert "Record this step" not in page and "Visa refused" in page


def test_the_worker_may_only_withdraw(client_for, case):
    page = client_for("candidate").get(_url(case)).content.decode()
    assert 'value="worker_withdrew"' in page and 'value="visa_refused"' not in page
    answer = client_for("candidate").post(
        _url(case, "predeparture:case_close"), {"reason": "visa_refused", "note": "x"}
    )
    assert answer.status_code == 200
    assert Case.objects.get(pk=case.pk).status == "open"


def test_home_pages_list_each_partys_open_steps(client_for, world, case):
    centre_home = client_for("centre").get("/").content.decode()
    assert "Pre-departure: steps to take" in centre_home
    assert "Training completed; listed on the Ministry of Labour" in centre_home
    # The company's step comes after the centre's: not the company's turn yet.
    assert "Pre-departure: steps to take" not in client_for("company").get("/").content.decode()
    iom_home = client_for("iom").get("/").content.decode()
    assert "(The training centre)" in iom_home


def _more_cases(world, count):
    """`count` more open cases of company A, written directly (the services have their tests)."""
    from candidates.models import Candidate
    from matching.models import Offer
    from predeparture.services import case_open

    from ..factories import CandidateFactory

    template = Offer.objects.get(pk=Case.objects.first().offer_id)
    for index in range(count):
        candidate = CandidateFactory(training_centre=world.centre_org)
        application = template.application
        application.pk, application.candidate = None, candidate
        application.vacancy_id = template.application.vacancy_id
        application.save()
        offer = Offer.objects.get(pk=template.pk)
        offer.pk, offer.application = None, application
        offer.decided_at = timezone.now()
        offer.save()
        Candidate.objects.filter(pk=candidate.pk).update(status="selected")
        case_open(offer=offer)


@pytest.mark.parametrize("role", ["company", "chamber", "centre", "iom"])
def test_the_list_and_home_cost_the_same_for_one_case_or_thirty(
    client_for, world, case, role, django_assert_max_num_queries
):
    client = client_for(role)
    for url in (reverse("predeparture:cases"), "/"):
        client.get(url)  # warm the per-process caches
    # (counted at once: the next request clears the connection's query log)
    with django_assert_max_num_queries(12) as one:
        assert client.get(reverse("predeparture:cases")).status_code == 200
    list_queries = len(one.captured_queries)
    with django_assert_max_num_queries(30) as home_one:
        client.get("/")
    home_queries = len(home_one.captured_queries)
    _more_cases(world, 29)
    for url in (reverse("predeparture:cases"), "/"):
        client.get(url)  # the centre's and IOM's stage counts are cached again
    with django_assert_max_num_queries(list_queries):
        page = client.get(reverse("predeparture:cases"))
    assert page.content.decode().count('href="/cases/') >= 25
    with django_assert_max_num_queries(home_queries):
        client.get("/")


def test_the_case_page_costs_the_same_whatever_the_steps_done(
    client_for, world, case, django_assert_max_num_queries
):
    from predeparture.services import step_record

    client = client_for("company")
    client.get(_url(case))
    SHOWN_DATA.changed()  # the body made again (the reference data stays read)
    with django_assert_max_num_queries(10) as before:  # issue 9: at most 10 a page
        client.get(_url(case))
    queries = len(before.captured_queries)
    with django_assert_max_num_queries(2):  # the body as kept: the user and the case
        kept = client.get(_url(case))
    assert "Record this step" in kept.content.decode()
    for kind in ("listed", "nulla_osta_requested", "nulla_osta_issued", "visa_applied"):
        step_record(
            step=_step(case, kind), by=world.iom, done_on=datetime.date(2026, 2, 1), reference="R"
        )
    with django_assert_max_num_queries(queries):
        client.get(_url(case))


def test_iom_reads_a_case_and_its_steps_in_the_admin_and_changes_nothing(world, case):
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    from django.test import Client

    client = Client(headers={"accept-language": "en"})
    client.force_login(world.iom)
    url = reverse("admin:predeparture_case_change", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Nulla osta requested (ALI portal)" in page.content.decode()
    client.post(url, {"status": "closed", "close_note": "x"})
    assert Case.objects.get(pk=case.pk).status == "open"
