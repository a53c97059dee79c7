"""Writes with rules for companies: sign-up, profile, verification, the employer-pays attestation,
production units and their regional eligibility, vacancies and their states."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from accounts.models import Membership, Organisation, Role, User
from accounts.services import advisor_grants_end_for_chamber
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.lists import join_list
from thamm.notifications import notify
from thamm.scheme import current_scheme, province_region, region_name
from thamm.stages import stage_record
from thamm.transitions import Lifecycle, Move, transition

from .models import (
    NAME_TAKEN,
    PARTITA_IVA_TAKEN,
    Attestation,
    Company,
    EmployerPaysStatement,
    ProductionUnit,
    Vacancy,
)
from .selectors import (
    company_list,
    company_name_taken,
    current_statement_or_none,
    has_eligible_unit,
)

logger = logging.getLogger(__name__)

# What the company itself (or its advisor, or IOM) may change on its profile. The Partita IVA is
# fixed at sign-up: a correction goes through IOM (admin).
PROFILE_FIELDS = [
    "legal_name",
    "codice_fiscale",
    "ateco_code",
    "pec",
    "size",
    "contact_name",
    "contact_email",
    "contact_phone",
    "chamber",
    "interest_body",
    "interest_date",
    "interest_reference",
]

VACANCY_FIELDS = [
    "title",
    "occupation",
    "unit",
    "positions",
    "min_italian_level",
    "contract",
    "contract_months",
    "ccnl",
    "ccnl_level",
    "gross_monthly_pay",
    "hours_per_week",
    "start_date",
    "housing",
    "description_it",
    "description_fr",
    "description_ar",
]


def _stale_signups(*, cutoff):
    """Companies created by a portal sign-up more than the limit ago, still pending, none of whose
    members ever proved their address (confirmed it, or signed in)."""
    from allauth.account.models import EmailAddress

    proven = Membership.objects.filter(organisation=OuterRef("organisation")).filter(
        Q(user__last_login__isnull=False)
        | Exists(EmailAddress.objects.filter(user=OuterRef("user"), verified=True))
    )
    return Company.objects.filter(
        signed_up_by__isnull=False, status=Company.Status.PENDING, created_at__lt=cutoff
    ).exclude(Exists(proven))


def unconfirmed_signups_purge(*, now=None) -> int:
    """Remove the company sign-ups whose person never confirmed their e-mail address nor signed
    in within COMPANY_SIGNUP_CONFIRM_DAYS: the account, the organisation and the company. An
    unproven claim must not hold a Partita IVA (or a name) away from the real company for long.
    Companies IOM made in the admin are never removed (`signed_up_by` is empty).

    Each company in its own transaction, re-checked under its row lock (an address confirmed at
    that moment saves the company); one that cannot be removed is logged and skipped, the others
    go on. Returns the number removed. Idempotent; run daily by Celery beat.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.COMPANY_SIGNUP_CONFIRM_DAYS)
    removed = 0
    for company_id in list(_stale_signups(cutoff=cutoff).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                company = (
                    _stale_signups(cutoff=cutoff)
                    .select_for_update(of=("self",))
                    .select_related("organisation")
                    .filter(pk=company_id)
                    .first()
                )
                if company is None:  # confirmed, verified or removed meanwhile
                    continue
                organisation = company.organisation
                detail = {"partita_iva": company.partita_iva, "legal_name": company.legal_name}
                company.vacancies.all().delete()  # before the units they point to (PROTECT)
                User.objects.filter(membership_row__organisation=organisation).delete()
                organisation.delete()  # the company and its units go with it
                audit(actor=None, action="company.signup_purged", detail=detail)
        except Exception:
            logger.exception("Could not remove the unconfirmed sign-up of company %s", company_id)
            continue
        removed += 1
    return removed


def _check_may_act(*, company: Company, by: User) -> None:
    """The company's own users, its assigned chamber advisor, or IOM."""
    if by.role not in (Role.COMPANY, Role.CHAMBER, Role.IOM):
        raise DomainError(_("You cannot act for this company."))
    if not company_list(user=by).filter(pk=company.pk).exists():
        raise DomainError(_("You cannot act for this company."))


def _check_may_verify(*, company: Company, by: User) -> None:
    """IOM, or an advisor of the chamber that assists the company (DESIGN.md §3)."""
    if by.role not in (Role.CHAMBER, Role.IOM):
        raise DomainError(_("Only IOM or the company's chamber advisor can verify a company."))
    _check_may_act(company=company, by=by)


VERIFICATION = Lifecycle(
    model=Company,
    moves=(
        Move(
            "verify", (Company.Status.PENDING,), Company.Status.VERIFIED, _l("Verify the company")
        ),
        Move(
            "suspend",
            (Company.Status.VERIFIED,),
            Company.Status.SUSPENDED,
            _l("Suspend the company"),
            reason_required=_l("Give the reason for the suspension."),
        ),
        Move(
            "reinstate",
            (Company.Status.SUSPENDED,),
            Company.Status.VERIFIED,
            _l("Reinstate the company"),
        ),
    ),
    audit_prefix="company",
    refusal=_l("This change is not possible: the company's verification is “%(status)s”."),
    roles=(Role.CHAMBER, Role.IOM),
    may=lambda company, by: _check_may_verify(company=company, by=by),
    changed_at_field="status_changed_at",
    reason_field="status_reason",
)

VACANCY_LIFECYCLE = Lifecycle(
    model=Vacancy,
    moves=(
        Move("publish", (Vacancy.Status.DRAFT,), Vacancy.Status.PUBLISHED, _l("Publish")),
        Move("fill", (Vacancy.Status.PUBLISHED,), Vacancy.Status.FILLED, _l("Mark as filled")),
        Move(
            "close",
            (Vacancy.Status.DRAFT, Vacancy.Status.PUBLISHED),
            Vacancy.Status.CLOSED,
            _l("Close the vacancy"),
        ),
    ),
    audit_prefix="vacancy",
    refusal=_l("This change is not possible: the vacancy's status is “%(status)s”."),
    roles=(Role.COMPANY, Role.CHAMBER, Role.IOM),
    may=lambda vacancy, by: _check_may_act(company=vacancy.company, by=by),
)


def notify_chamber(company: Company) -> None:
    """Tell the chamber's admins, each in their language, that the company named their chamber
    as the one helping it, so that they assign an advisor (e-mailed after the commit)."""
    admins = Membership.objects.filter(
        organisation_id=company.chamber_id, role=Membership.Role.ADMIN, user__is_active=True
    ).select_related("user__membership_row__organisation")
    notify(
        recipients=[membership.user for membership in admins],
        kind="company.chamber_named",
        template="companies/email/chamber_named",
        context={"company": company},
        link=reverse("accounts:advisor_assignments"),
    )


@transaction.atomic
def company_register(*, user: User, data: dict) -> Company:
    """A company signs up: its organisation, the signing-up user as its admin, its profile.

    Runs inside the sign-up transaction, so a refusal leaves no account behind either.
    """
    if Membership.objects.filter(user=user).exists():
        raise DomainError(_("This account already belongs to an organisation."))
    legal_name = data["legal_name"].strip()
    if Company.objects.filter(partita_iva=data["partita_iva"]).exists():
        raise DomainError(str(PARTITA_IVA_TAKEN))
    if company_name_taken(legal_name):
        raise DomainError(str(NAME_TAKEN))
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.COMPANY, name=legal_name, country="IT"
    )
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    company = Company(
        organisation=organisation, signed_up_by=user, **{**data, "legal_name": legal_name}
    )
    company.full_clean()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError as exc:  # the same Partita IVA registered in the same instant
        raise DomainError(str(PARTITA_IVA_TAKEN)) from exc
    stage_record(obj=company, from_stage="", to_stage=company.status, by=user)
    audit(actor=user, action="company.register", target=company)
    # The chamber it names hears of it once the address is confirmed (companies.signals).
    return company


@transaction.atomic
def company_update(*, company: Company, data: dict, by: User) -> Company:
    """Edit the company's profile and its expression of interest."""
    _check_may_act(company=company, by=by)
    company = (
        Company.objects.select_for_update(of=("self",)).select_related("chamber").get(pk=company.pk)
    )
    previous_chamber = company.chamber
    changed = [f for f in PROFILE_FIELDS if f in data and getattr(company, f) != data[f]]
    if "legal_name" in changed and company_name_taken(
        data["legal_name"], exclude=company.organisation_id
    ):
        raise ValidationError(
            {"legal_name": _("Another company is already registered with this name.")}
        )
    for field in changed:
        setattr(company, field, data[field])
    if company.interest_date and company.interest_date > timezone.localdate():
        raise ValidationError(
            {"interest_date": _("The expression of interest cannot be dated in the future.")}
        )
    if bool(company.interest_body) != bool(company.interest_date):
        missing = "interest_date" if company.interest_body else "interest_body"
        raise ValidationError(
            {missing: _("Give both the regional body and the date of the expression of interest.")}
        )
    if company.chamber is not None and company.chamber.kind != Organisation.Kind.CHAMBER:
        raise ValidationError({"chamber": _("Choose a chamber of commerce.")})
    company.full_clean()
    company.save()
    if "legal_name" in changed:
        organisation = company.organisation
        organisation.name = company.legal_name
        try:
            with transaction.atomic():
                organisation.save(update_fields=["name", "updated_at"])
        except IntegrityError as exc:  # renamed the same way in the same instant
            raise ValidationError(
                {"legal_name": _("Another company is already registered with this name.")}
            ) from exc
    if "chamber" in changed and previous_chamber is not None:
        # The former chamber's advisors stop assisting the company at once.
        advisor_grants_end_for_chamber(
            company=company.organisation, chamber=previous_chamber, by=by
        )
    if "chamber" in changed and company.chamber_id:
        notify_chamber(company)
    if changed:
        audit(actor=by, action="company.update", target=company, detail={"fields": changed})
    return company


def company_set_status(*, company: Company, action: str, by: User, reason: str = "") -> Company:
    """Verify, suspend (with a reason) or reinstate a company; every change is recorded. A
    suspended company's published vacancies go back to draft."""

    def unpublish_if_suspended(company: Company) -> None:
        if company.status == Company.Status.SUSPENDED:
            _unpublish_vacancies(company=company, by=by, reason=company.status_reason)

    return transition(
        VERIFICATION, company, action, by=by, note=reason, then=unpublish_if_suspended
    )


def _unpublish_vacancies(*, company: Company, by: User, reason: str) -> None:
    """A suspended company's published vacancies go back to draft: candidates stop seeing them,
    and the company publishes them again once reinstated."""
    published = company.vacancies.select_for_update().filter(status=Vacancy.Status.PUBLISHED)
    for vacancy in published:
        vacancy.status = Vacancy.Status.DRAFT
        vacancy.published_at = None
        vacancy.save(update_fields=["status", "published_at", "updated_at"])
        stage_record(
            obj=vacancy,
            from_stage=Vacancy.Status.PUBLISHED,
            to_stage=Vacancy.Status.DRAFT,
            by=by,
            note=_("Company suspended: %(reason)s") % {"reason": reason},
        )


def current_statement() -> EmployerPaysStatement:
    """The employer-pays statement in force: the highest version published by today."""
    statement = current_statement_or_none()
    if statement is None:
        raise DomainError(_("No employer-pays statement has been published yet."))
    return statement


@transaction.atomic
def attestation_sign(*, company: Company, by: User) -> Attestation:
    """A company admin signs the current version of the employer-pays statement."""
    if not (
        by.role == Role.COMPANY
        and by.is_org_admin
        and by.membership.organisation_id == company.organisation_id
    ):
        raise DomainError(_("Only an administrator of the company can sign this statement."))
    statement = current_statement()
    if Attestation.objects.filter(company=company, statement=statement).exists():
        raise DomainError(_("The company has already signed this version of the statement."))
    try:
        with transaction.atomic():
            attestation = Attestation.objects.create(
                company=company, statement=statement, signed_by=by
            )
    except IntegrityError as exc:  # signed twice in the same instant
        raise DomainError(
            _("The company has already signed this version of the statement.")
        ) from exc
    audit(
        actor=by,
        action="company.attest",
        target=company,
        detail={"statement_version": statement.version},
    )
    return attestation


@transaction.atomic
def unit_add(*, company: Company, data: dict, by: User) -> ProductionUnit:
    """Declare a production unit. Only units in the scheme's regions qualify: any other province
    is refused with a message that names the regions that do."""
    _check_may_act(company=company, by=by)
    scheme = current_scheme()
    region = province_region(data.get("province", ""))
    if region is None:
        raise ValidationError({"province": _("Choose an Italian province.")})
    if region not in scheme.destination_regions:
        names = join_list(region_name(code) for code in scheme.destination_regions)
        raise ValidationError(
            {
                "province": _(
                    "Only production units in %(regions)s take part in the scheme: "
                    "this province is in %(region)s."
                )
                % {"regions": names, "region": region_name(region)}
            }
        )
    unit = ProductionUnit(company=company, **data)
    unit.full_clean()
    unit.save()
    audit(actor=by, action="unit.add", target=company, detail={"province": unit.province})
    return unit


def publish_blockers(*, company: Company, units=None) -> list[str]:
    """Why the company cannot publish vacancies now (empty: it can). `units`: the company's
    production units, when the caller has read them already."""
    blockers = []
    if company.status != Company.Status.VERIFIED:
        blockers.append(
            _("The company is not verified yet: IOM or its chamber advisor verifies it.")
            if company.status == Company.Status.PENDING
            else _("The company is suspended: it cannot publish vacancies.")
        )
    regions = current_scheme().destination_regions
    if not has_eligible_unit(company=company, regions=regions, units=units):
        names = join_list(region_name(code) for code in regions)
        blockers.append(
            _("The company has no production unit in %(regions)s.") % {"regions": names}
        )
    return blockers


def _check_vacancy_data(*, company: Company, data: dict) -> None:
    unit = data.get("unit")
    if unit is not None and unit.company_id != company.pk:
        raise ValidationError({"unit": _("Choose one of the company's production units.")})
    start = data.get("start_date")
    if start is not None and start < timezone.localdate():
        raise ValidationError({"start_date": _("The start date cannot be in the past.")})


def _save_vacancy(vacancy: Vacancy, data: dict) -> Vacancy:
    for field in VACANCY_FIELDS:
        if field in data:
            setattr(vacancy, field, data[field])
    vacancy.full_clean()
    vacancy.save()
    if "required_modules" in data:
        vacancy.required_modules.set(data["required_modules"])
    return vacancy


@transaction.atomic
def vacancy_create(*, company: Company, data: dict, by: User) -> Vacancy:
    """A draft vacancy at one of the company's units."""
    _check_may_act(company=company, by=by)
    _check_vacancy_data(company=company, data=data)
    vacancy = _save_vacancy(Vacancy(company=company), data)
    stage_record(obj=vacancy, from_stage="", to_stage=vacancy.status, by=by)
    audit(actor=by, action="vacancy.create", target=vacancy)
    return vacancy


@transaction.atomic
def vacancy_update(*, vacancy: Vacancy, data: dict, by: User) -> Vacancy:
    """Edit a draft or published vacancy (a filled or closed one stays as it was)."""
    _check_may_act(company=vacancy.company, by=by)
    vacancy = Vacancy.objects.select_for_update().select_related("company").get(pk=vacancy.pk)
    if not vacancy.is_open:
        raise DomainError(_("A filled or closed vacancy can no longer be changed."))
    _check_vacancy_data(company=vacancy.company, data=data)
    _save_vacancy(vacancy, data)
    audit(actor=by, action="vacancy.update", target=vacancy)
    return vacancy


def vacancy_move(*, vacancy: Vacancy, action: str, by: User) -> Vacancy:
    """Publish, fill or close a vacancy. Only a verified company with an eligible unit
    publishes, and only a vacancy that starts today or later at an eligible unit."""

    def check_publication(vacancy: Vacancy) -> list[str]:
        if action != "publish":
            return []
        blockers = publish_blockers(company=vacancy.company)
        if blockers:
            raise DomainError(" ".join(blockers))
        if vacancy.unit.region not in current_scheme().destination_regions:
            raise DomainError(_("This vacancy's production unit is outside the scheme's regions."))
        if vacancy.start_date < timezone.localdate():
            raise DomainError(_("The start date has passed: change it before publishing."))
        vacancy.published_at = timezone.now()
        return ["published_at"]

    # FOR UPDATE without OF locks the joined company row too: a publication and a suspension
    # (which locks the company first) never cross.
    return transition(
        VACANCY_LIFECYCLE,
        vacancy,
        action,
        by=by,
        queryset=Vacancy.objects.select_related("company", "unit"),
        prepare=check_publication,
    )
