from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import changes_with


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class VersionedText(models.Model):
    """A text people accept or sign, in the portal's four languages, one row per version (the
    candidates' privacy notice, the companies' employer-pays statement). A new version is a new
    row; whoever accepted an older one is asked again."""

    # The language shown when the reader's own is missing.
    fallback_language = "en"

    version = models.PositiveIntegerField(_("version"), unique=True)
    published_on = models.DateField(_("published on"))
    body_it = models.TextField(_("text (Italian)"))
    body_fr = models.TextField(_("text (French)"))
    body_ar = models.TextField(_("text (Arabic)"))
    body_en = models.TextField(_("text (English)"))

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.published_on})"

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or getattr(
            self, f"body_{self.fallback_language}"
        )

    @classmethod
    def in_force(cls):
        """The version in force: the highest one published by today (a version dated in the
        future is asked for from that day), or None. Reference data (thamm.reference): a
        subclass registers itself with `changes_with`."""
        from django.utils import timezone

        from .reference import reference

        today = timezone.localdate()
        return reference(
            f"in-force:{cls._meta.label_lower}",
            lambda: cls.objects.filter(published_on__lte=today).order_by("-version").first(),
            key=today.isoformat(),
        )


class TenantOwned:
    """Marks a model whose rows belong to one organisation (DESIGN.md §3).

    `tenant_path` is the lookup from the model to its owning `accounts.Organisation`;
    `thamm.scoping.owned(queryset, user=...)` filters by it. Views never read such a model through
    `.objects` (tests/test_tenancy.py enforces it, and that every model holding tenant data is
    marked): they call the app's selectors, which take the acting user, start from `owned` and add
    only the grants across tenants (an advisor's companies, say).
    """

    tenant_path: str = "organisation"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def delete(self):
        raise ValueError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """An append-only record of who did what to which object (DESIGN.md §11)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")


class StageChange(models.Model):
    """One move of an object from one stage of its lifecycle to another (DESIGN.md §11).

    Candidates, applications and pre-departure cases all record their moves here, through
    `thamm.stages.stage_record`; append-only like the audit log.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    from_stage = models.CharField(_("from"), max_length=40, blank=True)
    to_stage = models.CharField(_("to"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} {self.from_stage} → {self.to_stage}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Stage history is append-only.")
        super().save(*args, **kwargs)


class Scheme(TimeStampedModel):
    """The rules of a labour-mobility scheme, as data (DESIGN.md §5).

    THAMM Plus is the one row today (created by a data migration); nothing else in the code
    hard-codes its country, regions, dates, Italian level or quota.
    """

    class CEFR(models.TextChoices):
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    origin_country = models.CharField(_("country of origin"), max_length=2)
    destination_regions = models.JSONField(
        _("destination regions"), help_text=_("ISO 3166-2 codes of the Italian regions")
    )
    sector = models.CharField(_("sector"), max_length=100)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    required_italian_level = models.CharField(
        _("required Italian level"), max_length=2, choices=CEFR.choices, default=CEFR.A2
    )
    quota = models.PositiveIntegerField(_("quota of workers"))
    region_targets = models.JSONField(_("targets per region"), default=dict, blank=True)
    region_targets_enforced = models.BooleanField(
        _("regions keep to their targets"),
        default=False,
        help_text=_(
            "A region that has reached its target takes no more workers while another "
            "region's target is unmet."
        ),
    )
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="thamm_scheme_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="thamm_scheme_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


changes_with(Scheme)  # current_scheme() is reference data


def _job_result_path(instance, filename: str) -> str:
    # Never served by URL: a result is streamed by a view that checks who asks.
    return f"jobs/{instance.organisation_id}/{instance.pk}/{filename}"


class Job(TenantOwned, TimeStampedModel):
    """Background work the page can follow (DESIGN.md §11): imports, dossiers, reports.

    `thamm.jobs` starts jobs and runs them (`JobTask`); the task records `status`, `progress`
    and `message`, which the progress bar reads.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The task that does the work and its keyword arguments: what a retry sends again.
    task = models.CharField(_("task"), max_length=100, blank=True)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    # The language of the person who started the job: its messages are written in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The delivery (Celery task id) running the job, and when it must have ended: a job still
    # running past its deadline lost its worker, and is marked failed (`jobs_fail_stale`).
    claimed_by = models.CharField(max_length=64, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Whether trying again may help: not for a refusal of the input, which would fail the same.
    retryable = models.BooleanField(default=False)
    # The file the job made (a report, a dossier): a re-run replaces it.
    result = models.FileField(upload_to=_job_result_path, max_length=200, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            # The stale-job sweep reads running jobs by deadline.
            models.Index(fields=["status", "deadline"], name="thamm_job_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Notification(TimeStampedModel):
    """Something the portal tells one person (DESIGN.md §11): in the list of their notifications,
    and by e-mail. The text is written when it is made, in the recipient's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    # A path on the portal the notification leads to ("" when none).
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # An iCalendar event the e-mail carries as an attachment (an interview's invitation, its
    # update or its cancellation), "" for none.
    calendar = models.TextField(_("calendar event"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list (newest first) and the unread count in the navigation.
            models.Index(fields=["recipient", "-created_at", "-id"], name="thamm_notif_list"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="thamm_notif_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
