"""django-allauth wiring: who may sign up, and what signing up with an invitation does."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from .models import Invitation

SESSION_INVITATION = "thamm_invitation_id"


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The still-usable invitation whose link this browser opened, if any."""
    invitation_id = request.session.get(SESSION_INVITATION)
    if not invitation_id:
        return None
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from invitations; the companies issue adds the company's own sign-up.
        return pending_invitation(request) is not None
