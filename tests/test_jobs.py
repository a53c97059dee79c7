"""Background jobs (thamm.jobs): claimed once, outcome recorded in the owner's language, never left
"running" after the worker died, retried on request, result file replaced by a re-run, routes."""

import datetime
import re
from pathlib import Path

import pytest
from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thamm.exceptions import DomainError
from thamm.jobs import (
    JobTask,
    job_retry,
    job_start,
    job_store_result,
    jobs_fail_stale,
)
from thamm.models import Job

RUNS: list[dict] = []
FAILED: list[tuple[int, str]] = []


def note_failure(job, message):
    FAILED.append((job.pk, message))


@shared_task(base=JobTask, name="tests.jobs.work", when_failed="tests.test_jobs.note_failure")
def work(job, *, outcome: str = "ok"):
    RUNS.append({"job": job.pk, "outcome": outcome})
    if outcome == "refuse":
        raise DomainError("This file has no rows.")  # a refusal of the input
    if outcome == "crash":
        raise RuntimeError("disk full")
    if outcome == "flaky" and sum(r["job"] == job.pk for r in RUNS) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


@pytest.fixture(autouse=True)
def clean_runs():
    RUNS.clear()
    FAILED.clear()


def start(world, django_capture_on_commit_callbacks, *, language="en", **arguments):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            task=work,
            kind="test.work",
            organisation=world.centre_org,
            by=world.centre,
            language=language,
            **arguments,
        )
    job.refresh_from_db()
    return job


def test_a_job_runs_once_and_is_done(world, django_capture_on_commit_callbacks):
    job = start(world, django_capture_on_commit_callbacks)
    assert job.status == "done" and job.progress == 100 and job.attempts == 1
    work.delay(job_id=job.pk)  # a second delivery of the same work does nothing
    assert len(RUNS) == 1


def test_a_refusal_fails_the_job_with_its_reason_and_no_retry(
    world, django_capture_on_commit_callbacks
):
    job = start(world, django_capture_on_commit_callbacks, outcome="refuse")
    assert job.status == "failed" and job.message == "This file has no rows."
    assert not job.retryable and [(job.pk, "This file has no rows.")] == FAILED
    with pytest.raises(DomainError):
        job_retry(job=job, by=world.centre)


def test_an_unexpected_error_fails_the_job_in_its_language_and_may_be_retried(
    world, django_capture_on_commit_callbacks, caplog
):
    # Run in-process (no broker), the error is logged and recorded, not raised into the page.
    job = start(world, django_capture_on_commit_callbacks, language="fr", outcome="crash")
    assert job.status == "failed" and job.retryable
    assert "Réessayez" in job.message  # French, the language it was started in
    assert "disk full" in caplog.text


def test_in_a_worker_an_unexpected_error_is_raised_for_celery_too(world):
    job = Job.objects.create(kind="test.work", organisation=world.centre_org, task=work.name)
    with pytest.raises(RuntimeError):
        work(job_id=job.pk, outcome="crash")  # called as a worker calls it, not in-process
    job.refresh_from_db()
    assert job.status == "failed" and job.retryable


def test_a_transient_database_error_is_retried_and_the_job_ends_done(
    world, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    # In-process (eager, propagating) Celery raises Retry to the caller; a worker schedules
    # the retry with backoff. The job is queued again meanwhile, so the retry can claim it.
    with pytest.raises(Retry):
        start(world, django_capture_on_commit_callbacks, outcome="flaky")
    job = Job.objects.get()
    assert job.status == "queued" and job.claimed_by == "" and job.finished_at is None
    work.apply(kwargs={"job_id": job.pk, "outcome": "flaky"})  # the retry's delivery
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and len(RUNS) == 2


def test_a_redelivery_after_the_worker_died_takes_the_job_over(world):
    job = Job.objects.create(
        kind="test.work",
        organisation=world.centre_org,
        task=work.name,
        status=Job.Status.RUNNING,
        claimed_by="delivery-1",
        deadline=timezone.now() + datetime.timedelta(minutes=20),
    )
    work.apply(kwargs={"job_id": job.pk}, task_id="delivery-2")  # another delivery: left alone
    assert RUNS == []
    work.apply(kwargs={"job_id": job.pk}, task_id="delivery-1")  # the same message, redelivered
    job.refresh_from_db()
    assert len(RUNS) == 1 and job.status == "done"


def test_a_job_whose_worker_died_is_failed_after_its_deadline_and_can_be_retried(
    world, django_capture_on_commit_callbacks
):
    now = timezone.now()
    dead = Job.objects.create(
        kind="test.work",
        organisation=world.centre_org,
        task=work.name,
        language="it",
        status=Job.Status.RUNNING,
        claimed_by="gone",
        deadline=now - datetime.timedelta(minutes=1),
    )
    alive = Job.objects.create(
        kind="test.work",
        organisation=world.centre_org,
        task=work.name,
        status=Job.Status.RUNNING,
        claimed_by="busy",
        deadline=now + datetime.timedelta(minutes=10),
    )
    lost = Job.objects.create(kind="test.work", organisation=world.centre_org, task=work.name)
    Job.objects.filter(pk=lost.pk).update(created_at=now - datetime.timedelta(days=1))
    assert jobs_fail_stale(now=now) == 2
    dead.refresh_from_db(), alive.refresh_from_db(), lost.refresh_from_db()
    assert dead.status == "failed" and dead.retryable and "Riprova" in dead.message
    assert lost.status == "failed" and alive.status == "running"
    assert FAILED and FAILED[0][0] == dead.pk  # the app was told
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=dead, by=world.centre)
    dead.refresh_from_db()
    assert dead.status == "done" and dead.message == "" and len(RUNS) == 1


def test_the_retry_page_retries_the_organisations_own_jobs_only(
    world, django_capture_on_commit_callbacks
):
    job = Job.objects.create(
        kind="test.work",
        organisation=world.centre_org,
        task=work.name,
        status=Job.Status.FAILED,
        retryable=True,
    )
    other = Client()
    other.force_login(world.centre_b)
    assert other.post(reverse("job_retry", args=[job.pk])).status_code == 404
    client = Client()
    client.force_login(world.centre)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("job_retry", args=[job.pk]), {"next": "/training/results/import/"}
        )
    assert response.status_code == 302 and response["Location"] == "/training/results/import/"
    job.refresh_from_db()
    assert job.status == "done"
    # An address elsewhere is not followed.
    job.status, job.retryable = Job.Status.FAILED, True
    job.save()
    response = client.post(reverse("job_retry", args=[job.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_rerun_replaces_the_result_file(world):
    job = Job.objects.create(kind="test.report", organisation=world.centre_org)
    job_store_result(job, name="report.pdf", content=b"first")
    first = Path(job.result.path)
    job_store_result(job, name="report.pdf", content=b"second")
    job.refresh_from_db()
    assert job.result.read() == b"second" and not first.exists()
    assert [p.name for p in Path(job.result.path).parent.iterdir()] == [Path(job.result.name).name]


def test_dossiers_and_reports_go_to_queues_the_worker_consumes():
    import yaml

    from thamm.celery import app

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    consumed = set(re.search(r"--queues=(\S+)", command).group(1).split(","))
    router = app.amqp.router
    assert router.route({}, "predeparture.tasks.dossier_build")["queue"].name == "dossiers"
    assert router.route({}, "reports.tasks.progress_report")["queue"].name == "reports"
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed


def test_a_job_that_kills_its_worker_each_time_is_given_up_not_redelivered_for_ever(world):
    from thamm.jobs import MAX_ATTEMPTS, job_claim

    job = Job.objects.create(kind="test.work", organisation=world.centre_org, task=work.name)
    for _ in range(MAX_ATTEMPTS):  # each run's worker died: the same message came back
        assert job_claim(job.pk, delivery="msg-1", seconds=60) is not None
    work.apply(kwargs={"job_id": job.pk}, task_id="msg-1")  # and once more
    job.refresh_from_db()
    assert RUNS == [] and job.status == "failed" and not job.retryable
    assert FAILED and FAILED[0][0] == job.pk


def test_reading_all_leaves_a_notification_made_meanwhile_counted(world):
    from accounts.models import User
    from thamm.models import Notification
    from thamm.notifications import notifications_read_all

    Notification.objects.create(recipient=world.centre, kind="t", subject="s", body="b")
    User.objects.filter(pk=world.centre.pk).update(unread_notifications=2)  # one more arriving
    assert notifications_read_all(user=world.centre) == 1
    assert User.objects.get(pk=world.centre.pk).unread_notifications == 1
