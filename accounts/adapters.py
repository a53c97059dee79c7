"""django-allauth wiring: who may sign up, and what signing up with an invitation does."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest

from thamm.exceptions import DomainError

from .models import Invitation
from .services import invitation_check

SESSION_INVITATION = "thamm_invitation_id"


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The still-usable invitation whose link this browser opened, if any.

    An invitation withdrawn, used or expired since then is forgotten, and the visitor is told why.
    """
    invitation_id = request.session.get(SESSION_INVITATION)
    if not invitation_id:
        return None
    invitation = Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()
    try:
        return invitation_check(invitation=invitation)
    except DomainError as exc:
        request.session.pop(SESSION_INVITATION, None)
        request.session.pop("account_verified_email", None)
        messages.warning(request, exc.message)
        return None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from invitations, or from a company signing itself up (companies:signup).
        if getattr(request, "thamm_company_signup", False):
            return True
        return pending_invitation(request) is not None

    def post_login(self, request: HttpRequest, user, **kwargs):
        """After signing in, the portal speaks the language the user chose last time."""
        response = super().post_login(request, user, **kwargs)
        if user.language and response is not None:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
            )
        return response
