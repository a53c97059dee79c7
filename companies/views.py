from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from thamm.forms import call_service
from thamm.scheme import current_scheme, destination_region_choices
from thamm.scoping import role_required

from .forms import UnitForm
from .selectors import company_get, unit_list
from .services import unit_add


@role_required(Role.COMPANY, Role.CHAMBER, Role.IOM)
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
