from celery import shared_task


@shared_task(acks_late=True)
def expire_offers() -> int:
    """Daily (Celery beat): sent offers whose answer date has passed expire (see the service)."""
    from .services import offers_expire

    return offers_expire()


@shared_task(acks_late=True)
def send_search_digests() -> int:
    """Daily (Celery beat): tell the watchers of saved searches of their new candidates."""
    from .services import saved_searches_digest

    return saved_searches_digest()
