import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from candidates.services import candidate_start_training
from tests.factories import CandidateFactory, pass_everything
from thamm.exceptions import DomainError
from training.models import Cohort, Enrolment
from training.services import candidate_certify, cohort_create, cohort_enrol

DATES = {"starts_on": datetime.date(2026, 1, 12), "ends_on": datetime.date(2026, 6, 26)}


@pytest.fixture
def cohort(world):
    return cohort_create(
        centre=world.centre_org,
        data={"name": "Casa 2026-A", "trainers": "K. A.", **DATES},
        by=world.centre,
    )


def test_centre_creates_a_cohort_and_enrols_only_its_own_candidates(world, cohort):
    assert cohort_enrol(cohort=cohort, candidates=[world.candidate_a], by=world.centre) == 1
    assert cohort_enrol(cohort=cohort, candidates=[world.candidate_a], by=world.centre) == 0
    with pytest.raises(DomainError):
        cohort_enrol(cohort=cohort, candidates=[world.candidate_b], by=world.centre)
    with pytest.raises(DomainError):
        cohort_enrol(cohort=cohort, candidates=[world.candidate_a], by=world.centre_b)
    assert Enrolment.objects.count() == 1


def test_a_cohort_cannot_end_before_it_starts_nor_repeat_a_name(world, cohort):
    with pytest.raises(ValidationError):
        cohort_create(
            centre=world.centre_org,
            data={
                "name": "Backwards",
                "starts_on": DATES["ends_on"],
                "ends_on": DATES["starts_on"],
            },
            by=world.centre,
        )
    with pytest.raises(ValidationError):
        cohort_create(
            centre=world.centre_org, data={"name": "Casa 2026-A", **DATES}, by=world.centre
        )
    with pytest.raises(DomainError):
        cohort_create(centre=world.centre_b_org, data={"name": "X", **DATES}, by=world.centre)
    assert Cohort.objects.count() == 1


def test_ministry_export_lists_the_certified_workers_with_formula_safe_cells(world, cohort):
    certified = CandidateFactory(
        training_centre=world.centre_org,
        last_name='=HYPERLINK("http://x")',
        first_name="Ali",
        passport_number="AB1234567",
        passport_expiry=datetime.date(2030, 1, 1),
    )
    trainee = CandidateFactory(training_centre=world.centre_org, last_name="Still")
    for candidate in (certified, trainee):
        candidate_start_training(candidate=candidate, by=world.centre)
    pass_everything(certified, italian="B1")
    candidate_certify(candidate=certified, by=world.centre)
    cohort_enrol(cohort=cohort, candidates=[certified, trainee], by=world.centre)
    client = Client()
    client.force_login(world.centre)
    text = client.get(reverse("training:cohort_export", args=[cohort.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["cognome", "nome", "sesso"]
    assert len(rows) == 2  # the header and the one certified worker
    assert rows[1][0] == '\'=HYPERLINK("http://x")'  # shown as text, never run
    assert rows[1][5:8] == ["AB1234567", "2030-01-01", certified.cin]
    assert rows[1][13] == "B1" and rows[1][14] == timezone.localdate().isoformat()
    response = client.get(reverse("training:cohort_export", args=[cohort.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = sheet.cell(row=2, column=1)
    assert first.data_type == "s" and first.value.startswith("=HYPERLINK")  # a string cell
    assert client.get(reverse("training:cohort_export", args=[cohort.pk, "pdf"])).status_code == 404


def test_cohort_pages_enrol_through_the_form(world, cohort):
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    page = client.get(reverse("training:cohort_detail", args=[cohort.pk]))
    choices = page.context["form"].fields["candidates"].queryset
    assert list(choices) == [world.candidate_a]  # centre B's candidate is not offered
    response = client.post(
        reverse("training:cohort_detail", args=[cohort.pk]),
        {"candidates": [world.candidate_a.pk]},
        follow=True,
    )
    assert "1 candidate(s) enrolled." in response.content.decode()
    bad = client.post(
        reverse("training:cohort_detail", args=[cohort.pk]), {"candidates": [world.candidate_b.pk]}
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    iom = Client()
    iom.force_login(world.iom)
    assert iom.post(reverse("training:cohort_detail", args=[cohort.pk]), {}).status_code == 403


def test_cohort_list_queries_stay_constant(world, django_assert_max_num_queries):
    for index in range(30):
        cohort_create(centre=world.centre_org, data={"name": f"C{index}", **DATES}, by=world.centre)
    client = Client()
    client.force_login(world.iom)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("training:cohort_list"))
    assert len(response.context["cohorts"]) == 30
