from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from thamm.exceptions import DomainError

from .adapters import SESSION_INVITATION, pending_invitation
from .models import Invitation, User
from .services import invitation_accept, invitation_lock_for_signup


class PersonSignupFields(forms.Form):
    """What every sign-up asks of the person beyond allauth's fields: their name; their language
    is the one the page was read in."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    def signup(self, request, user: User) -> None:  # called by allauth once the user exists
        user.full_name = self.cleaned_data["full_name"].strip()
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        user.save(update_fields=["full_name", "language"])


class InvitationSignupForm(PersonSignupFields, SignupForm):
    """allauth's sign-up form, bound to the invitation: its address is fixed, its use recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = pending_invitation(context.request)
        if self.invitation is not None:
            self.fields["email"].initial = self.invitation.email
            self.fields["email"].disabled = True
        self.order_fields(["full_name", "email", "password1", "password2"])

    def clean(self):
        cleaned = super().clean()
        if self.invitation is None:  # withdrawn or used while the form was open
            raise forms.ValidationError(
                _("This invitation is no longer valid. Ask your organisation for a new one.")
            )
        return cleaned

    def try_save(self, request):
        """Create the account and use the invitation in one transaction: both or neither."""
        if self.account_already_exists:  # allauth answers without creating anything
            return super().try_save(request)
        try:
            with transaction.atomic():
                invitation_lock_for_signup(invitation_id=self.invitation.pk)
                user = self.save(request)
                invitation_accept(invitation_id=self.invitation.pk, user=user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return None, redirect("home")
        except IntegrityError:  # the address got an account in the same instant
            messages.error(request, _("This e-mail address already has an account on the portal."))
            return None, redirect("home")
        request.session.pop(SESSION_INVITATION, None)
        return user, None


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Invitation.Role.STAFF, Invitation.Role.STAFF.label),
            (Invitation.Role.ADMIN, Invitation.Role.ADMIN.label),
        ],
    )


class AdvisorAssignForm(forms.Form):
    # The choices come from selectors (see __init__): what the acting user may assign.
    advisor = forms.ModelChoiceField(label=_("Chamber advisor"), queryset=None)
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)

    def __init__(self, *args, advisors, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors
        self.fields["company"].queryset = companies
        self.fields["advisor"].label_from_instance = lambda u: (
            f"{u.get_full_name()} — {u.membership.organisation}"
        )
