"""Background jobs with progress (DESIGN.md §11): the one way the apps run slow work.

A job is a `Job` row the page follows, and a Celery task that does its work:

    @shared_task(base=JobTask, when_failed="training.imports.import_job_failed")
    def check_results_file(job: Job, *, import_id: int) -> None:
        ...                                          # raise DomainError(message) to refuse

    job = job_start(task=check_results_file, kind="results.check", organisation=centre,
                    by=user, language="fr", import_id=upload.pk)   # sent after the commit

`JobTask` (like pretix's tenant-loading base tasks) loads the job by id and claims it once, runs
the function in the job's language, and records the outcome: done; failed with a DomainError's
message (the input was refused: trying again would not help); failed with a generic message for
anything else (logged, and the job may be tried again). Transient database errors are retried with
backoff, the job queued again meanwhile. A claimed job gets a deadline past the task's hard time
limit: still running after it, its worker died, and `jobs_fail_stale` (Celery beat) marks it
failed, so that it can be retried (`job_retry`). A redelivery of the message whose worker died
takes the job over; any other second delivery does nothing.

Progress lives in the cache while a task runs (its own transaction would hide a database write);
a job's file (`Job.result`) is replaced, never added to, by a re-run (`job_store_result`).
"""

import logging
from datetime import timedelta

from celery import Task
from celery.exceptions import Retry
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audit import audit
from .exceptions import DomainError
from .models import Job
from .scoping import get_visible_or_404, owned

logger = logging.getLogger(__name__)

# A job queued this long was never picked up (its message was lost): it is failed, to be retried.
QUEUED_TOO_LONG = timedelta(hours=6)
# Margin past a task's hard time limit before a running job is taken for dead.
DEADLINE_MARGIN = timedelta(minutes=5)
# Runs of one job before a redelivery gives up: a job that kills its worker every time (out of
# memory, say) would otherwise be redelivered, and kill a worker, for ever.
MAX_ATTEMPTS = 3


class JobTask(Task):
    """Base class of every task that does a Job's work; its function takes the Job first.

    Options a task may set (`@shared_task(base=JobTask, when_failed=..., before_retry=...)`):
    `when_failed`, the dotted path of a function `(job, message)` that keeps the app's own record
    in step when the job fails (an import says "failed"); `before_retry`, one `(job)` that makes
    the app's record ready for another run.
    """

    # The message carries `job_id`, the function takes the Job: Celery's argument check would
    # compare the two.
    typing = False
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (OperationalError,)
    retry_backoff = True
    max_retries = 3
    soft_time_limit = 20 * 60
    time_limit = 21 * 60
    when_failed = ""
    before_retry = ""

    def __call__(self, *args, job_id: int, **kwargs):
        delivery = self.request.id or ""
        job = job_claim(job_id, delivery=delivery, seconds=self.time_limit)
        if job is None:
            _give_up_if_exhausted(job_id, delivery=delivery)
            return None  # finished, being run by another delivery, or given up
        with translation.override(job_language(job)):
            try:
                outcome = self.run(job, *args, **kwargs)
            except Retry:
                # Queued again for the retry (unless that already ran, as it does in-process).
                Job.objects.filter(
                    pk=job.pk, status=Job.Status.RUNNING, claimed_by=delivery
                ).update(status=Job.Status.QUEUED, claimed_by="")
                raise
            except DomainError as exc:
                job_fail(job, message=exc.message, retryable=False)
                return None
            except Exception:
                logger.exception("job %s (%s) failed", job.pk, job.kind)
                job_fail(job, message=_("The work could not be finished. Try again, or ask IOM."))
                if self.request.is_eager:
                    # Run in-process (no broker: `make run`), the failure is recorded and logged;
                    # raised, it would turn the page that started the job into a server error.
                    return None
                raise
        job_update(job.pk, status=Job.Status.DONE)
        return outcome


def job_start(*, task, kind: str, organisation, by, language: str = "", **arguments) -> Job:
    """Create a job and send its task once the transaction commits. Its messages are written in
    `language` (default: the language the person is reading the portal in)."""
    job = Job.objects.create(
        kind=kind,
        organisation=organisation,
        created_by=by,
        task=task.name,
        arguments=arguments,
        language=language or translation.get_language() or "",
    )
    transaction.on_commit(lambda: task.delay(job_id=job.pk, **arguments))
    return job


def job_claim(job_id: int, *, delivery: str, seconds: int) -> Job | None:
    """Mark the job running for this delivery, once: a queued job, or one this same message was
    running when its worker died (a redelivery of it). None if it is not to be run."""
    now = timezone.now()
    claimed = (
        Job.objects.filter(pk=job_id)
        .filter(
            Q(status=Job.Status.QUEUED)
            | (
                Q(status=Job.Status.RUNNING, claimed_by=delivery, attempts__lt=MAX_ATTEMPTS)
                & ~Q(claimed_by="")
            )
        )
        .update(
            status=Job.Status.RUNNING,
            claimed_by=delivery,
            deadline=now + timedelta(seconds=seconds) + DEADLINE_MARGIN,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    return Job.objects.select_related("organisation", "created_by").get(pk=job_id)


def job_language(job: Job) -> str:
    return job.language or settings.LANGUAGE_CODE


def _give_up_if_exhausted(job_id: int, *, delivery: str) -> None:
    """A redelivery of a job whose runs all died with their worker: fail it for good."""
    if not delivery:
        return
    job = (
        Job.objects.filter(
            pk=job_id, status=Job.Status.RUNNING, claimed_by=delivery, attempts__gte=MAX_ATTEMPTS
        )
        .select_related("organisation", "created_by")
        .first()
    )
    if job is not None:
        with translation.override(job_language(job)):
            job_fail(
                job,
                message=_("The work stopped its worker each time it ran: ask IOM."),
                retryable=False,
            )


def job_update(job_id: int, *, status: str, message: str = "") -> None:
    """Record a job's new state in the database (start, end, failure)."""
    changes: dict = {"status": status, "message": message[:500], "updated_at": timezone.now()}
    if status in (Job.Status.DONE, Job.Status.FAILED):
        changes["finished_at"] = timezone.now()
    if status == Job.Status.DONE:
        changes["progress"] = 100
    Job.objects.filter(pk=job_id).update(**changes)
    cache.delete(_progress_key(job_id))


def job_fail(job: Job, *, message: str, retryable: bool = True) -> None:
    """Mark the job failed with the reason the person reads, and tell its task's app."""
    job_update(job.pk, status=Job.Status.FAILED, message=message)
    Job.objects.filter(pk=job.pk).update(retryable=retryable)
    hook = _task_option(job, "when_failed")
    if hook:
        import_string(hook)(job, message)


def _task_option(job: Job, name: str) -> str:
    from .celery import app

    task = app.tasks.get(job.task)
    return getattr(task, name, "") if task else ""


def jobs_fail_stale(*, now=None) -> int:
    """Fail the jobs whose worker died (running past their deadline) or whose message was lost
    (queued too long), in their own language, so that they can be retried. Returns how many."""
    now = now or timezone.now()
    stale = Job.objects.filter(
        Q(status=Job.Status.RUNNING, deadline__lt=now)
        | Q(status=Job.Status.QUEUED, created_at__lt=now - QUEUED_TOO_LONG)
    )
    count = 0
    for job in stale.select_related("organisation", "created_by"):
        with translation.override(job_language(job)):
            job_fail(job, message=_("The work stopped before it was finished. Try again."))
        count += 1
    return count


@transaction.atomic
def job_retry(*, job: Job, by) -> Job:
    """Run a failed job again, when trying again may help (its worker died, or an unexpected
    error): queued afresh, and its task sent once the transaction commits."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != Job.Status.FAILED or not job.retryable or not job.task:
        raise DomainError(_("This work cannot be tried again."))
    hook = _task_option(job, "before_retry")
    if hook:
        import_string(hook)(job)
    job.status, job.message, job.progress = Job.Status.QUEUED, "", 0
    job.finished_at, job.claimed_by, job.deadline = None, "", None
    job.save()
    audit(actor=by, action="job.retry", target=job, detail={"kind": job.kind})
    from .celery import app

    task = app.tasks[job.task]
    transaction.on_commit(lambda: task.delay(job_id=job.pk, **job.arguments))
    return job


def job_store_result(job: Job, *, name: str, content: bytes) -> None:
    """Keep the file a job made; a re-run replaces the previous one."""
    previous = job.result.name if job.result else ""
    job.result.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(result=job.result.name)
    if previous and previous != job.result.name:
        job.result.storage.delete(previous)


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


def job_progress(job_id: int, percent: float) -> None:
    """Live progress while a task runs. Kept in the cache (Redis in production), not the
    database: the task's own transaction would hide a database write until it ends."""
    cache.set(_progress_key(job_id), max(0, min(100, int(percent))), timeout=3600)


def job_current_progress(job: Job) -> int:
    if job.is_finished:
        return job.progress
    return cache.get(_progress_key(job.pk), job.progress)


def job_list(*, user) -> QuerySet[Job]:
    """Jobs of the user's organisation; IOM sees all."""
    return owned(Job.objects.all(), user=user)


def job_get(*, user, pk: int) -> Job:
    return get_visible_or_404(job_list(user=user), pk=pk)
