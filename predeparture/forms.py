from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.services import ITALY, MOROCCO

from .models import ITALIAN_AIRPORTS, MOROCCAN_AIRPORTS, Airport, Case, Cost


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StepForm(forms.Form):
    """A step recorded: its date, its reference number (where it has one), and the reason it
    comes before an earlier step (where the law allows it); the visa's dates for the visa."""

    done_on = forms.DateField(label=_("Date"), widget=DateInput())
    reference = forms.CharField(label=_("Reference number"), max_length=60, required=False)
    exception_reason = forms.CharField(
        label=_("Why before the earlier steps (only when the law allows it)"),
        max_length=300,
        required=False,
    )
    visa_valid_from = forms.DateField(
        label=_("Visa valid from"), required=False, widget=DateInput()
    )
    visa_valid_until = forms.DateField(
        label=_("Visa valid until"), required=False, widget=DateInput()
    )

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        rule = getattr(step, "rule", None)
        self.step_pk = getattr(step, "pk", None)
        if step is not None:  # one form per step on the page: ids of its own
            self.auto_id = f"id_step{step.pk}_%s"
        if rule is not None and rule.reference_label:
            self.fields["reference"].label = rule.reference_label
            self.fields["reference"].required = rule.reference_required
        elif rule is not None:
            del self.fields["reference"]
        if step is not None and step.kind != "visa_issued":
            del self.fields["visa_valid_from"]
            del self.fields["visa_valid_until"]
        if rule is not None and not rule.may_precede:
            del self.fields["exception_reason"]

    def clean(self):
        data = super().clean()
        start, end = data.get("visa_valid_from"), data.get("visa_valid_until")
        if start and end and end <= start:
            self.add_error("visa_valid_until", _("The visa's end must come after its start."))
        return data


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why the case closes"), choices=())
    note = forms.CharField(
        label=_("Details"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The worker, the company and the training centre are told."),
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—")] + list(reasons)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + Case.Status.choices, required=False
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TravelForm(forms.Form):
    """The flight, its times as the ticket gives them: leaving in Moroccan time, landing in
    Italian time."""

    departure_airport = forms.ChoiceField(
        label=_("Departure airport"), choices=[(c, Airport(c).label) for c in MOROCCAN_AIRPORTS]
    )
    arrival_airport = forms.ChoiceField(
        label=_("Arrival airport"), choices=[(c, Airport(c).label) for c in ITALIAN_AIRPORTS]
    )
    flight_number = forms.CharField(label=_("Flight number"), max_length=8)
    departs_at = forms.DateTimeField(
        label=_("Departure (Moroccan time)"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    arrives_at = forms.DateTimeField(
        label=_("Arrival (Italian time)"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_flight_number(self):
        return self.cleaned_data["flight_number"].replace(" ", "").upper()

    def _in(self, name: str, zone: str):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        naive = value.replace(tzinfo=None)
        return naive.replace(tzinfo=ZoneInfo(zone))

    def clean(self):
        data = super().clean()
        data["departs_at"] = self._in("departs_at", MOROCCO)
        data["arrives_at"] = self._in("arrives_at", ITALY)
        return data


class HandoverForm(forms.Form):
    handed_to = forms.CharField(
        label=_("Handed to"),
        max_length=200,
        help_text=_("For example: the Italian consulate in Tangier, or the visa centre."),
    )
    handed_on = forms.DateField(label=_("Handed over on"), widget=DateInput())


class ReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("Back with the worker on"), widget=DateInput(), initial=timezone.localdate
    )


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Cost"), choices=Cost.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=9, decimal_places=2, min_value=0.01)
    currency = forms.ChoiceField(label=_("Currency"), choices=Cost.Currency.choices)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    paid_by = forms.ChoiceField(
        label=_("Paid by"),
        choices=Cost.Payer.choices,
        help_text=_("The employer pays: a cost the worker paid flags the case for IOM."),
    )


class AttestForm(forms.Form):
    moment = forms.CharField(widget=forms.HiddenInput())
    paid_nothing = forms.TypedChoiceField(
        label=_("Is this true for you?"),
        choices=[("yes", _("Yes, I paid nothing")), ("no", _("No, I paid something"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("If you paid: what, how much and to whom"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MrzForm(forms.Form):
    lines = forms.CharField(
        label=_("The two lines at the bottom of the passport's photo page"),
        max_length=120,
        widget=forms.Textarea(
            attrs={"rows": 2, "class": "font-monospace", "spellcheck": "false", "dir": "ltr"}
        ),
        help_text=_("Type or paste them as printed, with the < signs."),
    )


class ExportForm(forms.Form):
    """IOM's export: the cases of a cohort, or opened in a period (or both)."""

    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=None, required=False)
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DateInput())
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DateInput())

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The period must end after it starts."))
        return data


class DocumentForm(forms.Form):
    """A document for the checklist: a file, or one of the worker's own documents attached."""

    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), required=False)
    attach = forms.TypedChoiceField(
        label=_("Or attach the worker's own document"), required=False, coerce=int, empty_value=None
    )
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput())

    def __init__(self, *args, row, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_pk = row.type.pk
        self.auto_id = f"id_doc{row.type.pk}_%s"
        if row.attachable:
            self.fields["attach"].choices = [("", "—")] + [
                (d.pk, f"{d.original_name} ({d.created_at:%d/%m/%Y})") for d in row.attachable
            ]
        else:
            del self.fields["attach"]
        if not row.type.expires:
            del self.fields["expires_on"]
        else:
            self.fields["expires_on"].required = True

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("attach"):
            raise forms.ValidationError(_("Choose the file, or one of the worker's documents."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is rejected"), max_length=300)
