from celery import shared_task


@shared_task(acks_late=True)
def purge_unconfirmed_signups() -> int:
    """Daily (Celery beat): remove company sign-ups never confirmed (see the service)."""
    from .services import unconfirmed_signups_purge

    return unconfirmed_signups_purge()
