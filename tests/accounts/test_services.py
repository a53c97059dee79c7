from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership, OrganisationUserObjectPermission, User
from accounts.selectors import companies_assisted_by, invitation_by_token
from accounts.services import (
    advisor_assign,
    advisor_unassign,
    invitation_accept,
    invitation_create,
    invitation_lock_for_signup,
    invitation_revoke,
)
from tests.factories import UserFactory, invitation_with_token, member
from thamm.exceptions import DomainError
from thamm.models import AuditEntry

BASE = "https://portal.example.org/"


def test_admin_invites_colleague_and_email_carries_a_working_one_time_link(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, link = invitation_create(
            organisation=world.company_org,
            email="New.Colleague@Example.org",
            role="staff",
            by=world.company,
            base_url=BASE,
        )
    assert invitation.email == "new.colleague@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.colleague@example.org"]
    assert link in mail.outbox[0].body
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation_by_token(token=token) == invitation
    # Only the hash is stored: the token itself appears nowhere in the row.
    assert token not in invitation.token_hash
    assert AuditEntry.objects.filter(action="invitation.create", target_id=str(invitation.pk))


def test_staff_member_cannot_invite(world):
    staff = member("company", organisation=world.company_org, role="staff")
    with pytest.raises(DomainError):
        invitation_create(
            organisation=world.company_org,
            email="x@example.org",
            role="staff",
            by=staff,
            base_url=BASE,
        )
    assert not Invitation.objects.exists()


def test_admin_cannot_invite_into_another_organisation(world):
    with pytest.raises(DomainError):
        invitation_create(
            organisation=world.company_b_org,
            email="x@example.org",
            role="staff",
            by=world.company,
            base_url=BASE,
        )
    assert not Invitation.objects.exists()


def test_pending_invitation_is_refused(world):
    invitation_create(
        organisation=world.company_org,
        email="x@example.org",
        role="staff",
        by=world.company,
        base_url=BASE,
    )
    with pytest.raises(DomainError, match="pending invitation"):
        invitation_create(
            organisation=world.company_org,
            email="x@example.org",
            role="admin",
            by=world.company,
            base_url=BASE,
        )
    assert Invitation.objects.count() == 1


def test_inviting_an_address_that_has_an_account_tells_its_owner_and_nobody_else(
    world, django_capture_on_commit_callbacks
):
    """The admin cannot learn which addresses have accounts: the answer is that of a new address
    (a pending invitation, then "pending" for a second try); only the owner hears of it."""
    world.company_org.name = "Orobica & Figli <Srl> {{ x }}"
    world.company_org.save()
    world.centre.language = "fr"
    world.centre.save()
    before = Membership.objects.values_list("organisation_id", "role").get(user=world.centre)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _link = invitation_create(
            organisation=world.company_org,
            email="CENTRE@example.org",
            role="admin",
            by=world.company,
            base_url=BASE,
        )
    assert invitation.email == "centre@example.org" and invitation.is_pending
    assert AuditEntry.objects.filter(action="invitation.create", target_id=str(invitation.pk))
    # One e-mail, to the owner, in their language: no invitation link in it.
    assert [m.to for m in mail.outbox] == [["centre@example.org"]]
    message = mail.outbox[0]
    assert "/invite/" not in message.body
    assert "Orobica & Figli <Srl> {{ x }}" in message.body and "&amp;" not in message.body
    assert BASE + "accounts/login/" in message.body
    assert BASE + "accounts/password/reset/" in message.body
    from django.utils import translation

    with translation.override("fr"):
        french = translation.gettext("Forgot your password?")
    assert french != "Forgot your password?"
    assert french + "\n" + BASE + "accounts/password/reset/" in message.body
    # Nothing changed for the account: same organisation and role, no new login.
    assert (
        Membership.objects.values_list("organisation_id", "role").get(user=world.centre) == before
    )
    assert User.objects.filter(email__iexact="centre@example.org").count() == 1
    # A second try answers as it would for a new address with a pending invitation.
    with pytest.raises(DomainError, match="pending invitation"):
        invitation_create(
            organisation=world.company_org,
            email="centre@example.org",
            role="staff",
            by=world.company,
            base_url=BASE,
        )


def test_the_invitation_row_for_an_address_with_an_account_cannot_be_used(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, link = invitation_create(
            organisation=world.company_org,
            email=world.centre.email,
            role="admin",
            by=world.company,
            base_url=BASE,
        )
    assert link == ""  # the token was never kept: no one, the admin included, has a working link
    with pytest.raises(DomainError, match="already has an account"):
        invitation_lock_for_signup(invitation_id=invitation.pk)
    with pytest.raises(DomainError, match="already belongs to an organisation"):
        invitation_accept(invitation_id=invitation.pk, user=world.centre)
    assert Membership.objects.get(user=world.centre).organisation == world.centre_org


def test_inviting_a_member_of_ones_own_organisation_says_so(world):
    """The admin sees their own members anyway: nothing to hide, and no e-mail to send."""
    colleague = member("company", organisation=world.company_org, role="staff")
    with pytest.raises(DomainError, match="already a member of your organisation"):
        invitation_create(
            organisation=world.company_org,
            email=colleague.email.upper(),
            role="admin",
            by=world.company,
            base_url=BASE,
        )
    assert not Invitation.objects.exists() and not mail.outbox


def test_only_training_centres_invite_candidates(world):
    with pytest.raises(DomainError):
        invitation_create(
            organisation=world.company_org,
            email="c@example.org",
            role="candidate",
            by=world.company,
            base_url=BASE,
        )
    invitation, _ = invitation_create(
        organisation=world.centre_org,
        email="c@example.org",
        role="candidate",
        by=world.centre,
        base_url=BASE,
    )
    user = UserFactory(email="c@example.org")
    invitation_accept(invitation_id=invitation.pk, user=user)
    user.refresh_from_db()
    assert user.is_candidate and user.role == "candidate"
    assert not Membership.objects.filter(user=user).exists()


def test_invitation_is_used_once(world):
    invitation, _ = invitation_with_token(organisation=world.company_org, email="a@example.org")
    user = UserFactory(email="a@example.org")
    invitation_accept(invitation_id=invitation.pk, user=user)
    assert Membership.objects.get(user=user).organisation == world.company_org
    with pytest.raises(DomainError, match="already been used"):
        invitation_accept(invitation_id=invitation.pk, user=UserFactory(email="b@example.org"))
    assert Membership.objects.filter(organisation=world.company_org).count() == 2  # admin + a


def test_expired_and_revoked_invitations_change_nothing(world):
    expired, _ = invitation_with_token(
        organisation=world.company_org,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    user = UserFactory(email="late@example.org")
    with pytest.raises(DomainError, match="expired"):
        invitation_accept(invitation_id=expired.pk, user=user)
    assert not Membership.objects.filter(user=user).exists()
    revoked, _ = invitation_with_token(organisation=world.company_org, email="gone@example.org")
    invitation_revoke(invitation=revoked, by=world.company)
    other = UserFactory(email="gone@example.org")
    with pytest.raises(DomainError, match="withdrawn"):
        invitation_accept(invitation_id=revoked.pk, user=other)
    assert not Membership.objects.filter(user=other).exists()


def test_expired_invitation_is_replaced_by_a_new_one(world):
    old, _ = invitation_with_token(
        organisation=world.company_org,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    new, _ = invitation_create(
        organisation=world.company_org,
        email="late@example.org",
        role="staff",
        by=world.company,
        base_url=BASE,
    )
    old.refresh_from_db()
    assert str(old.status) == "expired" and new.is_pending


def test_database_allows_one_open_invitation_per_address(world):
    from django.db import IntegrityError, transaction

    invitation_with_token(organisation=world.company_org, email="twice@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        invitation_with_token(organisation=world.company_b_org, email="twice@example.org")


def test_only_an_admin_of_the_organisation_withdraws_its_invitations(world):
    invitation, _ = invitation_with_token(organisation=world.company_org, email="x@example.org")
    staff = member("company", organisation=world.company_org, role="staff")
    for by in (staff, world.company_b, world.iom):
        with pytest.raises(DomainError):
            invitation_revoke(invitation=invitation, by=by)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_signup_lock_refuses_a_used_link_and_a_taken_address(world):
    from accounts.services import invitation_lock_for_signup

    invitation, _ = invitation_with_token(organisation=world.company_org, email="new@example.org")
    assert invitation_lock_for_signup(invitation_id=invitation.pk) == invitation
    UserFactory(email="NEW@example.org")
    with pytest.raises(DomainError, match="already has an account"):
        invitation_lock_for_signup(invitation_id=invitation.pk)


def test_invitation_for_another_address_is_refused(world):
    invitation, _ = invitation_with_token(organisation=world.company_org, email="a@example.org")
    with pytest.raises(DomainError):
        invitation_accept(invitation_id=invitation.pk, user=UserFactory(email="b@example.org"))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_invitation_cannot_be_revoked(world):
    invitation, _ = invitation_with_token(organisation=world.company_org, email="a@example.org")
    invitation_accept(invitation_id=invitation.pk, user=UserFactory(email="a@example.org"))
    with pytest.raises(DomainError):
        invitation_revoke(invitation=invitation, by=world.company)


def test_iom_assigns_and_removes_an_advisor_with_immediate_effect(world):
    company = world.unassigned_company_org
    assert company not in companies_assisted_by(user=world.chamber)
    grant = advisor_assign(advisor=world.chamber, company=company, by=world.iom)
    assert world.chamber.has_perm("accounts.assist_company", company)
    assert company in companies_assisted_by(user=world.chamber)
    assert AuditEntry.objects.filter(action="advisor.assign", target_id=str(company.pk)).exists()
    advisor_unassign(grant=grant, by=world.iom)
    assert company not in companies_assisted_by(user=world.chamber)
    assert not OrganisationUserObjectPermission.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action="advisor.unassign").exists()


@pytest.mark.parametrize("who", ["chamber", "company", "centre"])
def test_only_iom_assigns_advisors(world, who):
    with pytest.raises(DomainError):
        advisor_assign(
            advisor=world.chamber, company=world.unassigned_company_org, by=world.user(who)
        )
    assert world.unassigned_company_org not in companies_assisted_by(user=world.chamber)


def test_advisor_must_be_chamber_member_and_target_a_company(world):
    with pytest.raises(DomainError):
        advisor_assign(advisor=world.company, company=world.company_b_org, by=world.iom)
    with pytest.raises(DomainError):
        advisor_assign(advisor=world.chamber, company=world.centre_org, by=world.iom)


def test_audit_entries_are_append_only(world):
    entry = AuditEntry.objects.create(action="x")
    entry.action = "y"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_invitation_email_is_plain_text_in_the_invitees_language(
    world, django_capture_on_commit_callbacks
):
    world.centre_org.name = "Centre d'Agadir & Souss <Pro>"
    world.centre_org.save()
    world.centre.full_name = "Nadia O'Brien"
    world.centre.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            organisation=world.centre_org,
            email="new@example.org",
            role="staff",
            by=world.centre,
            base_url=BASE,
        )
    message = mail.outbox[-1]
    assert "Centre d'Agadir & Souss <Pro>" in message.subject
    assert "Nadia O'Brien" in message.body and "&amp;" not in message.body
    # A training centre's colleagues are invited in French.
    from django.utils import translation

    with translation.override("fr"):
        french = translation.gettext("Open this link to create your account (it works once):")
    assert french != "Open this link to create your account (it works once):"
    assert french in message.body


def test_assigning_the_same_advisor_twice_is_refused(world):
    with pytest.raises(DomainError, match="already assists"):
        advisor_assign(advisor=world.chamber, company=world.company_org, by=world.iom)
    assert OrganisationUserObjectPermission.objects.filter(user=world.chamber).count() == 1


def test_audit_log_refuses_bulk_changes(world):
    AuditEntry.objects.create(action="x")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().update(action="y")
    with pytest.raises(ValueError):
        AuditEntry.objects.all().delete()
