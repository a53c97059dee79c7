from celery import shared_task


@shared_task(acks_late=True)
def expire_offers() -> int:
    """Daily (Celery beat): sent offers whose answer date has passed expire (see the service)."""
    from .services import offers_expire

    return offers_expire()
