from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.forms import DateInput
from thamm.models import Scheme

from .models import Cohort, Course
from .selectors import course_catalogue


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course: Course) -> str:
        return f"{course.code} — {course.display_title}"


class ResultForm(forms.Form):
    course = CourseChoiceField(label=_("Course"), queryset=Course.objects.none())
    score = forms.DecimalField(
        label=_("Score (0–100)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    attendance = forms.DecimalField(
        label=_("Attendance (%)"), min_value=0, max_value=100, decimal_places=2
    )
    cefr_level = forms.ChoiceField(
        label=_("Italian level attained"),
        choices=[("", "---------")] + list(Scheme.CEFR.choices),
        required=False,
        help_text=_("For the Italian language course only."),
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_catalogue()


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (CSV or XLSX)"),
        help_text=_("At most 5 MB and 20,000 rows, with the template's columns."),
    )

    def __init__(self, *args, kind: str = "results", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "candidates":
            self.fields["file"].label = _("Candidates file (CSV or XLSX)")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on", "trainers"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class CandidateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, candidate) -> str:
        return f"{candidate.last_name} {candidate.first_name} ({candidate.reference})"


class EnrolForm(forms.Form):
    candidates = CandidateChoiceField(
        label=_("Candidates to enrol"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrollable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = enrollable
