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


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def send_existing_account_email(
    *, user_id: int, organisation_id: int, base_url: str, language: str = ""
) -> None:
    """Tell an account's owner that an organisation tried to invite their address (the one
    inviting was answered as for a new address). A re-send repeats the same notice."""
    from django.urls import reverse

    from .models import Organisation, User

    user = User.objects.filter(pk=user_id).first()
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if user is None or organisation is None:  # removed meanwhile: nobody to tell, or of what
        return
    base_url = base_url.rstrip("/")
    send_templated_mail(
        to=user.email,
        template_prefix="accounts/email/existing_account",
        context={
            "organisation": organisation,
            "email": user.email,
            "login_url": base_url + reverse("account_login"),
            "password_reset_url": base_url + reverse("account_reset_password"),
        },
        language=language,
    )
