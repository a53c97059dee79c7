"""Reads for the selection of workers, scoped to the acting user (DESIGN.md §3):

- companies browse candidates once verified, for their own vacancies; a chamber advisor for the
  verified companies assigned to them; IOM all of it;
- the candidates they find are available (certified, and agreed to be shown to companies);
- a company sees a candidate pseudonymised (`Card`: a code, never a name, a document number, a
  contact, a birth date or anything staff typed) until the candidate agrees to meet it; IOM sees
  names, and each list of them it opens is audited.
"""

import datetime
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from candidates.models import PROFILES, Candidate, CandidateGroupObjectPermission
from candidates.selectors import occupations
from companies.models import Company, Vacancy
from companies.selectors import company_list, vacancy_list
from thamm.audit import audit
from thamm.scoping import get_visible_or_404, owned
from thamm.stages import labelled_history
from training.models import CEFR_ORDER, Course, Result
from training.selectors import all_courses

from .models import (
    QUOTA,
    Application,
    Interview,
    InterviewDocument,
    Offer,
    QuotaSlot,
    SavedSearch,
)
from .scoring import Explanation, Requirements, explain, scored

# The ranked candidates a search pages through; past them the page asks for narrower filters.
SEARCH_CAP = 1000
RANKING_TIMEOUT = 3600  # seconds; any change of a candidate, result or vacancy ranks again
BROWSING_ROLES = (Role.COMPANY, Role.CHAMBER, Role.IOM)


def browsing_companies(*, user: User) -> QuerySet[Company]:
    """The verified companies the user browses candidates for (IOM: all of them)."""
    if user.role not in BROWSING_ROLES:
        return Company.objects.none()
    return company_list(user=user).filter(status=Company.Status.VERIFIED)


def may_browse(*, user: User) -> bool:
    """Whether the user may see candidates at all: IOM, or someone acting for a verified company."""
    return user.role == Role.IOM or browsing_companies(user=user).exists()


def ranking_vacancies(*, user: User) -> QuerySet[Vacancy]:
    """The open vacancies (draft or published) of the verified companies the user acts for: the
    ones candidates can be ranked against."""
    if user.role not in BROWSING_ROLES:
        return Vacancy.objects.none()
    return (
        vacancy_list(user=user)
        .filter(
            status__in=[Vacancy.Status.DRAFT, Vacancy.Status.PUBLISHED],
            company__status=Company.Status.VERIFIED,
        )
        .order_by("company__legal_name", "title", "pk")
    )


def searchable_candidates() -> QuerySet[Candidate]:
    """The candidates companies may find: available (certified, and agreed to be shown)."""
    return Candidate.objects.filter(status=Candidate.Status.AVAILABLE, profile_shared=True)


@dataclass(frozen=True)
class SearchFilters:
    """What a search asks (the search form's cleaned data, or a saved search's)."""

    module: int | None = None  # a technical course's id: passed
    min_score: int | None = None  # ... with at least this score
    italian: str = ""  # at least this CEFR level
    occupation: int | None = None  # an occupation's id: among the previous ones
    experience: int | None = None  # at least this many years
    region: str = ""  # among the preferred regions
    available_by: datetime.date | None = None  # free to start by then (or no date given)
    show_not_eligible: bool = False

    def key(self) -> str:
        data = {k: str(v) for k, v in self.__dict__.items() if v not in (None, "", False)}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:24]


def _filtered(candidates: QuerySet[Candidate], filters: SearchFilters) -> QuerySet[Candidate]:
    results = Result.objects.filter(candidate_id=OuterRef("pk"))
    if filters.module:
        passed = results.filter(course_id=filters.module, passed=True)
        if filters.min_score is not None:
            passed = passed.filter(score__gte=filters.min_score)
        candidates = candidates.filter(Exists(passed))
    if filters.italian:
        levels = CEFR_ORDER[CEFR_ORDER.index(filters.italian) :]
        language = [c.pk for c in all_courses() if c.kind == Course.Kind.LANGUAGE]
        candidates = candidates.filter(
            Exists(results.filter(course_id__in=language, cefr_level__in=levels))
        )
    if filters.occupation:
        through = Candidate.previous_occupations.through.objects
        candidates = candidates.filter(
            Exists(through.filter(candidate_id=OuterRef("pk"), occupation_id=filters.occupation))
        )
    if filters.experience:
        candidates = candidates.filter(years_experience__gte=filters.experience)
    if filters.region:
        candidates = candidates.filter(preferred_regions__icontains=f'"{filters.region}"')
    if filters.available_by:
        candidates = candidates.filter(
            Q(earliest_start__isnull=True) | Q(earliest_start__lte=filters.available_by)
        )
    return candidates


def requirements(vacancy: Vacancy) -> Requirements:
    """What the score reads of `vacancy` (one query: its required modules)."""
    required = vacancy.required_modules.through.objects.filter(vacancy_id=vacancy.pk)
    return Requirements.of(vacancy, required.values_list("course_id", flat=True))


@dataclass
class Ranking:
    ids: list[int]  # the candidates in rank order, at most SEARCH_CAP + 1
    needs: Requirements | None = None

    @property
    def more(self) -> bool:
        return len(self.ids) > SEARCH_CAP


def candidate_ranking(
    *, user: User, filters: SearchFilters, vacancy: Vacancy | None = None
) -> Ranking:
    """The candidates a search finds, best first: by match score against `vacancy` (eligible ones
    first, then by certification, newest first), or without a vacancy by certification.

    The database ranks and cuts at SEARCH_CAP + 1; the ids are cached under the candidates'
    profile version, the vacancy's last change and the filters, so paging and coming back cost
    one cache read. `vacancy` must come from `ranking_vacancies(user=...)`."""
    if not may_browse(user=user):
        return Ranking([])
    needs = requirements(vacancy) if vacancy is not None else None
    scope = f"{vacancy.pk}:{vacancy.updated_at.timestamp()}" if vacancy else "-"
    key = f"matching:ranking:{PROFILES.current()}:{scope}:{filters.key()}"
    ids = cache.get(key)
    if ids is None:
        candidates = _filtered(searchable_candidates(), filters)
        if needs is None:
            ranked = candidates.order_by("-certified_at", "-pk")
        else:
            ranked = scored(candidates, needs)
            if not filters.show_not_eligible:
                ranked = ranked.filter(eligible=True)
            ranked = ranked.order_by("-eligible", "-score", "-certified_at", "-pk")
        ids = list(ranked.values_list("pk", flat=True)[: SEARCH_CAP + 1])
        cache.set(key, ids, RANKING_TIMEOUT)
    return Ranking(ids, needs)


AGE_BANDS = ((25, "18–24"), (30, "25–29"), (35, "30–34"), (40, "35–39"), (45, "40–44"))


def age_band(born: datetime.date, today: datetime.date) -> str:
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return next((band for limit, band in AGE_BANDS if age < limit), "45+")


@dataclass
class Card:
    """What a search shows of one candidate: nothing that names or reaches them, unless the
    viewer is IOM (`name`, `reference`, `pk`)."""

    code: str
    age_band: str
    centre_city: str
    italian: str
    years_experience: int
    occupations: list
    regions: list[str]
    earliest_start: datetime.date | None
    certified_on: datetime.date | None
    modules: list[tuple[str, object, bool]] = field(default_factory=list)
    explanation: Explanation | None = None
    name: str = ""
    reference: str = ""
    pk: int | None = None
    asked: str = ""  # the stage of the viewer's application for the ranked vacancy, if any


# What a card reads of a candidate: never a name, a number, a contact or text staff typed.
CARD_COLUMNS = (
    "code",
    "date_of_birth",
    "training_centre__city",
    "years_experience",
    "preferred_regions",
    "earliest_start",
    "certified_at",
)


def candidate_cards(
    *, user: User, ranking: Ranking, ids: list[int], among: QuerySet | None = None
) -> list[Card]:
    """The cards of `ids` (a page of `ranking`), in their order: three queries whatever their
    number (the candidates; their results; their occupations), the score worked out from what
    they read (`points_of`, the rule the ranking computes in the database). `among`: the
    candidates they are taken from (the searchable ones, unless the caller checked others)."""
    if not ids:
        return []
    identity = user.role == Role.IOM
    columns = (*CARD_COLUMNS, "first_name", "last_name", "reference") if identity else CARD_COLUMNS
    among = searchable_candidates() if among is None else among
    rows = among.filter(pk__in=ids).select_related("training_centre")
    rows = rows.only(*columns)
    by_id = {row.pk: row for row in rows}
    results = defaultdict(list)
    read = Result.objects.filter(candidate_id__in=ids).order_by()
    for result in read.only("candidate_id", "course_id", "score", "cefr_level", "passed"):
        results[result.candidate_id].append(result)
    jobs = defaultdict(list)
    known = occupations()
    through = Candidate.previous_occupations.through.objects.filter(candidate_id__in=ids)
    for candidate_id, occupation_id in through.values_list("candidate_id", "occupation_id"):
        jobs[candidate_id].append(known[occupation_id])
    courses = all_courses()
    today = timezone.localdate()
    cards = []
    for pk in ids:
        row = by_id.get(pk)
        if row is None:  # no longer available since the ranking was cached
            continue
        mine = {r.course_id: r for r in results[pk]}
        italian = max(
            (r.cefr_level for r in results[pk] if r.cefr_level), key=CEFR_ORDER.index, default=""
        )
        cards.append(
            Card(
                code=row.code,
                age_band=age_band(row.date_of_birth, today),
                centre_city=row.training_centre.city,
                italian=italian,
                years_experience=row.years_experience,
                occupations=sorted(jobs[pk], key=lambda o: o.isco_code),
                regions=row.preferred_regions,
                earliest_start=row.earliest_start,
                certified_on=timezone.localdate(row.certified_at) if row.certified_at else None,
                modules=[
                    (c.display_title, mine[c.pk].score, mine[c.pk].passed)
                    for c in courses
                    if c.kind == Course.Kind.TECHNICAL and c.pk in mine
                ],
                explanation=(
                    explain(row, ranking.needs, results[pk], [o.pk for o in jobs[pk]])
                    if ranking.needs
                    else None
                ),
                name=f"{row.last_name} {row.first_name}" if identity else "",
                reference=row.reference if identity else "",
                pk=pk if identity else None,
            )
        )
    if identity:
        audit(actor=user, action="candidate.search_view", detail={"candidates": ids})
    return cards


def candidate_by_code(*, user: User, code: str) -> Candidate:
    """The candidate a company names by their code (404 for no such code, or for a user who
    browses no candidates); whether they may still be asked is the service's to say."""
    if not may_browse(user=user):
        raise Http404
    return get_visible_or_404(Candidate.objects.all(), code=code.strip().upper())


def asked_for(*, vacancy: Vacancy, candidate_ids: list[int]) -> dict[str, str]:
    """The stage of each of these candidates' application for `vacancy`, if any, by their
    code."""
    rows = Application.objects.filter(vacancy=vacancy, candidate_id__in=candidate_ids)
    return dict(rows.values_list("candidate__code", "status"))


def application_list(*, user: User) -> QuerySet[Application]:
    """Applications a user may see: a company its own, an advisor those of the companies
    assigned to them, IOM all; a training centre its candidates'; a candidate their own."""
    qs = Application.objects.select_related("vacancy", "company", "candidate")
    if not user.is_authenticated:
        return qs.none()
    if user.role in (Role.COMPANY, Role.IOM):
        return owned(qs, user=user)
    if user.role == Role.CHAMBER:
        return qs.filter(company__in=company_list(user=user))
    if user.role == Role.CENTRE:  # across tenants: the centre's own candidates
        return qs.filter(candidate__training_centre_id=user.membership.organisation_id)
    if user.role == Role.CANDIDATE:
        return qs.filter(candidate__user=user)
    return qs.none()


def application_get(*, user: User, pk: int) -> Application:
    application = get_visible_or_404(application_list(user=user), pk=pk)
    application._visible_to = user.pk
    return application


def identity_visible(*, user: User, candidate: Candidate) -> bool:
    """Whether the user may see who the candidate is: IOM; the candidate's own centre; a company
    the candidate agreed to meet (its users, and its assigned advisors) through its grant."""
    if user.role == Role.IOM:
        return True
    if user.role == Role.CENTRE:
        return candidate.training_centre_id == user.membership.organisation_id
    if user.role not in (Role.COMPANY, Role.CHAMBER):
        return False
    groups = company_list(user=user).exclude(organisation__group=None)
    return CandidateGroupObjectPermission.objects.filter(
        content_object_id=candidate.pk,
        permission__codename="view_identity",
        group_id__in=groups.values("organisation__group_id"),
    ).exists()


def application_history(*, user: User, application: Application) -> list:
    """The application's moves, oldest first; the company's notes only for the company's side
    and IOM (the candidate and their centre see the stages)."""
    if getattr(application, "_visible_to", None) != user.pk:
        application_get(user=user, pk=application.pk)
    history = labelled_history(obj=application, choices=Application.Stage)
    if user.role in (Role.CANDIDATE, Role.CENTRE):
        for change in history:
            change.note, change.by = "", None
    elif not identity_visible(user=user, candidate=application.candidate):
        # The candidate's own moves are signed by their login: its name is who they are.
        for change in history:
            if change.by_id is not None and change.by_id == application.candidate.user_id:
                change.by = None
    return history


def application_card(*, user: User, application: Application) -> Card | None:
    """The card of an application's candidate, scored against its vacancy (the application
    was checked visible by `application_get`)."""
    if getattr(application, "_visible_to", None) != user.pk:
        application = application_get(user=user, pk=application.pk)
    pk = application.candidate_id
    ranking = Ranking([pk], requirements(application.vacancy))
    cards = candidate_cards(
        user=user, ranking=ranking, ids=[pk], among=Candidate.objects.filter(pk=pk)
    )
    return cards[0] if cards else None


def interview_list(*, user: User) -> QuerySet[Interview]:
    """The interviews of the applications the user may see."""
    return Interview.objects.filter(application__in=application_list(user=user)).select_related(
        "chosen", "application__company", "application__candidate"
    )


def interview_get(*, user: User, pk: int) -> Interview:
    return get_visible_or_404(interview_list(user=user), pk=pk)


def current_interview(*, user: User, application: Application) -> Interview | None:
    """The application's latest interview round, with its proposed times."""
    if getattr(application, "_visible_to", None) != user.pk:
        application = application_get(user=user, pk=application.pk)
    return (
        Interview.objects.filter(application_id=application.pk)
        .select_related("chosen")
        .prefetch_related("slots", "documents")
        .order_by("-created_at", "-pk")
        .first()
    )


def offer_list(*, user: User) -> QuerySet[Offer]:
    """The offers of the applications the user may see."""
    return Offer.objects.filter(application__in=application_list(user=user)).select_related(
        "application__company", "application__candidate", "occupation"
    )


def offer_get(*, user: User, pk: int) -> Offer:
    return get_visible_or_404(offer_list(user=user), pk=pk)


def application_offer(*, user: User, application: Application) -> Offer | None:
    if getattr(application, "_visible_to", None) != user.pk:
        application = application_get(user=user, pk=application.pk)
    return offer_list(user=user).filter(application_id=application.pk).first()


@dataclass
class QuotaFigures:
    quota: int
    used: int
    by_region: list[tuple[str, int, int | None]]  # (region, used, target)
    by_company: list[tuple[str, int]]  # (company, used)

    @property
    def remaining(self) -> int:
        return max(self.quota - self.used, 0)


def quota_figures(*, user: User) -> QuotaFigures | None:
    """Places used and left, overall, by region (with its target) and by company: for IOM."""
    if user.role != Role.IOM:
        return None
    from thamm.scheme import current_scheme

    scheme = current_scheme()
    key = f"matching:quota:{QUOTA.current()}:{scheme.pk}:{scheme.updated_at.timestamp()}"
    figures = cache.get(key)
    if figures is None:
        figures = _quota_figures(scheme)
        cache.set(key, figures, RANKING_TIMEOUT)
    return figures


def _quota_figures(scheme) -> QuotaFigures:
    held = QuotaSlot.objects.filter(scheme_id=scheme.pk, released_at__isnull=True)
    regions = dict(held.values_list("region").annotate(n=Count("pk")).order_by())
    targets = {code: int(n) for code, n in (scheme.region_targets or {}).items()}
    companies = (
        held.values_list("company__legal_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "company__legal_name")[:20]
    )
    return QuotaFigures(
        quota=scheme.quota,
        used=sum(regions.values()),
        by_region=[
            (code, regions.get(code, 0), targets.get(code)) for code in scheme.destination_regions
        ],
        by_company=list(companies),
    )


def saved_search_list(*, user: User) -> QuerySet[SavedSearch]:
    """Saved searches: a company its own, an advisor those of the companies assigned to them,
    IOM all."""
    qs = SavedSearch.objects.select_related("company", "owner")
    if user.role in (Role.COMPANY, Role.IOM):
        return owned(qs, user=user)
    if user.role == Role.CHAMBER:
        return qs.filter(company__in=company_list(user=user))
    return qs.none()


def saved_search_get(*, user: User, pk: int) -> SavedSearch:
    return get_visible_or_404(saved_search_list(user=user), pk=pk)


def interview_document_get(*, user: User, pk: int) -> InterviewDocument:
    """A guidance file, for whoever may see its interview's application."""
    documents = InterviewDocument.objects.filter(interview__in=interview_list(user=user))
    return get_visible_or_404(documents.select_related("interview__application"), pk=pk)


# What a company's home asks it to do next, by the stage its applications wait in.
COMPANY_TURN = {
    Application.Stage.AGREED: "propose_interview",
    Application.Stage.INTERVIEW_SCHEDULED: "record_interview",
    Application.Stage.INTERVIEWED: "make_offer",
}


def company_next_steps(*, user: User) -> dict[str, int]:
    """How many of the company's applications wait on it, by what it has to do (one query)."""
    rows = (
        application_list(user=user)
        .filter(status__in=list(COMPANY_TURN))
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {COMPANY_TURN[status]: n for status, n in rows}
