from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from candidates.models import PROFILES
from thamm.audit import audit
from thamm.forms import call_service, run_action
from thamm.fragments import SHOWN_DATA, render_kept
from thamm.jobs import job_current_progress
from thamm.pagination import paginate
from thamm.reference import VERSION as REFERENCE
from thamm.rows import label_rows, link_rows
from thamm.scoping import role_required
from thamm.tabular import write_csv, write_xlsx
from thamm.uploads import DOCUMENT_TYPES, upload_stream
from training.selectors import cohort_choices

from .forms import (
    AttestForm,
    CaseFilterForm,
    CloseForm,
    CostForm,
    DocumentForm,
    ExportForm,
    HandoverForm,
    MrzForm,
    RejectForm,
    ReturnForm,
    StepForm,
    TravelForm,
)
from .models import Case, FeeAttestation
from .selectors import (
    authority_columns,
    authority_rows,
    case_document_get,
    case_dossier,
    case_get,
    case_list,
    case_view,
    checklist,
    checklist_rows,
    export_cases,
)
from .services import (
    CASE_MOVES,
    COST_ROLES,
    DOSSIER_ROLES,
    HANDOVER_ROLES,
    ITALY_ZONE,
    MOROCCO_ZONE,
    NO_FEE_STATEMENT,
    TRAVEL_ROLES,
    attestation_moments,
    case_close,
    close_reasons_for,
    cost_record,
    departed,
    document_reject,
    document_upload,
    document_verify,
    dossier_request,
    fee_attest,
    passport_check,
    passport_hand_over,
    passport_read,
    passport_returned,
    step_record,
    travel_save,
)

CASE_ROLES = (Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.CANDIDATE, Role.IOM)
# What a line of the case list shows.
CASE_ROW = (
    *("status", "next_due_on", "opened_at", "candidate_id", "company_id"),
    *("candidate__first_name", "candidate__last_name", "company__legal_name"),
)


# The case pages' bodies are kept under these: any row saved (its steps, documents, flight...), the
# records written in bulk, the reference data.
CASE_VERSIONS = (SHOWN_DATA, PROFILES, REFERENCE)


@role_required(*CASE_ROLES)
def case_list_view(request: HttpRequest, export_form=None) -> HttpResponse:
    """The cases the user sees, newest first, by status; IOM's export form (`export_form`: shown
    again with its errors). The body is kept rendered while no case changes."""

    def build() -> dict:
        form = CaseFilterForm(request.GET)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        rows = case_list(user=request.user).only(*CASE_ROW)
        if status:
            rows = rows.filter(status=status)
        paged = paginate(request, rows.order_by("-opened_at", "-pk"))
        label_rows(paged["page"], field="status", choices=Case.Status, attr="status_label")
        link_rows(paged["page"], url_name="predeparture:case")
        return {
            **paged,
            "status": status,
            "statuses": Case.Status.choices,
            "names": request.user.role != Role.CANDIDATE,
            "export_form": (
                export_form or ExportForm(cohorts=cohort_choices(user=request.user))
                if request.user.role == Role.IOM
                else None
            ),
        }

    return render_kept(
        request,
        "predeparture/_case_list_body.html",
        title=_("Pre-departure cases"),
        build=build,
        versions=CASE_VERSIONS,
        keep=export_form is None,
    )


def _case_page(request: HttpRequest, case: Case, **shown) -> HttpResponse:
    """The case's page: its steps in order with a form for each the user may record now, its
    deadlines, and closing it. `shown`: what a post shows back (a form with its errors, the MRZ
    check's result), as `_case_context` takes it.

    Shown as it is (nothing posted back, no dossier being made), its body is kept rendered
    until anything it shows changes (thamm.fragments), for each reader: what one may do
    (verify a document, record a step) is not what another may."""
    dossier = case_dossier(user=request.user, case=case)
    job = dossier.job if dossier is not None else None
    return render_kept(
        request,
        "predeparture/_case_body.html",
        title=_("Pre-departure case"),
        build=lambda: _case_context(request, case, **shown),
        versions=CASE_VERSIONS,
        vary=(case.pk, job and (job.pk, job.status)),
        keep=not shown and (job is None or job.is_finished),
    )


def _case_context(
    request,
    case,
    *,
    bound: StepForm | None = None,
    close=None,
    travel_form=None,
    handover_form=None,
    return_form=None,
    cost_form=None,
    attest_form=None,
    mrz_form=None,
    mrz_result=None,
    document_form=None,
    mrz_open=False,
) -> dict:
    user = request.user
    view = case_view(user=user, case=case)
    for step in view.steps:
        if step.recordable:
            step.form = (
                bound if bound is not None and bound.step_pk == step.pk else (StepForm(step=step))
            )
    reasons = close_reasons_for(user)
    may_close = bool(reasons) and "close" in CASE_MOVES.moves_for(case, user)
    may_book = case.is_open and user.role in TRAVEL_ROLES and not departed(view.steps)
    if may_book and travel_form is None and case.visa_valid_from:
        travel_form = TravelForm(initial=_travel_initial(view.travel))
    return {
        "view": view,
        "case": case,
        "close_form": close or (CloseForm(reasons=reasons) if may_close else None),
        "travel_form": travel_form if may_book else None,
        "handover_form": (handover_form or HandoverForm()) if case.is_open else None,
        "return_form": return_form or ReturnForm(),
        "cost_form": (cost_form or CostForm()) if user.role in COST_ROLES else None,
        "mrz_form": (mrz_form or MrzForm()) if case.is_open else None,
        "mrz_result": mrz_result,
        "mrz_open": mrz_open,
        "checklist": _checklist(user, case, view.steps, document_form),
        **_dossier_context(user, case),
        **_attestation_context(user, view, attest_form),
    }


def _checklist(user, case, steps, bound):
    """The documents by step, each row with its upload form where the user may upload it."""
    groups = checklist(user=user, case=case, steps=steps)
    for _step, rows in groups:
        for row in rows:
            if row.may_upload:
                same = bound is not None and bound.type_pk == row.type.pk
                row.form = bound if same else DocumentForm(row=row)
    return groups


def _dossier_context(user, case) -> dict:
    """The dossier's state: its job's progress or failure, its files, and the button."""
    dossier = case_dossier(user=user, case=case)
    job = dossier.job if dossier else None
    return {
        "dossier": dossier if dossier and dossier.pdf else None,
        "dossier_job": job,
        "dossier_progress": job_current_progress(job) if job else 0,
        "may_make_dossier": user.role in DOSSIER_ROLES,
    }


def _attestation_context(user, view, bound) -> dict:
    """The worker's no-fee answers: the moments answered, and the one they may answer now (its
    statement in their language)."""
    if user.role != Role.CANDIDATE or not view.case.is_open:
        return {}
    answered = {a.moment for a in view.attestations}
    due = [m for m in attestation_moments(view.steps) if m not in answered]
    if not due:
        return {}
    moment = due[0]
    return {
        "attest_moment": FeeAttestation.Moment(moment).label,
        "attest_statement": NO_FEE_STATEMENT,
        "attest_form": bound or AttestForm(initial={"moment": moment}),
    }


def _travel_initial(travel) -> dict:
    """A booked flight as its form shows it again: the times as the ticket gives them."""
    if travel is None:
        return {}
    return {
        "departure_airport": travel.departure_airport,
        "arrival_airport": travel.arrival_airport,
        "flight_number": travel.flight_number,
        "departs_at": timezone.localtime(travel.departs_at, MOROCCO_ZONE).replace(tzinfo=None),
        "arrives_at": timezone.localtime(travel.arrives_at, ITALY_ZONE).replace(tzinfo=None),
    }


@role_required(*CASE_ROLES)
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, case_get(user=request.user, pk=pk))


@role_required(*CASE_ROLES)
@require_POST
def step_record_view(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    view = case_view(user=request.user, case=case)
    row = next((s for s in view.steps if s.pk == step), None)
    if row is None:  # a step of another case
        raise Http404
    form = StepForm(request.POST, step=row)
    if form.is_valid():
        data = form.cleaned_data
        recorded = call_service(
            form,
            step_record,
            step=row,
            by=request.user,
            done_on=data["done_on"],
            reference=data.get("reference", ""),
            exception_reason=data.get("exception_reason", ""),
            visa_valid_from=data.get("visa_valid_from"),
            visa_valid_until=data.get("visa_valid_until"),
        )
        if recorded is not None:
            messages.success(request, _("Saved. The people concerned have been told."))
            return redirect(case)
    messages.error(request, _("The step was not saved: see the errors below."))
    return _case_page(request, case, bound=form)


@role_required(Role.COMPANY, Role.CHAMBER, Role.CANDIDATE, Role.IOM)
@require_POST
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return _case_form(
        request,
        case,
        CloseForm(request.POST, reasons=close_reasons_for(request.user)),
        case_close,
        case=case,
        success=_("The case is closed. The people concerned have been told."),
        shown_as="close",
    )


def _case_form(request, page: Case, form, service, *, success: str, shown_as: str, **arguments):
    """A form of the case page posted: the service run with the form's data and `arguments`
    (its refusal put on the form), then back to the case (`page`); else its page again with the
    form and its errors (`shown_as`: the page's name for that form)."""
    if form.is_valid() and call_service(
        form, service, by=request.user, **arguments, **form.cleaned_data
    ):
        messages.success(request, success)
        return redirect(page)
    return _case_page(request, page, **{shown_as: form})


@role_required(*TRAVEL_ROLES)
@require_POST
def travel_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return _case_form(
        request,
        case,
        TravelForm(request.POST),
        travel_save,
        case=case,
        success=_("The flight is saved. The worker has been told."),
        shown_as="travel_form",
    )


@role_required(*HANDOVER_ROLES)
@require_POST
def passport_out_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return _case_form(
        request,
        case,
        HandoverForm(request.POST),
        passport_hand_over,
        case=case,
        success=_("Saved: the passport is out until its return is recorded."),
        shown_as="handover_form",
    )


@role_required(*HANDOVER_ROLES)
@require_POST
def passport_back_view(request: HttpRequest, pk: int, handover: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    row = case.handovers.filter(pk=handover).first()
    if row is None:  # a handover of another case
        raise Http404
    return _case_form(
        request,
        case,
        ReturnForm(request.POST),
        passport_returned,
        handover=row,
        success=_("Saved: the passport is back with the worker."),
        shown_as="return_form",
    )


@role_required(*COST_ROLES)
@require_POST
def cost_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return _case_form(
        request,
        case,
        CostForm(request.POST),
        cost_record,
        case=case,
        success=_("The cost is recorded."),
        shown_as="cost_form",
    )


@role_required(Role.CANDIDATE)
@require_POST
def attest_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    return _case_form(
        request,
        case,
        AttestForm(request.POST),
        fee_attest,
        case=case,
        language=get_language(),
        success=_("Thank you: your answer is recorded."),
        shown_as="attest_form",
    )


@role_required(*CASE_ROLES)
@require_POST
def passport_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the passport's MRZ: the page shows the comparison, field by field."""
    case = case_get(user=request.user, pk=pk)
    form = MrzForm(request.POST)
    if form.is_valid():
        done = call_service(form, passport_check, case=case, by=request.user, **form.cleaned_data)
        if done is not None:
            kept, result = done
            if kept.matches:
                messages.success(request, _("The passport's lines hold and match the record."))
            else:
                messages.warning(
                    request, _("The passport's lines hold, but differ from the record: see below.")
                )
            return _case_page(request, case, mrz_result=result)
    return _case_page(request, case, mrz_form=form)


@role_required(Role.IOM)
def case_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """IOM's cases of a cohort or a period, with the fields the Prefettura and the consulate
    ask for, as CSV or XLSX (every cell text); bad filters show the list with the errors."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = ExportForm(request.GET, cohorts=cohort_choices(user=request.user))
    if not form.is_valid():
        messages.error(request, _("The export was not made: see the errors below."))
        return case_list_view(request, export_form=form)
    data = form.cleaned_data
    cohort = data.get("cohort")
    rows = authority_rows(
        export_cases(
            user=request.user,
            cohort_id=cohort.pk if cohort else None,
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
        )
    )
    audit(
        actor=request.user,
        action="case.export",
        target=cohort,
        detail={
            "rows": len(rows),
            "from": str(data.get("opened_from") or ""),
            "to": str(data.get("opened_to") or ""),
        },
    )
    columns = authority_columns()
    if fmt == "csv":
        content, mime = write_csv(columns, rows), "text/csv; charset=utf-8"
    else:
        content = write_xlsx(columns, rows, title="THAMM cases")
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="thamm-cases.{fmt}"'
    return response


@role_required(*CASE_ROLES)
@require_POST
def document_upload_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    rows = checklist_rows(user=request.user, case=case)
    row = next((r for r in rows if r.type.code == code), None)
    if row is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES, row=row)
    if form.is_valid():
        data = form.cleaned_data
        attach = next((d for d in row.attachable if d.pk == data.get("attach")), None)
        if data.get("attach") and attach is None:
            form.add_error("attach", _("Choose one of the worker's own documents of this kind."))
        elif call_service(
            form,
            document_upload,
            case=case,
            doc_type=row.type,
            by=request.user,
            upload=None if attach else data.get("file"),
            attach=attach,
            expires_on=data.get("expires_on"),
        ):
            messages.success(request, _("The document is on the case, waiting to be verified."))
            return redirect(case)
    messages.error(request, _("The document was not saved: see the errors below."))
    return _case_page(request, case, document_form=form)


@role_required(*CASE_ROLES)
def document_file_view(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    """The document's file, to those who see the case; each download audited."""
    case = case_get(user=request.user, pk=pk)
    row = case_document_get(user=request.user, case=case, pk=document)
    extension = DOCUMENT_TYPES.get(row.content_type, "bin")
    return upload_stream(
        file=row.stored,
        filename=f"{row.type.code}-{case.pk}.{extension}",
        content_type=row.content_type,
        actor=request.user,
        target=case,
        detail={"case_document": row.pk},
    )


@role_required(*CASE_ROLES)
@require_POST
def document_verify_view(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    row = case_document_get(user=request.user, case=case, pk=document)
    if request.POST.get("action") == "reject":
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the document is rejected."))
            return redirect(case)
        run_action(
            request,
            document_reject,
            document=row,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("The document is rejected; its uploader has been told."),
        )
    else:
        run_action(request, document_verify, document=row, by=request.user, success=_("Verified."))
    return redirect(case)


@role_required(*DOSSIER_ROLES)
@require_POST
def dossier_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get(user=request.user, pk=pk)
    run_action(
        request,
        dossier_request,
        case=case,
        by=request.user,
        success=_("The dossier is being made: this page shows its progress."),
    )
    return redirect(case)


@role_required(*CASE_ROLES)
def dossier_file_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The dossier's PDF or ZIP, to those who see the case; each download audited."""
    case = case_get(user=request.user, pk=pk)
    dossier = case_dossier(user=request.user, case=case)
    stored = {"pdf": dossier.pdf, "zip": dossier.archive}.get(fmt) if dossier else None
    if not stored:
        raise Http404
    return upload_stream(
        file=stored,
        filename=f"dossier-{case.pk}.{fmt}",
        content_type="application/pdf" if fmt == "pdf" else "application/zip",
        actor=request.user,
        target=case,
        detail={"dossier": fmt},
    )


@role_required(*CASE_ROLES)
@require_POST
def passport_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the MRZ lines from the passport's scan into the check's form, to be checked."""
    case = case_get(user=request.user, pk=pk)
    lines = run_action(
        request,
        passport_read,
        case=case,
        by=request.user,
        success=_("Read from the scan: compare them with the passport, then check them."),
    )
    if lines is None:
        return redirect(case)
    return _case_page(request, case, mrz_form=MrzForm(initial={"lines": lines}), mrz_open=True)
