"""The candidates file as django-import-export sees it: one candidate per row, new or updated.

A row whose CIN is one of the centre's own candidates updates that record; any other CIN makes
a new candidate.

Same rules as a candidate typed into the form, and saved the same way (candidate_create and
candidate_update): a CIN or passport number registered at another candidate or repeated in the
file is refused; the dates follow the model's rules (an expired passport is refused, on record
too); phones are stored in E.164. Regions and occupations are lists separated by ";" (region
codes or names; ISCO-08 codes).
"""

import copy

import phonenumbers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from accounts.models import Organisation
from thamm.exceptions import DomainError
from thamm.scheme import country_region_codes, region_aliases

from .models import Candidate, Occupation
from .services import (
    candidate_create,
    candidate_update,
    candidate_update_check,
    candidates_for_file,
)

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
        self.centre, self.dry_run = None, True
        self.own: dict[str, Candidate] = {}

    def import_data(self, dataset, dry_run=False, **kwargs):
        self.dry_run = dry_run
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset, **kwargs):
        """In the import's transaction: the centre, and its own candidates by CIN (locked as
        `candidate_update` locks one, unless for a preview); a row with one of these CINs
        updates that record."""
        self.centre = Organisation.objects.get(pk=self.centre_id)
        own = candidates_for_file(centre_id=self.centre_id, lock=not self.dry_run)
        self.own = {c.cin: c for c in own.prefetch_related("previous_occupations")}

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
        """A copy of the centre's own record with this CIN (an update), else a new one. The
        file's values go on the copy: the record itself stays as locked, for `candidate_update`
        to compare and write. A CIN registered at another centre is reported by the model's
        uniqueness check, as in the form."""
        existing = self.own.get(str(row.get("cin") or "").strip().upper())
        if existing is not None:
            instance = copy.copy(existing)
            instance._record = existing
            instance._before = self._snapshot(existing)
            instance._before_codes = sorted(
                o.isco_code for o in existing.previous_occupations.all()
            )
            return instance, False
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
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An update that changes nothing is reported as unchanged and not written, unless the
        record as it stands breaks a rule (a passport that has expired since): as on the form,
        that is an error to fix."""
        if import_validation_errors or not hasattr(instance, "_before"):
            return False
        codes = sorted(getattr(instance, "_occupation_codes", []))
        if self._snapshot(instance) != instance._before or codes != instance._before_codes:
            return False
        try:
            instance.clean()
        except ValidationError:
            return False
        return True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A row a column already refused is checked whole here, so that it names every problem
        at once. Any other row is checked by the service that saves it (the model's full_clean:
        the form's rules, dates included), not twice."""
        if import_validation_errors:
            super().validate_instance(instance, import_validation_errors, validate_unique)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Through the services, as a record typed into the form: an update writes only the
        file's columns on the locked record, a new one gets its first stage; each is audited. A
        preview refuses what the import would: a new record is saved in its rolled-back
        transaction, an update is judged by the same rules without being written."""
        data = {name: getattr(instance, name) for name in self.Meta.fields}
        occupations = [self.occupations[code] for code in instance._occupation_codes]
        try:
            if is_create:
                saved = candidate_create(
                    centre=self.centre, data=data, occupations=occupations, by=self.by, by_file=True
                )
            elif self.dry_run:
                # Judged, not written: an UPDATE would lock the record until the whole file is
                # checked (minutes, for a large one in the worker), holding up a consent or an
                # edit of it meanwhile.
                saved = candidate_update_check(candidate=instance._record, data=data, by=self.by)
            else:
                saved = candidate_update(
                    candidate=instance._record,
                    data=data,
                    occupations=occupations,
                    by=self.by,
                    locked=True,
                    by_file=True,
                )
        except DomainError as exc:
            raise ValidationError({NON_FIELD_ERRORS: [exc.message]}) from exc
        instance.pk, instance.reference = saved.pk, saved.reference

    def save_m2m(self, instance, row, **kwargs):
        """The occupations are saved by the service, with the record."""

    def after_import_row(self, row, row_result, **kwargs):
        self.done += 1
        if self.on_progress and self.done % 50 == 0:
            self.on_progress(100 * self.done / max(1, len(self.line_numbers)))
