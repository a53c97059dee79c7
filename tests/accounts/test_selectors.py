import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.selectors import (
    advisor_assignment_list,
    chamber_advisors,
    companies_assisted_by,
    invitation_get,
    invitation_list,
    member_list,
    organisation_get,
    organisation_list,
)
from tests.factories import InvitationFactory, OrganisationFactory, member


def test_iom_sees_every_organisation(world):
    assert set(organisation_list(user=world.iom)) == set(type(world.iom_org).objects.all())


@pytest.mark.parametrize("role", ["centre", "company", "candidate"])
def test_others_see_only_their_own_organisation(world, role):
    user = world.user(role)
    expected = {user.organisation} if user.organisation else set()
    assert set(organisation_list(user=user)) == expected


def test_advisor_sees_own_chamber_and_assigned_companies_only(world):
    visible = set(organisation_list(user=world.chamber))
    assert visible == {world.chamber_org, world.company_org}
    assert set(companies_assisted_by(user=world.chamber)) == {world.company_org}
    with pytest.raises(Http404):
        organisation_get(user=world.chamber, pk=world.unassigned_company_org.pk)
    with pytest.raises(Http404):
        organisation_get(user=world.chamber, pk=world.company_b_org.pk)


def test_missing_and_foreign_organisations_are_the_same_404(world):
    with pytest.raises(Http404):
        organisation_get(user=world.company, pk=world.company_b_org.pk)
    with pytest.raises(Http404):
        organisation_get(user=world.company, pk=999_999)


def test_anonymous_sees_nothing(world):
    anonymous = AnonymousUser()
    assert not organisation_list(user=anonymous).exists()
    assert not invitation_list(user=anonymous).exists()
    assert not companies_assisted_by(user=anonymous).exists()
    assert not advisor_assignment_list(user=anonymous).exists()


def test_members_of_an_invisible_organisation_are_not_listed(world):
    assert not member_list(user=world.company, organisation=world.company_b_org).exists()
    assert {m.user for m in member_list(user=world.company, organisation=world.company_org)} == {
        world.company
    }


def test_invitations_are_scoped_to_the_admins_organisation(world):
    own = InvitationFactory(organisation=world.company_org)
    other = InvitationFactory(organisation=world.company_b_org)
    assert list(invitation_list(user=world.company)) == [own]
    with pytest.raises(Http404):
        invitation_get(user=world.company, pk=other.pk)
    staff = member("company", organisation=world.company_org, role="staff")
    assert not invitation_list(user=staff).exists()


def test_iom_lists_every_advisor_a_chamber_admin_only_its_own(world):
    assert set(chamber_advisors(user=world.iom)) == {world.chamber, world.chamber_b}
    assert advisor_assignment_list(user=world.iom).count() == 2
    # world.chamber is the admin of chamber A: its own members and their assignments only.
    colleague = member("chamber", organisation=world.chamber_org, role="staff")
    assert set(chamber_advisors(user=world.chamber)) == {world.chamber, colleague}
    assert [g.user for g in advisor_assignment_list(user=world.chamber)] == [world.chamber]
    # A chamber's staff member, a company, a centre: nothing.
    assert not chamber_advisors(user=colleague).exists()
    assert not advisor_assignment_list(user=colleague).exists()
    assert not advisor_assignment_list(user=world.company).exists()
    assert not chamber_advisors(user=world.centre).exists()


def test_assignment_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    from accounts.services import advisor_assign

    for _ in range(15):
        advisor_assign(advisor=world.chamber, company=OrganisationFactory(), by=world.iom)
    with django_assert_max_num_queries(2):
        rows = [
            (g.user.membership_row.organisation.name, g.content_object.name)
            for g in advisor_assignment_list(user=world.iom)
        ]
    assert len(rows) == 17
