from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from thamm.exceptions import DomainError
from thamm.forms import call_service, run_action
from thamm.scoping import role_required

from .adapters import SESSION_INVITATION
from .forms import AdvisorAssignForm, InvitationForm
from .models import Role
from .selectors import (
    advisor_assignment_get,
    advisor_assignment_list,
    assignable_companies,
    chamber_advisors,
    invitation_by_token,
    invitation_get,
    invitation_list,
    may_assign_advisors,
    member_list,
    organisation_get,
)
from .services import (
    advisor_assign,
    advisor_unassign,
    invitation_check,
    invitation_create,
    invitation_revoke,
)

ORGANISATION_ROLES = (Role.CENTRE, Role.COMPANY, Role.CHAMBER, Role.IOM)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_get(user=request.user, pk=pk)
    members = member_list(user=request.user, organisation=organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {"organisation": organisation, "members": members},
    )


@role_required(*ORGANISATION_ROLES)
@require_http_methods(["GET", "POST"])
def invitation_list_view(request: HttpRequest) -> HttpResponse:
    """An organisation admin's invitations: the list, and the form to invite a colleague."""
    if not request.user.is_org_admin:
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form,
            invitation_create,
            error_field="email",
            organisation=request.user.organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        if created is not None:
            invitation, _link = created
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invitation_list")
    invitations = invitation_list(user=request.user)[:200]
    return render(
        request, "accounts/invitation_list.html", {"form": form, "invitations": invitations}
    )


@role_required(*ORGANISATION_ROLES)
@require_POST
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = invitation_get(user=request.user, pk=pk)
    run_action(
        request,
        invitation_revoke,
        invitation=invitation,
        by=request.user,
        success=_("The invitation has been withdrawn."),
    )
    return redirect("accounts:invitation_list")


@require_http_methods(["GET"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: check it, remember it in the session, and go on to sign-up."""
    invitation = invitation_by_token(token=token)
    try:
        invitation_check(invitation=invitation)
    except DomainError as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"error": exc.message}, status=410
        )
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"error": _("You are signed in. Sign out first to accept this invitation.")},
            status=409,
        )
    request.session[SESSION_INVITATION] = invitation.pk
    # The link arrived by e-mail at this address: allauth treats it as verified.
    request.session["account_verified_email"] = invitation.email
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


@role_required(Role.IOM, Role.CHAMBER)
@require_http_methods(["GET", "POST"])
def advisor_assignments(request: HttpRequest) -> HttpResponse:
    """IOM (every advisor, every company) or a chamber's admin (its own advisors, the companies
    that asked it for help) assigns advisors and sees the current assignments."""
    if not may_assign_advisors(request.user):
        raise PermissionDenied
    form = AdvisorAssignForm(
        request.POST or None,
        advisors=chamber_advisors(user=request.user),
        companies=assignable_companies(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        grant = call_service(
            form,
            advisor_assign,
            advisor=form.cleaned_data["advisor"],
            company=form.cleaned_data["company"],
            by=request.user,
        )
        if grant is not None:
            messages.success(request, _("The advisor now assists this company."))
            return redirect("accounts:advisor_assignments")
    return render(
        request,
        "accounts/advisor_assignments.html",
        {"form": form, "assignments": advisor_assignment_list(user=request.user)},
    )


@role_required(Role.IOM, Role.CHAMBER)
@require_POST
def advisor_unassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    grant = advisor_assignment_get(user=request.user, pk=pk)
    run_action(
        request,
        advisor_unassign,
        grant=grant,
        by=request.user,
        success=_("The assignment has been removed."),
    )
    return redirect("accounts:advisor_assignments")
