"""Demo results for `manage.py seed_demo`: of the candidates in training at each demo centre, a
third passed everything and are certified, a third miss one module, a third are half-way."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from candidates.demo import CENTRES
from candidates.models import Candidate
from thamm.stages import stage_record

from .models import Cohort, Course, Enrolment, Result
from .selectors import course_catalogue


def _result(candidate, course, rng, *, passing: bool) -> None:
    if course.kind == Course.Kind.LANGUAGE:
        level = rng.choice(["A2", "B1"]) if passing else "A1"
        score, passed = None, passing
    else:
        score = Decimal(
            rng.randrange(int(course.pass_mark), 96) if passing else rng.randrange(35, 59)
        )
        level, passed = "", passing
    Result.objects.update_or_create(
        candidate=candidate,
        course=course,
        defaults={
            "score": score,
            "cefr_level": level,
            "attendance": Decimal(rng.randrange(82, 100)),
            "assessed_on": datetime.date(2026, 5, 1) + datetime.timedelta(days=rng.randrange(60)),
            "passed": passed,
        },
    )


COHORTS = [
    # (name suffix, start, end, trainers)
    ("2026-A", datetime.date(2026, 1, 12), datetime.date(2026, 6, 26), "K. Amrani, L. Rossi"),
    ("2026-B", datetime.date(2026, 3, 2), datetime.date(2026, 8, 28), "S. Bennis, M. Colombo"),
]


def _seed_cohorts(city: str, letters: str) -> None:
    candidates = list(Candidate.objects.filter(cin__startswith=letters).order_by("cin"))
    if not candidates:
        return
    centre = candidates[0].training_centre
    for index, (suffix, starts, ends, trainers) in enumerate(COHORTS):
        cohort, _created = Cohort.objects.get_or_create(
            training_centre=centre,
            name=f"{city} {suffix}",
            defaults={"starts_on": starts, "ends_on": ends, "trainers": trainers},
        )
        for candidate in candidates[index::2]:  # every other candidate in each cohort
            Enrolment.objects.get_or_create(cohort=cohort, candidate=candidate)


def seed() -> int:
    """Create the demo cohorts and results once; returns how many demo candidates are certified."""
    mandatory = [c for c in course_catalogue() if c.mandatory]
    for city, (letters, _region) in CENTRES.items():
        _seed_cohorts(city, letters)
        trainees = Candidate.objects.filter(cin__startswith=letters).order_by("cin")
        trainees = [c for c in trainees if c.status in ("in_training", "certified")]
        for index, candidate in enumerate(trainees):
            if Result.objects.filter(candidate=candidate).exists():
                continue  # already seeded
            rng = random.Random(candidate.cin)
            if index % 3 == 0:  # passed everything: certified
                for course in mandatory:
                    _result(candidate, course, rng, passing=True)
                if candidate.status == Candidate.Status.IN_TRAINING:
                    candidate.status = Candidate.Status.CERTIFIED
                    candidate.status_changed_at = timezone.now()
                    candidate.save(update_fields=["status", "status_changed_at"])
                    stage_record(
                        obj=candidate,
                        from_stage="in_training",
                        to_stage="certified",
                        by=None,
                        note="demo data",
                    )
            elif index % 3 == 1:  # one module failed
                failed = rng.choice([c for c in mandatory if c.kind == Course.Kind.TECHNICAL])
                for course in mandatory:
                    _result(candidate, course, rng, passing=course != failed)
            else:  # half-way through the courses
                for course in mandatory[: len(mandatory) // 2]:
                    _result(candidate, course, rng, passing=True)
    return Candidate.objects.filter(status=Candidate.Status.CERTIFIED).count()
