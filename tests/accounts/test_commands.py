from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Organisation, User
from tests.factories import member


def test_create_iom_admin_gives_a_first_administrator_without_a_password(db):
    out = StringIO()
    call_command("create_iom_admin", "--email", "Head@IOM.example", "--name", "Head", stdout=out)
    call_command("create_iom_admin", "--email", "head@iom.example", stdout=StringIO())  # idempotent
    user = User.objects.get(email="head@iom.example")
    assert user.is_iom and user.is_superuser and user.is_org_admin
    assert not user.has_usable_password()
    assert Organisation.objects.filter(kind="iom").count() == 1
    assert "Forgot your password" in out.getvalue()
    # The admin opens only after the second factor, like every IOM page.
    client = Client()
    client.force_login(user)
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


def test_create_iom_admin_refuses_a_member_of_another_organisation(db):
    company_user = member("company", email="hr@example.org")
    with pytest.raises(CommandError):
        call_command("create_iom_admin", "--email", "hr@example.org", stdout=StringIO())
    company_user.refresh_from_db()
    assert not company_user.is_superuser
