from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thamm.models import TenantOwned, TimeStampedModel
from thamm.uploads import DOCUMENT_TYPES, storage_name


class Case(TenantOwned, TimeStampedModel):
    """A hired worker's way from the accepted offer to work in Italy (DESIGN.md §4, art. 23
    D.Lgs. 286/1998): opened when the offer is accepted, with its steps (`Step`) in the law's
    order; it ends when the worker is employed, or closes early with a reason."""

    tenant_path = "company__organisation"

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EMPLOYED = "employed", _("Completed: employed")
        CLOSED = "closed", _("Closed early")

    class CloseReason(models.TextChoices):
        VISA_REFUSED = "visa_refused", _("Visa refused")
        OFFER_WITHDRAWN = "offer_withdrawn", _("Offer withdrawn")
        WORKER_WITHDREW = "worker_withdrew", _("The worker withdrew")
        EMPLOYER_WITHDREW = "employer_withdrew", _("The employer withdrew")

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="cases"
    )
    offer = models.OneToOneField("matching.Offer", on_delete=models.PROTECT, related_name="case")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="cases")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    close_reason = models.CharField(
        _("why closed"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("closing note"), max_length=1000, blank=True)
    # What the deadlines are computed from, besides the steps' dates.
    visa_valid_from = models.DateField(_("visa valid from"), null=True, blank=True)
    visa_valid_until = models.DateField(_("visa valid until"), null=True, blank=True)
    expected_arrival_on = models.DateField(_("expected arrival"), null=True, blank=True)
    # The nearest deadline not yet met (kept by the services): home pages sort on it.
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True)
    # Set when the worker paid something (a cost paid by them, or an attestation answered
    # "no"): the case and its company are flagged for IOM.
    fee_flagged_at = models.DateTimeField(_("employer-pays flag"), null=True, blank=True)

    class Meta:
        verbose_name = _("pre-departure case")
        verbose_name_plural = _("pre-departure cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-opened_at"]),
            models.Index(fields=["status", "-opened_at", "-id"], name="predep_case_status"),
            models.Index(fields=["next_due_on", "opened_at", "id"], name="predep_case_due"),
            models.Index(
                fields=["-fee_flagged_at"],
                condition=models.Q(fee_flagged_at__isnull=False),
                name="predep_case_fee_flag",
            ),
            models.Index(fields=["candidate", "-opened_at"], name="predep_case_candidate"),
        ]

    def __str__(self) -> str:
        return f"case {self.pk} of candidate {self.candidate_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("predeparture:case", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Step(TenantOwned, TimeStampedModel):
    """One step of a case (predeparture.rules.STEPS says their order, who is responsible and
    what each records). Created with the case; done with its date, reference number and who
    recorded it; done before an earlier step only where the law allows, with the reason kept."""

    tenant_path = "case__company__organisation"

    class Kind(models.TextChoices):
        LISTED = "listed", _("Training completed; listed on the Ministry of Labour's list (SILEN)")
        ACCEPTED = "accepted", _("Offer accepted, terms acknowledged")
        NULLA_OSTA_REQUESTED = "nulla_osta_requested", _("Nulla osta requested (ALI portal)")
        NULLA_OSTA_ISSUED = "nulla_osta_issued", _("Nulla osta issued")
        VISA_APPLIED = "visa_applied", _("Visa appointment and application at the consulate")
        VISA_ISSUED = "visa_issued", _("Work visa (type D) issued")
        ORIENTATION = "orientation", _("Pre-departure orientation attended; travel booked")
        ARRIVED = "arrived", _("Departed and arrived in Italy")
        CONTRACT_SIGNED = (
            "contract_signed",
            _("Contratto di soggiorno signed; permesso di soggiorno requested"),
        )
        REGISTERED = (
            "registered",
            _("Hiring notified; codice fiscale, residence and health service; permit collected"),
        )
        EMPLOYED = "employed", _("Employed")

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        DONE = "done", _("Done")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    responsible = models.CharField(_("responsible"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    done_on = models.DateField(_("date"), null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=60, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exception_reason = models.CharField(
        _("why done before an earlier step"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="predep_one_step_per_kind"),
        ]
        indexes = [
            # Open steps of open cases by party: the home pages' "what is yours to do".
            models.Index(
                fields=["responsible", "case"],
                condition=models.Q(status="pending"),
                name="predep_step_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of case {self.case_id} ({self.status})"


class Reminder(TenantOwned, models.Model):
    """A reminder sent: one per case, deadline, person and threshold (7 or 2 days before, or
    overdue), so that running the daily task again sends nothing twice."""

    tenant_path = "case__company__organisation"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField(max_length=24)
    due_on = models.DateField()
    threshold = models.CharField(max_length=8)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline", "due_on", "threshold", "user"],
                name="predep_reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline} {self.threshold} for {self.user_id}"


class Airport(models.TextChoices):
    """The airports a worker leaves from and lands at (names as the airports write them)."""

    CMN = "CMN", "CMN — Casablanca Mohammed V"
    RAK = "RAK", "RAK — Marrakech Menara"
    TNG = "TNG", "TNG — Tanger Ibn Battouta"
    FEZ = "FEZ", "FEZ — Fès-Saïss"
    RBA = "RBA", "RBA — Rabat-Salé"
    AGA = "AGA", "AGA — Agadir Al Massira"
    OUD = "OUD", "OUD — Oujda Angads"
    NDR = "NDR", "NDR — Nador Al Aroui"
    MXP = "MXP", "MXP — Milano Malpensa"
    LIN = "LIN", "LIN — Milano Linate"
    BGY = "BGY", "BGY — Bergamo Orio al Serio"
    BLQ = "BLQ", "BLQ — Bologna Guglielmo Marconi"
    VCE = "VCE", "VCE — Venezia Marco Polo"
    TSF = "TSF", "TSF — Treviso Canova"
    VRN = "VRN", "VRN — Verona Villafranca"
    TRN = "TRN", "TRN — Torino Caselle"
    FCO = "FCO", "FCO — Roma Fiumicino"


MOROCCAN_AIRPORTS = ["CMN", "RAK", "TNG", "FEZ", "RBA", "AGA", "OUD", "NDR"]
ITALIAN_AIRPORTS = ["MXP", "LIN", "BGY", "BLQ", "VCE", "TSF", "VRN", "TRN", "FCO"]

flight_number_validator = RegexValidator(
    r"^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$",
    _("Enter the flight number as on the ticket: the airline's two characters and 1 to 4 digits."),
)


class Travel(TenantOwned, TimeStampedModel):
    """The worker's flight to Italy: the times are kept in UTC and shown in each reader's zone
    (Morocco for the worker and their centre, Italy for the others)."""

    tenant_path = "case__company__organisation"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="travel")
    departure_airport = models.CharField(
        _("departure airport"),
        max_length=3,
        choices=[(c, Airport(c).label) for c in MOROCCAN_AIRPORTS],
    )
    arrival_airport = models.CharField(
        _("arrival airport"),
        max_length=3,
        choices=[(c, Airport(c).label) for c in ITALIAN_AIRPORTS],
    )
    flight_number = models.CharField(
        _("flight number"), max_length=8, validators=[flight_number_validator]
    )
    departs_at = models.DateTimeField(_("departure"))
    arrives_at = models.DateTimeField(_("arrival"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("travel")
        verbose_name_plural = _("travels")

    def __str__(self) -> str:
        return f"{self.flight_number} {self.departure_airport}-{self.arrival_airport}"


class PassportHandover(TenantOwned, TimeStampedModel):
    """The worker keeps their passport: each time it is handed over (for the visa, say), to
    whom and when, and when it came back. IOM sees those not back within ten days."""

    tenant_path = "case__company__organisation"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    handed_to = models.CharField(_("handed to"), max_length=200)
    handed_on = models.DateField(_("handed over on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("passport handover")
        verbose_name_plural = _("passport handovers")
        ordering = ["-handed_on", "-id"]
        indexes = [
            models.Index(
                fields=["handed_on"],
                condition=models.Q(returned_on__isnull=True),
                name="predep_passport_out",
            )
        ]

    def __str__(self) -> str:
        return f"passport of case {self.case_id} to {self.handed_to}"


class Cost(TenantOwned, TimeStampedModel):
    """A cost of the worker's way to Italy, and who paid it: the employer pays (DESIGN.md §6);
    one the worker paid flags the case for IOM."""

    tenant_path = "case__company__organisation"

    class Kind(models.TextChoices):
        VISA_FEE = "visa_fee", _("Visa fee")
        TRAVEL = "travel", _("Travel")
        MEDICAL = "medical", _("Medical check")
        TRANSLATIONS = "translations", _("Translations")
        CERTIFICATES = "certificates", _("Certificates")
        DEPOSIT = "deposit", _("Accommodation deposit")
        OTHER = "other", _("Other")

    class Payer(models.TextChoices):
        EMPLOYER = "employer", _("The employer")
        SCHEME = "scheme", _("The scheme")
        WORKER = "worker", _("The worker")

    class Currency(models.TextChoices):
        EUR = "EUR", "EUR"
        MAD = "MAD", "MAD"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(_("cost"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    paid_on = models.DateField(_("paid on"))
    paid_by = models.CharField(_("paid by"), max_length=8, choices=Payer.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} by {self.paid_by}"


class FeeAttestation(TenantOwned, TimeStampedModel):
    """The worker's own word that they paid nothing, at each of three moments, as they read it
    in their language (the text is kept)."""

    tenant_path = "case__company__organisation"

    class Moment(models.TextChoices):
        ACCEPTANCE = "acceptance", _("At the acceptance")
        BEFORE_DEPARTURE = "before_departure", _("Before departure")
        AFTER_ARRIVAL = "after_arrival", _("After arrival")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="fee_attestations")
    moment = models.CharField(_("when"), max_length=16, choices=Moment.choices)
    paid_nothing = models.BooleanField(_("paid nothing"))
    note = models.TextField(_("what was paid, and to whom"), max_length=1000, blank=True)
    statement = models.TextField(_("the statement read"))
    language = models.CharField(max_length=8)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("no-fee attestation")
        verbose_name_plural = _("no-fee attestations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "moment"], name="predep_one_attestation")
        ]

    def __str__(self) -> str:
        return f"{self.moment}: {'nothing' if self.paid_nothing else 'paid'}"


class PassportCheck(TenantOwned, models.Model):
    """A check of the passport's machine-readable zone against the worker's record: the two
    lines as typed, whether their check digits hold, and the fields that differ."""

    tenant_path = "case__company__organisation"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="passport_checks")
    lines = models.CharField(_("machine-readable zone"), max_length=100)
    digits_valid = models.BooleanField(_("check digits hold"))
    mismatches = models.JSONField(_("fields that differ"), default=list)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("passport check")
        verbose_name_plural = _("passport checks")
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["case", "-checked_at"], name="predep_passport_check")]

    def __str__(self) -> str:
        return f"passport check of case {self.case_id}"

    @property
    def matches(self) -> bool:
        return self.digits_valid and not self.mismatches


class DocumentType(models.Model):
    """A document a case needs (reference data, from a data migration, edited in the admin):
    its names in the four languages, the step that needs it, the party who uploads it and the
    one who verifies it, whether it expires, and the kind of the candidate's own documents that
    may be attached instead of uploading it again."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    names = models.JSONField(_("names"), help_text=_("By language: it, fr, ar, en."))
    step = models.CharField(_("step"), max_length=24, choices=Step.Kind.choices)
    uploaded_by = models.CharField(_("uploaded by"), max_length=16)
    verified_by = models.CharField(_("verified by"), max_length=16)
    expires = models.BooleanField(_("has an expiry date"), default=False)
    candidate_kind = models.CharField(
        _("the candidate's own documents of this kind may be attached"), max_length=10, blank=True
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "en")[:2]
        return self.names.get(language) or self.names.get("en") or self.code


def _case_document_path(instance, filename: str) -> str:
    # A random name in a folder per case; never served by URL (a view streams it after a check).
    return storage_name(
        f"cases/{instance.case_id}", DOCUMENT_TYPES.get(instance.content_type, "bin")
    )


class CaseDocument(TenantOwned, TimeStampedModel):
    """A case's document of one type: uploaded (or the worker's own document attached), then
    verified or rejected with a reason; expired once its expiry date has passed. A new upload
    replaces a rejected or expired one."""

    tenant_path = "case__company__organisation"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("To verify")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    file = models.FileField(upload_to=_case_document_path, max_length=200, blank=True)
    attached = models.ForeignKey(
        "candidates.CandidateDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("the worker's own document"),
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    reject_reason = models.CharField(_("why rejected"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [
            models.UniqueConstraint(fields=["case", "type"], name="predep_one_document_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.type_id} of case {self.case_id} ({self.status})"

    def expired(self, today) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @property
    def stored(self):
        """The stored file: this document's own, or the worker's document it attaches."""
        return self.attached.file if self.attached_id else self.file


def _dossier_path(instance, filename: str) -> str:
    return storage_name(f"dossiers/{instance.case_id}", filename.rsplit(".", 1)[-1])


class Dossier(TenantOwned, TimeStampedModel):
    """The case's visa dossier: one PDF (a cover and checklist, then every verified document,
    with a bookmark each) and a ZIP of the originals with a manifest, made by a background job;
    made again, it replaces the previous files."""

    tenant_path = "case__company__organisation"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="dossier")
    job = models.ForeignKey(
        "thamm.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(upload_to=_dossier_path, max_length=200, blank=True)
    archive = models.FileField(upload_to=_dossier_path, max_length=200, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    documents = models.PositiveSmallIntegerField(_("documents"), default=0)
    made_at = models.DateTimeField(_("made"), null=True, blank=True)

    class Meta:
        verbose_name = _("visa dossier")
        verbose_name_plural = _("visa dossiers")

    def __str__(self) -> str:
        return f"dossier of case {self.case_id}"
