"""Reads of candidate records, scoped to the acting user (DESIGN.md §3).

- IOM coordinators see every candidate;
- training-centre staff see the candidates of their own centre;
- a candidate sees their own record;
- companies and chambers see none of this (the matching issue opens a pseudonymised view).
"""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Collate, Upper

from accounts.models import Role, User
from thamm.reference import reference
from thamm.scoping import get_visible_or_404, owned
from thamm.stages import labelled_history

from .models import (
    STAGE_COUNTS,
    Candidate,
    CandidateDocument,
    ConsentRecord,
    Occupation,
    PrivacyNotice,
)


def candidate_list(*, user: User, filters: dict | None = None) -> QuerySet[Candidate]:
    """Candidates a user may see: a centre its own, IOM all, a candidate their own record."""
    if not user.is_authenticated:
        return Candidate.objects.none()
    if user.role in (Role.CENTRE, Role.IOM):
        qs = owned(Candidate.objects.all(), user=user)
    elif user.role == Role.CANDIDATE:
        qs = Candidate.objects.filter(user=user)
    else:
        return Candidate.objects.none()
    qs = qs.select_related("training_centre")
    filters = filters or {}
    if query := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name_ar__icontains=query)
            | Q(reference__iexact=query)
            | Q(cin__iexact=query)
        )
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if centre := filters.get("centre"):
        qs = qs.filter(training_centre_id=centre)
    return qs.order_by("last_name", "first_name", "id")


def candidate_search_ids(*, user: User, filters: dict, limit: int) -> list[int]:
    """The ids of the first `limit` candidates the search (`filters`, with `q`) finds, sorted
    as the list is (by name).

    A common name matches thousands of candidates; sorting them all costs as much as their
    number. The search index finds `limit` of them, and only those are sorted: a list of them
    says when there are more, and a narrower search finds the others."""
    query = (filters.get("q") or "").strip()
    if connection.vendor == "postgresql" and query.isascii() and query.isalpha():
        # A name many share: the first `limit` whose surname starts with it, read in the order
        # of its index (cand_last_name_prefix), so the scan stops there; fewer than that, the
        # search below finds every match, wherever the text is in a name. In bytes ("C") order,
        # the names starting with the text lie between it and the same text with its last letter
        # one further: bounds a prepared statement's plan can use too. (ASCII letters only: the
        # database upper-cases them as Python does.)
        first = query.upper()
        past = first[:-1] + chr(ord(first[-1]) + 1)
        scope = candidate_list(user=user, filters={**filters, "q": ""}).order_by()
        starting = (
            scope.annotate(prefix=Collate(Upper("last_name"), "C"))
            .filter(prefix__gte=first, prefix__lt=past)
            .order_by("prefix")
        )
        ids = _in_list_order(starting.values("pk", "last_name", "first_name")[:limit], limit)
        if len(ids) >= limit:
            return ids
    found = candidate_list(user=user, filters=filters).order_by()
    return _in_list_order(found.values("pk", "last_name", "first_name"), limit=limit)


def _in_list_order(rows: QuerySet, limit: int) -> list[int]:
    """The ids of the first `limit` of `rows` (pk, last_name, first_name), sorted as the list is
    (by name, in the database's collation)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # The matches are found apart (a materialised CTE, read only as far as the LIMIT asks):
        # asked for the first `limit` matches directly, PostgreSQL's planner prefers reading the
        # table until it has them, rating the three name conditions cheap, where they cost ten
        # times the trigram index's lookup (6 ms against 0.5 ms at 20,000 candidates). The
        # database sorts those found (its collation, as the list's own ORDER BY).
        cursor.execute(
            f"WITH matching AS MATERIALIZED ({sql}) "  # noqa: S608 (the ORM's SQL, its params)
            "SELECT pk FROM (SELECT * FROM matching LIMIT %s) AS found "
            "ORDER BY last_name, first_name, pk",
            [*params, limit],
        )
        return [pk for (pk,) in cursor.fetchall()]


STAGE_COUNTS_TIMEOUT = 600  # seconds; changes made behind the ORM's back show by then


def candidate_stage_counts(*, user: User) -> list[tuple[str, str, int]]:
    """(stage, label, count) of the candidates the user sees, for stages that have any.

    A GROUP BY over every candidate on each home page load costs as much as the whole set: the
    counts are cached per scope (IOM: all, a centre: its own) under a version that any saved or
    deleted candidate replaces (candidates.models.STAGE_COUNTS)."""
    if user.role == Role.IOM:
        scope = "all"
    elif user.role == Role.CENTRE:
        scope = f"centre-{user.membership.organisation_id}"
    else:
        scope = None
    key = f"candidates:stage-counts:{STAGE_COUNTS.current()}:{scope}" if scope else None
    counts = cache.get(key) if key else None
    if counts is None:
        counts = dict(
            candidate_list(user=user).order_by().values_list("status").annotate(n=Count("id"))
        )
        if key:
            cache.set(key, counts, STAGE_COUNTS_TIMEOUT)
    return [
        (value, label, counts[value])
        for value, label in Candidate.Status.choices
        if value in counts
    ]


def candidate_get(*, user: User, pk: int) -> Candidate:
    candidate = get_visible_or_404(candidate_list(user=user), pk=pk)
    candidate._visible_to = user.pk  # checked here: the page's other reads need not ask again
    return candidate


def occupations() -> dict[int, Occupation]:
    """The scheme's occupations by id: reference data (thamm.reference)."""
    return reference("occupations", lambda: {o.pk: o for o in Occupation.objects.all()})


def candidate_occupations(*, user: User, candidate: Candidate) -> list[Occupation]:
    """A candidate's previous occupations, in the list's order (one query on the link table: the
    occupations themselves are reference data)."""
    _check_visible(user=user, candidate=candidate)
    by_id = occupations()
    ids = Candidate.previous_occupations.through.objects.filter(
        candidate_id=candidate.pk
    ).values_list("occupation_id", flat=True)
    return sorted((by_id[pk] for pk in ids), key=lambda o: o.isco_code)


def _check_visible(*, user: User, candidate: Candidate) -> None:
    if getattr(candidate, "_visible_to", None) != user.pk:
        get_visible_or_404(candidate_list(user=user), pk=candidate.pk)


def of_visible_candidate(queryset: QuerySet, *, user: User, candidate: Candidate) -> QuerySet:
    """The rows of `queryset` (a model with a `candidate` key) that belong to `candidate`, if the
    user may see the candidate; none otherwise. A candidate this user's page already read through
    `candidate_get` (or their own record) is not checked again."""
    if getattr(candidate, "_visible_to", None) == user.pk:
        return queryset.filter(candidate_id=candidate.pk)
    return queryset.filter(candidate__in=candidate_list(user=user).filter(pk=candidate.pk))


def candidate_stage_history(*, user: User, candidate: Candidate) -> list:
    """The candidate's moves, oldest first, each with `to_stage_label` for people to read."""
    _check_visible(user=user, candidate=candidate)
    return labelled_history(obj=candidate, choices=Candidate.Status)


def privacy_notice_current() -> PrivacyNotice | None:
    return PrivacyNotice.in_force()


def own_candidate_record(*, user: User) -> Candidate | None:
    """A candidate's own record (None for anyone else, or before the centre links it)."""
    if not user.is_authenticated or user.role != Role.CANDIDATE:
        return None
    record = candidate_list(user=user).first()
    if record is not None:
        record._visible_to = user.pk  # their own: the page's other reads need not ask again
    return record


def consent_history(*, user: User, candidate: Candidate) -> QuerySet[ConsentRecord]:
    """A candidate's consent decisions, newest first, for those who may see the candidate."""
    return of_visible_candidate(
        ConsentRecord.objects.select_related("notice"), user=user, candidate=candidate
    )


def document_list(*, user: User, candidate: Candidate) -> QuerySet[CandidateDocument]:
    """A candidate's documents, for whoever may see the candidate (themself included)."""
    return of_visible_candidate(CandidateDocument.objects.all(), user=user, candidate=candidate)


def document_get(*, user: User, pk: int) -> CandidateDocument:
    visible = CandidateDocument.objects.filter(candidate__in=candidate_list(user=user))
    return get_visible_or_404(visible.select_related("candidate"), pk=pk)


def consent_needs_renewal(*, user: User, candidate: Candidate) -> bool:
    """True when the candidate's last consent was given to an older privacy notice."""
    current = privacy_notice_current()
    last = consent_history(user=user, candidate=candidate).first()
    return bool(current and last and last.action == "give" and last.notice_id != current.pk)
