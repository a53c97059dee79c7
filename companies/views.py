from allauth.account.views import SignupView
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapters import SESSION_INVITATION
from accounts.models import Role
from thamm.forms import call_service, run_action
from thamm.fragments import SHOWN_DATA, render_kept
from thamm.pagination import paginate
from thamm.reference import VERSION as REFERENCE
from thamm.rows import label_rows, link_rows
from thamm.scheme import current_scheme, destination_region_choices
from thamm.scoping import role_required

from .forms import (
    CompanyProfileForm,
    CompanySignupForm,
    UnitForm,
    VacancyForm,
    VerificationForm,
)
from .models import Company, Vacancy
from .selectors import (
    attestation_list,
    company_get,
    company_history,
    company_list,
    company_overview_list,
    current_statement_or_none,
    paperwork_list,
    signed_current_statement,
    unit_list,
    vacancy_get,
    vacancy_history,
    vacancy_list,
)
from .services import (
    VACANCY_LIFECYCLE,
    VERIFICATION,
    attestation_sign,
    company_set_status,
    company_update,
    publish_blockers,
    unit_add,
    vacancy_create,
    vacancy_move,
    vacancy_update,
)

COMPANY_ROLES = (Role.COMPANY, Role.CHAMBER, Role.IOM)


# The company pages whose body is kept (thamm.fragments.render_kept): any row saved changes them,
# and the reference data (the scheme's regions, the course catalogue).
KEPT_VERSIONS = (SHOWN_DATA, REFERENCE)


def _vacancy_rows(vacancies):
    """What a vacancy's row shows (the list, a company's latest), read as plain values: a
    vacancy, its company and its occupation have some sixty columns, the row reads six, and a
    page renders fifty rows of them."""
    return vacancies.values(
        "pk", "title", "positions", "start_date", "status", comune=F("unit__comune")
    )


def _label_vacancy_rows(vacancies) -> None:
    """Each row's status label and address, translated and reversed once per page."""
    label_rows(vacancies, field="status", choices=Vacancy.Status, attr="status_label")
    link_rows(vacancies, url_name="companies:vacancy_detail")


def _status_param(request: HttpRequest, choices) -> str:
    """The `status` a list is filtered by, if it is one of `choices` (else none)."""
    status = request.GET.get("status", "")
    return status if status in choices.values else ""


class CompanySignupView(SignupView):
    """A company signs up on its own: the account, the company and its profile, through allauth
    (password rules, e-mail verification, enumeration prevention)."""

    template_name = "companies/signup.html"

    def dispatch(self, request, *args, **kwargs):
        request.thamm_company_signup = True  # read by the account adapter: sign-up is open here
        if request.method == "POST":
            # An invitation link opened earlier in this browser marks its address as verified;
            # a company's sign-up always confirms its own address, and sets the invitation aside
            # (only when the person really signs up a company: looking at the page keeps it).
            request.session.pop("account_verified_email", None)
            request.session.pop(SESSION_INVITATION, None)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return CompanySignupForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # allauth fills in the address of an invitation opened earlier: the company gives its own.
        context["form"].fields["email"].initial = None
        context["regions"] = [name for _code, name in destination_region_choices(current_scheme())]
        return context


company_signup = CompanySignupView.as_view()


@role_required(*COMPANY_ROLES)
def company_list_view(request: HttpRequest) -> HttpResponse:
    """IOM: every company, filterable by verification; an advisor: the companies they assist.
    A company user goes to their own company."""
    if request.user.role == Role.COMPANY:
        company = company_list(user=request.user).first()
        if company is None:
            raise PermissionDenied
        return redirect(company)
    status = _status_param(request, Company.Status)
    paged = paginate(request, company_overview_list(user=request.user, status=status or None))
    label_rows(paged["page"], field="status", choices=Company.Status, attr="status_label")
    link_rows(paged["page"], url_name="companies:detail")
    return render(
        request,
        "companies/company_list.html",
        {
            **paged,
            "status": status,
            "statuses": Company.Status.choices,
        },
    )


@role_required(*COMPANY_ROLES)
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=pk)

    def build() -> dict:
        statement = current_statement_or_none()
        vacancies = list(_vacancy_rows(vacancy_list(user=request.user, company=company))[:10])
        _label_vacancy_rows(vacancies)
        units = list(unit_list(user=request.user, company=company))
        return {
            "company": company,
            "units": units,
            "vacancies": vacancies,
            "statement": statement,
            "signed_current": signed_current_statement(
                user=request.user, company=company, statement=statement
            ),
            "history": company_history(user=request.user, company=company),
            "blockers": publish_blockers(company=company, units=units),
            "moves": VERIFICATION.moves_for(company, request.user),
            "verification_form": VerificationForm(),
        }

    return render_kept(
        request,
        "companies/_company_detail_body.html",
        title=company.legal_name,
        build=build,
        versions=KEPT_VERSIONS,
    )


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=pk)
    form = CompanyProfileForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form, company_update, company=company, data=form.cleaned_data, by=request.user
        )
        if updated is not None:
            messages.success(request, _("The company's profile has been saved."))
            return redirect(updated)
    return render(request, "companies/company_form.html", {"company": company, "form": form})


@role_required(Role.CHAMBER, Role.IOM)
@require_POST
def company_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify, suspend (with a reason) or reinstate a company."""
    company = company_get(user=request.user, pk=pk)
    form = VerificationForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid():
        run_action(
            request,
            company_set_status,
            company=company,
            action=action,
            by=request.user,
            reason=form.cleaned_data["reason"],
            success=_("The company's verification has been updated."),
        )
    else:
        messages.error(request, _("Check the reason: it is too long."))
    return redirect(company)


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    """The employer-pays statement in force, who signed which version; a company admin signs."""
    company = company_get(user=request.user, pk=pk)
    statement = current_statement_or_none()
    if request.method == "POST":
        run_action(
            request,
            attestation_sign,
            company=company,
            by=request.user,
            success=_("Thank you: the company has signed the statement."),
        )
        return redirect("companies:attestation", pk=company.pk)
    return render(
        request,
        "companies/attestation.html",
        {
            "company": company,
            "statement": statement,
            "body": statement.body(get_language()) if statement else "",
            "signatures": attestation_list(user=request.user, company=company),
            "signed_current": signed_current_statement(
                user=request.user, company=company, statement=statement
            ),
            "may_sign": request.user.role == Role.COMPANY and request.user.is_org_admin,
        },
    )


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def unit_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's production units, and the form to declare one."""
    company = company_get(user=request.user, pk=pk)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = call_service(
            form, unit_add, company=company, data=form.cleaned_data, by=request.user
        )
        if unit is not None:
            messages.success(request, _("Production unit added."))
            return redirect("companies:units", pk=company.pk)
    return render(
        request,
        "companies/unit_list.html",
        {
            "company": company,
            "units": unit_list(user=request.user, company=company),
            "form": form,
            "regions": [name for _code, name in destination_region_choices(current_scheme())],
        },
    )


@role_required(*COMPANY_ROLES)
def vacancy_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=pk)

    def build() -> dict:
        status = _status_param(request, Vacancy.Status)
        vacancies = vacancy_list(user=request.user, company=company, status=status or None)
        paged = paginate(request, _vacancy_rows(vacancies))
        _label_vacancy_rows(paged["page"])
        return {
            "company": company,
            **paged,
            "status": status,
            "statuses": Vacancy.Status.choices,
            "blockers": publish_blockers(company=company),
        }

    return render_kept(
        request,
        "companies/_vacancy_list_body.html",
        title=_("Vacancies"),
        build=build,
        versions=KEPT_VERSIONS,
    )


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def vacancy_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_get(user=request.user, pk=pk)
    form = VacancyForm(request.POST or None, units=unit_list(user=request.user, company=company))
    if request.method == "POST" and form.is_valid():
        vacancy = call_service(
            form, vacancy_create, company=company, data=form.cleaned_data, by=request.user
        )
        if vacancy is not None:
            messages.success(request, _("The vacancy has been saved as a draft."))
            return redirect(vacancy)
    return render(
        request, "companies/vacancy_form.html", {"company": company, "form": form, "vacancy": None}
    )


@role_required(*COMPANY_ROLES)
def vacancy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_get(user=request.user, pk=pk)

    def build() -> dict:
        moves = VACANCY_LIFECYCLE.moves_for(vacancy, request.user)
        return {
            "vacancy": vacancy,
            "company": vacancy.company,
            "modules": vacancy.required_modules.all(),
            "history": vacancy_history(user=request.user, vacancy=vacancy),
            "moves": moves,
            "blockers": publish_blockers(company=vacancy.company) if "publish" in moves else [],
        }

    return render_kept(
        request,
        "companies/_vacancy_detail_body.html",
        title=vacancy.title,
        build=build,
        versions=KEPT_VERSIONS,
    )


@role_required(*COMPANY_ROLES)
@require_http_methods(["GET", "POST"])
def vacancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vacancy = vacancy_get(user=request.user, pk=pk)
    if not vacancy.is_open:
        messages.error(request, _("A filled or closed vacancy can no longer be changed."))
        return redirect(vacancy)
    form = VacancyForm(
        request.POST or None,
        instance=vacancy,
        units=unit_list(user=request.user, company=vacancy.company),
    )
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form, vacancy_update, vacancy=vacancy, data=form.cleaned_data, by=request.user
        )
        if updated is not None:
            messages.success(request, _("The vacancy has been saved."))
            return redirect(updated)
    return render(
        request,
        "companies/vacancy_form.html",
        {"company": vacancy.company, "form": form, "vacancy": vacancy},
    )


VACANCY_MOVED = {
    "publish": _l("The vacancy is published."),
    "fill": _l("The vacancy is marked as filled."),
    "close": _l("The vacancy is closed."),
}


@role_required(*COMPANY_ROLES)
@require_POST
def vacancy_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, fill or close a vacancy."""
    vacancy = vacancy_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    run_action(
        request,
        vacancy_move,
        vacancy=vacancy,
        action=action,
        by=request.user,
        success=VACANCY_MOVED.get(action, ""),
    )
    return redirect(vacancy)


@role_required(Role.CHAMBER, Role.IOM)
def paperwork(request: HttpRequest) -> HttpResponse:
    """Per assisted company, what is still missing, most urgent first."""
    return render(request, "companies/paperwork.html", {"rows": paperwork_list(user=request.user)})
