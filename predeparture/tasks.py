from celery import shared_task

from thamm.jobs import JobTask


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Daily (Celery beat): remind each case's parties of near and passed deadlines, once per
    deadline, person and threshold (see the service); returns how many were sent."""
    from .services import reminders_send

    return reminders_send()


@shared_task(base=JobTask, soft_time_limit=10 * 60, time_limit=11 * 60)
def dossier_build(job, *, case_id: int) -> int:
    """Make a case's visa dossier (predeparture.dossier); on the `dossiers` queue. Takes ids,
    and a second run only replaces the files (acks late; a worker that died leaves the job to
    be retried, see thamm.jobs)."""
    from .dossier import build

    return build(job, case_id=case_id).pk
