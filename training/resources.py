"""The results file as django-import-export sees it: one row per candidate × module.

Columns: candidate_reference, module_code, score, attendance, date, cefr_level. The resource looks
candidates up among the uploading centre's own only: a reference of another centre is "unknown",
exactly like a reference that does not exist. Everything it needs is loaded once, before the rows,
so the number of queries does not grow with the file.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from candidates.models import Candidate
from candidates.resources import IsoDateWidget
from thamm.models import Scheme

from .models import Course, Enrolment, Result
from .services import result_passed

COLUMNS = ["candidate_reference", "module_code", "score", "attendance", "date", "cefr_level"]
# What a row writes to the result it names.
WRITTEN_FIELDS = ["score", "attendance", "cefr_level", "assessed_on"]
# Which column each model field comes from, to name the column in error messages.
COLUMN_OF = {
    "candidate": "candidate_reference",
    "course": "module_code",
    "score": "score",
    "attendance": "attendance",
    "assessed_on": "date",
    "cefr_level": "cefr_level",
}


class LookupWidget(widgets.Widget):
    def __init__(self, lookup: dict, message: str):
        super().__init__()
        self.lookup, self.message = lookup, message

    def clean(self, value, row=None, **kwargs):
        key = (value or "").strip().upper()
        if not key:
            raise ValueError(_("This field is required."))
        try:
            return self.lookup[key]
        except KeyError:
            raise ValueError(self.message) from None


class PercentWidget(widgets.Widget):
    def __init__(self, *, required: bool):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().replace(",", ".").rstrip("%").strip()
        if not text:
            if self.required:
                raise ValueError(_("This field is required."))
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if not Decimal(0) <= number <= Decimal(100):
            raise ValueError(_("Enter a number from 0 to 100."))
        return number.quantize(Decimal("0.01"))


class AttendanceWidget(PercentWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        # A spreadsheet cell formatted "95%" holds 0.95: refuse the ambiguity rather than import
        # an attendance of 0.95 %.
        if number is not None and Decimal(0) < number <= Decimal(1):
            raise ValueError(_("Write the attendance as a percentage from 0 to 100 (e.g. 95)."))
        return number


class LevelWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        level = str(value or "").strip().upper()
        if level and level not in Scheme.CEFR.values:
            raise ValueError(_("Enter a CEFR level: A1, A2, B1, B2, C1 or C2."))
        return level


class ResultResource(resources.ModelResource):
    candidate = fields.Field(attribute="candidate", column_name="candidate_reference")
    course = fields.Field(attribute="course", column_name="module_code")
    score = fields.Field(
        attribute="score", column_name="score", widget=PercentWidget(required=False)
    )
    attendance = fields.Field(
        attribute="attendance", column_name="attendance", widget=AttendanceWidget(required=True)
    )
    assessed_on = fields.Field(attribute="assessed_on", column_name="date", widget=IsoDateWidget())
    cefr_level = fields.Field(
        attribute="cefr_level", column_name="cefr_level", widget=LevelWidget()
    )

    class Meta:
        model = Result
        fields = ("candidate", "course", "score", "attendance", "assessed_on", "cefr_level")
        import_id_fields = ("candidate", "course")
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        clean_model_instances = True
        report_skipped = True

    def __init__(
        self, *, centre_id: int, scheme: Scheme, line_numbers: list[int], on_progress=None
    ):
        super().__init__()
        self.on_progress = on_progress
        self.done = 0
        self.scheme = scheme
        self.line_numbers = line_numbers  # the file's line of each data row, for messages
        candidates = Candidate.objects.filter(training_centre_id=centre_id).only(
            "id", "reference", "training_centre_id"
        )
        self.candidates = {c.reference.upper(): c for c in candidates}
        # Each candidate's first cohort, for the rule that no result precedes it (Result.clean).
        first = {}
        enrolments = (
            Enrolment.objects.filter(candidate__training_centre_id=centre_id)
            .select_related("cohort")
            .order_by("cohort__starts_on", "cohort_id")
        )
        for enrolment in enrolments:
            first.setdefault(enrolment.candidate_id, enrolment.cohort)
        for candidate in self.candidates.values():
            candidate.preloaded_cohort = first.get(candidate.pk)
        courses = Course.objects.exclude(kind=Course.Kind.EMPLOYER)
        self.courses = {c.code.upper(): c for c in courses}
        self.fields["candidate"].widget = LookupWidget(self.candidates, _("Unknown candidate."))
        self.fields["course"].widget = LookupWidget(self.courses, _("Unknown module code."))
        self.existing = {
            (r.candidate_id, r.course_id): r
            for r in Result.objects.filter(candidate__training_centre_id=centre_id)
        }
        self.seen: dict[tuple[str, str], int] = {}
        self.today = timezone.localdate()

    def before_import_row(self, row, row_number=None, **kwargs):
        key = (
            str(row.get("candidate_reference") or "").strip().upper(),
            str(row.get("module_code") or "").strip().upper(),
        )
        line = self.line_numbers[row_number - 1] if row_number else 0
        if all(key) and key in self.seen:
            raise ValidationError(
                {
                    "course": _("The same candidate and module are already on row %(row)s.")
                    % {"row": self.seen[key]}
                }
            )
        self.seen[key] = line

    def after_import_row(self, row, row_result, **kwargs):
        self.done += 1
        if self.on_progress and self.done % 250 == 0:
            self.on_progress(100 * self.done / max(1, len(self.line_numbers)))

    def get_or_init_instance(self, instance_loader, row):
        try:
            candidate = self.fields["candidate"].clean(row)
            course = self.fields["course"].clean(row)
        except ValueError:
            return Result(), True  # the lookup error is reported when the fields are imported
        existing = self.existing.get((candidate.pk, course.pk))
        if existing is not None:
            return existing, False
        return Result(candidate=candidate, course=course), True

    def import_instance(self, instance, row, **kwargs):
        self._before = (
            (instance.score, instance.attendance, instance.cefr_level, instance.assessed_on)
            if instance.pk
            else None
        )
        super().import_instance(instance, row, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._before is None:
            return False
        now = (instance.score, instance.attendance, instance.cefr_level, instance.assessed_on)
        return now == self._before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Uniqueness is settled without a query per row: within the file by before_import_row,
        # against the database by loading the existing results up front.
        errors = dict(import_validation_errors or {})
        # The candidate and the course come from the lookups loaded up front: checking that they
        # exist again would cost two queries per row.
        exclude = [*errors, "candidate", "course"]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                # A column that could not be read says so once, not also "missing".
                if field not in errors:
                    errors[field] = messages
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        instance.passed = result_passed(
            course=instance.course,
            score=instance.score,
            cefr_level=instance.cefr_level,
            scheme=self.scheme,
        )
        instance.updated_at = timezone.now()
        super().save_instance(instance, is_create, row, **kwargs)

    def get_bulk_update_fields(self):
        return [*WRITTEN_FIELDS, "passed", "updated_at"]
