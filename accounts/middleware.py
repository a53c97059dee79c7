from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect

# What a user who must set up MFA may still open: the setup itself, sign-out, the language switch.
MFA_SETUP_ALLOWED = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "set_language",
    "healthz",
}


class RequireMFAMiddleware:
    """IOM coordinators and chamber advisors reach nothing but the MFA setup until they have TOTP.

    They see identity data of many tenants; a stolen password alone must not be enough.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.organisation is None:
            return None
        if user.organisation.kind not in settings.MFA_REQUIRED_ORGANISATION_KINDS:
            return None
        match = request.resolver_match
        if match and match.url_name in MFA_SETUP_ALLOWED and not match.namespace:
            return None
        # `has_totp` comes with the user (accounts.backends); else allauth asks the database.
        has_totp = getattr(user, "has_totp", None)
        if has_totp is None:
            has_totp = is_mfa_enabled(user, [Authenticator.Type.TOTP])
        if has_totp:
            return None
        return redirect("mfa_activate_totp")
