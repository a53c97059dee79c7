import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from thamm.models import TenantOwned, TimeStampedModel, VersionedText
from thamm.occupations import OCCUPATIONS, occupation_label
from thamm.reference import changes_with
from thamm.uploads import DOCUMENT_TYPES, storage_name
from thamm.versions import Version

# Moroccan identity card (Carte d'identité nationale, CIN): one or two letters, then digits.
cin_validator = RegexValidator(
    r"^[A-Z]{1,2}[0-9]{3,6}$",
    _("Enter a CIN as on the card: one or two letters followed by up to six digits."),
)
passport_validator = RegexValidator(
    r"^[A-Z0-9]{6,9}$", _("Enter the passport number: 6 to 9 letters and digits.")
)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed


def new_reference() -> str:
    return "C-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def new_code() -> str:
    """A candidate's code for companies: random, so it tells nothing of the record (not its id,
    nor the centre's reference)."""
    return "W-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Occupation(models.Model):
    """One occupation of the curated ISCO-08 list (rows made by a data migration)."""

    isco_code = models.CharField(_("ISCO-08 code"), max_length=4, unique=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["isco_code"]

    def __str__(self) -> str:
        return f"{occupation_label(self.isco_code)} ({self.isco_code})"

    def clean(self) -> None:
        if self.isco_code not in OCCUPATIONS:
            raise ValidationError({"isco_code": _("This occupation is not in the scheme's list.")})


changes_with(Occupation)  # the list is reference data (candidates.selectors.occupations)


class Candidate(TenantOwned, TimeStampedModel):
    """A worker registered by a training centre: their identity, background and lifecycle stage.

    Owned by one training centre. Stage moves go through `candidates.services` (DESIGN.md §4).
    """

    tenant_path = "training_centre"

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        IN_TRAINING = "in_training", _("In training")
        CERTIFIED = "certified", _("Certified")
        AVAILABLE = "available", _("Available to companies")
        SELECTED = "selected", _("Selected")
        PREDEPARTURE = "predeparture", _("In pre-departure")
        ARRIVED = "arrived", _("Arrived in Italy")
        EMPLOYED = "employed", _("Employed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_CERTIFIED = "not_certified", _("Not certified")

    # The fields a centre keeps up to date, in the order people read them: the form, the file
    # import and the services all follow this list.
    RECORD_FIELDS = [
        "first_name",
        "last_name",
        "first_name_ar",
        "last_name_ar",
        "date_of_birth",
        "sex",
        "cin",
        "passport_number",
        "passport_expiry",
        "phone",
        "email",
        "residence_region",
        "education",
        "years_experience",
        "previous_occupations",
        "preferred_regions",
        "earliest_start",
    ]

    # What each stage means, for the candidate, in plain words.
    STAGE_EXPLANATIONS = {
        Status.REGISTERED: _(
            "Your training centre has registered you. Your courses have not started yet."
        ),
        Status.IN_TRAINING: _(
            "You are following the courses: mechatronics, Italian language and civic orientation."
        ),
        Status.CERTIFIED: _(
            "You have passed your training. Next, agree to show your profile to companies."
        ),
        Status.AVAILABLE: _("Companies in Italy can see your profile and offer you a job."),
        Status.SELECTED: _("A company has chosen you and you have accepted its offer."),
        Status.PREDEPARTURE: _("Your visa and your journey to Italy are being prepared."),
        Status.ARRIVED: _("You have arrived in Italy. Your residence papers are being completed."),
        Status.EMPLOYED: _("You work in Italy. Welcome!"),
        Status.WITHDRAWN: _("You have left the programme."),
        Status.NOT_CERTIFIED: _("Your training ended without the certificate."),
    }

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        SECONDARY = "secondary", _("Secondary school")
        BACCALAUREATE = "baccalaureate", _("Baccalaureate")
        TECHNICIAN = "technician", _("Vocational diploma (technician)")
        SPECIALISED_TECHNICIAN = "specialised", _("Specialised technician diploma")
        BACHELOR = "bachelor", _("Bachelor's degree or higher")

    training_centre = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("training centre"),
        on_delete=models.PROTECT,
        related_name="candidates",
        limit_choices_to={"kind": "training_centre"},
    )
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    # What companies see instead of the name until the candidate agrees to meet them (matching).
    code = models.CharField(
        _("code shown to companies"), max_length=12, unique=True, default=new_code, editable=False
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name_ar = models.CharField(_("first name (Arabic)"), max_length=100, blank=True)
    last_name_ar = models.CharField(_("last name (Arabic)"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nationality = models.CharField(_("nationality"), max_length=2, default="MA")
    cin = models.CharField(
        _("national identity card (CIN)"),
        max_length=8,
        unique=True,
        validators=[cin_validator],
        error_messages={"unique": _("A candidate with this CIN is already registered.")},
    )
    passport_number = models.CharField(
        _("passport number"), max_length=9, blank=True, validators=[passport_validator]
    )
    passport_expiry = models.DateField(_("passport expiry"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, help_text=_("International format"))
    email = models.EmailField(_("e-mail address"), blank=True)
    residence_region = models.CharField(_("region of residence"), max_length=6)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, validators=[MaxValueValidator(50)]
    )
    previous_occupations = models.ManyToManyField(
        Occupation, verbose_name=_("previous occupations"), blank=True, related_name="+"
    )
    preferred_regions = models.JSONField(_("preferred Italian regions"), default=list)
    earliest_start = models.DateField(_("earliest start date"), null=True, blank=True)
    status = models.CharField(
        _("stage"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    status_changed_at = models.DateTimeField(_("stage since"), default=timezone.now)
    # When the training centre certified the candidate (companies sort by it).
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidate",
    )
    profile_shared = models.BooleanField(
        _("profile shown to companies"),
        default=False,
        help_text=_("The candidate's current choice; their consent records keep the history."),
    )
    login_invitation = models.ForeignKey(
        "accounts.Invitation",
        verbose_name=_("login invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["last_name", "first_name", "id"]
        permissions = [
            # Granted to a company's group when the candidate agrees to meet it (matching).
            ("view_identity", _("Can see the candidate's name and contacts")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["passport_number"],
                condition=~models.Q(passport_number=""),
                name="candidates_unique_passport_number",
                violation_error_message=_(
                    "A candidate with this passport number is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(passport_number="") | models.Q(passport_expiry__isnull=False),
                name="candidates_passport_has_expiry",
                violation_error_message=_("Give the passport's expiry date."),
            ),
        ]
        # The candidate list's filters, each followed by its order (last name, first name, id),
        # so that a page is an index range, not a sort (IOM: all, or by stage; a centre: its own,
        # or by stage). The search's indexes: UPPER(reference) and UPPER(cin) here (iexact), and
        # trigram indexes of the names on PostgreSQL (migration 0007).
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="cand_name_order_idx"),
            models.Index(
                fields=["status", "last_name", "first_name", "id"], name="cand_stage_name_idx"
            ),
            models.Index(
                fields=["training_centre", "last_name", "first_name", "id"],
                name="cand_centre_name_idx",
            ),
            models.Index(
                fields=["training_centre", "status", "last_name", "first_name", "id"],
                name="cand_centre_stage_name_idx",
            ),
            models.Index(Upper("reference"), name="cand_reference_upper_idx"),
            models.Index(Upper("cin"), name="cand_cin_upper_idx"),
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["status", "profile_shared"]),
            # What companies browse (available and shown), newest certified first.
            models.Index(
                fields=["status", "profile_shared", "-certified_at", "-id"],
                name="cand_browse_certified_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("candidates:detail", kwargs={"pk": self.pk})

    @property
    def stage_explanation(self) -> str:
        return self.STAGE_EXPLANATIONS[self.status]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name_ar(self) -> str:
        return self.arabic_name(self.first_name_ar, self.last_name_ar)

    @staticmethod
    def arabic_name(first: str, last: str) -> str:
        """The name in Arabic script, as pages show it (blank where none was given)."""
        return f"{first} {last}".strip()

    # The dates as the database holds them, for the rules of clean() that tell a date kept from
    # one newly given (a record only in memory has none).
    STORED_DATES = ("passport_expiry", "earliest_start")

    @classmethod
    def from_db(cls, db, field_names, values):
        candidate = super().from_db(db, field_names, values)
        candidate._note_stored_dates(dict(zip(field_names, values, strict=False)))
        return candidate

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        names = set(self.STORED_DATES if fields is None else fields) & set(self.STORED_DATES)
        names -= self.get_deferred_fields()
        self._note_stored_dates({name: getattr(self, name) for name in names})

    def _note_stored_dates(self, loaded: dict) -> None:
        stored = getattr(self, "_stored_dates", {})
        self._stored_dates = stored | {n: loaded[n] for n in self.STORED_DATES if n in loaded}

    def clean(self) -> None:
        """The record's own rules, and the one place for its date rules: the form, the file
        import and the services all check a record with full_clean(), so none can differ."""
        super().clean()
        errors = {}
        self.cin = (self.cin or "").strip().upper()
        self.passport_number = (self.passport_number or "").strip().upper()
        if self.passport_number and not self.passport_expiry:
            errors["passport_expiry"] = _("Give the passport's expiry date.")
        today = timezone.localdate()
        stored = getattr(self, "_stored_dates", {})
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        # An expired passport is refused whether it is typed now or already on record: the
        # record cannot be saved until it is replaced (or the passport left out).
        if self.passport_expiry and self.passport_expiry < today:
            if stored.get("passport_expiry") == self.passport_expiry:
                errors["passport_expiry"] = _(
                    "The passport on record has expired: enter the new passport's number and "
                    "expiry date, or leave both empty until the candidate has one."
                )
            else:
                errors["passport_expiry"] = _("This passport has expired.")
        # A start date that has passed may stay as it was; a new one cannot be in the past.
        start = self.earliest_start
        if start and start < today and stored.get("earliest_start") != start:
            errors["earliest_start"] = _("The start date cannot be in the past.")
        if errors:
            raise ValidationError(errors)


class PrivacyNotice(VersionedText):
    """A version of the privacy notice candidates accept; a new version asks for a new consent."""

    class Meta(VersionedText.Meta):
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")


changes_with(PrivacyNotice)  # its version in force is reference data


class ConsentRecord(TenantOwned, models.Model):
    """One consent decision of a candidate: append-only, with time and notice version."""

    tenant_path = "candidate__training_centre"

    class Action(models.TextChoices):
        GIVE = "give", _("Consent given")
        WITHDRAW = "withdraw", _("Consent withdrawn")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="consents", verbose_name=_("candidate")
    )
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, verbose_name=_("privacy notice")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    share_with_companies = models.BooleanField(_("profile shown to companies"))
    recorded_at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["candidate", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.action} v{self.notice_id} {self.recorded_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Consent records are append-only.")
        super().save(*args, **kwargs)


def _document_path(instance, filename: str) -> str:
    # A random name in a folder per candidate; never served by URL (views stream it after a check).
    return storage_name(f"documents/{instance.candidate_id}", instance.extension)


class CandidateDocument(TenantOwned, TimeStampedModel):
    """A file in a candidate's folder: passport or CIN copy, diploma, CV."""

    tenant_path = "candidate__training_centre"

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport (copy)")
        CIN = "cin", _("National identity card (copy)")
        DIPLOMA = "diploma", _("Diploma or certificate")
        CV = "cv", _("CV")
        OTHER = "other", _("Other document")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="documents", verbose_name=_("candidate")
    )
    kind = models.CharField(_("document"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("candidate document")
        verbose_name_plural = _("candidate documents")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["candidate", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def extension(self) -> str:
        return DOCUMENT_TYPES.get(self.content_type, "bin")


class CandidateGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian grants on candidates, with a real foreign key (fast joins). The one grant:
    `view_identity`, to the group of a company the candidate agreed to meet."""

    content_object = models.ForeignKey(Candidate, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("candidate grant")
        verbose_name_plural = _("candidate grants")


# The home pages' candidates-by-stage counts are cached (candidates.selectors) under a version that
# every saved or deleted candidate replaces: cache upkeep, not a business rule.
STAGE_COUNTS = Version("candidates:stage-counts")
STAGE_COUNTS.changes_with(Candidate)

# What companies find of a candidate (their record, occupations and results: the matching app's
# rankings) is cached under this version; training.models adds the results.
PROFILES = Version("candidates:profiles")
PROFILES.changes_with(Candidate, m2m=[Candidate.previous_occupations.through])
