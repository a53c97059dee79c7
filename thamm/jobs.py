"""Background jobs with progress (DESIGN.md §11): create, update from a task, read for a page."""

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from .models import Job
from .scoping import get_visible_or_404


def job_create(*, kind: str, organisation, by) -> Job:
    return Job.objects.create(kind=kind, organisation=organisation, created_by=by)


def job_update(job_id: int, *, status: str, message: str = "") -> None:
    """Record a job's new state in the database (start, end, failure)."""
    changes: dict = {"status": status, "message": message[:500], "updated_at": timezone.now()}
    if status in (Job.Status.DONE, Job.Status.FAILED):
        changes["finished_at"] = timezone.now()
    if status == Job.Status.DONE:
        changes["progress"] = 100
    Job.objects.filter(pk=job_id).update(**changes)
    cache.delete(_progress_key(job_id))


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
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_iom:
        return Job.objects.all()
    if user.membership:
        return Job.objects.filter(organisation_id=user.membership.organisation_id)
    return Job.objects.none()


def job_get(*, user, pk: int) -> Job:
    return get_visible_or_404(job_list(user=user), pk=pk)
