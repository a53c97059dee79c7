"""IOM's export of the cases for the authorities: a cohort's or a period's, with the fields the
Prefettura and the consulate ask for, as CSV or XLSX whose every cell is text."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from companies.models import Company
from predeparture.models import Case
from predeparture.services import step_record
from training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def _rows(answer) -> list[list[str]]:
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def _export(client, fmt="csv", **params):
    return client.get(reverse("predeparture:export", kwargs={"fmt": fmt}), params)


def test_iom_exports_each_case_with_the_authorities_fields(client_for, world, case):
    step_record(
        step=case.steps.get(kind="listed"), by=world.centre, done_on=datetime.date(2026, 2, 1)
    )
    step_record(
        step=case.steps.get(kind="nulla_osta_requested"),
        by=world.company,
        done_on=datetime.date(2026, 3, 3),
        reference="ALI-BG-2026-118734",
    )
    answer = _export(client_for("iom"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="thamm-cases.csv"'
    header, row = _rows(answer)
    record = dict(zip(header, row, strict=True))
    candidate = case.candidate
    assert record["Surname"] == candidate.last_name
    assert record["Passport number"] == candidate.passport_number
    assert record["Date of birth"] == candidate.date_of_birth.strftime("%d/%m/%Y")
    assert record["ALI request number"] == "ALI-BG-2026-118734"
    assert record["Nulla osta requested on"] == "03/03/2026"
    assert record["Nulla osta number"] == "" and record["Case"] == "Open"


def test_a_name_typed_as_a_formula_stays_text(client_for, world, case):
    Company.objects.filter(pk=case.company_id).update(legal_name='=HYPERLINK("http://x")')
    header, row = _rows(_export(client_for("iom")))
    assert row[header.index("Employer")] == '\'=HYPERLINK("http://x")'
    book = load_workbook(io.BytesIO(_export(client_for("iom"), "xlsx").content))
    cells = [cell for line in book.active.iter_rows() for cell in line if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells)  # none a formula
    assert '=HYPERLINK("http://x")' in [cell.value for cell in cells]


def test_the_export_of_a_cohort_or_a_period(client_for, world, case):
    cohort = Cohort.objects.create(
        training_centre=world.centre_org,
        name="Meccatronica 2026-A",
        starts_on=datetime.date(2026, 1, 10),
        ends_on=datetime.date(2026, 6, 30),
    )
    client = client_for("iom")
    assert len(_rows(_export(client, cohort=cohort.pk))) == 1  # the header: nobody enrolled
    Enrolment.objects.create(cohort=cohort, candidate=case.candidate)
    assert len(_rows(_export(client, cohort=cohort.pk))) == 2
    opened = Case.objects.get(pk=case.pk).opened_at.date()
    assert len(_rows(_export(client, opened_from=opened.isoformat()))) == 2
    after = (opened + datetime.timedelta(days=1)).isoformat()
    assert len(_rows(_export(client, opened_from=after))) == 1


def test_a_bad_period_is_answered_on_the_list_and_nothing_exported(client_for, case):
    answer = _export(client_for("iom"), opened_from="2026-05-01", opened_to="2026-04-01")
    assert answer.status_code == 200 and "text/html" in answer["Content-Type"]
    assert "The period must end after it starts." in answer.content.decode()
    assert _export(client_for("iom"), "pdf").status_code == 404


def test_the_export_costs_the_same_for_one_case_or_many(
    client_for, world, case, django_assert_max_num_queries
):
    from .test_views import _more_cases

    client = client_for("iom")
    _export(client)
    with django_assert_max_num_queries(10) as one:
        _export(client)
    queries = len(one.captured_queries)
    _more_cases(world, 20)
    with django_assert_max_num_queries(queries):
        assert len(_rows(_export(client))) == 22
