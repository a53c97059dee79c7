from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from candidates.forms import DateInput
from candidates.selectors import occupations
from thamm.models import Scheme
from thamm.scheme import current_scheme, destination_region_choices
from training.models import Course
from training.selectors import all_courses

from .selectors import SearchFilters

PAGE_SIZES = (10, 25, 50, 100)


class AutoDirSelect(forms.Select):
    """A select whose options each take their own direction: a Latin vacancy title in an Arabic
    page shows its beginning, not its end."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["dir"] = "auto"
        return option


SORTS = (("score", _("Match score")), ("certified", _("Certification date, newest first")))


class SearchForm(forms.Form):
    """A company's search for candidates: a vacancy to rank them for, and filters."""

    vacancy = forms.ModelChoiceField(
        label=_("Rank for the vacancy"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        widget=AutoDirSelect,
    )
    module = forms.TypedChoiceField(
        label=_("Module passed"), coerce=int, required=False, empty_value=None
    )
    min_score = forms.IntegerField(
        label=_("with a score of at least"),
        required=False,
        validators=[
            MinValueValidator(0, _("Enter a score from 0 to 100.")),
            MaxValueValidator(100, _("Enter a score from 0 to 100.")),
        ],
    )
    italian = forms.ChoiceField(
        label=_("Italian at least"),
        required=False,
        choices=[("", _("Any level"))] + list(Scheme.CEFR.choices),
    )
    occupation = forms.TypedChoiceField(
        label=_("Has worked as"), coerce=int, required=False, empty_value=None
    )
    experience = forms.IntegerField(
        label=_("Years of experience, at least"),
        required=False,
        validators=[
            MinValueValidator(0, _("Enter a number of years from 0 to 50.")),
            MaxValueValidator(50, _("Enter a number of years from 0 to 50.")),
        ],
    )
    region = forms.ChoiceField(label=_("Would like to work in"), required=False)
    available_by = forms.DateField(label=_("Free to start by"), required=False, widget=DateInput())
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)
    show_not_eligible = forms.BooleanField(
        label=_("Also show candidates who miss a required module or the Italian level"),
        required=False,
    )
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        coerce=int,
        required=False,
        empty_value=PAGE_SIZES[0],
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    def __init__(self, *args, vacancies, list_vacancies=True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["vacancy"]
        field.queryset = vacancies  # what the choice is checked against (one row read)
        if list_vacancies:
            # The options from three columns, not from whole vacancies with their company.
            rows = vacancies.values_list("pk", "title", "company__legal_name")
            field.widget.choices = [("", field.empty_label)] + [
                (pk, f"{title} — {company}") for pk, title, company in rows
            ]
        else:  # IOM ranks for any vacancy: it is chosen on the vacancy's own page
            field.widget = forms.HiddenInput()
        technical = [c for c in all_courses() if c.kind == Course.Kind.TECHNICAL]
        self.fields["module"].choices = [("", _("Any"))] + [
            (c.pk, c.display_title) for c in technical
        ]
        self.fields["occupation"].choices = [("", _("Any"))] + [
            (o.pk, str(o)) for o in sorted(occupations().values(), key=lambda o: o.isco_code)
        ]
        self.fields["region"].choices = [("", _("Any region"))] + destination_region_choices(
            current_scheme()
        )

    def clean(self):
        data = super().clean()
        if data.get("min_score") is not None and not data.get("module"):
            self.add_error("module", _("Choose the module the minimum score is for."))
        if data.get("sort") == "score" and not data.get("vacancy"):
            data["sort"] = ""  # no vacancy to score against: by certification
        return data

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            module=data.get("module"),
            min_score=data.get("min_score"),
            italian=data.get("italian") or "",
            occupation=data.get("occupation"),
            experience=data.get("experience"),
            region=data.get("region") or "",
            available_by=data.get("available_by"),
            show_not_eligible=bool(data.get("show_not_eligible")),
        )


class ShortlistForm(forms.Form):
    """A request to meet, from the search page: the vacancy, the candidate's code, a note."""

    vacancy = forms.ModelChoiceField(queryset=None)
    code = forms.CharField(max_length=12)
    note = forms.CharField(
        label=_("Note for your records (the candidate does not see it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, vacancies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = vacancies


class CompanyMoveForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("reject", ""), ("withdraw", "")])
    note = forms.CharField(
        label=_("Note for your records (the candidate does not see it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("agree", ""), ("decline", ""), ("withdraw", "")])


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _time_field(label, required=False):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class InterviewForm(forms.Form):
    """A company's interview proposal; the times are Italian time (the portal's own zone)."""

    time_1 = _time_field(_("First time (Italian time)"), required=True)
    time_2 = _time_field(_("Second time (optional)"))
    time_3 = _time_field(_("Third time (optional)"))
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        initial=45,
        validators=[
            MinValueValidator(15, _("An interview lasts from 15 to 240 minutes.")),
            MaxValueValidator(240, _("An interview lasts from 15 to 240 minutes.")),
        ],
    )
    mode = forms.ChoiceField(
        label=_("How"), choices=[("video", _("Video call")), ("place", _("In person"))]
    )
    video_link = forms.URLField(label=_("Video-call link"), required=False, assume_scheme="https")
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    guidance = forms.CharField(
        label=_("Guidance for the candidate"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the candidate should know or prepare before the interview."),
    )

    def times(self) -> list:
        return [
            self.cleaned_data[f] for f in ("time_1", "time_2", "time_3") if self.cleaned_data[f]
        ]


class RescheduleForm(forms.Form):
    starts_at = _time_field(_("New time (Italian time)"), required=True)


class InterviewNoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)


class ChooseTimeForm(forms.Form):
    slot = forms.IntegerField()


class OfferForm(forms.Form):
    """An offer's terms, starting from the vacancy's (matching.services.offer_terms_from); the
    service refuses any that would be worse for the worker."""

    job_title = forms.CharField(label=_("Job title"), max_length=200)
    gross_monthly_pay = forms.DecimalField(
        label=_("Gross monthly pay (EUR)"), max_digits=8, decimal_places=2
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    contract_months = forms.IntegerField(
        label=_("Length in months (fixed-term contract)"),
        required=False,
        min_value=1,
        max_value=36,
    )
    housing = forms.ChoiceField(label=_("Housing"))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    expires_on = forms.DateField(label=_("The candidate answers by"), widget=DateInput())

    def __init__(self, *args, vacancy, **kwargs):
        super().__init__(*args, **kwargs)
        from companies.models import Vacancy

        self.fields["housing"].choices = Vacancy.Housing.choices
        if vacancy.contract != Vacancy.Contract.FIXED_TERM:
            del self.fields["contract_months"]

    def terms(self) -> dict:
        return {"contract_months": None, **self.cleaned_data}


class OfferWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=500)


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", ""), ("decline", "")])
    terms_hash = forms.CharField(max_length=64, required=False)


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=100)
    notify = forms.BooleanField(
        label=_("Tell me each day of new candidates who match it"), required=False
    )
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class GuidanceFileForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), help_text=_("At most 10 MB."))
