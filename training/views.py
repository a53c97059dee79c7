import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from candidates.selectors import candidate_get
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.forms import call_service, run_action
from thamm.jobs import job_current_progress
from thamm.lists import join_sentences
from thamm.scheme import current_scheme
from thamm.scoping import role_required
from thamm.tabular import write_csv, write_xlsx

from .forms import CohortForm, EnrolForm, ResultForm, ResultsUploadForm
from .imports import columns_of, import_confirm, import_preview
from .models import FileImport
from .selectors import (
    MINISTRY_COLUMNS,
    cohort_enrollable,
    cohort_get,
    cohort_list,
    cohort_members,
    cohort_ministry_rows,
    file_import_get,
    file_import_list,
)
from .services import candidate_certify, cohort_create, cohort_enrol, result_record


@role_required(Role.CENTRE, Role.IOM)
@require_http_methods(["GET", "POST"])
def result_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or correct one result by hand (files of results come with the import)."""
    candidate = candidate_get(user=request.user, pk=pk)
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form, result_record, candidate=candidate, by=request.user, **form.cleaned_data
        )
        if result is not None:
            messages.success(request, _("Result saved."))
            return redirect(candidate)
    return render(request, "training/result_form.html", {"form": form, "candidate": candidate})


@role_required(Role.CENTRE, Role.IOM)
@require_POST
def candidate_certify_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    run_action(
        request,
        candidate_certify,
        candidate=candidate,
        by=request.user,
        success=_("The candidate is certified."),
    )
    return redirect(candidate)


PREVIEW_ROWS = 500


TEMPLATE_EXAMPLES = {
    FileImport.Kind.RESULTS: [
        ["C-XXXXXX", "MEC-PLC", "72.5", "95", "2026-06-30", ""],
        ["C-XXXXXX", "ITA", "", "90", "2026-06-30", "A2"],
    ],
    FileImport.Kind.CANDIDATES: [
        [
            "Youssef",
            "Alaoui",
            "يوسف",
            "العلوي",
            "1998-04-12",
            "M",
            "BK123456",
            "",
            "",
            "0612345678",
            "youssef@example.org",
            "MA-06",
            "technician",
            "3",
            "3115;7223",
            "Lombardia;Veneto",
            "",
        ],
    ],
}


def _upload_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a file (CSV or XLSX); it is checked, and nothing is imported yet."""
    form = ResultsUploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        job = call_service(
            form,
            import_preview,
            error_field="file",
            user=request.user,
            upload=form.cleaned_data["file"],
            kind=kind,
        )
        if job is not None:
            return redirect("training:results_import_detail", pk=job.pk)
    recent = (
        file_import_list(user=request.user)
        .filter(kind=kind)
        .only("pk", "original_name", "status", "row_count", "created_at")[:20]
    )
    return render(
        request,
        "training/results_import.html",
        {
            "form": form,
            "recent": recent,
            "columns": columns_of(kind),
            "kind": kind,
            "template_url": reverse(f"training:{kind}_template"),
        },
    )


def _template_response(kind: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thamm-{kind}-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(columns_of(kind))
    writer.writerows(TEMPLATE_EXAMPLES[kind])
    return response


@role_required(Role.CENTRE)
@require_http_methods(["GET", "POST"])
def results_import_view(request: HttpRequest) -> HttpResponse:
    return _upload_view(request, FileImport.Kind.RESULTS)


@role_required(Role.CENTRE)
@require_http_methods(["GET", "POST"])
def candidates_import_view(request: HttpRequest) -> HttpResponse:
    return _upload_view(request, FileImport.Kind.CANDIDATES)


@role_required(Role.CENTRE)
def results_template_view(request: HttpRequest) -> HttpResponse:
    return _template_response(FileImport.Kind.RESULTS)


@role_required(Role.CENTRE)
def candidates_template_view(request: HttpRequest) -> HttpResponse:
    return _template_response(FileImport.Kind.CANDIDATES)


@role_required(Role.CENTRE, Role.IOM)
def results_import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = file_import_get(user=request.user, pk=pk)
    return render(
        request,
        "training/results_import_detail.html",
        {
            "job": job,
            "rows": job.rows[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(job.rows) - PREVIEW_ROWS),
            "can_confirm": request.user.role == Role.CENTRE
            and job.status == FileImport.Status.PREVIEWED,
            "background": job.job,
            "progress": job_current_progress(job.job) if job.job else 0,
        },
    )


@role_required(Role.CENTRE)
@require_POST
def results_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = file_import_get(user=request.user, pk=pk)
    try:
        job = import_confirm(job=job, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # Rows changed since the check: the page says which, and shows the file checked again.
        if job.changed_lines:
            return redirect("training:results_import_detail", pk=job.pk)
        if job.status == FileImport.Status.IMPORTING:
            messages.info(request, _("The file is being imported: follow the progress below."))
        elif job.status == FileImport.Status.IMPORTED:
            messages.success(
                request,
                _("Imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
                % job.totals,
            )
        else:
            messages.error(request, _("Some rows have errors now: nothing was imported."))
    return redirect("training:results_import_detail", pk=job.pk)


@role_required(Role.CENTRE, Role.IOM)
@require_http_methods(["GET", "POST"])
def cohort_list_view(request: HttpRequest) -> HttpResponse:
    is_centre = request.user.role == Role.CENTRE
    form = CohortForm(request.POST or None) if is_centre else None
    if request.method == "POST":
        if not is_centre:
            raise PermissionDenied
        if form.is_valid():
            cohort = call_service(
                form,
                cohort_create,
                centre=request.user.organisation,
                data=form.cleaned_data,
                by=request.user,
            )
            if cohort is not None:
                messages.success(request, _("Cohort created."))
                return redirect("training:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "training/cohort_list.html",
        {"cohorts": cohort_list(user=request.user)[:200], "form": form},
    )


@role_required(Role.CENTRE, Role.IOM)
@require_http_methods(["GET", "POST"])
def cohort_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_get(user=request.user, pk=pk)
    is_centre = request.user.role == Role.CENTRE
    form = None
    if is_centre:
        enrollable = cohort_enrollable(user=request.user, cohort=cohort)
        form = EnrolForm(request.POST or None, enrollable=enrollable)
    if request.method == "POST":
        if not is_centre:
            raise PermissionDenied
        if form.is_valid():
            try:
                added = cohort_enrol(
                    cohort=cohort, candidates=form.cleaned_data["candidates"], by=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(count)s candidate(s) enrolled.") % {"count": added})
                return redirect("training:cohort_detail", pk=cohort.pk)
    return render(
        request,
        "training/cohort_detail.html",
        {"cohort": cohort, "members": cohort_members(cohort=cohort), "form": form},
    )


@role_required(Role.CENTRE, Role.IOM)
def cohort_export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The cohort's certified workers for the Ministry of Labour's list, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    cohort = cohort_get(user=request.user, pk=pk)
    rows = cohort_ministry_rows(cohort=cohort, scheme=current_scheme())
    audit(actor=request.user, action="cohort.export", target=cohort, detail={"rows": len(rows)})
    if fmt == "csv":
        content, mime = write_csv(MINISTRY_COLUMNS, rows), "text/csv; charset=utf-8"
    else:
        content = write_xlsx(MINISTRY_COLUMNS, rows, title=cohort.name)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-ministry.{fmt}"'
    return response


@role_required(Role.CENTRE, Role.IOM)
def import_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row's outcome and problems, as CSV (the page shows the first rows only)."""
    job = file_import_get(user=request.user, pk=pk)
    labels = {
        "new": _("New"),
        "update": _("Updated"),
        "unchanged": _("Unchanged"),
        "error": _("Error"),
    }
    rows = (
        [
            row["line"],
            row["item"],
            labels.get(row["outcome"], row["outcome"]),
            join_sentences(
                f"{e['column']}: {e['message']}" if e["column"] else e["message"]
                for e in row["errors"]
            ),
        ]
        for row in job.rows
    )
    headers = [_("Row"), _("Content"), _("Outcome"), _("Problems")]
    response = HttpResponse(write_csv(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
