"""Benchmark (not a test): the CPU an upload costs the web request, and then the worker.

Run:  .venv/bin/python benchmarks/hostile_uploads.py   (DATABASE_URL picks the database; default a
temporary SQLite file). For each file (the hostile ones of issue 9 and a good 20,000-row one) it
prints its size, the CPU seconds of the web request's part (`import_preview`) and of the worker's
part (reading and checking, the task run in-process), and the outcome.
Target (issue 9): any upload is answered within 2 s of CPU in the web process.
"""

import io
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thamm.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from tests.xlsx_files import MAIN_NS, SHEET, sheet_xlsx, with_parts  # noqa: E402

HEADER = ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]


def files(references: list[str]) -> list[tuple[str, str, bytes]]:
    good = [[ref, "CIV", 70, 90, "2026-06-01", None] for ref in references]
    csv = "\n".join([",".join(HEADER)] + [f"{r},CIV,70,90,2026-06-01," for r in references])
    padding = ",".join([""] * 6)
    return [
        (
            "xlsx, no <dimension>, 200,000 rows x 45 empty cells",
            "xlsx",
            sheet_xlsx([HEADER, good[0]], empty_rows=200_000, empty_cells_per_row=45),
        ),
        (
            "xlsx, 20,000 rows x 205 cells",
            "xlsx",
            sheet_xlsx([HEADER], empty_rows=20_000, empty_cells_per_row=205),
        ),
        (
            "xlsx, <dimension> A1:F2, 3 rows",
            "xlsx",
            sheet_xlsx([HEADER, *good[:2]], dimension="A1:F2"),
        ),
        (
            "xlsx, 8 KB with 300,000 fonts in its styles",
            "xlsx",
            with_parts(
                sheet_xlsx([HEADER, good[0]]),
                {
                    "xl/styles.xml": f'<styleSheet xmlns="{MAIN_NS}"><fonts>'.encode()
                    + b"<font/>" * 300_000
                    + b"</fonts></styleSheet>"
                },
            ),
        ),
        ("xlsx, 20,000 rows of 50 candidates", "xlsx", sheet_xlsx([HEADER, *good])),
        ("csv, 20,000 rows of 50 candidates", "csv", csv.encode()),
        (
            "csv, 5 MB of empty rows",
            "csv",
            (",".join(HEADER) + "\n" + (padding + "\n") * 700_000).encode()[: 5 * 2**20],
        ),
    ]


def mb(data: bytes) -> str:
    return f"{len(data) / 2**20:.2f} MB"


def unpacked(data: bytes) -> str:
    if not data.startswith(b"PK"):
        return "-"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return f"{archive.getinfo(SHEET).file_size / 2**20:.0f} MB"


def main():
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from accounts.models import Membership, Organisation, User
        from tests.factories import CandidateFactory
        from thamm.exceptions import DomainError
        from training.imports import import_preview
        from training.models import FileImport

        centre = Organisation.objects.create(name="Bench centre", kind="training_centre")
        user = User.objects.create_user(email="bench@example.org", language="en")
        Membership.objects.create(user=user, organisation=centre, role="admin")
        references = [
            c.reference for c in CandidateFactory.create_batch(50, training_centre=centre)
        ]
        # 20,000 rows naming 50 candidates: most are repeats (row errors), but all are read.
        references = (references * 400)[:20_000]
        print(
            f"{'file':<52} {'size':>8} {'unpacked':>9} {'web CPU s':>10} {'worker CPU s':>13}  "
            "outcome"
        )
        for label, kind, data in files(references):
            upload = SimpleUploadedFile(f"f.{kind}", data)
            start = time.process_time()
            web = None
            try:
                with transaction.atomic():
                    job = import_preview(user=user, upload=upload)
                    web = time.process_time() - start
                    mark = time.process_time()
                # Leaving the transaction ran the queued task in-process: the worker's part.
                worker = time.process_time() - mark
            except DomainError as exc:  # refused in the web request: an outcome too
                web = time.process_time() - start
                print(f"{label:<52} {mb(data):>8} {unpacked(data):>9} {web:10.2f} {'-':>13}  {exc}")
                continue
            job = FileImport.objects.select_related("job").get(pk=job.pk)
            outcome = job.status
            if job.job_id and job.job.message:
                outcome += f": {job.job.message[:90]}"
            elif job.totals:
                outcome += f": {job.totals}"
            sizes = f"{mb(data):>8} {unpacked(data):>9}"
            print(f"{label:<52} {sizes} {web:10.2f} {worker:13.2f}  {outcome}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
