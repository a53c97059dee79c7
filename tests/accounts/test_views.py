from datetime import timedelta
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from tests.factories import (
    TEST_PASSWORD,
    TOTP_SECRET,
    UserFactory,
    invitation_with_token,
    member,
)
from thamm.models import AuditEntry

LOGIN = "/accounts/login/"
EN = {"accept-language": "en"}


def totp_now(secret: str = TOTP_SECRET) -> str:
    # The current period's code (the counters allauth accepts are listed oldest first).
    counters = list(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counters[len(counters) // 2]):06d}"


def post_login(client, email, password, language="en"):
    return client.post(LOGIN, {"login": email, "password": password}, HTTP_ACCEPT_LANGUAGE=language)


# --- signing in ----------------------------------------------------------------------------


def test_company_user_signs_in_with_email_and_password(world):
    client = Client(headers=EN)
    response = post_login(client, world.company.email, TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert world.company.organisation.name in home.content.decode()


def test_login_page_sends_companies_to_their_sign_up_and_others_to_their_invitation(db):
    """/accounts/signup/ is closed without an invitation: the login page must not point there."""
    response = Client(headers=EN).get(LOGIN)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="/companies/signup/"' in page
    assert reverse("account_signup") not in page
    assert "by invitation" in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The email address and/or password you specified are not correct."),
        ("it", "L&#x27;indirizzo email e/o la password che hai usato non sono corretti."),
        ("fr", "L’adresse e-mail ou le mot de passe sont incorrects."),
    ],
)
def test_wrong_password_and_unknown_email_get_the_same_translated_message(world, language, message):
    client = Client(headers=EN)
    for email in (world.company.email, "nobody@example.org"):
        response = post_login(client, email, "wrong-password", language)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_repeated_login_failures_are_rate_limited(world):
    client = Client(headers=EN)
    for _ in range(5):
        post_login(client, world.company.email, "wrong-password")
    response = post_login(client, world.company.email, TEST_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


PROXY_VARIABLES = ("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER")
PROXY = "172.18.0.1"  # the TLS proxy in front of gunicorn: every request arrives from it


def _env_example() -> dict[str, str]:
    values = {}
    for line in (Path(django_settings.BASE_DIR) / ".env.example").read_text().splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key] = value
    return values


def _trust_proxy_as_base_settings_do(settings, monkeypatch, **environment) -> None:
    """Apply the client-address settings that base.py makes of `environment`."""
    for name in PROXY_VARIABLES:
        if name in environment:
            monkeypatch.setenv(name, environment[name])
        else:
            monkeypatch.delenv(name, raising=False)
    path = Path(django_settings.BASE_DIR) / "thamm/settings/base.py"
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(), "base.py", "exec"), namespace)  # noqa: S102 — our own settings
    for name in ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER"):
        setattr(settings, name, namespace[name])


def _fail_logins_then_sign_in(attacker: Client, user: Client, world):
    for n in range(12):  # a different address each time: only the per-client limit applies
        post_login(attacker, f"guess{n}@example.org", "wrong-password")
    response = post_login(attacker, world.company_b.email, TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in attacker.session
    return post_login(user, world.company.email, TEST_PASSWORD)


def test_behind_the_proxy_one_client_failing_logins_does_not_lock_out_the_others(
    world, settings, monkeypatch
):
    """With .env.example's settings the per-address limit on failed logins counts the client's
    address the proxy appends to X-Forwarded-For, so it stops the attacker only."""
    example = {k: v for k, v in _env_example().items() if k in PROXY_VARIABLES}
    _trust_proxy_as_base_settings_do(settings, monkeypatch, **example)
    # The attacker sends a forged X-Forwarded-For of their own: the proxy appends the real address.
    attacker = Client(
        headers=EN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.5"
    )
    user = Client(headers=EN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    response = _fail_logins_then_sign_in(attacker, user, world)
    assert response.status_code == 302 and response["Location"] == "/"
    assert user.session["_auth_user_id"] == str(world.company.pk)


def test_a_client_address_header_set_by_the_proxy_is_used_when_configured(
    world, settings, monkeypatch
):
    _trust_proxy_as_base_settings_do(settings, monkeypatch, TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    attacker = Client(headers=EN, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.5")
    user = Client(headers=EN, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.20")
    response = _fail_logins_then_sign_in(attacker, user, world)
    assert response.status_code == 302
    assert user.session["_auth_user_id"] == str(world.company.pk)


def test_without_a_trusted_proxy_a_forged_x_forwarded_for_does_not_dodge_the_limit(
    world, settings, monkeypatch
):
    _trust_proxy_as_base_settings_do(settings, monkeypatch)  # no variable set: the defaults
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None
    for n in range(12):
        forged = Client(headers=EN, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        post_login(forged, f"guess{n}@example.org", "wrong-password")
    response = post_login(Client(headers=EN), world.company_b.email, TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()


def test_iom_login_asks_for_the_totp_code_before_letting_in(world):
    client = Client(headers=EN)
    response = post_login(client, world.iom.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": totp_now()})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(world.iom.pk)


@pytest.mark.parametrize("kind", ["iom", "chamber"])
def test_iom_and_chamber_reach_only_mfa_setup_until_they_have_it(db, kind):
    user = member(kind)
    Authenticator.objects.filter(user=user).delete()
    client = Client(headers=EN)
    post_login(client, user.email, TEST_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    setup = reverse("mfa_activate_totp")
    for url in ["/", reverse("accounts:organisation_detail", args=[user.organisation.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == setup
    # allauth asks for the password once more before a second factor is added.
    page = client.get(setup)
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    again = client.post(page["Location"], {"password": TEST_PASSWORD})
    assert again.status_code == 302 and again["Location"] == setup
    page = client.get(setup)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_company_and_centre_users_are_not_forced_into_mfa(world):
    for user in (world.company, world.centre):
        client = Client(headers=EN)
        client.force_login(user)
        assert client.get("/").status_code == 200


# --- invitations and sign-up ---------------------------------------------------------------


def test_invited_colleague_signs_up_through_the_link_and_joins_the_organisation(
    world, django_capture_on_commit_callbacks
):
    admin_client = Client(headers=EN)
    admin_client.force_login(world.company)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("accounts:invitation_list"), {"email": "newbie@example.org", "role": "staff"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="newbie@example.org")

    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invite/" in line)
    path = link.strip().split("://", 1)[1].split("/", 1)[1]
    visitor = Client(headers=EN)
    page = visitor.get("/" + path)
    assert page.status_code == 200 and world.company_org.name in page.content.decode()
    signup = visitor.get(reverse("account_signup"))
    assert signup.status_code == 200 and "newbie@example.org" in signup.content.decode()
    done = visitor.post(
        reverse("account_signup"),
        {
            "full_name": "New Bie",
            "email": "someone-else@example.org",  # the address is fixed by the invitation
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    user = User.objects.get(email="newbie@example.org")
    assert not User.objects.filter(email="someone-else@example.org").exists()
    assert user.full_name == "New Bie"
    assert Membership.objects.get(user=user).organisation == world.company_org
    assert visitor.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # The link works once.
    again = Client(headers=EN).get("/" + path)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert AuditEntry.objects.filter(action="invitation.accept").count() == 1


def test_expired_and_unknown_links_say_so_and_open_no_signup(world):
    _, token = invitation_with_token(
        organisation=world.company_org,
        email="late@example.org",
        expires_at=timezone.now() - timedelta(hours=1),
    )
    client = Client(headers=EN)
    response = client.get(reverse("accounts:invitation_accept", args=[token]))
    assert response.status_code == 410 and "expired" in response.content.decode()
    response = client.get(reverse("accounts:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 410 and "not valid" in response.content.decode()
    signup = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in signup.content.decode()
    client.post(
        reverse("account_signup"),
        {
            "email": "late@example.org",
            "password1": "x-long-pass-123",
            "password2": "x-long-pass-123",
        },
    )
    assert not User.objects.filter(email="late@example.org").exists()


def test_signup_is_closed_without_an_invitation(db):
    response = Client(headers=EN).get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "Inscriptions fermées" in response.content.decode()


def test_closed_signup_page_points_companies_to_their_own_sign_up(db):
    page = Client(headers=EN).get(reverse("account_signup")).content.decode()
    assert 'href="/companies/signup/"' in page and "by invitation" in page


def test_repeated_signup_email_creates_no_second_account(world):
    invitation, token = invitation_with_token(
        organisation=world.company_org, email="dup@example.org"
    )
    client = Client(headers=EN)
    client.get(reverse("accounts:invitation_accept", args=[token]))
    UserFactory(email="dup@example.org")  # the address got an account meanwhile
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Dup",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    # allauth's answer that discloses nothing to the visitor: "check your mailbox"; the mailbox's
    # owner is told, in their language, that the account already exists.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [["dup@example.org"]]
    assert "Already Exists" in mail.outbox[0].subject
    assert User.objects.filter(email__iexact="dup@example.org").count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user__email="dup@example.org").exists()


def test_invitation_form_answers_alike_for_a_new_address_and_one_that_has_an_account(
    world, django_capture_on_commit_callbacks
):
    """An organisation admin cannot use the form to find out who has an account on the portal."""
    client = Client(headers=EN)
    client.force_login(world.company)
    for email in ("newcomer@example.org", world.centre.email):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:invitation_list"), {"email": email, "role": "staff"}, follow=True
            )
        assert response.redirect_chain == [(reverse("accounts:invitation_list"), 302)]
        page = response.content.decode()
        assert f"Invitation sent to {email}." in page
        assert "already has an account" not in page
    rows = Invitation.objects.filter(organisation=world.company_org)
    assert sorted((i.email, i.status) for i in rows) == [
        ("centre@example.org", "pending"),
        ("newcomer@example.org", "pending"),
    ]
    # The newcomer got a link; the account's owner was told, and keeps their organisation.
    assert [m.to for m in mail.outbox] == [["newcomer@example.org"], ["centre@example.org"]]
    assert "/invite/" in mail.outbox[0].body and "/invite/" not in mail.outbox[1].body
    assert world.company_org.name in mail.outbox[1].body
    assert Membership.objects.get(user=world.centre).organisation == world.centre_org


def test_centre_inviting_a_candidate_whose_address_has_an_account_learns_nothing(
    world, django_capture_on_commit_callbacks
):
    from candidates.models import Candidate
    from tests.factories import CandidateFactory

    record = CandidateFactory(training_centre=world.centre_org, email=world.company.email)
    client = Client(headers=EN)
    client.force_login(world.centre)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidates:invite", args=[record.pk]), follow=True)
    page = response.content.decode()
    assert f"Invitation sent to {world.company.email}." in page
    assert "already has an account" not in page
    assert [m.to for m in mail.outbox] == [[world.company.email]]
    assert "/invite/" not in mail.outbox[0].body
    assert world.centre_org.name in mail.outbox[0].body
    # The company user's account is untouched and not linked to the candidate record.
    assert Candidate.objects.get(pk=record.pk).user_id is None
    company_user = User.objects.get(pk=world.company.pk)
    assert not company_user.is_candidate
    assert company_user.membership.organisation == world.company_org


def test_invitation_form_reports_bad_address_in_italian(world):
    client = Client(headers=EN)
    client.force_login(world.company)
    response = client.post(
        reverse("accounts:invitation_list"),
        {"email": "not-an-address", "role": "staff"},
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert response.status_code == 200
    assert "Inserisci un indirizzo email valido." in response.content.decode()
    assert not Invitation.objects.exists()


def test_revoking_another_organisations_invitation_is_404_and_changes_nothing(world):
    other, _ = invitation_with_token(organisation=world.company_b_org)
    client = Client(headers=EN)
    client.force_login(world.company)
    response = client.post(reverse("accounts:invitation_revoke", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_request_with_bad_csrf_token_is_refused_and_changes_nothing(world):
    client = Client(enforce_csrf_checks=True, headers=EN)
    client.force_login(world.company)
    response = client.post(
        reverse("accounts:invitation_list"),
        {"email": "x@example.org", "role": "staff", "csrfmiddlewaretoken": "forged"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert not Invitation.objects.exists()


# --- advisor assignments -------------------------------------------------------------------


def test_iom_assigns_advisor_and_advisor_sees_the_company_at_once(world):
    from companies.models import Company, make_partita_iva

    iom = Client(headers=EN)
    iom.force_login(world.iom)
    company = world.unassigned_company_org
    profile = Company.objects.create(
        organisation=company, legal_name="Profilati Lariani", partita_iva=make_partita_iva(7000001)
    )
    advisor = Client(headers=EN)
    advisor.force_login(world.chamber)
    url = reverse("accounts:organisation_detail", args=[company.pk])
    assert advisor.get(url).status_code == 404
    response = iom.post(
        reverse("accounts:advisor_assignments"),
        {"advisor": world.chamber.pk, "company": company.pk},
    )
    assert response.status_code == 302
    assert advisor.get(url).status_code == 200
    assert advisor.get(profile.get_absolute_url()).status_code == 200
    assert profile.legal_name in advisor.get("/").content.decode()
    page = iom.get(reverse("accounts:advisor_assignments"))
    grant_pk = page.context["assignments"].get(content_object=company).pk
    iom.post(reverse("accounts:advisor_unassign", args=[grant_pk]))
    assert advisor.get(url).status_code == 404
    assert advisor.get(profile.get_absolute_url()).status_code == 404


def test_assigning_a_non_chamber_user_shows_an_error(world):
    client = Client(headers=EN)
    client.force_login(world.iom)
    response = client.post(
        reverse("accounts:advisor_assignments"),
        {"advisor": world.company.pk, "company": world.company_b_org.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_advisor_assignment_page_queries_stay_constant(world, django_assert_max_num_queries):
    from accounts.services import advisor_assign
    from tests.factories import OrganisationFactory

    for _ in range(20):
        advisor_assign(advisor=world.chamber, company=OrganisationFactory(), by=world.iom)
    client = Client(headers=EN)
    client.force_login(world.iom)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:advisor_assignments"))
    assert response.status_code == 200
    assert response.content.decode().count("advisors/") >= 22


# --- admin, language, health ---------------------------------------------------------------


def test_admin_has_no_login_form_of_its_own(db):
    response = Client(headers=EN).get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", ["candidate", "centre", "company", "chamber"])
def test_admin_is_closed_to_everyone_but_iom_superusers(client_for, role):
    response = client_for(role).get("/admin/", follow=True)
    assert response.status_code == 403


def test_iom_superuser_reaches_the_admin(world):
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    client = Client(headers=EN)
    client.force_login(world.iom)
    assert client.get("/admin/").status_code == 200


def test_arabic_is_right_to_left_and_remembered_on_the_account(world):
    client = Client(headers=EN)
    client.force_login(world.candidate)
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    html = page.content.decode()
    assert 'lang="ar" dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html
    world.candidate.refresh_from_db()
    assert world.candidate.language == "ar"


def test_pages_send_a_strict_content_security_policy(db):
    response = Client(headers=EN).get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()


def test_healthz_reports_database_state(db):
    response = Client(headers=EN).get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == "ok"
    assert data["redis"] in ("ok", "not configured")


def test_unknown_page_is_a_translated_404(db):
    response = Client(headers=EN).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_without_the_database(db, rf):
    from thamm.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Server error" in response.content.decode()


def test_invitation_list_queries_stay_constant(world, django_assert_max_num_queries):
    from tests.factories import InvitationFactory

    InvitationFactory.create_batch(30, organisation=world.company_org, invited_by=world.company)
    client = Client(headers=EN)
    client.force_login(world.company)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:invitation_list"))
    assert response.content.decode().count("/revoke/") == 30


def test_organisation_members_page_queries_stay_constant(world, django_assert_max_num_queries):
    for _ in range(25):
        member("company", organisation=world.company_org, role="staff")
    client = Client(headers=EN)
    client.force_login(world.iom)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:organisation_detail", args=[world.company_org.pk]))
    assert response.context["members"].count() == 26


def test_sign_in_brings_back_the_users_language(world):
    world.candidate.language = "ar"
    world.candidate.save()
    client = Client(headers=EN)
    response = post_login(client, world.candidate.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ar"
    assert 'dir="rtl"' in client.get("/").content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing_and_changes_nothing(world):
    client = Client(headers=EN)
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # The mailbox is told there is no account; the visitor's page is the same as for a real one.
    assert [m.to for m in mail.outbox] == [["nobody@example.org"]]
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_password_reset_link_lets_the_user_choose_a_new_password(world):
    client = Client(headers=EN)
    client.post(reverse("account_reset_password"), {"email": world.company.email})
    body = mail.outbox[-1].body
    link = next(word for word in body.split() if "/accounts/password/reset/key/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-brand-new-pass-77", "password2": "a-brand-new-pass-77"},
    )
    assert response.status_code == 302
    world.company.refresh_from_db()
    assert world.company.check_password("a-brand-new-pass-77")


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_login_is_no_back_door_for_staff_users(world, method):
    """A staff flag without IOM membership opens nothing, and the admin never takes a password."""
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    world.company.is_staff = True
    world.company.save()
    client = Client(headers=EN)
    client.force_login(world.company)
    data = {"username": world.iom.email, "password": TEST_PASSWORD} if method == "post" else {}
    response = getattr(client, method)("/admin/login/", data)
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(world.company.pk)
    assert client.get("/admin/", follow=True).status_code == 403


def test_admin_login_sends_an_iom_superuser_to_the_admin(world):
    world.iom.is_superuser = world.iom.is_staff = True
    world.iom.save()
    client = Client(headers=EN)
    client.force_login(world.iom)
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_anonymous_post_to_admin_login_authenticates_nobody(world):
    client = Client(headers=EN)
    response = client.post(
        "/admin/login/", {"username": world.iom.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_invitation_withdrawn_after_the_link_was_opened_says_so_and_creates_nothing(world):
    invitation, token = invitation_with_token(organisation=world.company_org, email="w@example.org")
    client = Client(headers=EN)
    client.get(reverse("accounts:invitation_accept", args=[token]))
    from accounts.services import invitation_revoke

    invitation_revoke(invitation=invitation, by=world.company)
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "W",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    assert response.status_code == 200
    assert "This invitation has been withdrawn." in response.content.decode()
    assert not User.objects.filter(email="w@example.org").exists()
    assert (
        "account_verified_email" not in client.session
        or not client.session["account_verified_email"]
    )
    # The session forgot the invitation: the sign-up stays closed.
    assert (
        "This invitation has been withdrawn."
        not in client.get(reverse("account_signup")).content.decode()
    )


def test_healthz_answers_head_and_reports_a_broken_database_as_503(db):
    from unittest import mock

    assert Client().head("/healthz").status_code == 200
    with mock.patch("thamm.views.connection.cursor", side_effect=RuntimeError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert "RuntimeError" not in response.content.decode()


def test_healthz_reports_unreachable_redis_as_503(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


@pytest.mark.parametrize("language", ["it", "fr", "ar", "en"])
def test_pages_have_no_inline_script(db, language, client_for):
    import re

    for role in ("anonymous", "iom", "candidate"):
        html = client_for(role).get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not inline, (role, inline)


def test_iom_without_mfa_reaches_nothing_but_the_setup(db):
    """Walk every URL of the project as an IOM coordinator who has no second factor yet."""
    from django.urls import get_resolver

    from accounts.middleware import MFA_SETUP_ALLOWED
    from tests.test_access_matrix import _walk

    user = member("iom")
    user.is_superuser = user.is_staff = True
    user.save()
    Authenticator.objects.filter(user=user).delete()
    client = Client(headers=EN)
    client.force_login(user)
    setup = reverse("mfa_activate_totp")
    checked = 0
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if not name or name in MFA_SETUP_ALLOWED or pattern.pattern.regex.groupindex:
            continue
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == setup, (name, route)
        checked += 1
    for path in ("/organisations/1/", "/invitations/1/revoke/", "/admin/accounts/user/1/change/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == setup, path
    assert checked > 30
