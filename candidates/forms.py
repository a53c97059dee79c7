import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from thamm.scheme import country_regions, current_scheme, destination_region_choices

from .models import Candidate, CandidateDocument, Occupation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CandidateForm(forms.ModelForm):
    """A candidate's record as a centre enters it; the rules that need data live in the service."""

    residence_region = forms.ChoiceField(label=_("Region of residence"))
    preferred_regions = forms.MultipleChoiceField(
        label=_("Preferred Italian regions"), widget=forms.CheckboxSelectMultiple
    )
    previous_occupations = forms.ModelMultipleChoiceField(
        label=_("Previous occupations"),
        queryset=Occupation.objects.all(),
        to_field_name="isco_code",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Candidate
        fields = Candidate.RECORD_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "passport_expiry": DateInput(),
            "earliest_start": DateInput(),
            "first_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "last_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = current_scheme()
        self.fields["residence_region"].choices = [("", "---------")] + list(
            country_regions(scheme.origin_country)
        )
        self.fields["preferred_regions"].choices = destination_region_choices(scheme)
        self.fields["cin"].widget.attrs.update({"autocapitalize": "characters", "dir": "ltr"})

    def clean_cin(self) -> str:
        return self.cleaned_data["cin"].strip().upper()

    def clean_passport_number(self) -> str:
        return self.cleaned_data["passport_number"].strip().upper()

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        try:
            number = phonenumbers.parse(raw, "MA")
        except phonenumbers.NumberParseException as exc:
            raise forms.ValidationError(_("Enter a valid phone number.")) from exc
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(_("Enter a valid phone number."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    # The date rules (passport expiry, date of birth, start date) are the model's
    # (Candidate.clean), which the form runs too: a file import checks rows with the same ones.


class CandidateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages"))] + list(Candidate.Status.choices),
    )


class StageForm(forms.Form):
    """A lifecycle move chosen on the candidate's page: the moves the user may make now."""

    action = forms.ChoiceField(label=_("Action"))
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to withdraw a candidate or mark them as not certified."),
    )

    def __init__(self, *args, moves: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(name, move.label) for name, move in moves.items()]


class ConsentForm(forms.Form):
    notice_version = forms.IntegerField(widget=forms.HiddenInput)
    accept_notice = forms.BooleanField(
        label=_("I have read the privacy notice and I accept it."),
        error_messages={"required": _("To continue, accept the privacy notice.")},
    )
    share_with_companies = forms.BooleanField(
        label=_(
            "Show my profile to companies in Italy (without my name, until I agree for a company)."
        ),
        required=False,
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=CandidateDocument.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), help_text=_("At most 10 MB."))
