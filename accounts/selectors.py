"""Reads of organisations, members, invitations and advisor grants, scoped to the acting user.

This module is the one place that decides who sees which organisation (DESIGN.md §3):
- IOM coordinators see every organisation;
- everyone else sees their own organisation;
- a chamber advisor also sees the companies assigned to them (a django-guardian grant).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from thamm.scoping import get_visible_or_404

from .models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    User,
)

ASSIST_COMPANY = "assist_company"


def assist_grants() -> QuerySet[OrganisationUserObjectPermission]:
    """Every advisor-to-company grant (for services and other selectors to narrow down)."""
    return OrganisationUserObjectPermission.objects.filter(permission__codename=ASSIST_COMPANY)


def companies_assisted_by(*, user: User) -> QuerySet[Organisation]:
    """The company organisations a chamber advisor is assigned to (read from guardian grants)."""
    if not user.is_authenticated or not user.is_chamber_advisor:
        return Organisation.objects.none()
    company_ids = assist_grants().filter(user=user).values("content_object_id")
    return Organisation.objects.filter(kind=Organisation.Kind.COMPANY, pk__in=company_ids)


def chamber_list() -> QuerySet[Organisation]:
    """The chambers of commerce on the portal (public: a company names the one helping it)."""
    return Organisation.objects.filter(kind=Organisation.Kind.CHAMBER).order_by("name")


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_iom:
        return Organisation.objects.all()
    own = Q(pk=user.membership.organisation_id) if user.membership else Q(pk__in=[])
    if user.is_chamber_advisor:
        assisted = assist_grants().filter(user=user).values("content_object_id")
        return Organisation.objects.filter(own | Q(kind=Organisation.Kind.COMPANY, pk__in=assisted))
    return Organisation.objects.filter(own)


def organisation_get(*, user: User, pk: int) -> Organisation:
    return get_visible_or_404(organisation_list(user=user), pk=pk)


def member_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation the user may see (call `organisation_get` first)."""
    visible = organisation_list(user=user).filter(pk=organisation.pk)
    return (
        Membership.objects.filter(organisation__in=visible)
        .select_related("user")
        .order_by("user__email")
    )


def organisation_members(*, organisation_id: int | None = None, kind: str = "") -> list[User]:
    """The users of an organisation (or of every organisation of a kind), for telling them
    something: not scoped to a viewer (callers decide who is told)."""
    members = Membership.objects.select_related("user__membership_row__organisation")
    if organisation_id is not None:
        members = members.filter(organisation_id=organisation_id)
    if kind:
        members = members.filter(organisation__kind=kind)
    return [m.user for m in members]


def invitation_list(*, user: User, pending: bool = False) -> QuerySet[Invitation]:
    """Invitations an organisation admin manages: their own organisation's (IOM: its own too)."""
    if not user.is_authenticated or not user.is_org_admin:
        return Invitation.objects.none()
    qs = Invitation.objects.filter(organisation_id=user.membership.organisation_id)
    if pending:
        qs = qs.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
    return qs.select_related("organisation", "invited_by").order_by("-created_at")


def invitation_get(*, user: User, pk: int) -> Invitation:
    return get_visible_or_404(invitation_list(user=user), pk=pk)


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's token names, whatever its state (the token is the credential)."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def may_assign_advisors(user: User) -> bool:
    """IOM coordinators, and the admins of a chamber of commerce (for their own advisors)."""
    return user.is_authenticated and (
        user.is_iom or (user.is_chamber_advisor and user.is_org_admin)
    )


def chamber_advisors(*, user: User) -> QuerySet[User]:
    """Advisors the user may assign: every chamber member for IOM, the members of their own
    chamber for a chamber's admin, none for anyone else."""
    if not may_assign_advisors(user):
        return User.objects.none()
    qs = User.objects.filter(
        membership_row__organisation__kind=Organisation.Kind.CHAMBER, is_active=True
    )
    if not user.is_iom:
        qs = qs.filter(membership_row__organisation_id=user.membership.organisation_id)
    return qs.select_related("membership_row__organisation").order_by("email")


def assignable_companies(*, user: User) -> QuerySet[Organisation]:
    """Companies the user may assign advisors to: all for IOM; for a chamber's admin, those that
    named that chamber as the one helping them (the company's profile)."""
    if not may_assign_advisors(user):
        return Organisation.objects.none()
    qs = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    if not user.is_iom:
        qs = qs.filter(company__chamber_id=user.membership.organisation_id)
    return qs.order_by("name")


def advisor_assignment_list(*, user: User) -> QuerySet[OrganisationUserObjectPermission]:
    """Advisor-to-company grants: every one for IOM, those of its own advisors for a chamber's
    admin, nothing for anyone else."""
    if not may_assign_advisors(user):
        return OrganisationUserObjectPermission.objects.none()
    qs = assist_grants()
    if not user.is_iom:
        qs = qs.filter(user__membership_row__organisation_id=user.membership.organisation_id)
    return qs.select_related(
        "user", "user__membership_row__organisation", "content_object"
    ).order_by("content_object__name", "user__email")


def advisor_assignment_get(*, user: User, pk: int) -> OrganisationUserObjectPermission:
    return get_visible_or_404(advisor_assignment_list(user=user), pk=pk)
