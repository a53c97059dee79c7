"""Benchmark (not a test): the visa dossier.

Run:  .venv/bin/python benchmarks/dossier.py [--dossiers 100] [--workers 2]

It (re)creates its own PostgreSQL database `thamm_dossier` (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/thamm_dossier) and uses Redis database 13 (BENCH_REDIS_URL)
as the broker, with a temporary media folder; it seeds the demo and gives the demo's arrived
worker's case 12 verified documents of about 30 pages (4 PDFs, 8 A4 scans as JPEG), then prints:

- the cover alone rendered by WeasyPrint (median of 5), against the whole dossier rendered and
  merged in this process (median of 3), and the peak memory (RSS) of a process making one;
- 100 dossiers (copies of that case, the same files) made by 2 Celery worker processes on Redis:
  the time from queueing the first to the last done.

Targets (the pre-departure issue): one dossier <= 3 s and < 300 MB; 100 through 2 workers
<= 3 minutes.
"""

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/thamm_dossier")
DB_NAME = urllib.parse.urlparse(DB_URL).path.lstrip("/")
if DB_NAME in ("thamm", "postgres", "template1") or DB_NAME.startswith("test_"):
    sys.exit(f"refusing to use the database {DB_NAME!r}: give the benchmark its own")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
MEDIA = tempfile.mkdtemp(prefix="thamm-dossier-bench-")
QUEUE = "dossiers-bench"

os.environ.update(
    DJANGO_SETTINGS_MODULE="thamm.settings.base",
    DATABASE_URL=DB_URL,
    REDIS_URL=REDIS_URL,
    MEDIA_ROOT=MEDIA,
    DEBUG="0",
    SECRET_KEY="bench-only-not-a-secret-" + "x" * 40,
)


def recreate_database():
    import psycopg

    parts = urllib.parse.urlparse(DB_URL)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [DB_NAME]
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def _html_pdf(count: int) -> bytes:
    """A PDF of `count` A4 pages of text."""
    import weasyprint

    body = "".join(f"<h2>{n}</h2><p>{'Testo del documento. ' * 120}</p>" for n in range(count))
    html = f"<style>h2{{page-break-before:always}}</style>{body}"
    return weasyprint.HTML(string=html).write_pdf()


def scan() -> bytes:
    """An A4 page scanned at 150 dpi, as a JPEG (lines of 'text' on paper, with noise)."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(7)
    image = Image.new("L", (1240, 1754), 245)
    draw = ImageDraw.Draw(image)
    for y in range(120, 1650, 28):
        x = 100
        while x < 1100:
            width = rng.randint(20, 90)
            draw.rectangle([x, y, x + width, y + 12], fill=rng.randint(20, 80))
            x += width + rng.randint(8, 16)
    for _ in range(4000):
        draw.point((rng.randint(0, 1239), rng.randint(0, 1753)), fill=rng.randint(150, 255))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=75)
    return buffer.getvalue()


def twelve_documents(case) -> int:
    """The case's 12 verified documents: 4 PDFs (3, 5, 8 and 6 pages) and 8 scans. Pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import User
    from predeparture.models import CaseDocument, DocumentType
    from predeparture.services import document_upload

    iom = User.objects.get(email="iom@thamm.example")
    later = timezone.localdate() + timezone.timedelta(days=900)
    pdfs = {
        "nulla-osta": 3,
        "signed-offer": 5,
        "contratto-di-soggiorno": 8,
        "training-certificate": 6,
    }
    scans = [
        "passport",
        "photo",
        "criminal-record",
        "medical-certificate",
        "visa",
        "flight-ticket",
        "accommodation-declaration",
        "safety-certificate",
    ]
    image = scan()
    for code in [*pdfs, *scans]:
        doc_type = DocumentType.objects.get(code=code)
        if code in pdfs:
            upload = SimpleUploadedFile(f"{code}.pdf", _html_pdf(pdfs[code]), "application/pdf")
        else:
            upload = SimpleUploadedFile(f"{code}.jpg", image, "image/jpeg")
        document = document_upload(
            case=case,
            doc_type=doc_type,
            by=iom,
            upload=upload,
            expires_on=later if doc_type.expires else None,
        )
        CaseDocument.objects.filter(pk=document.pk).update(status="verified")  # checked: a shortcut
    return sum(pdfs.values()) + len(scans)


def copies(case, count: int) -> list[int]:
    """`count` more cases like `case`, with the same documents (the same stored files)."""
    from django.utils import timezone

    from candidates.models import Candidate
    from matching.models import Offer
    from predeparture.models import CaseDocument
    from predeparture.services import case_open

    ids = []
    documents = list(CaseDocument.objects.filter(case=case))
    template = Offer.objects.get(pk=case.offer_id)
    base = Candidate.objects.get(pk=case.candidate_id)
    for n in range(count):
        candidate = Candidate.objects.get(pk=base.pk)
        candidate.pk, candidate.cin = None, f"ZZ{100000 + n}"
        candidate.reference, candidate.code = f"BENCH-{n:05d}", f"BN{n:06d}"[:8]
        candidate.passport_number, candidate.user = f"ZZ{7000000 + n}", None
        candidate.save()
        application = template.application
        application.pk, application.candidate = None, candidate
        application.save()
        offer = Offer.objects.get(pk=template.pk)
        offer.pk, offer.application, offer.decided_at = None, application, timezone.now()
        offer.save()
        copy = case_open(offer=offer)
        for document in documents:
            document.pk, document.case = None, copy
            document.save()
        ids.append(copy.pk)
    return ids


def measure_one(case_id: int, job) -> tuple[float, int]:
    from predeparture.dossier import build

    start = time.perf_counter()
    dossier = build(job, case_id=case_id)
    return time.perf_counter() - start, dossier.pages


def peak_rss_of_one(case_id: int, job_id: int) -> float:
    """The peak RSS (MB) of a fresh process that makes one dossier."""
    code = (
        "import django; django.setup();"
        "from thamm.models import Job; from predeparture.dossier import build;"
        f"build(Job.objects.get(pk={job_id}), case_id={case_id})"
    )
    command = [sys.executable, "-c", code]
    subprocess.run(command, cwd=ROOT, check=True, env=os.environ.copy())  # noqa: S603 (our code)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"database {DB_NAME}, broker {REDIS_URL}, media {MEDIA}; load {os.getloadavg()}")
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from demo.seed import seed

    seed()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    from accounts.models import User
    from candidates.models import Candidate
    from predeparture.models import Case
    from thamm.jobs import job_start
    from thamm.models import Job
    from thamm.pdf import render_pdf

    case = Case.objects.get(candidate=Candidate.objects.get(cin="BE100014"), status="open")
    pages = twelve_documents(case)
    iom = User.objects.get(email="iom@thamm.example")
    job = Job.objects.create(
        kind="case.dossier", organisation=case.company.organisation, created_by=iom
    )

    cover = []
    for _ in range(5):
        start = time.perf_counter()
        render_pdf(
            "predeparture/pdf/dossier.html",
            {"case": case, "steps": list(case.steps.all()), "documents": [], "made_at": None},
        )
        cover.append(time.perf_counter() - start)
    whole = [measure_one(case.pk, job) for _ in range(3)]
    rss = peak_rss_of_one(case.pk, job.pk)
    one = statistics.median(t for t, _ in whole)
    print(f"\none dossier: 12 documents, {pages} document pages, {whole[0][1]} pages in all")
    print(f"  cover alone (WeasyPrint), median of 5      {statistics.median(cover) * 1000:7.0f} ms")
    print(f"  render and merge, median of 3              {one * 1000:7.0f} ms   target <= 3000 ms")
    print(f"  peak memory of a process making one        {rss:7.0f} MB   target < 300 MB")

    ids = copies(case, args.dossiers)
    env = dict(os.environ)
    workers = [
        subprocess.Popen(  # noqa: S603 (our own Celery workers, fixed arguments)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "thamm",
                "worker",
                "--pool=solo",
                f"--queues={QUEUE}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=bench{n}@%h",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(args.workers)
    ]
    time.sleep(6)  # the workers start and import
    from celery import current_app
    from django.db import transaction

    from predeparture.tasks import dossier_build

    send = dossier_build.apply_async
    dossier_build.apply_async = lambda a=None, k=None, **o: send(a, k, **(o | {"queue": QUEUE}))
    current_app.conf.task_always_eager = False
    start = time.perf_counter()
    with transaction.atomic():
        jobs = [
            job_start(
                task=dossier_build,
                kind="case.dossier",
                organisation=case.company.organisation,
                by=iom,
                case_id=pk,
            ).pk
            for pk in ids
        ]
    while Job.objects.filter(pk__in=jobs, status__in=("queued", "running")).exists():
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    failed = Job.objects.filter(pk__in=jobs, status="failed").count()
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"\n{args.dossiers} dossiers through {args.workers} worker processes on Redis")
    print(f"  all done in                                {elapsed:7.1f} s    target <= 180 s")
    each = elapsed * args.workers / args.dossiers * 1000
    print(f"  per dossier, per worker                    {each:7.0f} ms")
    print(f"  failed                                     {failed:7d}")
    ok_one = one <= 3 and rss < 300
    ok_many = elapsed <= 180 and failed == 0
    print(f"\n{'PASS' if ok_one else 'MISS'}  one dossier: {one:.2f} s, {rss:.0f} MB")
    verdict = "PASS" if ok_many else "MISS"
    print(f"{verdict}  {args.dossiers} dossiers: {elapsed:.0f} s, {failed} failed")


if __name__ == "__main__":
    main()
