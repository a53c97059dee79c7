import pytest
from django.db import connection
from django.http import Http404

from candidates.models import Candidate
from candidates.selectors import candidate_get, candidate_list, candidate_stage_counts
from tests.factories import CandidateFactory


def test_centre_sees_only_its_candidates_and_iom_sees_all(world):
    assert list(candidate_list(user=world.centre)) == [world.candidate_a]
    assert list(candidate_list(user=world.centre_b)) == [world.candidate_b]
    assert set(candidate_list(user=world.iom)) == {world.candidate_a, world.candidate_b}


@pytest.mark.parametrize("role", ["company", "chamber"])
def test_companies_and_chambers_see_no_candidate_records(world, role):
    assert not candidate_list(user=world.user(role)).exists()


def test_candidate_sees_only_their_own_record(world):
    assert list(candidate_list(user=world.candidate)) == [world.candidate_a]


def test_another_centres_candidate_is_a_404(world):
    with pytest.raises(Http404):
        candidate_get(user=world.centre, pk=world.candidate_b.pk)
    assert candidate_get(user=world.iom, pk=world.candidate_b.pk) == world.candidate_b


def test_search_by_name_reference_or_cin_and_filter_by_stage(world):
    karim = CandidateFactory(training_centre=world.centre_org, last_name="Zeroual", cin="KK12345")
    CandidateFactory(training_centre=world.centre_org, status="in_training")
    centre = world.centre
    assert list(candidate_list(user=centre, filters={"q": "zero"})) == [karim]
    assert list(candidate_list(user=centre, filters={"q": karim.reference})) == [karim]
    assert list(candidate_list(user=centre, filters={"q": "kk12345"})) == [karim]
    assert candidate_list(user=centre, filters={"status": "in_training"}).count() == 1
    # A search never reaches across centres.
    assert not candidate_list(user=world.centre_b, filters={"q": "zero"}).exists()


def test_stage_counts_are_scoped(world):
    CandidateFactory.create_batch(3, training_centre=world.centre_org, status="certified")
    counts = {value: n for value, _label, n in candidate_stage_counts(user=world.centre)}
    assert counts == {"registered": 1, "certified": 3}
    counts = {value: n for value, _label, n in candidate_stage_counts(user=world.iom)}
    assert counts == {"registered": 2, "certified": 3}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the surnames' prefix index (COLLATE \"C\") is PostgreSQL's; SQLite searches by scan",
)
def test_a_name_many_share_is_found_by_its_start_and_a_rarer_one_everywhere(world):
    from candidates.selectors import candidate_search_ids

    shared = [
        CandidateFactory(training_centre=world.centre_org, last_name="Benali", first_name=name)
        for name in ("Omar", "Amine", "Sara", "Youssef", "Nadia", "Karim")
    ]
    inside = CandidateFactory(training_centre=world.centre_org, last_name="Abenali")
    # More than the limit start with it: the first ones by the index, sorted as the list is.
    found = candidate_search_ids(user=world.iom, filters={"q": "benali"}, limit=4)
    names = dict(Candidate.objects.filter(pk__in=found).values_list("pk", "first_name"))
    assert len(found) == 4 and inside.pk not in found
    assert set(found) <= {c.pk for c in shared}
    assert [names[pk] for pk in found] == sorted(names.values())
    # Fewer than the limit start with it: every match, wherever the text is in the name.
    everyone = candidate_search_ids(user=world.iom, filters={"q": "benali"}, limit=20)
    assert set(everyone) == {c.pk for c in shared} | {inside.pk}
    # A centre finds its own only.
    assert candidate_search_ids(user=world.centre_b, filters={"q": "benali"}, limit=4) == []
