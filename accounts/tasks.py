from smtplib import SMTPException

from celery import shared_task

from thamm.mail import send_templated_mail


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_invitation_email(*, invitation_id: int, link: str, language: str = "") -> None:
    """E-mail an invitation link. Idempotent enough: a re-send repeats the same link."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:  # used or withdrawn meanwhile: nothing to send
        return
    send_templated_mail(
        to=invitation.email,
        template_prefix="accounts/email/invitation",
        context={"invitation": invitation, "link": link},
        language=language,
    )
