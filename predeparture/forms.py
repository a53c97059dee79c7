from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case


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
