"""What makes pages cheaper must not change what people get: the signed-in user loaded by one
precompiled query is the same user, with the same membership, organisation and TOTP state, as the
ORM would load; and it is read afresh on every request."""

import pytest
from django.urls import reverse

from accounts.backends import signed_in_user, signed_in_user_queryset
from accounts.models import User

pytestmark = pytest.mark.django_db

SIGNED_IN = ["candidate", "centre", "company", "chamber", "iom"]


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_signed_in_user_is_the_one_the_orm_loads(world, role, django_assert_num_queries):
    expected = signed_in_user_queryset().get(pk=world.user(role).pk)
    with django_assert_num_queries(1):
        user = signed_in_user(expected.pk)
    with django_assert_num_queries(0):
        assert _fields(user) == _fields(expected)
        assert user.has_totp == expected.has_totp
        assert user.role == expected.role
        assert user.is_org_admin == expected.is_org_admin
        if expected.membership is None:
            assert user.membership is None
        else:
            assert _fields(user.membership) == _fields(expected.membership)
            assert _fields(user.organisation) == _fields(expected.organisation)
            assert user.membership.user is user
    assert user._state.db == "default" and not user._state.adding


def test_an_unknown_user_id_loads_nobody(world):
    assert signed_in_user(User.objects.order_by("-pk").first().pk + 1000) is None


def test_a_changed_organisation_shows_on_the_next_request(client_for, world):
    client = client_for("centre")
    client.get(reverse("home"))
    world.centre_org.name = "Centre renamed"
    world.centre_org.save(update_fields=["name"])
    response = client.get(reverse("home"))
    assert response.wsgi_request.user.organisation.name == "Centre renamed"
