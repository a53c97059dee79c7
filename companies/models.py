from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from thamm.models import Scheme, TenantOwned, TimeStampedModel, VersionedText
from thamm.reference import changes_with
from thamm.scheme import italian_provinces, province_region

# Said at sign-up, whichever check finds it (form, service, database).
PARTITA_IVA_TAKEN = _(
    "A company with this Partita IVA is already registered. If it is yours, contact IOM."
)
NAME_TAKEN = _("A company with this name is already registered. If it is yours, contact IOM.")


def validate_partita_iva(value: str) -> None:
    # Partita IVA: the Italian VAT number, 11 digits with a check digit.
    if not iva.is_valid(value):
        raise ValidationError(_("Enter a valid Partita IVA (11 digits)."))


def validate_codice_fiscale(value: str) -> None:
    # A company's codice fiscale: 11 digits (usually its Partita IVA) or, for a sole trader,
    # the owner's 16-character personal code.
    if not codicefiscale.is_valid(value):
        raise ValidationError(
            _("Enter a valid codice fiscale (11 digits, or 16 characters for a sole trader).")
        )


# ATECO 2007/2025 codes: a division, then up to two more levels ("25", "25.62", "25.62.00").
validate_ateco = RegexValidator(
    r"^\d{2}(\.\d{1,2}){0,2}$", _("Enter an ATECO code such as 28.41 or 25.62.00.")
)


class RegionalBody(models.Model):
    """A regional body through which companies express interest in the scheme (e.g. Unioncamere
    Lombardia, Veneto Lavoro): data of the scheme, one or more per destination region."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="regional_bodies")
    region = models.CharField(_("region"), max_length=6)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("regional body")
        verbose_name_plural = _("regional bodies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="companies_body_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


def province_choices() -> list[tuple[str, str]]:
    """Every Italian province, as its code (pycountry's, e.g. IT-MO) and "Modena (MO)"."""
    return [
        (code, f"{name} ({code.removeprefix('IT-')})") for code, name, _r in italian_provinces()
    ]


class ChamberProvince(models.Model):
    """A province in the area of a chamber of commerce (its circoscrizione): data IOM keeps in the
    admin, loaded for Lombardia, Emilia-Romagna and Veneto. A province belongs to one chamber; a
    company's units say which chamber to suggest to it."""

    chamber = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("chamber of commerce"),
        on_delete=models.CASCADE,
        related_name="provinces",
        limit_choices_to={"kind": "chamber"},
    )
    province = models.CharField(
        _("province"),
        max_length=6,
        unique=True,
        choices=province_choices,
        error_messages={"unique": _("This province is already in another chamber's area.")},
    )

    class Meta:
        verbose_name = _("province of a chamber of commerce")
        verbose_name_plural = _("provinces of the chambers of commerce")
        ordering = ["province"]

    def __str__(self) -> str:
        return f"{self.get_province_display()} — {self.chamber}"

    def clean(self) -> None:
        if self.chamber_id and self.chamber.kind != "chamber":
            raise ValidationError({"chamber": _("Choose a chamber of commerce.")})


class Company(TenantOwned, TimeStampedModel):
    """An Italian company taking part in the scheme: the profile of a company organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    class Size(models.TextChoices):
        MICRO = "micro", _("Fewer than 10 employees")
        SMALL = "small", _("10 to 49 employees")
        MEDIUM = "medium", _("50 to 249 employees")
        LARGE = "large", _("250 employees or more")

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="company"
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    partita_iva = models.CharField(
        _("Partita IVA"),
        max_length=11,
        unique=True,
        validators=[validate_partita_iva],
        error_messages={"unique": PARTITA_IVA_TAKEN},
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, blank=True, validators=[validate_codice_fiscale]
    )
    ateco_code = models.CharField(
        _("ATECO code"), max_length=8, blank=True, validators=[validate_ateco]
    )
    pec = models.EmailField(
        _("PEC address"), blank=True, help_text=_("The company's certified e-mail (PEC).")
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=30, blank=True)
    chamber = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("chamber of commerce"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_companies",
        limit_choices_to={"kind": "chamber"},
        help_text=_("The chamber of commerce that helps the company with its paperwork."),
    )
    # Verification: pending → verified → suspended (with a reason) → verified again.
    status = models.CharField(
        _("verification"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("verification changed"), null=True, blank=True)
    # Expression of interest in the scheme, made through a regional body.
    interest_body = models.ForeignKey(
        RegionalBody,
        verbose_name=_("expression of interest through"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    interest_date = models.DateField(_("expression of interest on"), null=True, blank=True)
    interest_reference = models.CharField(_("reference"), max_length=100, blank=True)
    # Who created the company by signing up on the portal (None: made by IOM in the admin). Only
    # such sign-ups are removed when their address is never confirmed.
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["status", "legal_name"])]

    def __str__(self) -> str:
        return self.legal_name

    def get_absolute_url(self) -> str:
        return reverse("companies:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.organisation_id and self.organisation.kind != "company":
            raise ValidationError({"organisation": _("Choose an organisation of kind company.")})

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class ProductionUnit(TenantOwned, TimeStampedModel):
    """A site where the company produces; its province decides the region, and so eligibility."""

    tenant_path = "company__organisation"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="units")
    address = models.CharField(_("address"), max_length=200)
    comune = models.CharField(_("comune"), max_length=100)  # the municipality
    province = models.CharField(_("province"), max_length=6)
    region = models.CharField(_("region"), max_length=6, editable=False, db_index=True)

    class Meta:
        verbose_name = _("production unit")
        verbose_name_plural = _("production units")
        ordering = ["comune", "address"]

    def __str__(self) -> str:
        return f"{self.address}, {self.comune} ({self.province.removeprefix('IT-')})"

    def clean(self) -> None:
        region = province_region(self.province)
        if region is None:
            raise ValidationError({"province": _("Choose an Italian province.")})
        self.region = region


def make_partita_iva(serial: int, office: str = "016") -> str:
    """A valid Partita IVA for demo and test data (serial + tax office code + Luhn check digit)."""
    from stdnum import luhn

    base = f"{serial:07d}{office}"
    number = base + luhn.calc_check_digit(base)
    if not iva.is_valid(number):  # e.g. a tax office code that does not exist
        raise ValueError(f"{number} is not a valid Partita IVA (office {office})")
    return number


class EmployerPaysStatement(VersionedText):
    """A version of the employer-pays statement companies sign (DESIGN.md §6): no recruitment fee
    or cost is charged to workers. A new version asks every company for a new signature."""

    fallback_language = "it"

    class Meta(VersionedText.Meta):
        verbose_name = _("employer-pays statement")
        verbose_name_plural = _("employer-pays statements")


changes_with(EmployerPaysStatement)  # its version in force is reference data


class Attestation(TenantOwned, models.Model):
    """A company admin's signature of one version of the employer-pays statement: who, when."""

    tenant_path = "company__organisation"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="attestations")
    statement = models.ForeignKey(
        EmployerPaysStatement, on_delete=models.PROTECT, verbose_name=_("statement")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer-pays attestation")
        verbose_name_plural = _("employer-pays attestations")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "statement"], name="companies_attestation_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} — v{self.statement.version}"


# A vacancy's gross monthly pay, in euros: bounds that catch typing mistakes (a missing or extra
# digit), not the CCNL's own minimums.
PAY_BOUNDS = (Decimal("800"), Decimal("15000"))


class Vacancy(TenantOwned, TimeStampedModel):
    """A job a company offers at one of its production units: draft → published → filled or
    closed. Only a verified company with an eligible unit publishes."""

    tenant_path = "company__organisation"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    class Contract(models.TextChoices):
        PERMANENT = "permanent", _("Permanent")
        FIXED_TERM = "fixed_term", _("Fixed-term")

    class Housing(models.TextChoices):
        PROVIDED = "provided", _("Housing provided")
        HELP = "help", _("Help to find housing")
        NONE = "none", _("No housing")

    MIN_PAY, MAX_PAY = PAY_BOUNDS

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="vacancies")
    unit = models.ForeignKey(
        ProductionUnit,
        verbose_name=_("production unit"),
        on_delete=models.PROTECT,
        related_name="vacancies",
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        "candidates.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    positions = models.PositiveSmallIntegerField(
        _("positions"),
        validators=[
            MinValueValidator(1, _("A vacancy has at least one position.")),
            MaxValueValidator(100, _("Enter at most 100 positions per vacancy.")),
        ],
    )
    required_modules = models.ManyToManyField(
        "training.Course",
        verbose_name=_("required technical modules"),
        blank=True,
        limit_choices_to={"kind": "technical"},
        related_name="+",
    )
    min_italian_level = models.CharField(
        _("minimum Italian level"), max_length=2, choices=Scheme.CEFR.choices
    )
    contract = models.CharField(_("contract"), max_length=12, choices=Contract.choices)
    contract_months = models.PositiveSmallIntegerField(
        _("length in months"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, _("A fixed-term contract lasts at least one month.")),
            MaxValueValidator(36, _("A fixed-term contract lasts at most 36 months.")),
        ],
    )
    ccnl = models.CharField(
        _("CCNL"),
        max_length=120,
        help_text=_("The national collective agreement, e.g. metalmeccanica industria."),
    )
    ccnl_level = models.CharField(_("CCNL level"), max_length=30)
    gross_monthly_pay = models.DecimalField(
        _("gross monthly pay (EUR)"),
        max_digits=8,
        decimal_places=2,
        validators=[
            MinValueValidator(
                MIN_PAY, _("Enter a gross monthly pay of at least %(limit_value)s euros.")
            ),
            MaxValueValidator(
                MAX_PAY, _("Enter a gross monthly pay of at most %(limit_value)s euros.")
            ),
        ],
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        validators=[
            MinValueValidator(8, _("Enter at least 8 hours per week.")),
            MaxValueValidator(48, _("Enter at most 48 hours per week.")),
        ],
    )
    start_date = models.DateField(_("start date"))
    housing = models.CharField(_("housing"), max_length=10, choices=Housing.choices)
    description_it = models.TextField(_("description (Italian)"))
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["status", "start_date"]),
            # A company's vacancy list, newest first.
            models.Index(
                fields=["company", "-created_at", "-id"], name="companies_vacancy_company_new"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(positions__gte=1), name="companies_vacancy_positions_min_1"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    gross_monthly_pay__gte=PAY_BOUNDS[0], gross_monthly_pay__lte=PAY_BOUNDS[1]
                ),
                name="companies_vacancy_pay_bounds",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(contract="permanent", contract_months__isnull=True)
                    | models.Q(contract="fixed_term", contract_months__isnull=False)
                ),
                name="companies_vacancy_months_iff_fixed_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("companies:vacancy_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """Still changeable: a filled or closed vacancy stays as it was."""
        return self.status in (self.Status.DRAFT, self.Status.PUBLISHED)

    def clean(self) -> None:
        if self.contract == self.Contract.FIXED_TERM and not self.contract_months:
            raise ValidationError(
                {"contract_months": _("Give the length of a fixed-term contract in months.")}
            )
        if self.contract == self.Contract.PERMANENT:
            self.contract_months = None
        if self.unit_id and self.company_id and self.unit.company_id != self.company_id:
            raise ValidationError({"unit": _("Choose one of the company's production units.")})

    def description(self, language: str) -> str:
        return getattr(self, f"description_{language}", "") or self.description_it
