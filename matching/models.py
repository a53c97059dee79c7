from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thamm.models import TenantOwned, TimeStampedModel


class Application(TenantOwned, TimeStampedModel):
    """A company's interest in one candidate for one of its vacancies, from the request to meet to
    the hire (DESIGN.md §4). Owned by the company; the candidate and their training centre see
    it too (never the company's note). Stage moves go through matching.services."""

    tenant_path = "company__organisation"

    class Stage(models.TextChoices):
        SHORTLISTED = "shortlisted", _("Asked to meet")
        AGREED = "agreed", _("Agreed to meet")
        MEETING_DECLINED = "meeting_declined", _("Declined to meet")
        INTERVIEW_PROPOSED = "interview_proposed", _("Interview proposed")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
        INTERVIEWED = "interviewed", _("Interviewed")
        OFFERED = "offered", _("Offer made")
        ACCEPTED = "accepted", _("Offer accepted")
        DECLINED = "declined", _("Offer declined")
        REJECTED = "rejected", _("Not retained")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Offer expired")

    # Still going somewhere: the rest are ends.
    OPEN_STAGES = (
        Stage.SHORTLISTED,
        Stage.AGREED,
        Stage.INTERVIEW_PROPOSED,
        Stage.INTERVIEW_SCHEDULED,
        Stage.INTERVIEWED,
        Stage.OFFERED,
    )
    # The candidate has agreed to meet the company: it may see who they are.
    DISCLOSED_STAGES = (
        Stage.AGREED,
        Stage.INTERVIEW_PROPOSED,
        Stage.INTERVIEW_SCHEDULED,
        Stage.INTERVIEWED,
        Stage.OFFERED,
        Stage.ACCEPTED,
        Stage.DECLINED,
        Stage.REJECTED,
    )

    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="applications"
    )
    vacancy = models.ForeignKey(
        "companies.Vacancy",
        verbose_name=_("vacancy"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    candidate = models.ForeignKey(
        "candidates.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.SHORTLISTED
    )
    status_changed_at = models.DateTimeField(_("stage since"), default=timezone.now)
    shortlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The company's own notes (why it asked, its decision): never shown to the candidate or
    # their training centre.
    company_note = models.TextField(_("the company's note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "candidate"],
                name="matching_one_application_per_vacancy",
                violation_error_message=_(
                    "This candidate is already on the list for this vacancy."
                ),
            )
        ]
        indexes = [
            # A company's list (by stage), a candidate's own, a centre's candidates'.
            models.Index(
                fields=["company", "status", "-status_changed_at", "-id"],
                name="matching_app_company_idx",
            ),
            models.Index(
                fields=["company", "-status_changed_at", "-id"], name="matching_app_company_new"
            ),
            models.Index(
                fields=["candidate", "-status_changed_at", "-id"], name="matching_app_candidate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} × {self.vacancy_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("matching:application", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STAGES
