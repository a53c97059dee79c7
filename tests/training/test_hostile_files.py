"""Issue 9, defects 1–3: no upload holds a web request, every row of a sheet is read whatever its
<dimension> says, and a confirmation never overwrites what changed since the check."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate
from tests.xlsx_files import MAIN_NS, SHEET, sheet_with, sheet_xlsx, with_parts
from thamm.exceptions import DomainError
from thamm.tabular import MAX_UPLOAD_BYTES, read_table
from training.imports import import_confirm, import_preview
from training.models import Course, FileImport, Result
from training.services import result_record
from training.tasks import check_results_file

HEADER = ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]


def parse_forbidden(monkeypatch):
    """openpyxl may not run: a test fails if anything tries to parse the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def english(world):
    world.centre.language = "en"  # the worker writes the reason in the uploader's language
    world.centre.save()


@pytest.fixture(scope="module")
def padded_sheet() -> bytes:
    """The reported file: no <dimension>, 200,000 rows of formatted empty cells, under 5 MB."""
    return sheet_xlsx(
        [HEADER, ["C-AAAAAA", "CIV", 70, 90, "2026-06-01", None]],
        empty_rows=200_000,
        empty_cells_per_row=20,
    )


def test_a_sheet_of_200000_empty_rows_is_not_read_in_the_web_request(
    world, monkeypatch, padded_sheet
):
    english(world)
    assert len(padded_sheet) < MAX_UPLOAD_BYTES
    with zipfile.ZipFile(io.BytesIO(padded_sheet)) as archive:
        assert archive.getinfo(SHEET).file_size > 40 * 1024 * 1024  # unpacks to tens of MB
    parse_forbidden(monkeypatch)
    monkeypatch.setattr("thamm.tabular._scan_xlsx", lambda upload: pytest.fail("scanned"))
    job = import_preview(user=world.centre, upload=SimpleUploadedFile("p.xlsx", padded_sheet))
    # The web request only kept the file and queued its reading.
    assert job.status == "checking" and job.unread and job.job.status == "queued"


def test_the_worker_refuses_a_sheet_of_empty_cells_by_counting_not_parsing(
    world, monkeypatch, padded_sheet
):
    english(world)
    job = import_preview(user=world.centre, upload=SimpleUploadedFile("p.xlsx", padded_sheet))
    parse_forbidden(monkeypatch)
    check_results_file.delay(job_id=job.job_id, import_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.job.status == "failed"
    assert "more than 3,000,000 cells" in job.job.message
    assert not Result.objects.exists()


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_20000_rows_of_205_cells_are_refused_before_parsing(world, monkeypatch, prefix):
    data = sheet_xlsx([HEADER], empty_rows=20_000, empty_cells_per_row=205, prefix=prefix)
    parse_forbidden(monkeypatch)
    with pytest.raises(DomainError, match="more than 3,000,000 cells"):
        read_table(SimpleUploadedFile("wide.xlsx", data))


def test_a_namespace_prefix_does_not_hide_the_rows(world):
    ref = world.candidate_a.reference
    data = sheet_xlsx([HEADER, [ref, "CIV", 70, 90, "2026-06-01", None]], prefix="x:")
    table = read_table(SimpleUploadedFile("prefixed.xlsx", data))
    assert table.headers == HEADER and table.rows[0][:2] == [ref, "CIV"]


SMALL = [HEADER, ["C-AAAAAA", "CIV", 70, 90, "2026-06-01", None]]


@pytest.mark.parametrize(
    "parts",
    [
        # cells under another prefix of the same namespace
        {SHEET: sheet_with("<y:c/>" * 100, rows=31_000)},
        # the root element behind 4 KB of comment, or named otherwise
        {SHEET: sheet_with("<c/>" * 100, rows=31_000, before="<!--" + "x" * 5000 + "-->")},
        {SHEET: sheet_with("<c/>" * 100, rows=31_000, root="dialogsheet")},
        # a million fonts in the styles openpyxl parses
        {
            "xl/styles.xml": f'<styleSheet xmlns="{MAIN_NS}"><fonts>'.encode()
            + b"<font/>" * 3_100_000
            + b"</fonts></styleSheet>"
        },
    ],
    ids=["other-prefix", "root-after-comment", "dialogsheet", "styles"],
)
def test_elements_are_counted_whatever_they_are_called_or_wherever_they_are(monkeypatch, parts):
    data = with_parts(sheet_xlsx(SMALL), parts)
    parse_forbidden(monkeypatch)
    with pytest.raises(DomainError, match="more than 3,000,000"):
        read_table(SimpleUploadedFile("hidden.xlsx", data))


def test_one_row_of_a_million_cells_is_refused_before_parsing(monkeypatch):
    data = with_parts(sheet_xlsx(SMALL), {SHEET: sheet_with("<c/>" * 1_000_000, rows=1)})
    parse_forbidden(monkeypatch)
    with pytest.raises(DomainError, match="A row of the spreadsheet holds too many cells"):
        read_table(SimpleUploadedFile("wide-row.xlsx", data))


def test_a_small_file_full_of_styles_is_read_by_the_worker_not_the_request(world, monkeypatch):
    styles = f'<styleSheet xmlns="{MAIN_NS}"><fonts>'.encode() + b"<font/>" * 300_000
    data = with_parts(sheet_xlsx(SMALL), {"xl/styles.xml": styles + b"</fonts></styleSheet>"})
    assert len(data) < 20_000  # a few kilobytes uploaded
    parse_forbidden(monkeypatch)
    job = import_preview(user=world.centre, upload=SimpleUploadedFile("s.xlsx", data))
    assert job.unread and job.status == "checking"


def test_a_row_number_far_down_mid_sheet_is_refused(monkeypatch):
    rows = "".join(f'<row r="{n}"><c/></row>' for n in range(1, 50))
    rows += '<row r="1000000000"><c/></row>' + "".join(
        f'<row r="{n}"><c/></row>' for n in range(50, 100)
    )
    sheet = (f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>').encode()
    parse_forbidden(monkeypatch)
    with pytest.raises(DomainError, match="rows run to row 1,000,000,000"):
        read_table(SimpleUploadedFile("far.xlsx", with_parts(sheet_xlsx(SMALL), {SHEET: sheet})))


def test_overlong_cells_are_refused():
    huge = sheet_xlsx([HEADER, ["C" * 30_000_000, "CIV", 70, 90, "2026-06-01", None]])
    with pytest.raises(DomainError, match="too many cells"):  # its row is refused unparsed
        read_table(SimpleUploadedFile("huge.xlsx", huge))
    long = sheet_xlsx([HEADER, ["C" * 1_500, "CIV", 70, 90, "2026-06-01", None]])
    with pytest.raises(DomainError, match="more than 1,000 characters"):
        read_table(SimpleUploadedFile("long.xlsx", long))


@pytest.mark.parametrize("method", ["deflate64", "encrypted"])
def test_an_archive_python_cannot_open_gets_a_message_not_a_server_error(world, method):
    data = bytearray(sheet_xlsx(SMALL))
    # Patch the first local header's compression method (9: deflate64) or encryption flag.
    if method == "deflate64":
        data[8:10] = (9).to_bytes(2, "little")
    else:
        data[6:8] = (int.from_bytes(data[6:8], "little") | 1).to_bytes(2, "little")
    central = bytes(data).rfind(b"PK\x01\x02")
    while central != -1:
        if method == "deflate64":
            data[central + 10 : central + 12] = (9).to_bytes(2, "little")
        else:
            flags = int.from_bytes(data[central + 8 : central + 10], "little") | 1
            data[central + 8 : central + 10] = flags.to_bytes(2, "little")
        central = bytes(data).rfind(b"PK\x01\x02", 0, central)
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    upload = SimpleUploadedFile("odd.xlsx", bytes(data))
    response = client.post(reverse("training:results_import"), {"file": upload})
    assert response.status_code == 200 and "not a CSV or XLSX" in response.content.decode()


def test_legitimate_extra_parts_are_not_refused():
    """A UTF-16 custom XML part (document-management systems write them) and a second, unused
    sheet of 25,000 rows x 45 cells: the first sheet is read."""
    custom = ('<?xml version="1.0" encoding="UTF-16"?><properties><p>x</p></properties>').encode(
        "utf-16"
    )
    unused = sheet_with("<c/>" * 45, rows=25_000)
    data = with_parts(
        sheet_xlsx(SMALL),
        {"customXml/item1.xml": custom, "xl/worksheets/sheet2.xml": unused},
    )
    table = read_table(SimpleUploadedFile("extra.xlsx", data))
    assert table.headers == HEADER and len(table.rows) == 1


def test_every_row_is_read_when_the_dimension_understates_the_sheet(world):
    """The sheet says A1:F2 and holds three rows: both data rows are previewed and imported."""
    a, b = world.candidate_a.reference, world.candidate_b.reference
    rows = [HEADER, [a, "CIV", 70, 90, "2026-06-01", None], [b, "CIV", 80, 95, "2026-06-01", None]]
    world.candidate_b.training_centre = world.candidate_a.training_centre
    world.candidate_b.save()
    data = sheet_xlsx(rows, dimension="A1:F2")
    job = import_preview(user=world.centre, upload=SimpleUploadedFile("short.xlsx", data))
    assert job.totals["new"] == 2 and job.row_count == 2
    import_confirm(job=job, user=world.centre)
    assert Result.objects.count() == 2


def test_a_large_file_is_read_checked_and_imported_by_the_worker(
    world, django_capture_on_commit_callbacks
):
    """A file above the web request's size is read once, by the worker, and imported whole."""
    from tests.factories import CandidateFactory

    candidates = CandidateFactory.create_batch(5, training_centre=world.centre_org)
    rows = [HEADER] + [[c.reference, "CIV", 70, 90, "2026-06-01", None] for c in candidates]
    # Padding that makes it large but holds no data: 3,000 rows of a few empty cells.
    data = sheet_xlsx(rows, empty_rows=3_000, empty_cells_per_row=40)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_preview(user=world.centre, upload=SimpleUploadedFile("big.xlsx", data))
    job.refresh_from_db()
    assert not job.unread and job.status == "previewed" and job.totals["new"] == 5
    with job.file.open("rb") as handle:
        assert handle.read(1) == b"{"  # the upload was replaced by the table read from it
    job = import_confirm(job=job, user=world.centre)
    assert job.status == "imported" and Result.objects.count() == 5


def hand_typed(world, candidate, score):
    return result_record(
        candidate=candidate,
        course=Course.objects.get(code="CIV"),
        score=Decimal(score),
        attendance=Decimal(99),
        cefr_level="",
        assessed_on=world_date(),
        by=world.centre,
    )


def world_date():
    import datetime

    return datetime.date(2026, 6, 2)


def csv_upload(*lines):
    return SimpleUploadedFile("r.csv", ("\n".join([",".join(HEADER), *lines]) + "\n").encode())


def test_a_result_typed_by_hand_after_the_check_is_not_overwritten(world):
    ref = world.candidate_a.reference
    job = import_preview(user=world.centre, upload=csv_upload(f"{ref},CIV,70,90,2026-06-01,"))
    assert job.totals["new"] == 1
    hand_typed(world, world.candidate_a, 55)  # typed on the portal after the check
    job = import_confirm(job=job, user=world.centre)
    result = Result.objects.get()
    assert result.score == Decimal(55)  # not overwritten
    # Checked again: the preview now says "updated", and asks to confirm again.
    assert job.changed_lines == [2] and job.status == "previewed"
    assert job.totals == {"new": 0, "update": 1, "unchanged": 0, "error": 0}
    job = import_confirm(job=job, user=world.centre)  # confirmed knowingly: now it imports
    assert job.status == "imported" and not job.changed_lines
    result.refresh_from_db()
    assert result.score == Decimal(70)


def test_a_result_corrected_by_hand_after_the_check_asks_to_check_again(world):
    ref = world.candidate_a.reference
    hand_typed(world, world.candidate_a, 40)
    job = import_preview(user=world.centre, upload=csv_upload(f"{ref},CIV,70,90,2026-06-01,"))
    assert job.totals["update"] == 1
    hand_typed(world, world.candidate_a, 65)  # the same result corrected meanwhile
    job = import_confirm(job=job, user=world.centre)
    assert job.changed_lines == [2] and Result.objects.get().score == Decimal(65)


def test_the_page_says_which_rows_changed_and_offers_the_new_check(world):
    ref = world.candidate_a.reference
    job = import_preview(user=world.centre, upload=csv_upload(f"{ref},CIV,70,90,2026-06-01,"))
    hand_typed(world, world.candidate_a, 55)
    client = Client(headers={"accept-language": "fr"})
    client.force_login(world.centre)
    response = client.post(reverse("training:results_import_confirm", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "Rien n'a été importé : depuis la vérification du fichier" in page
    assert reverse("training:results_import_confirm", args=[job.pk]) in page  # confirm again
    assert FileImport.objects.get().status == "previewed"


def test_a_candidate_edited_by_hand_after_the_check_is_not_overwritten(world):
    from candidates.services import candidate_update
    from tests.candidates.test_import import upload

    record = world.candidate_a
    line = (
        f"{record.first_name},Changed,,,{record.date_of_birth},{record.sex},{record.cin},,,"
        f"{record.phone},,MA-06,technician,0,,Lombardia,"
    )
    job = import_preview(user=world.centre, upload=upload(line), kind="candidates")
    assert job.totals["update"] == 1
    candidate_update(
        candidate=record, data={"phone": "+212612345678"}, occupations=[], by=world.centre
    )
    job = import_confirm(job=job, user=world.centre)
    record = Candidate.objects.get(pk=record.pk)
    assert job.changed_lines == [2] and record.last_name != "Changed"
    assert record.phone == "+212612345678"


def test_a_check_whose_worker_died_is_failed_and_can_be_tried_again(
    world, django_capture_on_commit_callbacks
):
    """The worker vanished mid-check: the sweep fails the file with a reason, the page offers to
    try again, and trying again checks it."""
    import datetime

    from django.utils import timezone

    from tests.training.test_imports import csv_file, large_file_lines
    from thamm.jobs import jobs_fail_stale
    from thamm.models import Job

    english(world)
    job = import_preview(user=world.centre, upload=csv_file(*large_file_lines(world)))
    Job.objects.filter(pk=job.job_id).update(  # claimed by a worker that then died
        status="running", claimed_by="gone", deadline=timezone.now() - datetime.timedelta(1)
    )
    assert jobs_fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.job.retryable
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    page = client.get(reverse("training:results_import_detail", args=[job.pk])).content.decode()
    assert "The work stopped before it was finished" in page
    assert reverse("job_retry", args=[job.job_id]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("job_retry", args=[job.job_id]), {"next": "/"})
    job.refresh_from_db()
    assert job.status == "previewed" and job.totals["new"] == 320


def test_a_file_not_checked_yet_shows_no_empty_totals_or_table(world):
    job = import_preview(user=world.centre, upload=csv_upload_large(world))
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.centre)
    page = client.get(reverse("training:results_import_detail", args=[job.pk])).content.decode()
    assert "None" not in page and "Outcome per row" not in page


def csv_upload_large(world):
    from tests.training.test_imports import csv_file, large_file_lines

    return csv_file(*large_file_lines(world))
