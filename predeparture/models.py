from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thamm.models import TenantOwned, TimeStampedModel


class Case(TenantOwned, TimeStampedModel):
    """A hired worker's way from the accepted offer to work in Italy (DESIGN.md §4): opened when
    the offer is accepted; its steps, documents and deadlines come with the pre-departure work."""

    tenant_path = "company__organisation"

    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="cases"
    )
    offer = models.OneToOneField("matching.Offer", on_delete=models.PROTECT, related_name="case")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="cases")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        verbose_name = _("pre-departure case")
        verbose_name_plural = _("pre-departure cases")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["company", "-opened_at"])]

    def __str__(self) -> str:
        return f"case {self.pk} of candidate {self.candidate_id}"
