"""The results import: good, mixed and bad files; never a partial import, never a server error."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.factories import CandidateFactory
from thamm.exceptions import DomainError
from thamm.tabular import safe_cell
from training.imports import import_confirm, import_preview
from training.models import FileImport, Result

HEADER = "candidate_reference,module_code,score,attendance,date,cefr_level"


def csv_file(*lines: str, name="results.csv", header=HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([header, *lines]) + "\n").encode())


def xlsx_file(rows, name="results.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


EIGHT_MODULES = ["MEC-PLC", "MEC-PNH", "MEC-ELS", "MEC-CNC", "MEC-MNT", "MEC-ROB", "MEC-HSE", "CIV"]


def large_file_lines(world) -> list[str]:
    """320 good rows (40 new candidates x 8 modules): above the background threshold."""
    candidates = CandidateFactory.create_batch(40, training_centre=world.centre_org)
    return [f"{c.reference},{code},70,90,2026-06-01," for c in candidates for code in EIGHT_MODULES]


def preview(world, upload):
    return import_preview(user=world.centre, upload=upload)


def test_good_csv_is_previewed_then_imported_whole(world):
    ref = world.candidate_a.reference
    job = preview(
        world, csv_file(f"{ref},MEC-PLC,75,90,2026-06-01,", f"{ref},ITA,,95,2026-06-01,B1")
    )
    assert job.status == "previewed" and job.totals == {
        "new": 2,
        "update": 0,
        "unchanged": 0,
        "error": 0,
    }
    assert not Result.objects.exists()  # a preview saves nothing
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "imported"
    assert {(r.course.code, r.passed) for r in Result.objects.all()} == {
        ("MEC-PLC", True),
        ("ITA", True),
    }


def test_good_xlsx_with_date_cells_and_semicolon_free_numbers(world):
    import datetime

    ref = world.candidate_a.reference
    job = preview(
        world,
        xlsx_file(
            [
                HEADER.split(","),
                [ref, "mec-hse", 65, 88.5, datetime.date(2026, 5, 30), None],
                [None, None, None, None, None, None],  # empty rows are ignored
                [ref.lower(), "CIV", "80,5", "100%", "2026-05-30", ""],
            ]
        ),
    )
    assert job.totals["new"] == 2 and job.totals["error"] == 0
    import_confirm(job=job, user=world.centre)
    hse = Result.objects.get(course__code="MEC-HSE")
    assert not hse.passed  # 65 < the safety pass mark of 70
    assert Result.objects.get(course__code="CIV").score == 80.5


def test_second_upload_reports_updates_and_unchanged_rows(world):
    ref = world.candidate_a.reference
    import_confirm(
        job=preview(
            world, csv_file(f"{ref},MEC-PLC,75,90,2026-06-01,", f"{ref},CIV,70,90,2026-06-01,")
        ),
        user=world.centre,
    )
    job = preview(
        world, csv_file(f"{ref},MEC-PLC,80,90,2026-06-01,", f"{ref},CIV,70,90,2026-06-01,")
    )
    assert job.totals == {"new": 0, "update": 1, "unchanged": 1, "error": 0}
    import_confirm(job=job, user=world.centre)
    assert Result.objects.get(course__code="MEC-PLC").score == 80


def test_mixed_file_lists_each_error_by_row_and_column_and_imports_nothing(world):
    ref = world.candidate_a.reference
    other = world.candidate_b.reference  # another centre's candidate
    job = preview(
        world,
        csv_file(
            f"{ref},MEC-PLC,75,90,2026-06-01,",
            f"{ref},MEC-CNC,175,90,2026-06-01,",
            f"{other},ITA,,95,2026-06-01,B1",
            f"{ref},NOPE,70,90,2026-06-01,",
            f"{ref},CIV,70,90,2999-01-01,",
            f"{ref},ITA,,90,2026-06-01,",
            f"{ref},MEC-PLC,60,90,2026-06-01,",
        ),
    )
    assert job.status == "rejected" and job.totals["error"] == 6
    problems = {(r["line"], e["column"], e["message"]) for r in job.rows for e in r["errors"]}
    assert (3, "score", "Enter a number from 0 to 100.") in problems
    assert (4, "candidate_reference", "Unknown candidate.") in problems  # discloses nothing
    assert (5, "module_code", "Unknown module code.") in problems
    assert (6, "date", "The assessment date cannot be in the future.") in problems
    assert (7, "cefr_level", "Give the Italian level attained (A1–C2).") in problems
    assert (8, "module_code", "The same candidate and module are already on row 2.") in problems
    with pytest.raises(DomainError):
        import_confirm(job=job, user=world.centre)
    assert not Result.objects.exists()


def test_confirmation_checks_again_and_saves_nothing_if_a_row_now_fails(world):
    candidate = CandidateFactory(training_centre=world.centre_org)
    ref = candidate.reference
    job = preview(
        world,
        csv_file(
            f"{world.candidate_a.reference},CIV,70,90,2026-06-01,", f"{ref},CIV,70,90,2026-06-01,"
        ),
    )
    assert job.status == "previewed"
    candidate.delete()  # the candidate is gone between preview and confirmation
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "rejected"
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file("a,b,c", header="candidate,module,score"), "The columns do not match"),
        (SimpleUploadedFile("r.csv", b""), "The file is empty."),
        (csv_file(), "no rows"),
        (SimpleUploadedFile("r.csv", "référence;é\n".encode("latin-1")), "UTF-8"),
        (SimpleUploadedFile("r.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not a CSV or XLSX"),
        (SimpleUploadedFile("r.xlsx", b"PK\x03\x04 not really a zip"), "not a CSV or XLSX"),
        (SimpleUploadedFile("r.csv", b"x" * (5 * 1024 * 1024 + 1)), "larger than 5 MB"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(world, upload, message):
    with pytest.raises(DomainError, match=message):
        preview(world, upload)
    assert not FileImport.objects.exists() and not Result.objects.exists()


def test_too_many_rows_is_refused_by_the_worker_with_its_reason(
    world, django_capture_on_commit_callbacks
):
    """A file this large is read by the worker, not the web request; it refuses it, and says why
    in the uploader's language."""
    world.centre.language = "en"
    world.centre.save()
    lines = [f"C-AAAAAA,CIV,70,90,2026-06-01,{i}" for i in range(20_001)]
    with django_capture_on_commit_callbacks(execute=True):
        job = preview(world, csv_file(*lines))
    job.refresh_from_db()
    assert job.status == "failed" and job.job.status == "failed"
    assert "more than 20,000 rows" in job.job.message
    assert not Result.objects.exists()


def test_xlsx_with_a_million_empty_rows_gets_a_clear_message(world):
    """A sheet whose used range runs to row 1,000,000 with 1 real row: refused at once."""
    ref = world.candidate_a.reference
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([ref, "CIV", 70, 90, "2026-06-01", ""])
    sheet.cell(row=1_000_000, column=1, value=" ")  # stretches the dimension, blank content
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("big.xlsx", buffer.getvalue())
    with pytest.raises(DomainError, match="delete the empty rows"):
        preview(world, upload)
    assert not FileImport.objects.exists()


def test_xlsx_bomb_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (120 * 1024 * 1024) + b"</a>")
    with pytest.raises(DomainError, match="too large once unpacked"):
        preview(world, SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))


def test_xlsx_with_an_xml_entity_attack_is_refused(world):
    book = Workbook()
    book.active.append(HEADER.split(","))
    book.active.append([world.candidate_a.reference, "CIV", 70, 90, "2026-06-01", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    evil = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;">]>' + body
                )
            target.writestr(item, data)
    with pytest.raises(DomainError, match="not a CSV or XLSX"):
        preview(world, SimpleUploadedFile("evil.xlsx", evil.getvalue()))


def test_formula_cells_never_become_formulas():
    for value in ("=1+1", "+33", "-2", "@SUM(A1)", "\t=x"):
        assert safe_cell(value).startswith("'")
    assert safe_cell("C-ABCDEF") == "C-ABCDEF"


def test_the_page_shows_the_preview_and_confirms(world):
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.centre)
    ref = world.candidate_a.reference
    response = client.post(
        reverse("training:results_import"),
        {"file": csv_file(f"{ref},CIV,70,90,2026-06-01,", f"{ref},XX,1,1,2026-06-01,")},
    )
    job = FileImport.objects.get()
    assert response["Location"] == reverse("training:results_import_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "module_code" in page and job.status == "rejected"
    # A file with errors offers no confirmation.
    assert reverse("training:results_import_confirm", args=[job.pk]) not in page
    good = client.post(
        reverse("training:results_import"), {"file": csv_file(f"{ref},CIV,70,90,2026-06-01,")}
    )
    good_job = FileImport.objects.get(status="previewed")
    confirm = reverse("training:results_import_confirm", args=[good_job.pk])
    assert confirm in client.get(good["Location"]).content.decode()
    client.post(confirm)
    assert Result.objects.filter(candidate=world.candidate_a, course__code="CIV").exists()
    bad = client.post(
        reverse("training:results_import"), {"file": SimpleUploadedFile("r.csv", b"")}
    )
    assert bad.status_code == 200 and bad.context["form"].errors["file"]


def test_template_download_has_the_columns(world):
    client = Client()
    client.force_login(world.centre)
    response = client.get(reverse("training:results_template"))
    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER


REAL_REFERENCE = "<centre A's candidate>"  # replaced by the real reference in the test
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            REAL_REFERENCE,
            "C-XXXXXX",
            "MEC-PLC",
            "MEC-CNC",
            "ITA",
            "CIV",
            "70",
            "101",
            "-5",
            "abc",
            "2026-02-30",
            "2026-06-01",
            "B1",
            "Z9",
            "=cmd()",
            "１２",
            "NaN",
            "1e400",
        ]
    ),
)
# Rows that are valid or nearly so: a real candidate, a real module, values in or out of range.
near_valid_rows = st.tuples(
    st.just(REAL_REFERENCE),
    st.sampled_from(["MEC-PLC", "MEC-CNC", "MEC-HSE", "CIV", "ITA", "NOPE"]),
    st.sampled_from(["", "70", "101", "x"]),
    st.sampled_from(["90", "0.5", "", "120"]),
    st.sampled_from(["2026-06-01", "2999-01-01", "01/06/2026"]),
    st.sampled_from(["", "B1", "Q9"]),
).map(list)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.one_of(st.lists(cells, min_size=0, max_size=8), near_valid_rows), min_size=1, max_size=8
    )
)
def test_malformed_rows_never_import_partially_or_crash(world, rows):
    """Whatever the rows: a preview saves nothing; a confirmation saves every row or none."""
    import csv as _csv

    ref = world.candidate_a.reference
    text = io.StringIO()
    writer = _csv.writer(text)
    writer.writerow(HEADER.split(","))
    for row in rows:
        writer.writerow([ref if cell == REAL_REFERENCE else cell for cell in row])
    before = Result.objects.count()
    try:
        job = preview(world, SimpleUploadedFile("h.csv", text.getvalue().encode()))
    except DomainError:
        assert Result.objects.count() == before
        return
    assert Result.objects.count() == before  # a preview never saves
    if job.status == "previewed":
        job = import_confirm(job=job, user=world.centre)
        assert job.status == "imported"
        # Every new row is there (updates and unchanged rows add nothing).
        assert Result.objects.count() == before + job.totals["new"]
    else:
        assert job.status == "rejected" and job.totals["error"] > 0
        with pytest.raises(DomainError):
            import_confirm(job=job, user=world.centre)
        assert Result.objects.count() == before  # nothing half-saved


def test_a_large_file_is_checked_and_imported_in_the_background(
    world, django_capture_on_commit_callbacks
):
    lines = large_file_lines(world)
    assert len(lines) == 320  # above the background threshold of 300 rows
    with django_capture_on_commit_callbacks(execute=True):
        job = preview(world, csv_file(*lines))
    job.refresh_from_db()
    assert job.status == "previewed" and job.totals["new"] == 320
    assert job.job.status == "done" and job.job.progress == 100
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    status = client.get(reverse("job_status", args=[job.job.pk])).json()
    assert status["finished"] and status["progress"] == 100
    with django_capture_on_commit_callbacks(execute=True):
        job = import_confirm(job=job, user=world.centre)
    assert job.status == "importing"  # the worker takes it from here
    job.refresh_from_db()
    assert job.status == "imported" and job.job.kind == "results.import"
    assert Result.objects.count() == 320


def test_background_check_of_a_file_that_turned_bad_fails_with_its_reason(
    world, django_capture_on_commit_callbacks
):
    world.centre.language = "en"  # the reason is written in the uploader's language
    world.centre.save()
    lines = large_file_lines(world)
    job = preview(world, csv_file(*lines))  # the task waits for the commit
    assert job.status == "checking" and job.job.status == "queued"
    bad = b'{"headers": ["not", "the", "columns"], "rows": [["1", "2", "3"]], "lines": [2]}'
    job.file.save("upload", SimpleUploadedFile("x", bad), save=True)
    from training.tasks import check_results_file

    check_results_file.delay(job_id=job.job_id, import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.job.status == "failed"
    assert "columns do not match" in job.job.message
    check_results_file.delay(
        job_id=job.job_id, import_id=job.pk
    )  # running it again changes nothing
    assert not Result.objects.exists()


def test_a_sheet_padded_to_its_last_column_stays_small(world):
    """A cell in column XFD pads every row to 16,384 columns in openpyxl: only 60 are read."""
    ref = world.candidate_a.reference
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([ref, "CIV", 70, 90, "2026-06-01", ""])
    sheet.cell(row=2, column=16384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    from thamm.tabular import MAX_COLUMNS, read_table

    table = read_table(SimpleUploadedFile("wide.xlsx", buffer.getvalue()))
    assert len(table.headers) == 6 and all(len(row) <= MAX_COLUMNS for row in table.rows)


def test_a_batch_refused_by_the_database_is_reported_not_imported(world, monkeypatch):
    from django.db import IntegrityError

    ref = world.candidate_a.reference
    job = preview(world, csv_file(f"{ref},CIV,70,90,2026-06-01,"))

    def refuse(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(Result.objects, "bulk_create", refuse)
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "rejected" and job.totals["error"] == 1
    assert "The data changed while importing" in job.rows[0]["errors"][0]["message"]
    assert not Result.objects.exists()


def test_an_unexpected_failure_in_the_background_marks_the_import_failed(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    lines = large_file_lines(world)
    job = preview(world, csv_file(*lines))

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("training.imports._run", crash)
    from training.tasks import check_results_file

    check_results_file.delay(job_id=job.job_id, import_id=job.pk)  # in-process: not raised
    job.refresh_from_db()
    assert job.status == "failed" and job.job.status == "failed" and job.job.retryable
    assert "pas pu être terminé" in job.job.message  # the centre's language (French) by default


@pytest.mark.parametrize(
    ("value", "message"), [("0.95", "as a percentage"), ("NaN", "Enter a number")]
)
def test_fraction_and_not_a_number_attendance_are_refused(world, value, message):
    ref = world.candidate_a.reference
    job = preview(world, csv_file(f"{ref},CIV,70,{value},2026-06-01,"))
    assert job.status == "rejected"
    assert message in job.rows[0]["errors"][0]["message"]


def test_the_full_report_lists_every_row_with_formula_safe_cells(world):
    ref = world.candidate_a.reference
    job = preview(
        world, csv_file(f"{ref},CIV,70,90,2026-06-01,", "=cmd(),MEC-PLC,70,90,2026-06-01,")
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    text = client.get(reverse("training:results_import_report", args=[job.pk])).content.decode(
        "utf-8-sig"
    )
    lines = text.splitlines()
    assert lines[0] == "Row,Content,Outcome,Problems" and len(lines) == 3
    assert "'=cmd() · MEC-PLC" in text  # shown as text, never run as a formula
    assert "candidate_reference: Unknown candidate." in text
