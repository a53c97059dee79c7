import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, OrganisationUserObjectPermission
from companies.models import Company, ProductionUnit, Vacancy
from thamm.models import TenantOwned, TimeStampedModel
from thamm.uploads import DOCUMENT_TYPES, storage_name
from thamm.versions import Version


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


def _uid() -> str:
    return f"{uuid.uuid4()}@thamm-portal"


class Interview(TenantOwned, TimeStampedModel):
    """One round of interview times a company proposes for an application: the candidate picks
    one (or asks for others); the company may move or cancel it and records how it went.

    Times are stored in UTC; people read them in their own zone (the company Europe/Rome, the
    candidate and their centre Africa/Casablanca). `uid` and `sequence` make the e-mailed
    iCalendar invitation one event that later updates and cancellations replace."""

    tenant_path = "application__company__organisation"

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Times proposed")
        SCHEDULED = "scheduled", _("Scheduled")
        OTHER_TIMES = "other_times", _("Other times asked")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    class Mode(models.TextChoices):
        VIDEO = "video", _("Video call")
        PLACE = "place", _("In person")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    mode = models.CharField(_("how"), max_length=6, choices=Mode.choices)
    video_link = models.URLField(_("video-call link"), blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=45,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    guidance = models.TextField(
        _("guidance for the candidate"),
        blank=True,
        max_length=4000,
        help_text=_("What the candidate should know or prepare before the interview."),
    )
    chosen = models.ForeignKey(
        "InterviewSlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidate_note = models.CharField(_("the candidate's message"), max_length=500, blank=True)
    outcome_note = models.TextField(_("how it went (the company's note)"), blank=True)
    uid = models.CharField(max_length=80, unique=True, default=_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["application", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="video") | ~models.Q(video_link=""),
                name="matching_interview_video_has_link",
                violation_error_message=_("Give the video-call link."),
            ),
            models.CheckConstraint(
                condition=~models.Q(mode="place") | ~models.Q(place=""),
                name="matching_interview_place_given",
                violation_error_message=_("Give the place of the interview."),
            ),
        ]

    def __str__(self) -> str:
        return f"interview {self.pk} of application {self.application_id} ({self.status})"

    def clean(self) -> None:
        if self.mode == self.Mode.VIDEO and not self.video_link:
            raise ValidationError({"video_link": _("Give the video-call link.")})
        if self.mode == self.Mode.PLACE and not self.place.strip():
            raise ValidationError({"place": _("Give the place of the interview.")})


def _guidance_path(instance, filename: str) -> str:
    # A random name in a folder per interview; never served by URL (a view checks who asks).
    return storage_name(
        f"interviews/{instance.interview_id}", DOCUMENT_TYPES[instance.content_type]
    )


class InterviewDocument(TenantOwned, TimeStampedModel):
    """A file of guidance a company gives the candidate before the interview (what to prepare,
    how to reach the place): PDF, JPEG or PNG, through thamm.uploads."""

    tenant_path = "interview__application__company__organisation"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_guidance_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview guidance file")
        verbose_name_plural = _("interview guidance files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class InterviewSlot(TenantOwned, models.Model):
    """One time a company proposes for an interview (stored in UTC)."""

    tenant_path = "interview__application__company__organisation"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))

    class Meta:
        verbose_name = _("interview time")
        verbose_name_plural = _("interview times")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.interview_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.interview.duration_minutes)


# The worker's own words for housing, from least to most: an offer may not give less than its
# vacancy.
HOUSING_ORDER = ("none", "help", "provided")


class Offer(TenantOwned, TimeStampedModel):
    """A job offer to a candidate after their interview: the vacancy's terms, improved where the
    company wants, never worsened (matching.services.offer_check_terms). An advisor may prepare
    it; a company user who has done the ethical-recruitment course sends it. Accepting stores
    the exact terms the candidate read (`terms`, their hash, the language, the time) and takes
    one of the scheme's places."""

    tenant_path = "application__company__organisation"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Prepared")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="offer")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    job_title = models.CharField(_("job title"), max_length=200)
    occupation = models.ForeignKey(
        "candidates.Occupation", verbose_name=_("occupation"), on_delete=models.PROTECT
    )
    place_of_work = models.CharField(_("place of work"), max_length=300)
    region = models.CharField(_("region"), max_length=6)
    ccnl = models.CharField(_("CCNL"), max_length=120)
    ccnl_level = models.CharField(_("CCNL level"), max_length=30)
    gross_monthly_pay = models.DecimalField(
        _("gross monthly pay (EUR)"), max_digits=8, decimal_places=2
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    contract = models.CharField(_("contract"), max_length=12)
    contract_months = models.PositiveSmallIntegerField(_("length in months"), null=True, blank=True)
    housing = models.CharField(_("housing"), max_length=10)
    start_date = models.DateField(_("start date"))
    expires_on = models.DateField(_("answer by"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # What the candidate accepted, exactly as shown, in the language they read it in.
    accepted_terms = models.JSONField(_("terms accepted"), null=True, blank=True)
    accepted_terms_hash = models.CharField(max_length=64, blank=True)
    accepted_language = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return f"offer {self.pk} ({self.status})"


class QuotaSlot(TenantOwned, TimeStampedModel):
    """One of the scheme's places (DESIGN.md §5), taken when an offer is accepted and released
    when that worker withdraws, or their case closes, before departure. The held ones never
    outnumber the scheme's quota: matching.services.offer_accept takes a place under a lock on
    the scheme's row."""

    tenant_path = "company__organisation"

    scheme = models.ForeignKey("thamm.Scheme", on_delete=models.PROTECT, related_name="slots")
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="slot")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="quota_slots"
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="quota_slots"
    )
    region = models.CharField(_("region"), max_length=6)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_reason = models.CharField(_("why released"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quota place")
        verbose_name_plural = _("quota places")
        indexes = [
            models.Index(
                fields=["scheme", "region"],
                condition=models.Q(released_at__isnull=True),
                name="matching_slot_held",
            ),
            models.Index(fields=["company", "released_at"]),
        ]
        constraints = [
            # A worker holds one place at a time.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=models.Q(released_at__isnull=True),
                name="matching_one_held_slot_per_candidate",
            )
        ]

    def __str__(self) -> str:
        return f"place {self.pk} ({'released' if self.released_at else 'held'})"


# IOM's figures of places taken are cached under this version (matching.selectors.quota_figures);
# a place taken or released changes it (releases are updates: matching.services.quota_release).
QUOTA = Version("matching:quota")
QUOTA.changes_with(QuotaSlot)


# The company search page's body is kept rendered (matching.views.search_view) under this
# version and the candidates' (candidates.models.PROFILES): what it shows of companies (verified
# or not), their units and vacancies, the applications made, and who acts for which company (a
# member, an assigned advisor) changes it.
SEARCH_PAGES = Version("matching:search-pages")
SEARCH_PAGES.changes_with(
    Company,
    ProductionUnit,
    Vacancy,
    Application,
    Membership,
    OrganisationUserObjectPermission,
    m2m=[Vacancy.required_modules.through],
)


class SavedSearch(TenantOwned, TimeStampedModel):
    """A company's search for candidates, kept by name to run again, and (if asked) watched: a
    daily digest tells its owner of candidates who have come to match it since."""

    tenant_path = "company__organisation"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="saved_searches"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    # The search page's query string (its filters and the vacancy it ranks for).
    query = models.CharField(max_length=1000, blank=True)
    notify = models.BooleanField(_("tell me of new candidates"), default=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="matching_saved_search_name_per_owner",
                violation_error_message=_("You already have a search with this name."),
            )
        ]
        indexes = [models.Index(fields=["company", "name"]), models.Index(fields=["notify"])]

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(TenantOwned, models.Model):
    """A candidate a saved search has already found (told of, or there when it was saved):
    nobody is told twice of the same candidate for the same search."""

    tenant_path = "search__company__organisation"

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.CASCADE, related_name="+"
    )
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["search", "candidate"], name="matching_hit_once_per_search"
            )
        ]

    def __str__(self) -> str:
        return f"{self.search_id}: {self.candidate_id}"
