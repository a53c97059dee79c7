"""Writes with rules for accounts: invitations, memberships and chamber-advisor grants."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.notifications import notify

from .models import (
    ORGANISATION_KIND_ROLE,
    ROLE_LANGUAGE,
    Invitation,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    User,
)
from .selectors import (
    ASSIST_COMPANY,
    advisor_assignment_list,
    assignable_companies,
    assist_grants,
    chamber_advisors,
    may_assign_advisors,
)
from .signals import candidate_invitation_accepted
from .tasks import send_invitation_email

# The invitee has no account yet, so no language of their own: the invitation is written in the
# language their role uses first (DESIGN.md §10). Candidates' invitations come in French.
INVITATION_LANGUAGE = {kind: ROLE_LANGUAGE[role] for kind, role in ORGANISATION_KIND_ROLE.items()}


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, by: User, base_url: str
) -> tuple[Invitation, str]:
    """Invite `email` to `organisation`; returns the invitation and the one-time link.

    Rules: only an admin of that organisation invites colleagues (any staff member of a training
    centre invites its candidates); one pending invitation per address. An address that already
    has an account cannot join (people belong to one organisation), but, as with allauth's
    sign-up, the one inviting is not told so (the form would show who has an account): they get
    a new address's answer, a pending invitation whose link was never kept (the link returned is
    empty), and the account's owner is told by e-mail. A member of the inviting organisation
    itself is named as such: its people see their colleagues anyway.
    """
    member_of_org = by.membership is not None and by.membership.organisation_id == organisation.pk
    if role == Invitation.Role.CANDIDATE:
        if not member_of_org:
            raise DomainError(_("Only the candidate's training centre can invite them."))
    elif not (member_of_org and by.is_org_admin):
        raise DomainError(_("Only an administrator of this organisation can invite colleagues."))
    email = User.objects.normalize_email(email).strip().lower()
    if role not in Invitation.Role.values:
        raise DomainError(_("Choose a valid role."))
    if role == Invitation.Role.CANDIDATE and organisation.kind != Organisation.Kind.TRAINING_CENTRE:
        raise DomainError(_("Only a training centre can invite candidates."))
    owner = (
        User.objects.select_related("membership_row__organisation")
        .filter(email__iexact=email)
        .first()
    )
    if (
        owner is not None
        and owner.membership
        and owner.membership.organisation_id == organisation.pk
    ):
        raise DomainError(_("This person is already a member of your organisation."))
    now = timezone.now()
    open_for_address = Invitation.objects.select_for_update().filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    if open_for_address.filter(expires_at__gt=now).exists():
        raise DomainError(_("This address already has a pending invitation."))
    # An expired invitation to the same address is closed, so the new one can take its place
    # (the database allows one open invitation per address).
    open_for_address.update(revoked_at=now, updated_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # another admin invited the same address at the same moment
        raise DomainError(_("This address already has a pending invitation.")) from exc
    if owner is not None:
        audit(
            actor=by,
            action="invitation.create",
            target=invitation,
            detail={"role": role, "existing_account_id": owner.pk},
        )
        base = base_url.rstrip("/")
        notify(
            recipients=[owner],
            kind="account.invitation_attempt",
            template="accounts/email/existing_account",
            context={
                "organisation": organisation,
                "email": owner.email,
                "login_url": base + reverse("account_login"),
                "password_reset_url": base + reverse("account_reset_password"),
            },
        )
        return invitation, ""
    link = base_url.rstrip("/") + reverse("accounts:invitation_accept", kwargs={"token": token})
    audit(actor=by, action="invitation.create", target=invitation, detail={"role": role})
    language = INVITATION_LANGUAGE.get(organisation.kind, get_language() or "")
    transaction.on_commit(
        lambda: send_invitation_email.delay(
            invitation_id=invitation.pk, link=link, language=language
        )
    )
    return invitation, link


def invitation_check(*, invitation: Invitation | None) -> Invitation:
    """Raise a clear error unless the invitation can still be used."""
    if invitation is None:
        raise DomainError(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation has been withdrawn."))
    if invitation.is_expired:
        raise DomainError(_("This invitation has expired. Ask your organisation for a new one."))
    return invitation


@transaction.atomic
def invitation_lock_for_signup(*, invitation_id: int) -> Invitation:
    """Lock a still-usable invitation before its account is created (call inside a transaction).

    Two sign-ups racing on one link wait for each other here; the second one finds it used.
    """
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    invitation_check(invitation=invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(_("This e-mail address already has an account on the portal."))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation_id: int, user: User) -> Invitation:
    """Use an invitation for the account just created: once only, before it expires.

    The row is locked so that two sign-ups racing on one link cannot both use it.
    """
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    invitation_check(invitation=invitation)
    if invitation.email.lower() != user.email.lower():
        raise DomainError(_("This invitation was sent to another e-mail address."))
    if invitation.role == Invitation.Role.CANDIDATE:
        user.is_candidate = True
        user.save(update_fields=["is_candidate"])
        # candidates builds on accounts: it links the login to the record (candidates.signals).
        candidate_invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    else:
        if Membership.objects.filter(user=user).exists():
            raise DomainError(_("This account already belongs to an organisation."))
        membership = Membership(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        membership.full_clean()
        membership.save()
        user.__dict__.pop("membership", None)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit(actor=user, action="invitation.accept", target=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw a pending invitation; only an admin of its organisation may."""
    if not (by.is_org_admin and by.membership.organisation_id == invitation.organisation_id):
        raise DomainError(_("Only an administrator of this organisation can withdraw invitations."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit(actor=by, action="invitation.revoke", target=invitation)
    return invitation


@transaction.atomic
def advisor_assign(
    *, advisor: User, company: Organisation, by: User
) -> OrganisationUserObjectPermission:
    """Grant a chamber advisor the right to assist a company (a django-guardian object permission).

    IOM assigns any chamber member to any company. A chamber's admin assigns the chamber's own
    members to the companies that named that chamber as the one helping them. Only chamber members
    can be advisors and only companies can be assisted.
    """
    if not may_assign_advisors(by):
        raise DomainError(
            _("Only IOM coordinators and chamber administrators can assign advisors.")
        )
    if not advisor.is_chamber_advisor:
        raise DomainError(_("Only members of a chamber of commerce can be advisors."))
    if company.kind != Organisation.Kind.COMPANY:
        raise DomainError(_("Advisors can only be assigned to companies."))
    if not chamber_advisors(user=by).filter(pk=advisor.pk).exists():
        raise DomainError(_("You can only assign advisors of your own chamber."))
    if not assignable_companies(user=by).filter(pk=company.pk).exists():
        raise DomainError(_("This company has not asked your chamber for help."))
    if assist_grants().filter(user=advisor, content_object=company).exists():
        raise DomainError(_("This advisor already assists this company."))
    try:
        with transaction.atomic():
            grant = assign_perm(f"accounts.{ASSIST_COMPANY}", advisor, company)
    except IntegrityError as exc:  # the same assignment made at the same moment
        raise DomainError(_("This advisor already assists this company.")) from exc
    audit(
        actor=by,
        action="advisor.assign",
        target=company,
        detail={"advisor": advisor.email, "advisor_id": advisor.pk},
    )
    return grant


@transaction.atomic
def advisor_unassign(*, grant: OrganisationUserObjectPermission, by: User) -> None:
    """Remove an advisor's grant; their access to the company ends with this transaction."""
    if not advisor_assignment_list(user=by).filter(pk=grant.pk).exists():
        raise DomainError(
            _("Only IOM coordinators and chamber administrators can remove advisors.")
        )
    _end_grant(grant, by=by)


def _end_grant(grant: OrganisationUserObjectPermission, *, by: User, **detail) -> None:
    """Remove one advisor's grant on a company and audit it (`detail`: why, when not asked)."""
    advisor, company = grant.user, grant.content_object
    remove_perm(f"accounts.{ASSIST_COMPANY}", advisor, company)
    audit(
        actor=by,
        action="advisor.unassign",
        target=company,
        detail={"advisor": advisor.email, "advisor_id": advisor.pk, **detail},
    )


@transaction.atomic
def advisor_grants_end_for_chamber(
    *, company: Organisation, chamber: Organisation, by: User
) -> int:
    """End the grants of a chamber's advisors on a company (the company now works with another
    chamber, or none). Returns how many grants ended; each is audited."""
    grants = list(
        assist_grants()
        .filter(content_object=company, user__membership_row__organisation=chamber)
        .select_related("user", "content_object")
    )
    for grant in grants:
        _end_grant(grant, by=by, reason="chamber changed")
    return len(grants)


@transaction.atomic
def iom_admin_create(*, email: str, full_name: str, organisation_name: str) -> User:
    """Create or promote the installation's IOM administrator (the `create_iom_admin` command).

    Idempotent. A person who already belongs to another organisation is refused: people belong
    to one organisation.
    """
    from allauth.account.models import EmailAddress

    email = User.objects.normalize_email(email).strip().lower()
    if "@" not in email:
        raise ValueError("Give a valid e-mail address.")
    organisation, _created = Organisation.objects.get_or_create(
        kind=Organisation.Kind.IOM, name=organisation_name
    )
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    if membership and membership.organisation_id != organisation.pk:
        raise ValueError(f"{email} already belongs to {membership.organisation}.")
    Membership.objects.update_or_create(
        user=user, defaults={"organisation": organisation, "role": Membership.Role.ADMIN}
    )
    user.is_staff = user.is_superuser = True
    user.is_active = True
    if full_name:
        user.full_name = full_name
    user.save()
    # The address is verified when its owner uses the password-reset link sent to it.
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True})
    audit(actor=None, action="iom_admin.create", target=user)
    return user


def organisation_group(organisation: Organisation) -> Group:
    """The organisation's group, made the first time it is asked for (with its members in it):
    what django-guardian grants an organisation (a company allowed to see a candidate's
    identity) are given to. Members join and leave it with their membership."""
    if organisation.group_id:
        return organisation.group
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if locked.group_id is None:
            locked.group = Group.objects.create(name=f"organisation-{locked.pk}")
            locked.save(update_fields=["group"])
            for membership in locked.memberships.select_related("user"):
                membership.user.groups.add(locked.group)
    organisation.group = locked.group
    return locked.group
