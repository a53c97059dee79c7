"""Events of candidates that the apps above react to (candidates imports none of them)."""

from django.dispatch import Signal

# A candidate left the scheme: `candidate`, `by`, `reason`. Sent inside the withdrawal's
# transaction; matching ends their applications and gives back their place in the quota.
candidate_withdrawn = Signal()
