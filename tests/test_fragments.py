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
