from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from thamm.mail import send_templated_mail


@shared_task(acks_late=True)
def purge_unconfirmed_signups() -> int:
    """Daily (Celery beat): remove company sign-ups never confirmed (see the service)."""
    from .services import unconfirmed_signups_purge

    return unconfirmed_signups_purge()


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def notify_chamber_of_company(*, company_id: int, chamber_id: int) -> int:
    """Tell a chamber's admins that a company named their chamber as the one helping it, so they
    assign an advisor. Each in their own language. Returns how many were told."""
    from accounts.models import Membership

    from .models import Company

    company = Company.objects.filter(pk=company_id, chamber_id=chamber_id).first()
    if company is None:  # the company chose another chamber meanwhile: nothing to say
        return 0
    admins = Membership.objects.filter(
        organisation_id=chamber_id, role=Membership.Role.ADMIN, user__is_active=True
    ).select_related("user")
    link = settings.PORTAL_URL + reverse("accounts:advisor_assignments")
    for membership in admins:
        send_templated_mail(
            to=membership.user.email,
            template_prefix="companies/email/chamber_named",
            context={"company": company, "link": link},
            language=membership.user.language or "it",
        )
    return len(admins)
