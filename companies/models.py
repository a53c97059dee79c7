from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.it import iva

from thamm.models import TenantOwned, TimeStampedModel
from thamm.scheme import province_region


def validate_partita_iva(value: str) -> None:
    # Partita IVA: the Italian VAT number, 11 digits with a check digit.
    if not iva.is_valid(value):
        raise ValidationError(_("Enter a valid Partita IVA (11 digits)."))


class Company(TenantOwned, TimeStampedModel):
    """An Italian company taking part in the scheme: the profile of a company organisation."""

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
        error_messages={"unique": _("A company with this Partita IVA is already registered.")},
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name

    def get_absolute_url(self) -> str:
        return reverse("companies:units", kwargs={"pk": self.pk})


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
    return base + luhn.calc_check_digit(base)
