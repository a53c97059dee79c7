import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from thamm.models import TenantOwned, TimeStampedModel


class Role(models.TextChoices):
    """What a signed-in user is to the portal; derived from their membership, never stored twice."""

    CANDIDATE = "candidate", _("Candidate")
    CENTRE = "centre", _("Training-centre staff")
    COMPANY = "company", _("Company user")
    CHAMBER = "chamber", _("Chamber advisor")
    IOM = "iom", _("IOM coordinator")


# The language each role reads first (DESIGN.md §10), for people who chose none: what e-mails,
# notifications and invitations to them are written in.
ROLE_LANGUAGE = {
    Role.CANDIDATE: "fr",
    Role.CENTRE: "fr",
    Role.COMPANY: "it",
    Role.CHAMBER: "it",
    Role.IOM: "en",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    is_candidate = models.BooleanField(
        _("candidate"),
        default=False,
        help_text=_("A candidate's own login; the candidate record links to it."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # A company user makes offers only after the ethical-recruitment course (DESIGN.md §6); IOM
    # records its completion here until the portal runs the course itself.
    ethical_training_completed_on = models.DateField(
        _("ethical-recruitment training completed on"), null=True, blank=True
    )
    # Kept by thamm.notifications as notifications are made and read: the navigation shows it
    # with no query of its own (the user is loaded before the view anyway).
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def membership(self) -> "Membership | None":
        try:
            return self.membership_row
        except Membership.DoesNotExist:
            return None

    @property
    def organisation(self) -> "Organisation | None":
        return self.membership.organisation if self.membership else None

    @property
    def role(self) -> str | None:
        if self.is_candidate:
            return Role.CANDIDATE
        if self.membership is None:
            return None
        return ORGANISATION_KIND_ROLE[self.membership.organisation.kind]

    @property
    def reading_language(self) -> str:
        """The language to write to this person in: their own choice, else their role's."""
        return self.language or ROLE_LANGUAGE.get(self.role, settings.LANGUAGE_CODE)

    @property
    def is_org_admin(self) -> bool:
        return self.membership is not None and self.membership.role == Membership.Role.ADMIN

    @property
    def is_iom(self) -> bool:
        return self.role == Role.IOM

    @property
    def is_chamber_advisor(self) -> bool:
        return self.role == Role.CHAMBER

    @property
    def is_company_user(self) -> bool:
        return self.role == Role.COMPANY

    @property
    def is_centre_staff(self) -> bool:
        return self.role == Role.CENTRE


class Organisation(TimeStampedModel):
    """A tenant: a training centre, a company, a chamber of commerce, or IOM."""

    class Kind(models.TextChoices):
        TRAINING_CENTRE = "training_centre", _("Training centre")
        COMPANY = "company", _("Company")
        CHAMBER = "chamber", _("Chamber of commerce")
        IOM = "iom", _("IOM")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("Two-letter ISO 3166-1 code")
    )
    # The organisation as a grantee of django-guardian object permissions (a company allowed to
    # see a candidate's identity): its members are in it (accounts.services.organisation_group).
    group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="accounts_org_kind_name_unique"),
        ]
        permissions = [
            # Granted per company organisation to a chamber advisor (guardian object permission).
            ("assist_company", _("Can assist this company with its paperwork")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", kwargs={"pk": self.pk})


ORGANISATION_KIND_ROLE = {
    Organisation.Kind.TRAINING_CENTRE: Role.CENTRE,
    Organisation.Kind.COMPANY: Role.COMPANY,
    Organisation.Kind.CHAMBER: Role.CHAMBER,
    Organisation.Kind.IOM: Role.IOM,
}


class Membership(TenantOwned, TimeStampedModel):
    """A user's place in their one organisation, as its admin or as staff."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership_row",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Invitation(TenantOwned, TimeStampedModel):
    """An e-mailed invitation to join an organisation (or, for candidates, to get a login).

    Only a hash of the token is stored; the link in the e-mail carries the token itself. An
    invitation can be used once and expires after `INVITATION_VALID_DAYS`.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")
        CANDIDATE = "candidate", _("Candidate")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            # "one pending invitation per address"; addresses are stored lower-cased.
            models.Index(fields=["email"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return _("accepted")
        if self.revoked_at and self.revoked_at < self.expires_at:
            return _("revoked")
        if self.is_expired:
            return _("expired")
        return _("pending")


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grants on organisations, with a real foreign key (fast joins).

    The one grant today: `assist_company`, a chamber advisor assigned to a company.
    """

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("organisation grant")
        verbose_name_plural = _("organisation grants")


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


@receiver(post_save, sender=Membership, dispatch_uid="accounts_membership_group_saved")
def _membership_saved(sender, instance: Membership, **kwargs) -> None:
    """A member is in their organisation's group (when it has one), and in no other's."""
    user = instance.user
    groups = Organisation.objects.exclude(group=None).values("group_id")
    user.groups.remove(
        *user.groups.filter(pk__in=groups).exclude(pk=instance.organisation.group_id)
    )
    if instance.organisation.group_id:
        user.groups.add(instance.organisation.group_id)


@receiver(post_delete, sender=Membership, dispatch_uid="accounts_membership_group_deleted")
def _membership_deleted(sender, instance: Membership, **kwargs) -> None:
    group_id = Organisation.objects.filter(pk=instance.organisation_id).values("group_id")
    instance.user.groups.remove(*instance.user.groups.filter(pk__in=group_id))
