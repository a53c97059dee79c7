from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from thamm.forms import call_service
from thamm.pagination import paginate
from thamm.rows import label_rows, link_rows
from thamm.scoping import role_required

from .forms import CaseFilterForm, CloseForm, StepForm
from .models import Case
from .selectors import case_get, case_list, case_view
from .services import CASE_MOVES, case_close, close_reasons_for, step_record

CASE_ROLES = (Role.COMPANY, Role.CHAMBER, Role.CENTRE, Role.CANDIDATE, Role.IOM)


@role_required(*CASE_ROLES)
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The cases the user sees, newest first, by status."""
    form = CaseFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = case_list(user=request.user)
    if status:
        rows = rows.filter(status=status)
    paged = paginate(request, rows.order_by("-opened_at", "-pk"))
    label_rows(paged["page"], field="status", choices=Case.Status, attr="status_label")
    link_rows(paged["page"], url_name="predeparture:case")
    return render(
        request,
        "predeparture/case_list.html",
        {
            **paged,
            "status": status,
            "statuses": Case.Status.choices,
            "names": request.user.role != Role.CANDIDATE,
        },
    )


def _case_page(request: HttpRequest, case: Case, *, bound: StepForm | None = None, close=None):
    """The case's page: its steps in order with a form for each the user may record now, its
    deadlines, and closing it (`bound`, `close`: forms to show again with their errors)."""
    user = request.user
    view = case_view(user=user, case=case)
    for step in view.steps:
        if step.recordable:
            step.form = (
                bound if bound is not None and bound.step_pk == step.pk else (StepForm(step=step))
            )
    reasons = close_reasons_for(user)
    may_close = bool(reasons) and "close" in CASE_MOVES.moves_for(case, user)
    return render(
        request,
        "predeparture/case_detail.html",
        {
            "view": view,
            "case": case,
            "close_form": close or (CloseForm(reasons=reasons) if may_close else None),
        },
    )


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
    form = CloseForm(request.POST, reasons=close_reasons_for(request.user))
    if form.is_valid():
        closed = call_service(
            form,
            case_close,
            case=case,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        if closed is not None:
            messages.success(request, _("The case is closed. The people concerned have been told."))
            return redirect(case)
    return _case_page(request, case, close=form)
