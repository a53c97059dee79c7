from celery import shared_task


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Daily (Celery beat): remind each case's parties of near and passed deadlines, once per
    deadline, person and threshold (see the service); returns how many were sent."""
    from .services import reminders_send

    return reminders_send()
