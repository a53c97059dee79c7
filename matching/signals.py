"""Events of the selection that the apps above react to (matching imports none of them)."""

from django.dispatch import Signal

# A candidate accepted an offer: `offer` (matching.models.Offer). Sent inside the acceptance's
# transaction; predeparture opens the worker's case.
offer_accepted = Signal()
