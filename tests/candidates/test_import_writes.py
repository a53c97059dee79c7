"""A candidates file writes as the form does: the same rules, dates included, and the same
services (candidate_create, candidate_update), row by row, all or nothing."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from candidates.models import Candidate
from candidates.services import candidate_start_training
from tests.candidates.test_import import GOOD, upload
from tests.factories import CandidateFactory, candidate_form_data
from thamm.exceptions import DomainError
from thamm.models import AuditEntry
from training.imports import import_confirm, import_preview

ON_RECORD = (
    "The passport on record has expired: enter the new passport's number and expiry date, or "
    "leave both empty until the candidate has one."
)


def line_of(record, **changes) -> str:
    """The file's row for `record` as it stands, with `changes` (column: text)."""
    values = {
        "first_name": record.first_name,
        "last_name": record.last_name,
        "first_name_ar": record.first_name_ar,
        "last_name_ar": record.last_name_ar,
        "date_of_birth": record.date_of_birth,
        "sex": record.sex,
        "cin": record.cin,
        "passport_number": record.passport_number,
        "passport_expiry": record.passport_expiry or "",
        "phone": record.phone,
        "email": record.email,
        "residence_region": record.residence_region,
        "education": record.education,
        "years_experience": record.years_experience,
        "occupations": ";".join(o.isco_code for o in record.previous_occupations.all()),
        "preferred_regions": ";".join(record.preferred_regions),
        "earliest_start": record.earliest_start or "",
    } | changes
    return ",".join(str(value) for value in values.values())


def passport_expired_on_record(world) -> Candidate:
    """The world's candidate of centre A, whose passport (on record) has expired since."""
    Candidate.objects.filter(pk=world.candidate_a.pk).update(
        passport_number="XY1234567", passport_expiry=datetime.date(2020, 1, 1)
    )
    return Candidate.objects.get(pk=world.candidate_a.pk)


def form_errors(client, url, **changes) -> dict:
    """Post the record's own form, as it shows the record, with `changes`: the form's errors."""
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()} | changes
    response = client.post(url, data)
    assert response.status_code == 200, "the form saved the record"
    return response.context["form"].errors


@pytest.mark.parametrize(
    "changes", [{}, {"email": "new@example.org"}], ids=["row unchanged", "other column changed"]
)
def test_an_expired_passport_on_record_is_refused_by_file_as_by_the_form(world, changes):
    record = passport_expired_on_record(world)
    with translation.override("fr"):
        job = import_preview(
            user=world.centre, upload=upload(line_of(record, **changes)), kind="candidates"
        )
        expected = translation.gettext(ON_RECORD)
    assert job.status == "rejected", job.rows
    assert job.rows[0]["errors"] == [{"column": "passport_expiry", "message": expected}]
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.centre)
    errors = form_errors(client, reverse("candidates:edit", args=[record.pk]), **changes)
    assert errors["passport_expiry"] == [expected]
    assert Candidate.objects.get(pk=record.pk).email == record.email  # nothing changed


@pytest.mark.parametrize(
    ("column", "value", "english"),
    [
        ("passport_expiry", "2020-01-01", "This passport has expired."),
        ("earliest_start", "2020-01-01", "The start date cannot be in the past."),
        ("date_of_birth", "2099-01-01", "The date of birth cannot be in the future."),
    ],
)
def test_a_date_rule_says_the_same_in_a_file_and_on_the_form(world, column, value, english):
    row = GOOD[1].replace("2031-01-01", value) if column == "passport_expiry" else GOOD[1]
    if column == "earliest_start":
        row = row.rstrip(",") + "," + value
    if column == "date_of_birth":
        row = row.replace("1999-05-01", value)
    with translation.override("fr"):
        job = import_preview(user=world.centre, upload=upload(row), kind="candidates")
        expected = translation.gettext(english)
    assert job.rows[0]["errors"] == [{"column": column, "message": expected}]
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.centre)
    data = candidate_form_data(passport_number="XY1234567", passport_expiry="2031-01-01")
    response = client.post(reverse("candidates:create"), data | {column: value})
    assert response.context["form"].errors[column] == [expected]


def test_a_start_date_that_has_passed_may_stay_as_it_was_in_a_file_too(world):
    Candidate.objects.filter(pk=world.candidate_a.pk).update(
        earliest_start=datetime.date(2020, 1, 1)
    )
    record = Candidate.objects.get(pk=world.candidate_a.pk)
    job = import_preview(
        user=world.centre, upload=upload(line_of(record, last_name="Kept")), kind="candidates"
    )
    assert job.totals["update"] == 1, job.rows
    moved = line_of(record, earliest_start="2020-02-01")
    job = import_preview(user=world.centre, upload=upload(moved), kind="candidates")
    assert job.rows[0]["errors"] == [
        {"column": "earliest_start", "message": "The start date cannot be in the past."}
    ]


def test_a_start_date_that_has_passed_may_stay_as_it_was_on_the_form(world):
    Candidate.objects.filter(pk=world.candidate_a.pk).update(
        earliest_start=datetime.date(2020, 1, 1)
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    url = reverse("candidates:edit", args=[world.candidate_a.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()} | {"last_name": "Kept"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Candidate.objects.get(pk=world.candidate_a.pk).last_name == "Kept"
    errors = form_errors(client, url, earliest_start="2020-02-01")
    assert errors["earliest_start"] == ["The start date cannot be in the past."]


@pytest.mark.parametrize("service", ["candidate_create", "candidate_update_check"])
def test_each_row_is_saved_by_the_candidate_services_whose_refusal_is_the_rows_error(
    world, monkeypatch, service
):
    """A preview: a new row through candidate_create, an update judged by candidate_update's
    own check."""

    def refuse(**kwargs):
        raise DomainError("Refused by the service.")

    monkeypatch.setattr(f"candidates.resources.{service}", refuse)
    row = GOOD[0] if service == "candidate_create" else line_of(world.candidate_a, last_name="X")
    job = import_preview(user=world.centre, upload=upload(row), kind="candidates")
    assert job.status == "rejected"
    assert job.rows[0]["errors"] == [{"column": "", "message": "Refused by the service."}]


def test_an_update_is_imported_by_candidate_update_whose_refusal_is_the_rows_error(
    world, monkeypatch
):
    job = import_preview(
        user=world.centre,
        upload=upload(line_of(world.candidate_a, last_name="X")),
        kind="candidates",
    )
    assert job.status == "previewed"

    def refuse(**kwargs):
        raise DomainError("Refused by the service.")

    monkeypatch.setattr("candidates.resources.candidate_update", refuse)
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "rejected"
    assert job.rows[0]["errors"] == [{"column": "", "message": "Refused by the service."}]
    assert Candidate.objects.get(pk=world.candidate_a.pk).last_name != "X"


def test_an_update_by_file_writes_only_its_columns_and_keeps_a_stage_change_made_meanwhile(
    world, monkeypatch
):
    """The stage moves after the import read the record (by a person, in another request; on
    PostgreSQL the import's row lock makes them wait): candidate_update writes the file's columns
    only, and its audit entry says which changed."""
    import candidates.resources

    record = world.candidate_a
    locks = []
    read = candidates.resources.candidates_for_file

    def noting_the_lock(**kwargs):
        locks.append(kwargs["lock"])
        return read(**kwargs)

    monkeypatch.setattr(candidates.resources, "candidates_for_file", noting_the_lock)
    job = import_preview(
        user=world.centre, upload=upload(line_of(record, last_name="Changed")), kind="candidates"
    )
    assert job.totals["update"] == 1, job.rows
    update = candidates.resources.candidate_update

    def stage_moves_first(**kwargs):
        candidate_start_training(candidate=Candidate.objects.get(pk=record.pk), by=world.centre)
        return update(**kwargs)

    monkeypatch.setattr(candidates.resources, "candidate_update", stage_moves_first)
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "imported", job.rows
    record = Candidate.objects.get(pk=record.pk)
    assert record.last_name == "Changed" and record.status == "in_training"
    entry = AuditEntry.objects.get(action="candidate.update")
    assert entry.detail == {"fields": ["last_name"], "by_file": True}
    assert entry.actor == world.centre
    assert locks == [False, True]  # the import locks the records it reads; the preview does not


def test_checking_a_candidates_file_looks_nothing_up_row_by_row(world):
    """Each row costs only the checks of its own values (CIN and reference unique, the passport
    constraints) and its occupations; the centre, its records and the occupations' list are read
    once."""
    candidates = CandidateFactory.create_batch(6, training_centre=world.centre_org)

    def selects(count):
        lines = [line_of(c, last_name="Changed") for c in candidates[:count]]
        with CaptureQueriesContext(connection) as captured:
            job = import_preview(user=world.centre, upload=upload(*lines), kind="candidates")
        assert job.totals["update"] == count, job.rows
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]

    one, six = selects(1), selects(6)
    per_row = (len(six) - len(one)) / 5
    assert per_row <= 5, six
    assert sum('FROM "accounts_organisation"' in sql for sql in six) == 1
    loads = 'SELECT "candidates_candidate"."id", "candidates_candidate"."created_at"'
    assert sum(sql.startswith(loads) for sql in six) == 1  # the centre's records, once


def test_a_preview_writes_no_existing_record_so_it_locks_none(world):
    """Checking a file holds up nobody's edit or consent: an update is judged by the same rules
    but not written until the import (an UPDATE would lock the record for the whole check)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record = world.candidate_a
    with CaptureQueriesContext(connection) as queries:
        job = import_preview(
            user=world.centre,
            upload=upload(line_of(record, last_name="Changed")),
            kind="candidates",
        )
    assert job.totals["update"] == 1, job.rows
    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "candidates_candidate"')]
    assert writes == []
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "imported"
    record.refresh_from_db()
    assert record.last_name == "Changed"
