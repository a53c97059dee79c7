from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.models import PROFILES
from thamm.models import Scheme, TenantOwned, TimeStampedModel
from thamm.reference import changes_with

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
CEFR_ORDER = [level for level, _label in Scheme.CEFR.choices]


def cefr_at_least(level: str, required: str) -> bool:
    return bool(level) and CEFR_ORDER.index(level) >= CEFR_ORDER.index(required)


class Course(models.Model):
    """One module of the scheme's catalogue (rows made by a data migration; IOM edits in the admin).

    Technical mechatronics modules, Italian language, civic orientation; and the employers' own
    courses (ethical recruitment, intercultural skills), which candidates do not take.
    """

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("Technical module")
        LANGUAGE = "language", _("Italian language")
        CIVIC = "civic", _("Civic orientation")
        EMPLOYER = "employer", _("Employer course")

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"))
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, validators=PERCENT, default=60
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    is_safety = models.BooleanField(
        _("workplace health and safety"),
        default=False,
        help_text=_("Mandatory for entry as a worker trained in the country of origin."),
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title in the reader's language (see training/catalogue_strings.py)."""
        return gettext(self.title)


changes_with(Course)  # the catalogue is reference data (training.selectors.catalogue_courses)


class Cohort(TenantOwned, TimeStampedModel):
    """A group of candidates trained together at one centre, with its dates and trainers."""

    tenant_path = "training_centre"

    training_centre = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("training centre"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    candidates = models.ManyToManyField(
        "candidates.Candidate", through="Enrolment", related_name="cohorts"
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_centre", "name"], name="training_cohort_name_per_centre"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_cohort_ends_after_start",
                violation_error_message=_("The cohort cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(TenantOwned, TimeStampedModel):
    """A candidate in a cohort of their own centre."""

    tenant_path = "cohort__training_centre"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="enrolments"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "candidate"], name="training_enrol_once")
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} in {self.cohort_id}"

    def clean(self) -> None:
        if self.candidate.training_centre_id != self.cohort.training_centre_id:
            raise ValidationError(_("A cohort only takes candidates of its own centre."))


def first_cohort(candidate) -> Cohort | None:
    """The first cohort the candidate is in, by start date: their training began then (None: in no
    cohort yet). The results import loads it for all its candidates up front (`preloaded_cohort`,
    None included), so that checking a row costs no query."""
    if hasattr(candidate, "preloaded_cohort"):
        return candidate.preloaded_cohort
    return (
        Cohort.objects.filter(enrolments__candidate=candidate).order_by("starts_on", "pk").first()
    )


class Result(TenantOwned, TimeStampedModel):
    """A candidate's assessment in one course: score, attendance, and (Italian) the CEFR level."""

    tenant_path = "candidate__training_centre"

    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="results"
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, validators=PERCENT, null=True, blank=True
    )
    attendance = models.DecimalField(
        _("attendance (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    cefr_level = models.CharField(
        _("Italian level attained"), max_length=2, choices=Scheme.CEFR.choices, blank=True
    )
    assessed_on = models.DateField(_("assessed on"))
    passed = models.BooleanField(_("passed"), default=False, editable=False)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["course__kind", "course__code"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "course"], name="training_one_result")
        ]

    def __str__(self) -> str:
        return f"{self.candidate.reference} {self.course.code}"

    def clean(self) -> None:
        errors = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = _("The assessment date cannot be in the future.")
        # The Ministry's list shows the cohort's start: no result (nor certificate) precedes it.
        cohort = first_cohort(self.candidate) if self.candidate_id else None
        if self.assessed_on and cohort is not None and self.assessed_on < cohort.starts_on:
            errors["assessed_on"] = ValidationError(
                _(
                    "The assessment date cannot be before the cohort “%(cohort)s” starts "
                    "(%(date)s)."
                ),
                params={
                    "cohort": cohort.name,
                    "date": formats.date_format(cohort.starts_on, "SHORT_DATE_FORMAT"),
                },
            )
        if self.course_id and self.course.kind == Course.Kind.LANGUAGE:
            if not self.cefr_level:
                errors["cefr_level"] = _("Give the Italian level attained (A1–C2).")
        elif self.score is None:
            errors["score"] = _("Give the score.")
        if errors:
            raise ValidationError(errors)


def _import_path(instance, filename: str) -> str:
    # Never served by URL: the file is read back by the import only.
    stamp = f"{timezone.now():%Y%m%d%H%M%S}"
    return f"imports/{instance.kind}/{instance.training_centre_id}/{stamp}.upload"


class FileImport(TenantOwned, TimeStampedModel):
    """An uploaded file of results or of candidates: previewed (dry run) first, imported whole on
    confirmation."""

    class Kind(models.TextChoices):
        RESULTS = "results", _("Results")
        CANDIDATES = "candidates", _("Candidates")

    tenant_path = "training_centre"

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        IMPORTING = "importing", _("Being imported")
        FAILED = "failed", _("Could not be processed")
        IMPORTED = "imported", _("Imported")
        REJECTED = "rejected", _("Has errors: nothing imported")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.RESULTS)
    training_centre = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="file_imports"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=_import_path, max_length=200)
    original_name = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    totals = models.JSONField(default=dict)
    rows = models.JSONField(default=list)  # the preview: one entry per row, errors first
    # The stored file is still the upload as sent: a file too large to read in a web request,
    # which the worker reads and replaces with the table it holds (JSON).
    unread = models.BooleanField(default=False)
    # Lines whose record changed between the check and the confirmation: the file was checked
    # again, and the person is asked to confirm the new preview.
    changed_lines = models.JSONField(default=list, blank=True)
    job = models.ForeignKey(
        "thamm.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("file import")
        verbose_name_plural = _("file imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


PROFILES.changes_with(Result)  # what companies find of a candidate includes their results
