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

The rule is computed by the database (`scored`: one expression per factor, annotated on a
queryset of candidates), so that the search ranks and pages in SQL; `explain` turns a scored
candidate's factors into the lines a page shows.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
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


def _of_candidate(rows: QuerySet) -> QuerySet:
    return rows.filter(candidate_id=OuterRef("pk")).order_by().values("candidate_id")


def _italian_rank(expression) -> Case:
    return Case(
        *(When(**{expression: level}, then=rank) for rank, level in enumerate(CEFR_ORDER, 1)),
        default=0,
        output_field=IntegerField(),
    )


def scored(candidates: QuerySet[Candidate], needs: Requirements) -> QuerySet[Candidate]:
    """`candidates` with each factor's points (`points_<factor>`), `eligible`, `score` (their
    sum), and what the explanation reads (`modules_average`, `modules_passed`, `italian_level`,
    `same_occupation`, `related_occupation`)."""
    modules = needs.required or needs.technical
    results = Result.objects.filter(course_id__in=[c.pk for c in modules])
    through = Candidate.previous_occupations.through.objects.filter(candidate_id=OuterRef("pk"))
    min_rank = CEFR_ORDER.index(needs.min_italian) + 1
    passed_required = (
        Coalesce(
            Subquery(
                _of_candidate(
                    Result.objects.filter(course_id__in=[c.pk for c in needs.required], passed=True)
                )
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        if needs.required
        else Value(0)
    )
    region = Q(preferred_regions__icontains=f'"{needs.region}"')
    late = needs.start + datetime.timedelta(days=START_GRACE_DAYS)
    return candidates.annotate(
        modules_average=Subquery(
            _of_candidate(results).annotate(a=Avg("score")).values("a"),
            output_field=DecimalField(max_digits=5, decimal_places=2),
        ),
        modules_passed=passed_required,
        italian_level=Subquery(
            Result.objects.filter(
                candidate_id=OuterRef("pk"), course_id__in=[c.pk for c in needs.language]
            )
            .order_by("-cefr_level")
            .values("cefr_level")[:1]
        ),
        italian_rank=_italian_rank("italian_level"),
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


def explain(candidate, needs: Requirements, results: list[Result]) -> Explanation:
    """The lines of a scored candidate's score (`scored` annotated them), with `results`, their
    results (for the modules' scores and what is not passed)."""
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
    level = candidate.italian_level or ""
    if CEFR_ORDER.index(needs.min_italian) + 1 > candidate.italian_rank:
        unmet.append(
            _("Italian %(level)s, below the %(required)s the vacancy asks for")
            % {"level": level or _("not assessed"), "required": needs.min_italian}
        )
    lines = [
        Line(
            _("Required modules") if needs.required else _("Technical modules"),
            candidate.points_modules,
            MODULES,
            join_list(scores) if scores else _("no score yet"),
        ),
        Line(
            _("Italian"),
            candidate.points_italian,
            ITALIAN,
            _("%(level)s (the vacancy asks for %(required)s)")
            % {"level": level or _("not assessed"), "required": needs.min_italian},
        ),
        Line(
            _("Occupation"),
            candidate.points_occupation,
            OCCUPATION,
            _("has worked as %(occupation)s") % {"occupation": needs.occupation}
            if candidate.same_occupation
            else _("has worked in a related occupation")
            if candidate.related_occupation
            else _("no related occupation"),
        ),
        Line(
            _("Experience"),
            candidate.points_experience,
            EXPERIENCE,
            ngettext("%(years)s year", "%(years)s years", candidate.years_experience)
            % {"years": candidate.years_experience},
        ),
        Line(
            _("Region"),
            candidate.points_region,
            REGION,
            _("would like to work in %(region)s") % {"region": region_name(needs.region)}
            if candidate.points_region == REGION
            else _("named no region")
            if candidate.points_region
            else _("would rather work in another region"),
        ),
        Line(
            _("Start"),
            candidate.points_start,
            START,
            _("no date given")
            if candidate.earliest_start is None
            else _("free from %(date)s; the job starts on %(start)s")
            % {"date": _date(candidate.earliest_start), "start": _date(needs.start)},
        ),
    ]
    return Explanation(candidate.score, candidate.eligible, lines, unmet)
