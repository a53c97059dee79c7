"""The match score: how well a candidate fits a vacancy, from 0 to 100, and why (DESIGN.md §4).

The rule, in plain words (templates/matching/score_help.html says the same to companies):

- required modules, 40 points: every technical module the vacancy requires must be passed, or
  the candidate is not eligible; 40 × the average score of those modules / 100 (a vacancy that
  requires none: the average of the candidate's technical modules);
- Italian, 20: below the vacancy's minimum level the candidate is not eligible; 12 at the
  minimum, 16 one level above, 20 two or more;
- occupation, 10: 10 when a previous occupation is the vacancy's, 5 when one is in the same
  ISCO-08 minor group (the first three digits), else 0;
- experience, 10: 2 per year of experience, at most 10;
- region, 10: 10 when the candidate would like to work in the unit's region, 5 when they named
  no region, else 0;
- start, 10: 10 when the candidate can start by the vacancy's start date (or gave no date), 5
  within 30 days after it, else 0.

The rule is written twice: for the database (`scored`: one expression per factor, annotated on a
queryset of candidates), so that the search ranks and pages in SQL, and in Python (`points_of`)
for a page that has read the candidates' results already; `explain` turns the points into the
lines a page shows. tests/matching/test_scoring.py holds the two equal, on known values and on
candidates drawn at random.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, Round
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from candidates.models import Candidate, Occupation
from candidates.selectors import occupations
from thamm.lists import join_list
from thamm.scheme import region_name
from training.models import CEFR_ORDER, Course, Result
from training.selectors import all_courses

MODULES, ITALIAN, OCCUPATION, EXPERIENCE, REGION, START = 40, 20, 10, 10, 10, 10
# Italian levels above the vacancy's minimum: points at the minimum, one above, two or more.
ITALIAN_POINTS = (12, 16, 20)
EXPERIENCE_PER_YEAR, START_GRACE_DAYS = 2, 30


@dataclass(frozen=True)
class Requirements:
    """What the score reads of a vacancy (its required modules from the reference data)."""

    required: tuple[Course, ...]
    technical: tuple[Course, ...]
    language: tuple[Course, ...]
    min_italian: str
    occupation: Occupation
    group: tuple[int, ...]  # the occupations of the vacancy's ISCO-08 minor group
    region: str
    start: datetime.date

    @classmethod
    def of(cls, vacancy, required_ids) -> "Requirements":
        courses = all_courses()
        by_code = {o.isco_code: o for o in occupations().values()}
        occupation = next(o for o in by_code.values() if o.pk == vacancy.occupation_id)
        minor = occupation.isco_code[:3]
        return cls(
            required=tuple(c for c in courses if c.pk in set(required_ids)),
            technical=tuple(c for c in courses if c.kind == Course.Kind.TECHNICAL),
            language=tuple(c for c in courses if c.kind == Course.Kind.LANGUAGE),
            min_italian=vacancy.min_italian_level,
            occupation=occupation,
            group=tuple(o.pk for code, o in by_code.items() if code[:3] == minor),
            region=vacancy.unit.region,
            start=vacancy.start_date,
        )


def scored(candidates: QuerySet[Candidate], needs: Requirements) -> QuerySet[Candidate]:
    """`candidates` with each factor's points (`points_<factor>`), `eligible` and `score` (their
    sum), for the database to rank by. The candidates' results are read in one grouped pass
    (conditional aggregates), not by a subquery per candidate and factor."""
    module_ids = [c.pk for c in (needs.required or needs.technical)]
    required_ids = [c.pk for c in needs.required]
    language_ids = [c.pk for c in needs.language]
    through = Candidate.previous_occupations.through.objects.filter(candidate_id=OuterRef("pk"))
    min_rank = CEFR_ORDER.index(needs.min_italian) + 1
    rank = Max(
        Case(
            *(
                When(results__course_id__in=language_ids, results__cefr_level=level, then=n)
                for n, level in enumerate(CEFR_ORDER, 1)
            ),
            default=0,
            output_field=IntegerField(),
        )
    )
    region = Q(preferred_regions__icontains=f'"{needs.region}"')
    late = needs.start + datetime.timedelta(days=START_GRACE_DAYS)
    return candidates.annotate(
        modules_average=Avg(
            "results__score",
            filter=Q(results__course_id__in=module_ids),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        ),
        modules_passed=(
            Count("results", filter=Q(results__course_id__in=required_ids, results__passed=True))
            if required_ids
            else Value(0)
        ),
        italian_rank=Coalesce(rank, 0),
        same_occupation=Exists(through.filter(occupation_id=needs.occupation.pk)),
        related_occupation=Exists(through.filter(occupation_id__in=needs.group)),
        points_modules=Cast(
            Round(Coalesce(F("modules_average"), Value(Decimal(0))) * MODULES / 100),
            IntegerField(),
        ),
        points_italian=Case(
            When(italian_rank__gte=min_rank + 2, then=ITALIAN_POINTS[2]),
            When(italian_rank=min_rank + 1, then=ITALIAN_POINTS[1]),
            When(italian_rank=min_rank, then=ITALIAN_POINTS[0]),
            default=0,
        ),
        points_occupation=Case(
            When(same_occupation=True, then=OCCUPATION),
            When(related_occupation=True, then=OCCUPATION // 2),
            default=0,
        ),
        points_experience=Least(F("years_experience"), Value(EXPERIENCE // EXPERIENCE_PER_YEAR))
        * EXPERIENCE_PER_YEAR,
        points_region=Case(
            When(region, then=REGION), When(preferred_regions=[], then=REGION // 2), default=0
        ),
        points_start=Case(
            When(Q(earliest_start__isnull=True) | Q(earliest_start__lte=needs.start), then=START),
            When(earliest_start__lte=late, then=START // 2),
            default=0,
        ),
        eligible=Case(
            When(Q(modules_passed=len(needs.required), italian_rank__gte=min_rank), then=True),
            default=False,
            output_field=BooleanField(),
        ),
        score=F("points_modules")
        + F("points_italian")
        + F("points_occupation")
        + F("points_experience")
        + F("points_region")
        + F("points_start"),
    )


@dataclass
class Line:
    factor: str
    points: int
    out_of: int
    why: str


@dataclass
class Explanation:
    score: int
    eligible: bool
    lines: list[Line] = field(default_factory=list)
    # Why the candidate is not eligible (empty when they are).
    unmet: list[str] = field(default_factory=list)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Points:
    """A candidate's points, factor by factor, as `scored` computes them in the database."""

    modules: int
    italian: int
    occupation: int
    experience: int
    region: int
    start: int
    modules_passed: int
    italian_rank: int
    same_occupation: bool
    related_occupation: bool

    @property
    def score(self) -> int:
        return (
            self.modules + self.italian + self.occupation + self.experience + self.region
        ) + self.start


def points_of(candidate, needs: Requirements, results, occupation_ids) -> Points:
    """The rule of `scored`, worked out in Python for a candidate whose results and previous
    occupations a page has read already (tests/matching/test_scoring.py holds the two equal)."""
    module_ids = {c.pk for c in (needs.required or needs.technical)}
    scores = [r.score for r in results if r.course_id in module_ids and r.score is not None]
    average = sum(scores, Decimal(0)) / len(scores) if scores else Decimal(0)
    modules = int((average * MODULES / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    required_ids = {c.pk for c in needs.required}
    passed = sum(1 for r in results if r.course_id in required_ids and r.passed)
    language_ids = {c.pk for c in needs.language}
    rank = max(
        (
            CEFR_ORDER.index(r.cefr_level) + 1
            for r in results
            if r.course_id in language_ids and r.cefr_level in CEFR_ORDER
        ),
        default=0,
    )
    above = rank - (CEFR_ORDER.index(needs.min_italian) + 1)
    italian = 0 if above < 0 else ITALIAN_POINTS[min(above, 2)]
    same = needs.occupation.pk in occupation_ids
    related = bool(set(needs.group) & set(occupation_ids))
    regions = candidate.preferred_regions or []
    start = candidate.earliest_start
    late = needs.start + datetime.timedelta(days=START_GRACE_DAYS)
    return Points(
        modules=modules,
        italian=italian,
        occupation=OCCUPATION if same else OCCUPATION // 2 if related else 0,
        experience=min(candidate.years_experience, EXPERIENCE // EXPERIENCE_PER_YEAR)
        * EXPERIENCE_PER_YEAR,
        region=REGION if needs.region in regions else REGION // 2 if not regions else 0,
        start=START
        if start is None or start <= needs.start
        else START // 2
        if start <= late
        else 0,
        modules_passed=passed,
        italian_rank=rank,
        same_occupation=same,
        related_occupation=related,
    )


def explain(candidate, needs: Requirements, results: list[Result], occupation_ids) -> Explanation:
    """A candidate's score for `needs`, line by line, from their record, `results` and
    `occupation_ids` (the rule of `scored`, see `points_of`)."""
    points = points_of(candidate, needs, results, occupation_ids)
    by_course = {r.course_id: r for r in results}
    modules = needs.required or needs.technical
    scores = [
        f"{c.display_title} {formats.number_format(by_course[c.pk].score, decimal_pos=0)}"
        for c in modules
        if c.pk in by_course and by_course[c.pk].score is not None
    ]
    unmet = [
        _("%(module)s not passed") % {"module": c.display_title}
        for c in needs.required
        if not (c.pk in by_course and by_course[c.pk].passed)
    ]
    level = CEFR_ORDER[points.italian_rank - 1] if points.italian_rank else ""
    if CEFR_ORDER.index(needs.min_italian) + 1 > points.italian_rank:
        unmet.append(
            _("Italian %(level)s, below the %(required)s the vacancy asks for")
            % {"level": level or _("not assessed"), "required": needs.min_italian}
        )
    lines = [
        Line(
            _("Required modules") if needs.required else _("Technical modules"),
            points.modules,
            MODULES,
            join_list(scores) if scores else _("no score yet"),
        ),
        Line(
            _("Italian"),
            points.italian,
            ITALIAN,
            _("%(level)s (the vacancy asks for %(required)s)")
            % {"level": level or _("not assessed"), "required": needs.min_italian},
        ),
        Line(
            _("Occupation"),
            points.occupation,
            OCCUPATION,
            _("has worked as %(occupation)s") % {"occupation": needs.occupation}
            if points.same_occupation
            else _("has worked in a related occupation")
            if points.related_occupation
            else _("no related occupation"),
        ),
        Line(
            _("Experience"),
            points.experience,
            EXPERIENCE,
            ngettext("%(years)s year", "%(years)s years", candidate.years_experience)
            % {"years": candidate.years_experience},
        ),
        Line(
            _("Region"),
            points.region,
            REGION,
            _("would like to work in %(region)s") % {"region": region_name(needs.region)}
            if points.region == REGION
            else _("named no region")
            if points.region
            else _("would rather work in another region"),
        ),
        Line(
            _("Start"),
            points.start,
            START,
            _("no date given")
            if candidate.earliest_start is None
            else _("free from %(date)s; the job starts on %(start)s")
            % {"date": _date(candidate.earliest_start), "start": _date(needs.start)},
        ),
    ]
    return Explanation(points.score, not unmet, lines, unmet)
