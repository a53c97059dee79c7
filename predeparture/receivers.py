"""What pre-departure does when the selection moves on (matching.signals)."""

from django.dispatch import receiver

from matching.signals import offer_accepted

from .models import Case


@receiver(offer_accepted, dispatch_uid="predeparture_open_case")
def open_case(sender, offer, **kwargs) -> None:
    """An accepted offer opens the worker's case (in the acceptance's transaction)."""
    Case.objects.get_or_create(
        offer=offer,
        defaults={"candidate": offer.application.candidate, "company": offer.application.company},
    )
