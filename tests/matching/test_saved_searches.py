"""Saved searches: kept by name, run again, and a daily digest that tells of each candidate once."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils.html import escape

from candidates.models import Candidate
from matching.models import SavedSearch
from matching.services import saved_search_create, saved_search_delete, saved_searches_digest
from thamm.exceptions import DomainError
from thamm.models import Notification

from ..factories import CandidateFactory
from .conftest import make_available, result

pytestmark = pytest.mark.django_db


def _available(world, italian="B1"):
    candidate = CandidateFactory(training_centre=world.centre_org)
    result(candidate, "MEC-PLC", score=80)
    result(candidate, "MEC-PNH", score=70)
    result(candidate, "ITA", level=italian)
    return make_available(candidate)


def _query(vacancy, **params):
    return urlencode({"vacancy": vacancy.pk, **params})


def test_a_search_is_saved_from_its_page_and_runs_again(world, client_for, vacancy):
    _available(world)
    client = client_for("company")
    page = client.get(reverse("matching:search"), {"italian": "B1"})
    query = page.context["save_form"].initial["query"]
    assert f"vacancy={vacancy.pk}" in query and "italian=B1" in query
    response = client.post(
        reverse("matching:search_save"), {"name": "B1 and up", "query": query, "notify": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("matching:searches")
    search = SavedSearch.objects.get()
    assert (search.owner, search.company, search.notify) == (
        world.company,
        world.company_a_profile,
        True,
    )
    listing = client.get(reverse("matching:searches")).content.decode()
    assert (
        "B1 and up" in listing
        and f'href="/matching/candidates/?{query}"'.replace("&", "&amp;") in listing
    )


def test_the_digest_tells_of_new_candidates_once(world, vacancy):
    there = _available(world)
    search = saved_search_create(
        user=world.company, name="Everyone", query=_query(vacancy), notify_me=True
    )
    assert list(search.hits.values_list("candidate_id", flat=True)) == [there.pk]
    assert saved_searches_digest() == 0  # nobody new: nothing sent
    newcomers = [_available(world), _available(world)]
    assert saved_searches_digest() == 1
    told = Notification.objects.get(recipient=world.company, kind="search.new_candidates")
    assert "2" in told.subject and "Everyone" in told.subject
    assert told.link == f"{reverse('matching:search')}?{search.query}"
    assert set(search.hits.values_list("candidate_id", flat=True)) == {
        there.pk,
        *(c.pk for c in newcomers),
    }
    assert saved_searches_digest() == 0  # run again: nobody told twice
    assert Notification.objects.filter(kind="search.new_candidates").count() == 1


def test_a_search_not_watched_sends_nothing_and_filters_hold(world, vacancy):
    saved_search_create(user=world.company, name="Quiet", query=_query(vacancy), notify_me=False)
    saved_search_create(
        user=world.company, name="B2 only", query=_query(vacancy, italian="B2"), notify_me=True
    )
    _available(world, italian="B1")  # matches neither watched filter
    assert saved_searches_digest() == 0
    _available(world, italian="B2")
    assert saved_searches_digest() == 1


@pytest.mark.parametrize(
    ("params", "refusal"),
    [
        ({"min_score": "150"}, "Correct the search's filters before saving it."),
        ({"module": "999999"}, "Correct the search's filters before saving it."),
    ],
)
def test_a_search_with_an_impossible_filter_is_not_saved(
    world, client_for, vacancy, params, refusal
):
    client = client_for("company")
    response = client.post(
        reverse("matching:search_save"),
        {"name": "Impossible", "query": _query(vacancy, **params)},
        follow=True,
    )
    assert escape(refusal) in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_names_are_the_owners_own_and_only_the_owner_deletes(world, vacancy):
    search = saved_search_create(
        user=world.company, name="Mine", query=_query(vacancy), notify_me=False
    )
    with pytest.raises(DomainError, match="already have a search with this name"):
        saved_search_create(user=world.company, name="Mine", query=_query(vacancy), notify_me=False)
    with pytest.raises(DomainError, match="Only the person who saved"):
        saved_search_delete(search=search, by=world.chamber)
    saved_search_delete(search=search, by=world.company)
    assert not SavedSearch.objects.exists()


def test_another_company_never_sees_a_saved_search(world, client_for, vacancy):
    saved_search_create(
        user=world.company, name="Secret plans", query=_query(vacancy), notify_me=False
    )
    assert (
        "Secret plans"
        not in client_for("company_b").get(reverse("matching:searches")).content.decode()
    )
    assert (
        "Secret plans" in client_for("chamber").get(reverse("matching:searches")).content.decode()
    )


def test_a_candidate_who_withdrew_consent_is_not_announced(world, vacancy):
    saved_search_create(user=world.company, name="All", query=_query(vacancy), notify_me=True)
    newcomer = _available(world)
    Candidate.objects.filter(pk=newcomer.pk).update(status="certified", profile_shared=False)
    newcomer.refresh_from_db()
    newcomer.save()  # the candidates' version changes, as the consent service's save does
    assert saved_searches_digest() == 0
