"""Benchmark (not a test): import a generated 20,000-row results XLSX; compare with bulk_create.

Run:  .venv/bin/python benchmarks/import_results.py   (DATABASE_URL picks the database; default a
temporary SQLite file). Prints the time and peak memory of: reading the XLSX, the dry run (preview),
the confirmed import, and a plain bulk_create of the same 20,000 rows as the yardstick.
Target (training issue): the import within 5x of bulk_create, under 500 MB.
"""

import datetime
import io
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thamm.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from openpyxl import Workbook  # noqa: E402

ROWS = 20_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def timed(label, func):
    # Wall time only: tracemalloc would slow the steps down several times. Memory is the
    # process's peak resident size, which only grows: read it after the step.
    start = time.perf_counter()
    value = func()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:8.2f} s   process peak so far {peak_rss_mb():6.0f} MB")
    return value, seconds


def main():
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from accounts.models import Membership, Organisation, User
        from candidates.models import Candidate
        from training.imports import import_confirm, import_preview
        from training.models import Course, Result

        centre = Organisation.objects.create(name="Bench centre", kind="training_centre")
        user = User.objects.create_user(email="bench@example.org")
        Membership.objects.create(user=user, organisation=centre, role="admin")
        courses = list(Course.objects.exclude(kind="employer"))
        per_candidate = len(courses)
        n_candidates = ROWS // per_candidate + 1
        Candidate.objects.bulk_create(
            Candidate(
                training_centre=centre,
                first_name="A",
                last_name=f"B{i}",
                reference=f"C-B{i:05d}",
                date_of_birth=datetime.date(1995, 1, 1),
                sex="M",
                cin=f"BB{i:06d}"[:8],
                phone="+212612345678",
                residence_region="MA-06",
                education="technician",
                preferred_regions=["IT-25"],
            )
            for i in range(n_candidates)
        )
        candidates = list(Candidate.objects.filter(training_centre=centre).order_by("pk"))
        rows = []
        for candidate in candidates:
            for course in courses:
                if len(rows) == ROWS:
                    break
                level = "B1" if course.kind == "language" else ""
                score = "" if level else "72.5"
                rows.append([candidate.reference, course.code, score, "91", "2026-06-01", level])
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(
            ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]
        )
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        print(
            f"{len(rows):,} rows, {len(candidates):,} candidates, XLSX {len(data) / 2**20:.1f} MB,"
            f" database {connection.vendor}"
        )

        from thamm.tabular import read_table

        timed(
            "read the XLSX (part of the preview below)",
            lambda: read_table(SimpleUploadedFile("r.xlsx", data)),
        )
        job, preview_s = timed(
            "preview (read + dry run)",
            lambda: import_preview(user=user, upload=SimpleUploadedFile("r.xlsx", data)),
        )
        # 20,000 rows go through the background task (run in-process here: no broker).
        job.refresh_from_db()
        assert job.status == "previewed", (job.status, job.rows[:3])
        job, import_s = timed(
            "confirmed import (import of the checked table)",
            lambda: import_confirm(job=job, user=user),
        )
        assert Result.objects.count() == ROWS, Result.objects.count()
        Result.objects.all().delete()

        course_by_code = {c.code: c for c in courses}
        cand_by_ref = {c.reference: c for c in candidates}

        def yardstick():
            Result.objects.bulk_create(
                [
                    Result(
                        candidate=cand_by_ref[r[0]],
                        course=course_by_code[r[1]],
                        score=Decimal(r[2]) if r[2] else None,
                        attendance=Decimal(r[3]),
                        assessed_on=datetime.date(2026, 6, 1),
                        cefr_level=r[5],
                        passed=True,
                    )
                    for r in rows
                ],
                batch_size=1000,
            )

        _none, bulk_s = timed("yardstick: plain bulk_create of the rows", yardstick)
        print(f"confirmed import / bulk_create: {import_s / bulk_s:.1f}x")
        print(f"peak resident memory of the whole run: {peak_rss_mb():.0f} MB")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    call_command  # noqa: B018 — keep the import for running management commands by hand
    main()
