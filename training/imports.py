"""File imports (results, candidates): check a file (dry run), show each row's outcome, import all
of it or nothing.

Rules: the file is read by content (thamm.tabular); its columns must be exactly the template's; rows
are checked by the django-import-export resource in a transaction that is always rolled back for a
preview, and rolled back for a confirmation too if any row fails (all-or-nothing).

A web request reads only a small file; a larger one is kept as sent and read, checked and
imported by a worker (`thamm.tabular.needs_worker`). The check notes the state of every record a
row would change (its `updated_at`); a confirmation first compares it, under a row lock, and if a
record changed meanwhile (a result typed by hand, say) it imports nothing, checks the file again
and asks for a new confirmation, instead of overwriting the change or importing totals the
preview did not show.
"""

import hashlib
import json
import logging

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _
from import_export.results import RowResult
from tablib import Dataset

from accounts.models import ROLE_LANGUAGE, Role, User
from candidates import resources as candidate_resources
from candidates.models import PROFILES, Candidate
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.jobs import job_progress, job_start
from thamm.lists import join_sentences
from thamm.models import Job
from thamm.scheme import current_scheme
from thamm.tabular import Table, needs_worker, read_table

from . import resources as result_resources
from .models import FileImport, Result
from .tasks import check_results_file, import_results_file

logger = logging.getLogger(__name__)

# Files with more rows than this are checked and imported by a Celery worker.
BACKGROUND_ROWS = 300

OUTCOME = {
    RowResult.IMPORT_TYPE_NEW: "new",
    RowResult.IMPORT_TYPE_UPDATE: "update",
    RowResult.IMPORT_TYPE_SKIP: "unchanged",
    RowResult.IMPORT_TYPE_INVALID: "error",
    RowResult.IMPORT_TYPE_ERROR: "error",
}


def _describe_result(values: dict) -> str:
    return f"{values.get('candidate_reference', '')} · {values.get('module_code', '')}"


def _describe_candidate(values: dict) -> str:
    name = f"{values.get('last_name', '')} {values.get('first_name', '')}".strip()
    return f"{name} · {values.get('cin', '').upper()}"


def _key(row: list[str], index: int) -> str:
    """A row's value in a column, as the resources compare it (a short row has none)."""
    return str(row[index] if index < len(row) else "").strip().upper()


def _digest(values) -> str:
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def _result_states(table: Table, centre_id: int, *, lock: bool) -> dict[int, str | None]:
    """Per line, what the result it names holds now (None: no result yet)."""
    results = Result.objects.filter(candidate__training_centre_id=centre_id)
    if lock:
        results = results.select_for_update(of=("self",))
    state = {
        (ref.upper(), code.upper()): _digest(values)
        for ref, code, *values in results.values_list(
            "candidate__reference", "course__code", *result_resources.WRITTEN_FIELDS
        )
    }
    ref, code = table.headers.index("candidate_reference"), table.headers.index("module_code")
    return {
        line: state.get((_key(row, ref), _key(row, code)))
        for line, row in zip(table.line_numbers, table.rows, strict=True)
    }


def _candidate_states(table: Table, centre_id: int, *, lock: bool) -> dict[int, str | None]:
    """Per line, what the centre's candidate of that CIN holds now in the fields a file writes
    (a consent given meanwhile is not among them: the file keeps it)."""
    candidates = Candidate.objects.filter(training_centre_id=centre_id)
    if lock:
        candidates = candidates.select_for_update()
    scalar = [name for name in Candidate.RECORD_FIELDS if name != "previous_occupations"]
    # The records first (locked, for a confirmation), then their occupations: an edit of the
    # occupations alone commits before the lock is taken, or waits for it, never in between.
    records = list(candidates.values_list("pk", *scalar))
    occupations: dict[int, list[int]] = {}
    through = Candidate.previous_occupations.through.objects.filter(
        candidate__training_centre_id=centre_id
    )
    for candidate_id, occupation_id in through.values_list("candidate_id", "occupation_id"):
        occupations.setdefault(candidate_id, []).append(occupation_id)
    state = {
        values[scalar.index("cin")].upper(): _digest((values, sorted(occupations.get(pk, []))))
        for pk, *values in records
    }
    cin = table.headers.index("cin")
    return {
        line: state.get(_key(row, cin))
        for line, row in zip(table.line_numbers, table.rows, strict=True)
    }


# What each kind of file is made of: its columns, the resource that reads its rows, how a row is
# named in the preview, and the state of the records its rows would change.
KINDS = {
    FileImport.Kind.RESULTS: (
        result_resources.COLUMNS,
        result_resources.COLUMN_OF,
        lambda **kw: result_resources.ResultResource(
            centre_id=kw["centre_id"],
            scheme=kw["scheme"],
            line_numbers=kw["line_numbers"],
            on_progress=kw["on_progress"],
        ),
        _describe_result,
        _result_states,
    ),
    FileImport.Kind.CANDIDATES: (
        candidate_resources.COLUMNS,
        candidate_resources.COLUMN_OF,
        lambda **kw: candidate_resources.CandidateResource(**kw),
        _describe_candidate,
        _candidate_states,
    ),
}


def columns_of(kind: str) -> list[str]:
    return KINDS[kind][0]


def check_columns(table: Table, kind: str = FileImport.Kind.RESULTS) -> None:
    columns = columns_of(kind)
    headers = [h.strip().lower() for h in table.headers]
    missing = [c for c in columns if c not in headers]
    unexpected = [h for h in headers if h not in columns]
    duplicated = sorted({h for h in headers if headers.count(h) > 1})
    if missing or unexpected or duplicated:
        parts = []
        if missing:
            parts.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        if unexpected:
            parts.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unexpected)})
        if duplicated:
            parts.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(duplicated)})
        raise DomainError(
            _("The columns do not match the template (%(problems)s).")
            % {"problems": join_sentences(parts)}
        )
    table.headers = headers


def _run(job: FileImport, table: Table, *, dry_run: bool, by=None, on_progress=None):
    """Run the file's rows through its resource (a dry run for a check); the rows' outcomes and
    the totals."""
    kind, centre_id = job.kind, job.training_centre_id
    _columns, column_of, make_resource, describe, _states = KINDS[kind]
    dataset = Dataset(headers=table.headers)
    width = len(table.headers)
    for row in table.rows:
        dataset.append((row + [""] * width)[:width])
    resource = make_resource(
        centre_id=centre_id,
        scheme=current_scheme(),
        line_numbers=table.line_numbers,
        by=by,
        on_progress=on_progress,
    )
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    rows = []
    for index, row_result in enumerate(result.rows):
        source = table.rows[index] if index < len(table.rows) else []
        values = dict(zip(table.headers, source, strict=False))
        errors = []
        if row_result.validation_error is not None:
            for field, messages in row_result.validation_error.message_dict.items():
                column = column_of.get(field, "")
                errors += [{"column": column, "message": str(m)} for m in messages]
        if row_result.errors:  # an unexpected failure: the details go to the log, not the page
            errors.append({"column": "", "message": _("This row could not be read.")})
        rows.append(
            {
                "line": table.line_numbers[index],
                "item": describe(values),
                "outcome": OUTCOME.get(row_result.import_type, "error"),
                "errors": errors,
            }
        )
    if result.has_errors() and not any(r["outcome"] == "error" for r in rows):
        # A failure outside any one row (a batch write refused by the database, e.g. a result
        # saved meanwhile by hand): the resource rolled everything back; say so, not "imported".
        logger.error("import of %s rows failed: %s", len(rows), result.base_errors[:1])
        message = _("The data changed while importing: check the file again.")
        for row in rows:
            row["outcome"] = "error"
            row["errors"] = [{"column": "", "message": message}]
    totals = dict.fromkeys(("new", "update", "unchanged", "error"), 0)
    for row in rows:
        totals[row["outcome"]] += 1
    # Errors first, then the file's order.
    rows.sort(key=lambda r: (r["outcome"] != "error", r["line"]))
    return rows, totals


def _check_centre(user: User):
    if user.role != Role.CENTRE:
        raise DomainError(_("Files are imported by training centres."))
    return user.organisation


def import_preview(*, user: User, upload, kind: str = FileImport.Kind.RESULTS) -> FileImport:
    """Keep an uploaded file and check it (dry run); nothing is imported yet.

    A small file is read and its columns checked at once, and its rows too if there are few; a
    large one (`needs_worker`, judged on sizes alone) is kept as sent and read, checked and
    imported by a background job the page follows, so no upload holds up a web request.
    """
    centre = _check_centre(user)
    in_background = needs_worker(upload)
    job = FileImport(
        kind=kind,
        training_centre=centre,
        uploaded_by=user,
        original_name=(upload.name or "")[:200],
        status=FileImport.Status.CHECKING,
    )
    if in_background:
        upload.seek(0)
        job.file.save("upload", File(upload), save=False)
        job.unread = True
    else:
        table = read_table(upload)
        check_columns(table, kind)
        job.row_count = len(table.rows)
        # Kept as the table read from it (JSON), not the uploaded bytes: the check in the
        # background and the confirmation then need not parse a spreadsheet again.
        job.file.save("upload", ContentFile(_dump_table(table)), save=False)
        if len(table.rows) <= BACKGROUND_ROWS:
            _check(job, table, by=user)
            audit(actor=user, action=f"{kind}.preview", target=job, detail=job.totals)
            return job
    job.save()
    _start(job, task=check_results_file, step="check", by=user)
    audit(actor=user, action=f"{kind}.upload", target=job, detail={"bytes": upload.size})
    return job


def _start(job: FileImport, *, task, step: str, by: User, **arguments) -> None:
    """Hand the file to a background job (thamm.jobs), which writes in the uploader's language."""
    job.job = job_start(
        task=task,
        kind=f"{job.kind}.{step}",
        organisation=job.training_centre,
        by=by,
        language=_uploader_language(job),
        import_id=job.pk,
        **arguments,
    )
    job.save(update_fields=["job", "updated_at"])


def _check(job: FileImport, table: Table, *, by, on_progress=None) -> None:
    """Dry-run the file and keep the preview, with the state of the records each row would
    change, noted before the run so that a change made during it counts as one made after."""
    states = KINDS[job.kind][4](table, job.training_centre_id, lock=False)
    rows, totals = _run(job, table, dry_run=True, by=by, on_progress=on_progress)
    for row in rows:
        row["state"] = states.get(row["line"])
    job.rows, job.totals, job.row_count = rows, totals, len(rows)
    job.status = FileImport.Status.REJECTED if totals["error"] else FileImport.Status.PREVIEWED
    job.save()


def _dump_table(table: Table) -> bytes:
    data = {"headers": table.headers, "rows": table.rows, "lines": table.line_numbers}
    return json.dumps(data, ensure_ascii=False).encode()


def _read_stored(job: FileImport) -> Table:
    """The table the job's file holds. An upload still unread (a large file) is read here, in
    the worker, and replaced by its table, so that it is parsed once."""
    if job.unread:
        with job.file.open("rb") as handle:
            table = read_table(handle)
        check_columns(table, job.kind)
        raw = job.file.name
        job.file.save("upload", ContentFile(_dump_table(table)), save=False)
        job.unread, job.row_count = False, len(table.rows)
        job.save(update_fields=["file", "unread", "row_count", "updated_at"])
        job.file.storage.delete(raw)  # only once the row points at the table
        return table
    with job.file.open("rb") as handle:
        data = json.loads(handle.read().decode())
    table = Table(data["headers"], data["rows"], data["lines"])
    check_columns(table, job.kind)
    return table


def import_job_failed(work: Job, message: str) -> None:
    """The background job of a file failed (JobTask's `when_failed`): so did the file."""
    FileImport.objects.filter(job=work).update(status=FileImport.Status.FAILED)


def import_job_retry(work: Job) -> None:
    """Before a failed job runs again (JobTask's `before_retry`): its file is back in the step
    that failed. Nothing was half-saved: the import runs in one transaction."""
    step = (
        FileImport.Status.IMPORTING if work.kind.endswith(".import") else FileImport.Status.CHECKING
    )
    FileImport.objects.filter(job=work, status=FileImport.Status.FAILED).update(status=step)


def _uploader_language(job: FileImport) -> str:
    """The language the uploader reads (their own choice, else training centres' first)."""
    user = job.uploaded_by
    return user.reading_language if user else ROLE_LANGUAGE[Role.CENTRE]


def import_check_in_background(*, import_id: int) -> None:
    """The background half of `import_preview` (the task `check_results_file`, a JobTask that
    claims the job once, writes in the uploader's language and records a refusal). Idempotent."""
    job = FileImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    if job is None or job.status != FileImport.Status.CHECKING:
        return
    table = _read_stored(job)
    _check(
        job,
        table,
        by=job.uploaded_by,
        on_progress=lambda percent: job_progress(job.job_id, percent),
    )


@transaction.atomic
def import_confirm(*, job: FileImport, user: User) -> FileImport:
    """Import a checked file whole. It is checked again (the data may have changed since the
    preview); if any row now fails, nothing is saved and the job says why (status "rejected").
    A large file is imported in a background job."""
    centre = _check_centre(user)
    job = FileImport.objects.select_for_update().get(pk=job.pk, training_centre=centre)
    if job.status != FileImport.Status.PREVIEWED:
        raise DomainError(_("This file cannot be imported (again)."))
    job.status = FileImport.Status.IMPORTING
    job.changed_lines = []
    if job.row_count > BACKGROUND_ROWS:
        job.save(update_fields=["status", "changed_lines", "updated_at"])
        _start(job, task=import_results_file, step="import", by=user, user_id=user.pk)
        return job
    job.save(update_fields=["status", "changed_lines", "updated_at"])
    return _import(job, user)


def _import(job: FileImport, user: User, on_progress=None) -> FileImport:
    """Import the checked file, unless a record its rows would change changed since the check:
    then nothing is imported, the file is checked again and `changed_lines` names the rows. The
    records are locked first, so nothing changes them between this comparison and the writes."""
    table = _read_stored(job)
    now = KINDS[job.kind][4](table, job.training_centre_id, lock=True)
    checked = {row["line"]: row.get("state") for row in job.rows}
    changed = sorted(line for line, state in now.items() if checked.get(line) != state)
    if changed:
        _check(job, table, by=user, on_progress=on_progress)
        job.changed_lines = changed
        job.save(update_fields=["changed_lines", "updated_at"])
        audit(actor=user, action=f"{job.kind}.changed", target=job, detail={"lines": changed})
        return job
    rows, totals = _run(job, table, dry_run=False, by=user, on_progress=on_progress)
    # The resource rolled its own transaction back if any row failed: nothing is half-saved.
    job.rows, job.totals = rows, totals
    job.status = FileImport.Status.REJECTED if totals["error"] else FileImport.Status.IMPORTED
    job.save(update_fields=["rows", "totals", "status", "updated_at"])
    if job.status == FileImport.Status.IMPORTED:
        PROFILES.changed()  # the rows were written in bulk, without signals
    audit(actor=user, action=f"{job.kind}.{job.status}", target=job, detail=totals)
    return job


def import_run_in_background(*, import_id: int, user_id: int) -> None:
    """The background half of `import_confirm` (the task `import_results_file`). Idempotent."""
    job = FileImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    if job is None or job.status != FileImport.Status.IMPORTING:
        return
    user = User.objects.filter(pk=user_id).first()
    with transaction.atomic():
        _import(job, user, on_progress=lambda percent: job_progress(job.job_id, percent))
