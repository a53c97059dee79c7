"""What a signed-in request costs before its view: the session, the user, their membership and
organisation, and (for IOM and chambers) whether they have TOTP."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNED_IN = ["candidate", "centre", "company", "chamber", "iom"]


@pytest.mark.parametrize("role", SIGNED_IN)
def test_a_signed_in_request_costs_one_query_before_the_view(
    client_for, role, django_assert_num_queries
):
    client = client_for(role)
    # /healthz runs one query of its own (SELECT 1): everything else is the sign-in's.
    with django_assert_num_queries(2):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200


def test_the_user_still_loads_with_their_organisation_and_role(client_for, world):
    client = client_for("centre")
    response = client.get(reverse("home"))
    user = response.wsgi_request.user
    assert user.pk == world.centre.pk
    assert user.organisation == world.centre_org
    assert user.role == "centre"


def test_iom_without_totp_is_still_sent_to_the_totp_setup(
    client_for, world, django_assert_max_num_queries
):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=world.iom).delete()
    client = client_for("iom")
    with django_assert_max_num_queries(1):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_iom_with_totp_reaches_their_home(client_for):
    response = client_for("iom").get(reverse("home"))
    assert response.status_code == 200


def test_a_deactivated_user_is_signed_out(client_for, world):
    client = client_for("centre")
    world.centre.is_active = False
    world.centre.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert not response.wsgi_request.user.is_authenticated


def test_a_password_change_elsewhere_ends_the_session(client_for, world):
    client = client_for("centre")
    world.centre.set_password("another-password-2026")
    world.centre.save()
    response = client.get(reverse("home"))
    assert not response.wsgi_request.user.is_authenticated
