"""Reactions to other apps' events."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def tell_the_chamber_once_the_address_is_confirmed(sender, request, email_address, **kwargs):
    """A company's sign-up names a chamber: its admins hear of it once the person proved their
    address (not before: anyone could otherwise make the portal e-mail a chamber)."""
    from .models import Company
    from .services import notify_chamber

    company = (
        Company.objects.filter(
            signed_up_by=email_address.user_id,
            status=Company.Status.PENDING,
            chamber__isnull=False,
        )
        .select_related("chamber")
        .first()
    )
    if company is not None:
        notify_chamber(company)
