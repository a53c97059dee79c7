from smtplib import SMTPException

from celery import shared_task

from .jobs import jobs_fail_stale
from .notifications import notifications_email


@shared_task(acks_late=True)
def ping(*, value: str) -> str:
    """A task with no side effects: proves a worker picks up and answers (tests, /healthz)."""
    return f"pong:{value}"


@shared_task(acks_late=True, soft_time_limit=4 * 60, time_limit=5 * 60)
def fail_stale_jobs() -> int:
    """Beat: jobs whose worker died, or whose message was lost, are marked failed (retryable)."""
    return jobs_fail_stale()


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail notifications after the commit that made them; none is sent twice."""
    return notifications_email(notification_ids=notification_ids)
