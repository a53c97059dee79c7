"""Parts of pages kept rendered under versions (thamm.fragments)."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from thamm.fragments import cached_fragment
from thamm.versions import Version

SHOWN = Version("tests:shown")
pytestmark = pytest.mark.django_db  # a version changes again when the transaction commits


@pytest.fixture
def made():
    return []


def _part(request, made, **kwargs):
    def build():
        made.append(1)
        return {"page": None}

    kwargs.setdefault("vary", ("someone",))
    return cached_fragment(
        request, "includes/pagination.html", build=build, versions=(SHOWN,), **kwargs
    )


def test_a_part_is_made_once_until_what_it_shows_changes(made):
    request = RequestFactory().get("/somewhere/?page=2")
    _part(request, made)
    _part(request, made)
    assert len(made) == 1
    SHOWN.changed()
    _part(request, made)
    assert len(made) == 2


def test_a_part_is_kept_apart_for_each_reader_language_and_address(made):
    factory = RequestFactory()
    _part(factory.get("/somewhere/"), made)
    _part(factory.get("/somewhere/"), made, vary=("someone else",))
    _part(factory.get("/somewhere/?page=3"), made)
    with translation.override("ar"):
        _part(factory.get("/somewhere/"), made)
    assert len(made) == 4


def test_every_model_a_kept_part_may_show_changes_the_shown_data_version():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from thamm.fragments import NOT_SHOWN, SHOWN_DATA

    def wired(signal, model) -> bool:
        return any(
            isinstance(key[0], str) and key[0].startswith(f"{SHOWN_DATA.key}-")
            for key, *_ in signal.receivers
            if key[1] == id(model)
        )

    models = [m for m in apps.get_models() if m._meta.label_lower not in NOT_SHOWN]
    assert len(models) > 40
    for model in models:
        assert wired(post_save, model) and wired(post_delete, model), model
    for label in ("thamm.auditentry", "thamm.notification", "sessions.session"):
        assert not wired(post_save, apps.get_model(label))


def test_a_home_page_is_kept_for_each_member_and_follows_their_membership(client_for, world):
    from accounts.models import Membership

    client = client_for("company")
    admin_home = client.get("/").content.decode()
    assert "Invite a colleague" in admin_home  # the organisation's administrator
    assert world.company_b_org.name not in admin_home
    assert world.company_org.name not in client_for("company_b").get("/").content.decode()
    membership = Membership.objects.get(user=world.company)
    membership.role = Membership.Role.STAFF
    membership.save()  # no longer its administrator
    assert "Invite a colleague" not in client.get("/").content.decode()
