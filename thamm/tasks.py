from celery import shared_task

from .jobs import jobs_fail_stale


@shared_task(acks_late=True)
def ping(*, value: str) -> str:
    """A task with no side effects: proves a worker picks up and answers (tests, /healthz)."""
    return f"pong:{value}"


@shared_task(acks_late=True, time_limit=5 * 60)
def fail_stale_jobs() -> int:
    """Beat: jobs whose worker died, or whose message was lost, are marked failed (retryable)."""
    return jobs_fail_stale()
