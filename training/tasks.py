"""Background halves of the results import; they take ids and may safely run twice."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def check_results_file(*, import_id: int) -> None:
    from .imports import import_check_in_background

    import_check_in_background(import_id=import_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=20 * 60,
    time_limit=21 * 60,
)
def import_results_file(*, import_id: int, user_id: int) -> None:
    from .imports import import_run_in_background

    import_run_in_background(import_id=import_id, user_id=user_id)
