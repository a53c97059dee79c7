"""What pre-departure does when the selection moves on (matching.signals)."""

from django.dispatch import receiver

from matching.signals import offer_accepted


@receiver(offer_accepted, dispatch_uid="predeparture_open_case")
def open_case(sender, offer, **kwargs) -> None:
    """An accepted offer opens the worker's case with its steps (in the acceptance's
    transaction)."""
    from .services import case_open

    case_open(offer=offer)
