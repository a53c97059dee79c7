"""Writes with rules for candidate records: registration, edits, lifecycle moves (DESIGN.md §4)."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.models import Invitation, Organisation, Role, User
from accounts.services import invitation_create
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.stages import stage_record
from thamm.transitions import Lifecycle, Move, transition
from thamm.uploads import upload_check

from .events import candidate_withdrawn
from .models import Candidate, CandidateDocument, ConsentRecord, Occupation, PrivacyNotice

# Fields a centre (or IOM) may set on a candidate record.
EDITABLE_FIELDS = [name for name in Candidate.RECORD_FIELDS if name != "previous_occupations"] + [
    "nationality"
]
S = Candidate.Status
# Stages from which a candidate can still leave the scheme (after arrival they are workers).
ACTIVE_STAGES = {S.REGISTERED, S.IN_TRAINING, S.CERTIFIED, S.AVAILABLE, S.SELECTED, S.PREDEPARTURE}


def _check_may_manage(*, candidate_centre_id: int, by: User) -> None:
    if by.role == Role.IOM:
        return
    if by.role == Role.CENTRE and by.membership.organisation_id == candidate_centre_id:
        return
    raise DomainError(_("Only the candidate's training centre or IOM can change this record."))


# The lifecycle (DESIGN.md §4) as far as training goes; the matching and pre-departure apps add
# the moves after "available". The manual moves are the ones the stage form offers.
LIFECYCLE = Lifecycle(
    model=Candidate,
    moves=(
        Move("start_training", (S.REGISTERED,), S.IN_TRAINING, _l("Start training")),
        Move(
            "not_certified",
            (S.IN_TRAINING,),
            S.NOT_CERTIFIED,
            _l("Mark as not certified"),
            reason_required=_l("Give the reason why the candidate was not certified."),
        ),
        Move(
            "withdraw",
            tuple(ACTIVE_STAGES),
            S.WITHDRAWN,
            _l("Withdraw from the scheme"),
            reason_required=_l("Give the reason for the withdrawal."),
        ),
        # Follow from the certification rule (training.services) and from the consent.
        Move("certify", (S.IN_TRAINING,), S.CERTIFIED, manual=False),
        Move("publish", (S.CERTIFIED,), S.AVAILABLE, manual=False),
        Move("unpublish", (S.AVAILABLE,), S.CERTIFIED, manual=False),
    ),
    audit_prefix="candidate.stage",
    refusal=_l("A candidate who is “%(stage)s” cannot move to “%(to)s”."),
    roles=(Role.CENTRE, Role.IOM),
    may=lambda candidate, by: _check_may_manage(
        candidate_centre_id=candidate.training_centre_id, by=by
    ),
    changed_at_field="status_changed_at",
)


def _save(
    candidate: Candidate, occupations: Iterable[Occupation] | None, update_fields=None
) -> Candidate:
    # A ValidationError names the fields: the form (or the file's row) shows it next to them.
    # The centre is not looked up again: candidate_create checked it, an update never changes it.
    candidate.full_clean(exclude={"training_centre"})
    try:
        with transaction.atomic():
            candidate.save(update_fields=update_fields)
    except IntegrityError as exc:  # the same CIN or passport registered at the same moment
        raise DomainError(
            _("A candidate with this CIN or passport is already registered.")
        ) from exc
    if occupations is not None:
        candidate.previous_occupations.set(occupations)
    return candidate


@transaction.atomic
def candidate_create(
    *,
    centre: Organisation,
    data: dict,
    occupations: Iterable[Occupation],
    by: User,
    by_file: bool = False,
) -> Candidate:
    """Register a candidate at `centre`; duplicates by CIN or passport number are refused.
    `by_file`: a row of a candidates file (the audit entry says so)."""
    if centre.kind != Organisation.Kind.TRAINING_CENTRE:
        raise DomainError(_("Candidates are registered by training centres."))
    _check_may_manage(candidate_centre_id=centre.pk, by=by)
    candidate = Candidate(
        training_centre=centre, **{f: data[f] for f in EDITABLE_FIELDS if f in data}
    )
    _save(candidate, occupations)
    stage_record(obj=candidate, from_stage="", to_stage=candidate.status, by=by)
    audit(
        actor=by,
        action="candidate.create",
        target=candidate,
        detail={"by_file": True} if by_file else None,
    )
    return candidate


def candidates_for_file(*, centre_id: int, lock: bool) -> QuerySet[Candidate]:
    """The centre's candidates, for the rows of a file that update them. With `lock`, each row
    is locked until the transaction ends: the lock `candidate_update` takes on one record, taken
    once for the whole file; pass the records to `candidate_update` with `locked=True`. A
    preview, rolled back whole, reads them without it (as its check of their state does), so
    that it holds up nobody's edits."""
    candidates = Candidate.objects.filter(training_centre_id=centre_id)
    return candidates.select_for_update() if lock else candidates


@transaction.atomic
def candidate_update(
    *,
    candidate: Candidate,
    data: dict,
    occupations: Iterable[Occupation],
    by: User,
    locked: bool = False,
    by_file: bool = False,
) -> Candidate:
    """Change a record's details. The row is locked and only the fields given are written, so
    a stage or consent change made meanwhile (by the candidate, say) is never overwritten.

    `locked`: `candidate` was read by `candidates_for_file` in this transaction (locked, unless
    for a preview that is rolled back), so it is not read again. `by_file`: a row of a
    candidates file."""
    _check_may_manage(candidate_centre_id=candidate.training_centre_id, by=by)
    record = candidate if locked else Candidate.objects.select_for_update().get(pk=candidate.pk)
    written, changed = _apply(record, data)
    _save(record, occupations, update_fields=[*written, "updated_at"])
    detail = {"fields": changed} | ({"by_file": True} if by_file else {})
    audit(actor=by, action="candidate.update", target=record, detail=detail)
    return record


def _apply(record: Candidate, data: dict) -> tuple[list[str], list[str]]:
    """Put the editable fields of `data` on the record: the fields written, and those changed."""
    written = [f for f in EDITABLE_FIELDS if f in data]
    changed = sorted(f for f in written if getattr(record, f) != data[f])
    for field in written:
        setattr(record, field, data[field])
    return written, changed


def candidate_update_check(*, candidate: Candidate, data: dict, by: User) -> Candidate:
    """What `candidate_update` would refuse, judged without writing (a file's preview, which
    must lock no record while it runs): who changes it, and the record's rules."""
    _check_may_manage(candidate_centre_id=candidate.training_centre_id, by=by)
    _apply(candidate, data)
    candidate.full_clean(exclude={"training_centre"})
    return candidate


def _move(
    *, candidate: Candidate, move: str, by: User, note: str = "", checked=False, prepare=None
) -> Candidate:
    """Make a lifecycle move, and keep the caller's object in step with the saved row."""
    locked = transition(
        LIFECYCLE, candidate, move, by=by, note=note, checked=checked, prepare=prepare
    )
    candidate.status, candidate.status_changed_at = locked.status, locked.status_changed_at
    candidate.certified_at = locked.certified_at
    return candidate


def _certified_now(candidate: Candidate) -> list[str]:
    candidate.certified_at = timezone.now()
    return ["certified_at"]


@transaction.atomic
def candidate_invite(*, candidate: Candidate, by: User, base_url: str) -> Invitation:
    """E-mail the candidate a one-time link to create their own login (in French by default)."""
    _check_may_manage(candidate_centre_id=candidate.training_centre_id, by=by)
    if by.role != Role.CENTRE:
        raise DomainError(_("Only the candidate's training centre can invite them."))
    if candidate.user_id:
        raise DomainError(_("This candidate already has a login."))
    if not candidate.email:
        raise DomainError(_("Add the candidate's e-mail address first."))
    invitation, _link = invitation_create(
        organisation=candidate.training_centre,
        email=candidate.email,
        role=Invitation.Role.CANDIDATE,
        by=by,
        base_url=base_url,
    )
    candidate.login_invitation = invitation
    candidate.save(update_fields=["login_invitation", "updated_at"])
    return invitation


def candidate_link_login(*, invitation: Invitation, user: User) -> Candidate | None:
    """Called when a candidate's invitation is used: the new login opens their record."""
    candidate = Candidate.objects.select_for_update().filter(login_invitation=invitation).first()
    if candidate is None:
        return None
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    audit(actor=user, action="candidate.login_linked", target=candidate)
    return candidate


@transaction.atomic
def candidate_start_training(*, candidate: Candidate, by: User) -> Candidate:
    """A registered candidate starts the courses."""
    return _move(candidate=candidate, move="start_training", by=by)


@transaction.atomic
def candidate_mark_certified(*, candidate: Candidate, by: User) -> Candidate:
    """Record the certification. Only `training.services.candidate_certify` calls this, after
    checking the certification rule against the candidate's results. A candidate who already
    agreed to be shown to companies becomes available at once."""
    _move(candidate=candidate, move="certify", by=by, prepare=_certified_now)
    if Candidate.objects.filter(pk=candidate.pk, profile_shared=True).exists():
        _move(candidate=candidate, move="publish", by=by, note="consent given before certification")
    return candidate


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, by: User, reason: str) -> Candidate:
    """The candidate leaves the scheme before arriving in Italy; the reason is required."""
    _move(candidate=candidate, move="withdraw", by=by, note=reason)
    # Someone who left the scheme is shown to no company, whatever they had chosen.
    Candidate.objects.filter(pk=candidate.pk).update(profile_shared=False)
    candidate.profile_shared = False
    candidate_withdrawn.send(sender=Candidate, candidate=candidate, by=by, reason=reason)
    return candidate


@transaction.atomic
def candidate_mark_not_certified(*, candidate: Candidate, by: User, reason: str) -> Candidate:
    """Training ended without certification; the reason is required."""
    return _move(candidate=candidate, move="not_certified", by=by, note=reason)


def _check_is_the_candidate(*, candidate: Candidate, by: User) -> None:
    if not (by.is_authenticated and candidate.user_id == by.pk):
        raise DomainError(_("Only the candidate can give or withdraw their consent."))


@transaction.atomic
def consent_give(
    *, candidate: Candidate, notice: PrivacyNotice, share_with_companies: bool, by: User
) -> ConsentRecord:
    """The candidate accepts the current privacy notice and chooses whether companies see them.

    A certified candidate who shares their profile becomes available to companies; one who stops
    sharing goes back to certified, hidden from companies at once.
    """
    _check_is_the_candidate(candidate=candidate, by=by)
    if notice.pk != getattr(PrivacyNotice.in_force(), "pk", None):
        raise DomainError(_("This privacy notice has been replaced: read the new one."))
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    record = ConsentRecord(
        candidate=locked,
        notice=notice,
        action=ConsentRecord.Action.GIVE,
        share_with_companies=share_with_companies,
        by=by,
    )
    record.save()
    _set_sharing(locked, share_with_companies, by)
    candidate.profile_shared, candidate.status = locked.profile_shared, locked.status
    audit(
        actor=by,
        action="consent.give",
        target=locked,
        detail={"notice": notice.version, "share_with_companies": share_with_companies},
    )
    return record


@transaction.atomic
def consent_withdraw(*, candidate: Candidate, by: User) -> ConsentRecord:
    """The candidate withdraws their consent: companies stop seeing them in the same transaction."""
    _check_is_the_candidate(candidate=candidate, by=by)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    last = locked.consents.select_related("notice").first()
    if last is None or last.action == ConsentRecord.Action.WITHDRAW:
        raise DomainError(_("There is no consent to withdraw."))
    record = ConsentRecord(
        candidate=locked,
        notice=last.notice,
        action=ConsentRecord.Action.WITHDRAW,
        share_with_companies=False,
        by=by,
    )
    record.save()
    _set_sharing(locked, False, by)
    candidate.profile_shared, candidate.status = locked.profile_shared, locked.status
    audit(actor=by, action="consent.withdraw", target=locked)
    return record


def _set_sharing(candidate: Candidate, share: bool, by: User) -> None:
    candidate.profile_shared = share
    candidate.save(update_fields=["profile_shared", "updated_at"])
    if share and candidate.status == S.CERTIFIED:
        _move(candidate=candidate, move="publish", by=by, checked=True)
    elif not share and candidate.status == S.AVAILABLE:
        _move(candidate=candidate, move="unpublish", by=by, checked=True)


@transaction.atomic
def document_add(*, candidate: Candidate, kind: str, upload, by: User) -> CandidateDocument:
    """Store a PDF, JPEG or PNG in the candidate's folder; by the candidate, their centre or IOM."""
    if not (candidate.user_id and candidate.user_id == by.pk):
        _check_may_manage(candidate_centre_id=candidate.training_centre_id, by=by)
    if kind not in CandidateDocument.Kind.values:
        raise DomainError(_("Choose what the document is."))
    checked = upload_check(upload)
    document = CandidateDocument(
        candidate=candidate,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    audit(actor=by, action="document.add", target=candidate, detail={"document": document.pk})
    return document
