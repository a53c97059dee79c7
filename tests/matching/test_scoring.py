"""The match score, factor by factor, with known values (matching/scoring.py)."""

import datetime
import random

import pytest

from candidates.models import Candidate, Occupation
from matching.scoring import Requirements, explain, points_of, scored
from training.models import CEFR_ORDER, Course, Result

from ..factories import CandidateFactory
from .conftest import make_available, result

pytestmark = pytest.mark.django_db


FACTORS = ("modules", "italian", "occupation", "experience", "region", "start")


def _score(candidate, vacancy):
    """The database's points for `candidate` and the explanation a page shows, checked equal
    factor by factor (the page works the rule out in Python, the ranking in SQL)."""
    needs = Requirements.of(vacancy, vacancy.required_modules.values_list("pk", flat=True))
    row = scored(Candidate.objects.filter(pk=candidate.pk), needs).get()
    results = list(Result.objects.filter(candidate=candidate))
    jobs = list(candidate.previous_occupations.values_list("pk", flat=True))
    points = points_of(row, needs, results, jobs)
    assert {f: getattr(row, f"points_{f}") for f in FACTORS} == {
        f: getattr(points, f) for f in FACTORS
    }
    why = explain(row, needs, results, jobs)
    assert (why.score, why.eligible) == (row.score, row.eligible)
    return row, why


@pytest.fixture
def worker(world):
    candidate = CandidateFactory(
        training_centre=world.centre_org, years_experience=0, preferred_regions=["IT-34"]
    )
    result(candidate, "MEC-PLC", score=80)
    result(candidate, "MEC-PNH", score=70)
    result(candidate, "ITA", level="A2")
    return make_available(candidate)


def test_required_modules_give_forty_times_their_average_score(worker, vacancy):
    row, why = _score(worker, vacancy)
    assert row.points_modules == 30  # 40 × 75 / 100
    assert why.lines[0].points == 30 and why.lines[0].out_of == 40
    assert "Automation and PLC programming 80" in why.lines[0].why
    result(worker, "MEC-PLC", score=100)
    assert _score(worker, vacancy)[0].points_modules == 34  # 40 × 85 / 100


def test_a_required_module_not_passed_makes_the_candidate_not_eligible_and_says_which(
    worker, vacancy
):
    assert _score(worker, vacancy)[1].eligible
    result(worker, "MEC-PNH", score=40, passed=False)
    row, why = _score(worker, vacancy)
    assert not row.eligible and not why.eligible
    assert why.unmet == ["Pneumatics and hydraulics not passed"]
    Result.objects.filter(candidate=worker, course__code="MEC-PNH").delete()
    assert _score(worker, vacancy)[1].unmet == ["Pneumatics and hydraulics not passed"]


def test_without_required_modules_the_technical_average_counts(world, worker, vacancy):
    vacancy.required_modules.clear()
    result(worker, "MEC-ELS", score=90)
    row, why = _score(worker, vacancy)
    assert row.points_modules == 32  # 40 × 80 / 100: (80 + 70 + 90) / 3
    assert why.lines[0].factor == "Technical modules" and row.eligible


@pytest.mark.parametrize(
    ("level", "points", "eligible"),
    [("A1", 0, False), ("A2", 12, True), ("B1", 16, True), ("B2", 20, True), ("C1", 20, True)],
)
def test_italian_points_count_the_levels_above_the_minimum(
    worker, vacancy, level, points, eligible
):
    result(worker, "ITA", level=level)
    row, why = _score(worker, vacancy)
    assert (row.points_italian, row.eligible) == (points, eligible)
    if not eligible:
        assert why.unmet == ["Italian A1, below the A2 the vacancy asks for"]


def test_no_italian_result_is_not_eligible(worker, vacancy):
    Result.objects.filter(candidate=worker, course__code="ITA").delete()
    row, why = _score(worker, vacancy)
    assert row.points_italian == 0 and not row.eligible
    assert why.unmet == ["Italian not assessed, below the A2 the vacancy asks for"]


def test_occupation_points_for_the_same_or_a_related_occupation(worker, vacancy):
    assert _score(worker, vacancy)[0].points_occupation == 0
    worker.previous_occupations.set([Occupation.objects.get(isco_code="3113")])  # 311x group
    assert _score(worker, vacancy)[0].points_occupation == 5
    worker.previous_occupations.add(Occupation.objects.get(isco_code="3115"))
    row, why = _score(worker, vacancy)
    assert row.points_occupation == 10
    assert "has worked as Mechanical engineering technician" in why.lines[2].why


@pytest.mark.parametrize(("years", "points"), [(0, 0), (1, 2), (3, 6), (5, 10), (12, 10)])
def test_experience_gives_two_points_a_year_up_to_ten(worker, vacancy, years, points):
    Candidate.objects.filter(pk=worker.pk).update(years_experience=years)
    assert _score(worker, vacancy)[0].points_experience == points


@pytest.mark.parametrize(
    ("regions", "points"), [(["IT-25"], 10), (["IT-34", "IT-25"], 10), ([], 5), (["IT-34"], 0)]
)
def test_region_points_for_the_units_region(worker, vacancy, regions, points):
    Candidate.objects.filter(pk=worker.pk).update(preferred_regions=regions)
    assert _score(worker, vacancy)[0].points_region == points  # the unit is in Bergamo (IT-25)


@pytest.mark.parametrize(
    ("days_after", "points"), [(None, 10), (-5, 10), (0, 10), (30, 5), (31, 0)]
)
def test_start_points_against_the_vacancys_start(worker, vacancy, days_after, points):
    start = None if days_after is None else vacancy.start_date + datetime.timedelta(days_after)
    Candidate.objects.filter(pk=worker.pk).update(earliest_start=start)
    assert _score(worker, vacancy)[0].points_start == points


def test_the_score_is_the_sum_of_its_lines(worker, vacancy):
    Candidate.objects.filter(pk=worker.pk).update(
        years_experience=2, preferred_regions=["IT-25"], earliest_start=None
    )
    worker.previous_occupations.set([Occupation.objects.get(isco_code="3115")])
    row, why = _score(worker, vacancy)
    assert row.score == 30 + 12 + 10 + 4 + 10 + 10
    assert why.score == sum(line.points for line in why.lines) == row.score
    assert [line.out_of for line in why.lines] == [40, 20, 10, 10, 10, 10]


def test_the_database_and_the_page_agree_on_varied_candidates(world, vacancy):
    """The rule is written twice (SQL for the ranking, Python for the cards): on candidates
    drawn at random, with and without required modules, they give the same points."""
    rng = random.Random(20261205)
    codes = ["MEC-PLC", "MEC-PNH", "MEC-ELS"]
    jobs = list(Occupation.objects.filter(isco_code__in=["3113", "3115", "7233", "8189"]))
    candidates = []
    for _ in range(25):
        candidate = CandidateFactory(
            training_centre=world.centre_org,
            years_experience=rng.randint(0, 8),
            preferred_regions=rng.choice([[], ["IT-25"], ["IT-34"], ["IT-34", "IT-45"]]),
            earliest_start=rng.choice(
                [None, vacancy.start_date + datetime.timedelta(rng.randint(-20, 60))]
            ),
        )
        for code in rng.sample(codes, rng.randint(0, 3)):
            score = rng.choice([None, rng.randint(0, 100)])
            result(candidate, code, score=score, passed=rng.random() < 0.8)
        if rng.random() < 0.85:
            result(candidate, "ITA", level=rng.choice(CEFR_ORDER))
        candidate.previous_occupations.set(rng.sample(jobs, rng.randint(0, 2)))
        candidates.append(make_available(candidate))
    for required in (["MEC-PLC", "MEC-PNH"], []):
        vacancy.required_modules.set(Course.objects.filter(code__in=required))
        for candidate in candidates:
            _score(candidate, vacancy)
