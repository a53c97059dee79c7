from allauth.account.forms import SignupForm
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from stdnum.it import iva

from accounts.forms import PersonSignupFields
from accounts.selectors import chamber_list
from thamm.exceptions import DomainError
from thamm.scheme import italian_provinces
from training.selectors import technical_modules

from .models import NAME_TAKEN, Company, ProductionUnit, RegionalBody, Vacancy
from .selectors import PROFILE_REQUIRED, chamber_suggestion, company_name_taken
from .services import PROFILE_FIELDS, VACANCY_FIELDS, company_register

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Company fields asked at sign-up (the rest of the profile can follow).
SIGNUP_COMPANY_FIELDS = [
    "legal_name",
    "partita_iva",
    "codice_fiscale",
    "ateco_code",
    "pec",
    "size",
    "contact_name",
    "contact_phone",
    "chamber",
]


def _require_profile_fields(form: forms.BaseForm) -> None:
    # Optional on the model (older rows, admin), required of a company on the portal's forms.
    for name in PROFILE_REQUIRED:
        form.fields[name].required = True
    form.fields["chamber"].queryset = chamber_list()


class _CompanyFields(forms.ModelForm):
    class Meta:
        model = Company
        fields = SIGNUP_COMPANY_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_profile_fields(self)
        # Room for "IT 01234567890": the number is compacted, then the model checks it.
        self.fields["partita_iva"] = forms.CharField(
            label=self.fields["partita_iva"].label, max_length=20
        )

    def clean_partita_iva(self) -> str:
        # "IT 01234567890" and "01234567890" are the same number.
        return iva.compact(self.cleaned_data["partita_iva"])

    def clean_legal_name(self) -> str:
        # Checked here, whatever the e-mail address, so the answer tells nothing about accounts.
        name = self.cleaned_data["legal_name"].strip()
        if company_name_taken(name):
            raise forms.ValidationError(NAME_TAKEN)
        return name


class CompanySignupForm(PersonSignupFields, SignupForm):
    """allauth's sign-up form plus the company's profile: the account, the company organisation
    (the person becomes its admin) and the profile are created together or not at all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.company_form = _CompanyFields(self.data or None)
        for name, field in self.company_form.fields.items():
            self.fields[name] = field
        self.order_fields(SIGNUP_COMPANY_FIELDS + ["full_name", "email", "password1", "password2"])
        self.fields["email"].label = _("Your e-mail address")
        self.fields["full_name"].label = _("Your full name")

    def clean(self):
        cleaned = super().clean()
        if not self.company_form.is_valid():
            for name, errors in self.company_form.errors.items():
                for error in errors:
                    if name in self.fields and name not in self.errors:
                        self.add_error(name, error)
                    elif name not in self.fields:
                        self.add_error(None, error)
        return cleaned

    def try_save(self, request):
        if self.account_already_exists:  # allauth answers without creating anything
            return super().try_save(request)
        # The company form's own cleaning (compacted Partita IVA, stripped name) is what counts.
        data = {name: self.company_form.cleaned_data.get(name) for name in SIGNUP_COMPANY_FIELDS}
        data = {k: ("" if v is None and k != "chamber" else v) for k, v in data.items()}
        try:
            with transaction.atomic():
                user = self.save(request)
                company_register(user=user, data=data)
        except DomainError as exc:  # registered by someone else since the form was checked
            messages.error(request, exc.message)
            return None, redirect("companies:signup")
        except IntegrityError:  # the same address or company signed up in the same instant
            messages.error(
                request, _("This company or e-mail address has just been registered: sign in.")
            )
            return None, redirect("companies:signup")
        return user, None


class CompanyProfileForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = PROFILE_FIELDS
        widgets = {"interest_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_profile_fields(self)
        self.fields["interest_body"].queryset = RegionalBody.objects.filter(scheme__is_current=True)
        self._suggest_chamber()

    def _suggest_chamber(self) -> None:
        """The chamber of the area where the company produces: pre-selected while the company
        names none, pointed out when it names another."""
        suggestion = chamber_suggestion(company=self.instance)
        if suggestion is None or suggestion.pk == self.instance.chamber_id:
            return
        if self.instance.chamber_id is None:
            self.initial["chamber"] = suggestion.pk
            sentence = _(
                "Pre-selected for the provinces of the company's production units: %(chamber)s."
            )
        else:
            sentence = _(
                "Suggested for the provinces of the company's production units: %(chamber)s."
            )
        field = self.fields["chamber"]
        # Help texts are shown as HTML: the chamber's name (admin data) is escaped.
        field.help_text = format_html(
            "{} {}", field.help_text, sentence % {"chamber": suggestion.name}
        )

    def _post_clean(self):
        # The service validates and saves; the form only parses (no instance mutation here).
        pass


class VerificationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to suspend a company, e.g. a breach of fair recruitment."),
    )


class UnitForm(forms.ModelForm):
    province = forms.ChoiceField(label=_("Province"))

    class Meta:
        model = ProductionUnit
        fields = ["address", "comune", "province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "---------")] + [
            (code, f"{name} ({code.removeprefix('IT-')})") for code, name, _r in italian_provinces()
        ]


class VacancyForm(forms.ModelForm):
    class Meta:
        model = Vacancy
        fields = [*VACANCY_FIELDS[:4], "required_modules", *VACANCY_FIELDS[4:]]
        widgets = {
            "start_date": DATE,
            "required_modules": forms.CheckboxSelectMultiple,
            "description_it": forms.Textarea(attrs={"rows": 4, "lang": "it", "dir": "ltr"}),
            "description_fr": forms.Textarea(attrs={"rows": 3, "lang": "fr", "dir": "ltr"}),
            "description_ar": forms.Textarea(attrs={"rows": 3, "lang": "ar", "dir": "rtl"}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["required_modules"].queryset = technical_modules()
        self.fields["gross_monthly_pay"].widget.attrs.update(
            {"min": str(Vacancy.MIN_PAY), "max": str(Vacancy.MAX_PAY), "step": "0.01"}
        )

    def _post_clean(self):
        # The service validates (model rules included) and saves.
        pass
