from celery import shared_task


@shared_task(acks_late=True)
def ping(*, value: str) -> str:
    """A task with no side effects: proves a worker picks up and answers (tests, /healthz)."""
    return f"pong:{value}"
