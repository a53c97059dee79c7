from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from candidates.selectors import candidate_get
from thamm.exceptions import DomainError
from thamm.scoping import role_required

from .forms import ResultForm
from .services import candidate_certify, result_record


@role_required(Role.CENTRE, Role.IOM)
@require_http_methods(["GET", "POST"])
def result_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or correct one result by hand (files of results come with the import)."""
    candidate = candidate_get(user=request.user, pk=pk)
    form = ResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result_record(candidate=candidate, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Result saved."))
            return redirect(candidate)
    return render(request, "training/result_form.html", {"form": form, "candidate": candidate})


@role_required(Role.CENTRE, Role.IOM)
@require_POST
def candidate_certify_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    try:
        candidate_certify(candidate=candidate, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The candidate is certified."))
    return redirect(candidate)
