"""Reads for pre-departure cases, scoped to the user (DESIGN.md §3).

A case is seen by the worker, their employer, the employer's advisor, the worker's training
centre (to read, and to record its own steps) and IOM; everyone else gets a 404."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from candidates.models import CandidateDocument
from companies.selectors import company_list
from matching.services import ITALY, MOROCCO
from thamm.scoping import get_visible_or_404, owned

from .models import (
    Case,
    CaseDocument,
    Cost,
    DocumentType,
    Dossier,
    FeeAttestation,
    PassportCheck,
    PassportHandover,
    Step,
    Travel,
)
from .rules import (
    FOR_WORKER,
    PARTY_LABELS,
    RULES,
    DeadlineState,
    acting,
    deadlines,
    may_record,
    may_upload,
    may_verify,
)

OPEN_STEPS_SHOWN = 10
PASSPORT_BACK_WITHIN = datetime.timedelta(days=10)
PARTIES = tuple(sorted({rule.responsible for rule in RULES.values()}))


def case_list(*, user: User) -> QuerySet[Case]:
    """The cases a user may see: a company its own, an advisor its companies', IOM all, a
    centre its candidates', a worker their own."""
    qs = Case.objects.select_related("candidate", "company")
    if not user.is_authenticated:
        return qs.none()
    if user.role in (Role.COMPANY, Role.IOM):
        return owned(qs, user=user)
    if user.role == Role.CHAMBER:
        return qs.filter(company__in=company_list(user=user))
    if user.role == Role.CENTRE:
        return qs.filter(candidate__training_centre_id=user.membership.organisation_id)
    if user.role == Role.CANDIDATE:
        return qs.filter(candidate__user=user)
    return qs.none()


def case_get(*, user: User, pk: int) -> Case:
    """A case the user sees, with its offer, worker, flight and dossier (one query)."""
    return get_visible_or_404(
        case_list(user=user).select_related("offer", "candidate__user", "travel", "dossier__job"),
        pk=pk,
    )


def _related(case: Case, name: str):
    """A case's one-to-one row (its flight, its dossier), or None: read with the case by
    `case_get`, else here."""
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None


@dataclass
class CaseView:
    case: Case
    steps: list[Step]
    deadlines: list[DeadlineState]
    next_step: Step | None
    last_done: Step | None
    today: datetime.date
    travel: Travel | None = None
    handovers: list[PassportHandover] = field(default_factory=list)
    zone: str = ITALY  # where the reader's times are shown
    costs: list[Cost] = field(default_factory=list)
    attestations: list[FeeAttestation] = field(default_factory=list)
    passport_check: PassportCheck | None = None  # the latest

    @property
    def passport_out(self) -> PassportHandover | None:
        return next((h for h in self.handovers if h.returned_on is None), None)

    @property
    def late(self) -> list[DeadlineState]:
        return [d for d in self.deadlines if d.late]


def case_deadlines(case: Case, steps: list[Step], today: datetime.date) -> list[DeadlineState]:
    """The case's deadlines from its steps (read already), its worker and its offer."""
    return deadlines(
        done={s.kind: s.done_on for s in steps if s.status == Step.Status.DONE},
        passport_expiry=case.candidate.passport_expiry,
        visa_valid_until=case.visa_valid_until,
        start_date=case.offer.start_date,
        expected_arrival=case.expected_arrival_on,
        today=today,
    )


def case_view(*, user: User, case: Case) -> CaseView:
    """A case as its page shows it: the steps in order, each marked with whether the user may
    record it now (theirs, and its turn has come), the deadlines, and the next step (the first
    one not done)."""
    steps = list(case.steps.select_related("done_by").order_by("position"))
    today = timezone.localdate()
    waiting: list[Step] = []  # the steps before this one not done yet
    for step in steps:
        rule = RULES[step.kind]
        step.rule = rule
        step.party_label = PARTY_LABELS[step.responsible]
        step.plain = FOR_WORKER[step.kind]
        # A form only where the step can be recorded now: after the steps before it, or
        # before those the law lets it precede.
        step.recordable = (
            case.is_open
            and step.status == Step.Status.PENDING
            and may_record(rule, user.role)
            and all(w.kind in rule.may_precede for w in waiting)
        )
        if step.status == Step.Status.PENDING:
            waiting.append(step)
    pending = [s for s in steps if s.status == Step.Status.PENDING]
    return CaseView(
        case=case,
        steps=steps,
        deadlines=case_deadlines(case, steps, today),
        next_step=pending[0] if pending else None,
        last_done=max(
            (s for s in steps if s.status == Step.Status.DONE),
            key=lambda s: (s.done_on, s.position),
            default=None,
        ),
        today=today,
        travel=_related(case, "travel"),
        handovers=list(case.handovers.all()),
        costs=list(case.costs.all()),
        attestations=list(case.fee_attestations.all()),
        passport_check=case.passport_checks.first(),
        zone=MOROCCO if user.role in (Role.CANDIDATE, Role.CENTRE) else ITALY,
    )


def NAMES_OF(path: str) -> tuple[str, str]:  # noqa: N802 (reads as a constant where used)
    """The columns a worker's name is shown from, through the relation `path`."""
    return (f"{path}__first_name", f"{path}__last_name")


# What a home page's line of an open step shows.
STEP_LINE = ("case_id", "kind", "responsible", "case__next_due_on", *NAMES_OF("case__candidate"))


def open_steps(*, user: User) -> list[Step]:
    """The next step of each open case the user sees whose party is the user's (IOM: every
    case's), most urgent first (the case's nearest deadline, then the oldest case): one
    query."""
    if not user.is_authenticated or user.role not in (*PARTIES, Role.CHAMBER, Role.IOM):
        return []
    earlier = Step.objects.filter(
        case=OuterRef("case"), status=Step.Status.PENDING, position__lt=OuterRef("position")
    )
    steps = Step.objects.filter(
        status=Step.Status.PENDING,
        case__in=case_list(user=user).filter(status=Case.Status.OPEN).values("pk"),
    ).filter(~Exists(earlier))
    if user.role != Role.IOM:
        steps = steps.filter(responsible=acting(user.role))
    rows = list(
        steps.select_related("case__candidate")
        .only(*STEP_LINE)
        .order_by(F("case__next_due_on").asc(nulls_last=True), "case__opened_at", "case_id")[
            :OPEN_STEPS_SHOWN
        ]
    )
    for step in rows:
        step.party_label = PARTY_LABELS[step.responsible]
    return rows


def own_case(*, user: User) -> CaseView | None:
    """A worker's current case (the newest), as their home page tells it."""
    if user.role != Role.CANDIDATE:
        return None
    case = case_list(user=user).select_related("offer").order_by("-opened_at", "-pk").first()
    return None if case is None else case_view(user=user, case=case)


def passports_not_returned(*, user: User) -> list[PassportHandover]:
    """For IOM: the open cases' passports handed over more than ten days ago and not back,
    the longest out first."""
    if user.role != Role.IOM:
        return []
    since = timezone.localdate() - PASSPORT_BACK_WITHIN
    return list(
        PassportHandover.objects.filter(
            returned_on__isnull=True, handed_on__lt=since, case__status=Case.Status.OPEN
        )
        .select_related("case__candidate")
        .only("case_id", "handed_to", "handed_on", *NAMES_OF("case__candidate"))
        .order_by("handed_on", "pk")[:OPEN_STEPS_SHOWN]
    )


def fee_flags(*, user: User) -> list[Case]:
    """For IOM: the cases whose worker paid something (a cost, or an answer "no"), with their
    company, the latest first."""
    if user.role != Role.IOM:
        return []
    return list(
        Case.objects.filter(fee_flagged_at__isnull=False)
        .select_related("candidate", "company")
        .only("fee_flagged_at", "company__legal_name", *NAMES_OF("candidate"))
        .order_by("-fee_flagged_at", "-pk")[:OPEN_STEPS_SHOWN]
    )


# The export for the authorities ----------------------------------------------------------------


def authority_columns() -> list[str]:
    """The columns the Prefettura (Sportello Unico) and the consulate ask for, in the reader's
    language."""
    return [
        _("Surname"),
        _("Given names"),
        _("Date of birth"),
        _("Sex"),
        _("Nationality"),
        _("Passport number"),
        _("Passport expiry"),
        _("Employer"),
        _("Partita IVA"),
        _("Place of work"),
        _("ALI request number"),
        _("Nulla osta requested on"),
        _("Nulla osta number"),
        _("Nulla osta issued on"),
        _("Visa number"),
        _("Visa valid from"),
        _("Visa valid until"),
        _("Arrived on"),
        _("Contratto di soggiorno signed on"),
        _("Case"),
    ]


def export_cases(
    *,
    user: User,
    cohort_id: int | None = None,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
) -> QuerySet[Case]:
    """IOM's cases of a cohort (its workers') or opened in a period, for the export."""
    cases = case_list(user=user).select_related("offer").prefetch_related("steps")
    if cohort_id:
        cases = cases.filter(candidate__enrolments__cohort_id=cohort_id)
    if opened_from:
        cases = cases.filter(opened_at__date__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened_at__date__lte=opened_to)
    return cases.order_by("candidate__last_name", "candidate__first_name", "pk")


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def authority_rows(cases) -> list[list[str]]:
    """One row of text per case (dates day first, as the authorities write them)."""
    rows = []
    for case in cases:
        done = {s.kind: s for s in case.steps.all() if s.status == Step.Status.DONE}
        candidate = case.candidate

        def ref(kind, done=done):
            return done[kind].reference if kind in done else ""

        def on(kind, done=done):
            return _day(done[kind].done_on) if kind in done else ""

        rows.append(
            [
                candidate.last_name,
                candidate.first_name,
                _day(candidate.date_of_birth),
                candidate.sex,
                candidate.nationality,
                candidate.passport_number,
                _day(candidate.passport_expiry),
                case.company.legal_name,
                case.company.partita_iva,
                case.offer.place_of_work,
                ref(Step.Kind.NULLA_OSTA_REQUESTED),
                on(Step.Kind.NULLA_OSTA_REQUESTED),
                ref(Step.Kind.NULLA_OSTA_ISSUED),
                on(Step.Kind.NULLA_OSTA_ISSUED),
                ref(Step.Kind.VISA_ISSUED),
                _day(case.visa_valid_from),
                _day(case.visa_valid_until),
                on(Step.Kind.ARRIVED),
                on(Step.Kind.CONTRACT_SIGNED),
                str(case.get_status_display()),
            ]
        )
    return rows


# Documents ---------------------------------------------------------------------------------------


@dataclass
class ChecklistRow:
    type: DocumentType
    document: CaseDocument | None
    state: str  # missing, uploaded, verified, rejected, expired
    may_upload: bool
    may_verify: bool
    attachable: list


def checklist_rows(*, user: User, case: Case) -> list[ChecklistRow]:
    """Each document type of the case with its document and state, and what the user may do
    with it (two queries, three where the user may attach the worker's own documents)."""
    today = timezone.localdate()
    documents = {d.type_id: d for d in case.documents.select_related("uploaded_by", "verified_by")}
    types = list(DocumentType.objects.all())
    # The worker's own documents, where the user may attach one of them (no query otherwise).
    kinds = {t.candidate_kind for t in types if t.candidate_kind and may_upload(t, user)}
    own = (
        list(
            CandidateDocument.objects.filter(
                candidate_id=case.candidate_id, kind__in=kinds
            ).order_by("-created_at")
        )
        if kinds
        else []
    )
    rows = []
    for doc_type in types:
        document = documents.get(doc_type.pk)
        if document is None:
            state = "missing"
        elif document.expired(today):
            state = "expired"
        else:
            state = document.status
        uploadable = case.is_open and state in ("missing", "rejected", "expired")
        rows.append(
            ChecklistRow(
                type=doc_type,
                document=document,
                state=state,
                may_upload=uploadable and may_upload(doc_type, user),
                may_verify=case.is_open and state == "uploaded" and may_verify(doc_type, user),
                attachable=[d for d in own if d.kind == doc_type.candidate_kind],
            )
        )
    return rows


def checklist(
    *, user: User, case: Case, steps: list[Step]
) -> list[tuple[Step, list[ChecklistRow]]]:
    """The checklist by step, in the steps' order."""
    by_step: dict[str, list[ChecklistRow]] = {}
    for row in checklist_rows(user=user, case=case):
        by_step.setdefault(row.type.step, []).append(row)
    return [(step, by_step[step.kind]) for step in steps if step.kind in by_step]


def case_document_get(*, user: User, case: Case, pk: int) -> CaseDocument:
    """A document of a case the user sees (one of another case is a 404)."""
    return get_visible_or_404(case.documents.select_related("type", "attached"), pk=pk)


def case_dossier(*, user: User, case: Case) -> Dossier | None:
    """The dossier of a case the user sees (`case` came from `case_get`), with its job."""
    return _related(case, "dossier")
