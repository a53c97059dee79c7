"""The candidates file as django-import-export sees it: one candidate per row, new or updated.

A row whose CIN is one of the centre's own candidates updates that record; any other CIN makes
a new candidate.

Same rules as a candidate typed into the form: a CIN or passport number registered at another
candidate or repeated in the file is refused; phones are stored in E.164. Regions and
occupations are lists separated by ";" (region codes or names; ISCO-08 codes).
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from thamm.audit import audit
from thamm.scheme import country_region_codes, region_aliases
from thamm.stages import stage_record

from .models import Candidate, Occupation

# The file's columns are the record's fields; occupations are named "occupations" in a file.
COLUMNS = [
    "occupations" if name == "previous_occupations" else name for name in Candidate.RECORD_FIELDS
]
COLUMN_OF = {name: name for name in COLUMNS} | {"previous_occupations": "occupations"}


class ChoiceWidget(widgets.Widget):
    """A value from a fixed list, given by its code or its name (any case)."""

    def __init__(self, choices, message: str, *, required: bool = True):
        super().__init__()
        self.lookup = {}
        for code, name in choices:
            self.lookup[str(code).strip().lower()] = code
            self.lookup[str(name).strip().lower()] = code
        self.message, self.required = message, required

    def clean(self, value, row=None, **kwargs):
        key = str(value or "").strip().lower()
        if not key:
            if self.required:
                raise ValueError(_("This field is required."))
            return ""
        try:
            return self.lookup[key]
        except KeyError:
            raise ValueError(self.message) from None


class ListWidget(widgets.Widget):
    """A ";"-separated list of values from a fixed list."""

    def __init__(self, choice: ChoiceWidget):
        super().__init__()
        self.choice = choice

    def clean(self, value, row=None, **kwargs):
        items = [part for part in str(value or "").split(";") if part.strip()]
        return [self.choice.clean(item) for item in items]


class PhoneWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        try:
            number = phonenumbers.parse(text, "MA")
        except phonenumbers.NumberParseException:
            raise ValueError(_("Enter a valid phone number.")) from None
        if not phonenumbers.is_valid_number(number):
            raise ValueError(_("Enter a valid phone number."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# django-import-export's own widgets raise English messages (its DateWidget's is not even marked
# for translation, and its Arabic catalogue is nearly empty): every widget that can refuse a value
# is the project's, with a message from our catalogues.
class IsoDateWidget(widgets.DateWidget):
    """A date as the template writes it (2026-06-30); a date cell of a spreadsheet too."""

    def __init__(self):
        super().__init__("%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(str(value or "").strip(), row, **kwargs)
        except ValueError:
            raise ValueError(_("Enter a valid date.")) from None


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        if not (text.isdecimal() and len(text) <= 4):
            raise ValueError(_("Enter a whole number."))
        return int(text)


class UpperWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip().upper()


class CandidateResource(resources.ModelResource):
    date_of_birth = fields.Field(
        attribute="date_of_birth",
        column_name="date_of_birth",
        widget=IsoDateWidget(),
    )
    passport_expiry = fields.Field(
        attribute="passport_expiry",
        column_name="passport_expiry",
        widget=IsoDateWidget(),
    )
    earliest_start = fields.Field(
        attribute="earliest_start",
        column_name="earliest_start",
        widget=IsoDateWidget(),
    )
    cin = fields.Field(attribute="cin", column_name="cin", widget=UpperWidget())
    passport_number = fields.Field(
        attribute="passport_number", column_name="passport_number", widget=UpperWidget()
    )
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    years_experience = fields.Field(
        attribute="years_experience", column_name="years_experience", widget=WholeNumberWidget()
    )

    class Meta:
        model = Candidate
        fields = tuple(c for c in COLUMNS if c not in ("occupations",))
        import_id_fields = ("cin",)
        clean_model_instances = True
        skip_diff = True
        report_skipped = True

    def __init__(self, *, centre_id: int, scheme, line_numbers: list[int], by, on_progress=None):
        super().__init__()
        self.centre_id, self.by, self.line_numbers = centre_id, by, line_numbers
        self.on_progress = on_progress
        self.done = 0
        sexes = list(Candidate.Sex.choices) + [("M", "H"), ("F", "Femme"), ("M", "Homme")]
        self.fields["sex"] = fields.Field(
            attribute="sex", column_name="sex", widget=ChoiceWidget(sexes, _("Enter M or F."))
        )
        self.fields["education"] = fields.Field(
            attribute="education",
            column_name="education",
            widget=ChoiceWidget(Candidate.Education.choices, _("Unknown education level.")),
        )
        self.fields["residence_region"] = fields.Field(
            attribute="residence_region",
            column_name="residence_region",
            widget=ChoiceWidget(
                region_aliases(country_region_codes(scheme.origin_country)),
                _("Unknown region of residence."),
            ),
        )
        self.fields["preferred_regions"] = fields.Field(
            attribute="preferred_regions",
            column_name="preferred_regions",
            widget=ListWidget(
                ChoiceWidget(
                    region_aliases(scheme.destination_regions),
                    _("Not one of the scheme's Italian regions."),
                )
            ),
        )
        occupations = Occupation.objects.all()
        self.occupations = {o.isco_code: o for o in occupations}
        self.occupation_widget = ListWidget(
            ChoiceWidget([(code, code) for code in self.occupations], _("Unknown ISCO-08 code."))
        )
        self.seen_cin: dict[str, int] = {}
        self.seen_passport: dict[str, int] = {}
        # The centre's own candidates, by CIN: a row with one of these CINs updates that record.
        own = Candidate.objects.filter(training_centre_id=centre_id).prefetch_related(
            "previous_occupations"
        )
        self.own = {c.cin: c for c in own}

    def before_import_row(self, row, row_number=None, **kwargs):
        line = self.line_numbers[row_number - 1] if row_number else 0
        errors = {}
        cin = str(row.get("cin") or "").strip().upper()
        passport = str(row.get("passport_number") or "").strip().upper()
        if cin and cin in self.seen_cin:
            errors["cin"] = _("This CIN is already on row %(row)s.") % {"row": self.seen_cin[cin]}
        if passport and passport in self.seen_passport:
            errors["passport_number"] = _("This passport number is already on row %(row)s.") % {
                "row": self.seen_passport[passport]
            }
        self.seen_cin.setdefault(cin, line)
        if passport:
            self.seen_passport.setdefault(passport, line)
        if errors:
            raise ValidationError(errors)

    def get_or_init_instance(self, instance_loader, row):
        """The centre's own record with this CIN (an update), else a new one. A CIN registered
        at another centre is reported by the model's uniqueness check, as in the form."""
        existing = self.own.get(str(row.get("cin") or "").strip().upper())
        if existing is not None:
            existing._before = self._snapshot(existing)
            existing._before_codes = sorted(
                o.isco_code for o in existing.previous_occupations.all()
            )
            return existing, False
        return Candidate(training_centre_id=self.centre_id), True

    @staticmethod
    def _snapshot(candidate) -> dict:
        return {name: getattr(candidate, name) for name in CandidateResource.Meta.fields}

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance._occupation_codes = self.occupation_widget.clean(row.get("occupations"))
        except ValueError as exc:
            errors["previous_occupations"] = [str(exc)]
        if not instance.preferred_regions and "preferred_regions" not in errors:
            errors["preferred_regions"] = [_("This field is required.")]
        # The form's rules (candidates.forms.CandidateForm): a date in the past is refused when
        # it is new, not when an update leaves it as it was.
        today = timezone.localdate()
        before = getattr(instance, "_before", {})
        expiry, start = instance.passport_expiry, instance.earliest_start
        if expiry and expiry < today and before.get("passport_expiry") != expiry:
            errors.setdefault("passport_expiry", [_("This passport has expired.")])
        if start and start < today and before.get("earliest_start") != start:
            errors.setdefault("earliest_start", [_("The start date cannot be in the past.")])
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create or kwargs.get("dry_run"):
            return super().save_instance(instance, is_create, row, **kwargs)
        # An update writes only the file's columns: a stage or consent change made since the
        # file was read is never overwritten.
        self.before_save_instance(instance, row, **kwargs)
        instance.save(update_fields=[*self.Meta.fields, "updated_at"])
        self.after_save_instance(instance, row, **kwargs)
        return None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An update that changes nothing is reported as unchanged and not written."""
        if import_validation_errors or not hasattr(instance, "_before"):
            return False
        codes = sorted(getattr(instance, "_occupation_codes", []))
        return self._snapshot(instance) == instance._before and codes == instance._before_codes

    def save_m2m(self, instance, row, **kwargs):
        codes = getattr(instance, "_occupation_codes", [])
        instance.previous_occupations.set([self.occupations[c] for c in codes])

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        if hasattr(instance, "_before"):
            changed = sorted(
                name
                for name, value in self._snapshot(instance).items()
                if instance._before.get(name) != value
            )
            audit(
                actor=self.by,
                action="candidate.update",
                target=instance,
                detail={"fields": changed, "by_file": True},
            )
            return
        stage_record(obj=instance, from_stage="", to_stage=instance.status, by=self.by)
        audit(actor=self.by, action="candidate.create", target=instance, detail={"by_file": True})

    def after_import_row(self, row, row_result, **kwargs):
        self.done += 1
        if self.on_progress and self.done % 50 == 0:
            self.on_progress(100 * self.done / max(1, len(self.line_numbers)))
