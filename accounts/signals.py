"""Events of accounts that the apps above react to (accounts imports none of them)."""

from django.dispatch import Signal

# A candidate's invitation was used: `invitation`, and `user`, the login just made. Sent inside
# the acceptance's transaction; candidates links the login to the candidate's record.
candidate_invitation_accepted = Signal()
