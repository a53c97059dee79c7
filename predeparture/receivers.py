"""What pre-departure does when the selection moves on (matching.signals)."""

from django.dispatch import receiver

from candidates.events import candidate_withdrawn
from matching.signals import offer_accepted


@receiver(offer_accepted, dispatch_uid="predeparture_open_case")
def open_case(sender, offer, **kwargs) -> None:
    """An accepted offer opens the worker's case with its steps (in the acceptance's
    transaction)."""
    from .services import case_open

    case_open(offer=offer)


@receiver(candidate_withdrawn, dispatch_uid="predeparture_candidate_withdrawn")
def close_cases(sender, candidate, by, reason="", **kwargs) -> None:
    """A worker who left the scheme: their open case closes (in the withdrawal's transaction)."""
    from .services import cases_close_for_withdrawal

    cases_close_for_withdrawal(candidate=candidate, by=by, reason=reason)
