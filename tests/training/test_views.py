import pytest
from django.test import Client
from django.urls import reverse

from candidates.services import candidate_start_training
from tests.factories import CandidateFactory, pass_everything
from training.models import Result

EN = {"accept-language": "en"}


@pytest.fixture
def centre_client(world):
    client = Client(headers=EN)
    client.force_login(world.centre)
    return client


def test_centre_records_a_result_and_sees_what_certification_still_needs(world, centre_client):
    candidate = world.candidate_a
    url = reverse("training:result_record", args=[candidate.pk])
    course = centre_client.get(url).context["form"].fields["course"].queryset.get(code="MEC-PLC")
    response = centre_client.post(
        url,
        {"course": course.pk, "score": "72.5", "attendance": "95", "assessed_on": "2026-06-01"},
    )
    assert response.status_code == 302
    result = Result.objects.get(candidate=candidate, course=course)
    assert result.passed and result.score == 72.5
    page = centre_client.get(candidate.get_absolute_url()).content.decode()
    assert "Automation and PLC programming" in page and "Passed" in page
    assert "Still needed for certification:" in page
    assert "Workplace health and safety: no result yet" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"score": "150"}, "score"),
        ({"attendance": "-1"}, "attendance"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"score": ""}, "score"),
    ],
)
def test_bad_result_input_is_shown_and_nothing_saved(world, centre_client, data, field):
    url = reverse("training:result_record", args=[world.candidate_a.pk])
    course = centre_client.get(url).context["form"].fields["course"].queryset.get(code="CIV")
    payload = {"course": course.pk, "score": "70", "attendance": "90", "assessed_on": "2026-06-01"}
    payload.update(data)
    response = centre_client.post(url, payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Result.objects.exists()


def test_certify_button_certifies_a_ready_candidate_and_explains_a_refusal(world, centre_client):
    candidate = CandidateFactory(training_centre=world.centre_org)
    candidate_start_training(candidate=candidate, by=world.centre)
    url = reverse("training:certify", args=[candidate.pk])
    refused = centre_client.post(url, follow=True).content.decode()
    assert "Not yet:" in refused
    pass_everything(candidate)
    page = centre_client.get(candidate.get_absolute_url()).content.decode()
    assert "All the conditions for certification are met." in page
    done = centre_client.post(url, follow=True).content.decode()
    assert "The candidate is certified." in done
    candidate.refresh_from_db()
    assert candidate.status == "certified"


def test_candidate_detail_queries_stay_constant(
    world, centre_client, django_assert_max_num_queries
):
    pass_everything(world.candidate_a)
    with django_assert_max_num_queries(20):
        response = centre_client.get(world.candidate_a.get_absolute_url())
    assert len(response.context["results"]) == 8


def test_candidate_reads_their_results_and_what_is_missing_in_arabic(world):
    from django.utils import translation
    from django.utils.html import escape

    candidate_start_training(candidate=world.candidate_a, by=world.centre)
    pass_everything(world.candidate_a, skip={"CIV"})
    pass_everything(world.candidate_b)  # someone else's results
    client = Client(headers={"accept-language": "ar"})
    client.force_login(world.candidate)
    response = client.get("/")
    page = response.content.decode()
    with translation.override("ar"):
        missing = translation.gettext("%(course)s: no result yet") % {
            "course": translation.gettext("Civic orientation")
        }
        safety = translation.gettext("Workplace health and safety")
    assert 'dir="rtl"' in page
    assert escape(missing) in page and escape(safety) in page
    # Their own seven results, nobody else's.
    assert {r.candidate for r in response.context["results"]} == {world.candidate_a}
    assert len(response.context["results"]) == 7


def _enrol_in_cohort(world, candidate, starts_on, name="Casa 2026-B"):
    import datetime

    from training.services import cohort_create, cohort_enrol

    cohort = cohort_create(
        centre=world.centre_org,
        data={"name": name, "starts_on": starts_on, "ends_on": starts_on + datetime.timedelta(90)},
        by=world.centre,
    )
    cohort_enrol(cohort=cohort, candidates=[candidate], by=world.centre)
    return cohort


def test_a_result_dated_before_the_cohort_starts_is_refused_next_to_the_date(world, centre_client):
    import datetime

    _enrol_in_cohort(world, world.candidate_a, datetime.date(2026, 3, 2))
    url = reverse("training:result_record", args=[world.candidate_a.pk])
    course = centre_client.get(url).context["form"].fields["course"].queryset.get(code="CIV")
    payload = {"course": course.pk, "score": "70", "attendance": "90", "assessed_on": "2026-03-01"}
    response = centre_client.post(url, payload)
    assert response.status_code == 200
    message = "The assessment date cannot be before the cohort “Casa 2026-B” starts (02/03/2026)."
    assert response.context["form"].errors["assessed_on"] == [message]
    assert "Casa 2026-B" in response.content.decode()
    assert not Result.objects.exists()


def test_certify_button_explains_that_the_cohort_has_not_started(world, centre_client):
    import datetime

    from django.utils import timezone

    candidate = CandidateFactory(training_centre=world.centre_org)
    candidate_start_training(candidate=candidate, by=world.centre)
    pass_everything(candidate)
    start = timezone.localdate() + datetime.timedelta(days=7)
    _enrol_in_cohort(world, candidate, start, name="Tomorrow's cohort")
    page = centre_client.post(
        reverse("training:certify", args=[candidate.pk]), follow=True
    ).content.decode()
    assert "cannot be certified before." in page and f"{start:%d/%m/%Y}" in page
    candidate.refresh_from_db()
    assert candidate.status == "in_training"
