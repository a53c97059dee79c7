"""Shared pieces of the one tenancy mechanism (DESIGN.md §3, STYLE.md rule 4).

Selectors (`<app>/selectors.py`) decide what a user may see and build on these helpers; views call
selectors and never a tenant model's `.objects`. Missing and not-yours answer the same 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], **lookup) -> M:
    """Fetch one row of an already-scoped queryset; missing and not-visible are the same 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def owned(queryset: QuerySet[M], *, user) -> QuerySet[M]:
    """The rows of `queryset` (a TenantOwned model's) that belong to the user's own organisation,
    found by the model's `tenant_path`; every row for IOM, who sees all; none for anyone else
    (a candidate, a visitor). Selectors start here and add the grants across tenants."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_iom:
        return queryset
    if user.membership is None:
        return queryset.none()
    path = queryset.model.tenant_path
    return queryset.filter(**{f"{path}_id": user.membership.organisation_id})


def role_required(*roles: str) -> Callable:
    """Allow a view to the named roles only (see `accounts.models.Role`).

    Anonymous visitors are sent to the login page; a signed-in user of another role gets 403: the
    page exists for some roles, so saying so discloses nothing about any tenant's data.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
