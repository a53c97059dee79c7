"""The dossier through a real Celery worker on Redis and PostgreSQL: it makes a real dossier;
and a worker killed in the middle leaves the job to be failed once its deadline passes and
retried, and another worker completes it. Needs REDIS_URL and PostgreSQL (CI sets both); the
PDF needs WeasyPrint's Pango."""

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from thamm import celery_app
from thamm.models import Job
from thamm.pdf import pdf_unavailable

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
        reason="a real worker needs REDIS_URL and PostgreSQL (CI sets both)",
    ),
    pytest.mark.skipif(
        bool(pdf_unavailable()) and not os.environ.get("CI"), reason=pdf_unavailable() or "ok"
    ),
]


QUEUE = f"dossiers-test-{uuid.uuid4().hex[:8]}"


def _worker() -> subprocess.Popen:
    """A worker on a queue of this test process's own (tests in parallel each have their own
    database), on the test database and media folder."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="thamm.settings.base",
        DATABASE_URL=f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    return subprocess.Popen(
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
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait(job_id: int, statuses, seconds: float = 120) -> Job:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        job = Job.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {Job.objects.get(pk=job_id).status}")


@pytest.fixture
def not_eager(monkeypatch):
    """Tasks sent to the broker; the dossier's to this process's own queue (in production the
    `dossiers` queue, whose routing test_jobs checks)."""
    from predeparture.tasks import dossier_build

    send = dossier_build.apply_async
    monkeypatch.setattr(
        dossier_build,
        "apply_async",
        lambda args=None, kwargs=None, **options: send(
            args, kwargs, **(options | {"queue": QUEUE})
        ),
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def _case_with_documents(world, count: int):
    from candidates.models import Candidate

    from .conftest import accepted_case
    from .test_dossier import _pdf_pages, _png, _verified

    case = accepted_case(world)
    Candidate.objects.filter(pk=case.candidate_id).update(
        first_name_ar="أمين", last_name_ar="التازي"
    )
    _verified(world, case, "nulla-osta", _pdf_pages(3), "no.pdf", "application/pdf")
    codes = ["photo", "signed-offer", "accommodation-declaration", "flight-ticket"]
    for code in codes[: max(0, count - 1)]:
        _verified(world, case, code, _png(), f"{code}.png", "image/png")
    return case


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_dossier(reference_data, world, not_eager):
    from pypdf import PdfReader

    from predeparture.models import Dossier
    from predeparture.services import dossier_request

    case = _case_with_documents(world, 2)
    worker = _worker()
    try:
        dossier = dossier_request(case=case, by=world.company)  # sent on commit (autocommit)
        job = _wait(dossier.job_id, (Job.Status.DONE, Job.Status.FAILED))
        assert job.status == Job.Status.DONE, job.message
    finally:
        _stop(worker)
    dossier = Dossier.objects.get(case=case)
    reader = PdfReader(io.BytesIO(dossier.pdf.open("rb").read()))
    assert len(reader.pages) == dossier.pages >= 5  # cover, 3 pages of nulla osta, the photo
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Copertina ed elenco", "Nulla osta", "Fotografia"]
    assert "التازي" in reader.pages[0].extract_text()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_dossier_leaves_it_to_be_retried_and_completed(
    reference_data, world, not_eager
):
    from predeparture.models import Dossier
    from predeparture.services import dossier_request
    from thamm.jobs import job_retry, jobs_fail_stale

    case = _case_with_documents(world, 5)
    first = _worker()
    try:
        dossier = dossier_request(case=case, by=world.company)
        running = _wait(dossier.job_id, (Job.Status.RUNNING, Job.Status.DONE))
        assert running.status == Job.Status.RUNNING, "the dossier was made before the kill"
        os.kill(first.pid, signal.SIGKILL)  # the worker dies in the middle of the work
        first.wait(timeout=20)
    finally:
        _stop(first)
    job = Job.objects.get(pk=dossier.job_id)
    assert job.status == Job.Status.RUNNING and not Dossier.objects.get(case=case).pdf
    # Past its deadline, the stale job is failed, retryable; retried, another worker makes it.
    assert jobs_fail_stale(now=job.deadline + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.retryable
    second = _worker()
    try:
        job_retry(job=job, by=world.company)
        done = _wait(job.pk, (Job.Status.DONE, Job.Status.FAILED))
        assert done.status == Job.Status.DONE, done.message
    finally:
        _stop(second)
    dossier = Dossier.objects.get(case=case)
    assert dossier.pdf and dossier.documents == 5 and dossier.made_at <= timezone.now()
