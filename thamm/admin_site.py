"""The Django admin behind the portal's own login: no second login form, IOM superusers only."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


def admin_allowed(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser and getattr(user, "is_iom", False))


def admin_login(request, extra_context=None):
    """Replaces the admin's login form, which would skip MFA and the login rate limits.

    Visitors go to the portal's login; an IOM superuser goes to the admin; anyone else, whatever
    they send (a POST with someone's password included), gets 403 and stays who they were.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.GET.get("next") or request.get_full_path())
    if admin_allowed(request):
        return redirect("admin:index")
    raise PermissionDenied


def configure_admin_site(site: admin.AdminSite) -> None:
    site.login = admin_login
    site.has_permission = admin_allowed
    site.site_header = _("THAMM portal administration")
    site.site_title = _("THAMM portal")
