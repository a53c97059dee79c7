"""Reads of companies, their production units, attestations and vacancies, scoped to the acting
user (DESIGN.md §3):

- IOM coordinators see every company;
- a company user sees their own company;
- a chamber advisor sees the companies assigned to them (django-guardian grants);
- training centres and candidates see none of this.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation, Role, User
from accounts.selectors import companies_assisted_by
from thamm.scheme import current_scheme
from thamm.scoping import get_visible_or_404, owned
from thamm.stages import labelled_history

from .models import (
    Attestation,
    ChamberProvince,
    Company,
    EmployerPaysStatement,
    ProductionUnit,
    Vacancy,
)


def company_list(*, user: User, status: str | None = None) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    qs = Company.objects.select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    if user.role in (Role.COMPANY, Role.IOM):
        return owned(qs, user=user)
    if user.role == Role.CHAMBER:  # owns no company: the ones assigned to it (guardian grants)
        return qs.filter(organisation__in=companies_assisted_by(user=user))
    return Company.objects.none()


def company_get(*, user: User, pk: int) -> Company:
    company = get_visible_or_404(
        company_list(user=user).select_related("chamber", "interest_body"), pk=pk
    )
    company._visible_to = user.pk  # checked here: the page's other reads need not ask again
    return company


def company_name_taken(name: str, *, exclude: int | None = None) -> bool:
    """Whether another company organisation has this name, whatever the case (sign-up and
    renaming refuse a second one). `exclude`: the organisation being renamed."""
    qs = Organisation.objects.filter(kind=Organisation.Kind.COMPANY, name__iexact=name.strip())
    return qs.exclude(pk=exclude).exists() if exclude else qs.exists()


def company_overview_list(*, user: User, status: str | None = None) -> QuerySet[Company]:
    """Companies with the figures their list shows, in one query whatever their number."""
    regions = current_scheme().destination_regions
    # Each figure is counted per company through its own index, not by joining every unit to
    # every vacancy of the company and counting distinct pairs (which costs units × vacancies).
    return (
        company_list(user=user, status=status)
        .select_related(None)
        .only("legal_name", "partita_iva", "status")
        .annotate(
            eligible_units=_count_per_company(ProductionUnit.objects.filter(region__in=regions)),
            published_vacancies=_count_per_company(
                Vacancy.objects.filter(status=Vacancy.Status.PUBLISHED)
            ),
        )
        .order_by("legal_name", "pk")
    )


def _count_per_company(rows: QuerySet):
    """How many of `rows` belong to the company of the outer query (0 for none)."""
    counted = (  # COUNT(*): the index on (company, ...) answers without reading the rows
        rows.filter(company=OuterRef("pk")).order_by().values("company").annotate(n=Count("*"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def of_visible_company(queryset: QuerySet, *, user: User, company: Company) -> QuerySet:
    """The rows of `queryset` (a model with a `company` key) that belong to `company`, if the user
    may see the company; none otherwise. A company this user's page already read through
    `company_get` is not checked again."""
    if getattr(company, "_visible_to", None) == user.pk:
        return queryset.filter(company_id=company.pk)
    return queryset.filter(company__in=company_list(user=user).filter(pk=company.pk))


def company_history(*, user: User, company: Company):
    """The verification changes of a company the user may see, oldest first."""
    if getattr(company, "_visible_to", None) != user.pk:
        company_get(user=user, pk=company.pk)
    return labelled_history(obj=company, choices=Company.Status)


def unit_list(*, user: User, company: Company) -> QuerySet[ProductionUnit]:
    return of_visible_company(ProductionUnit.objects.all(), user=user, company=company)


def chamber_suggestion(*, company: Company) -> Organisation | None:
    """The chamber of commerce to suggest to a company: the one whose area holds most of its
    production units (a tie: the one of the unit declared first). None without a unit in a
    chamber's area. Two queries whatever the number of units."""
    provinces = list(
        ProductionUnit.objects.filter(company=company)
        .order_by("created_at", "pk")
        .values_list("province", flat=True)
    )
    if not provinces:
        return None
    covering = {
        row.province: row.chamber
        for row in ChamberProvince.objects.filter(
            province__in=set(provinces), chamber__kind=Organisation.Kind.CHAMBER
        ).select_related("chamber")
    }
    chambers = [covering[province] for province in provinces if province in covering]
    if not chambers:
        return None
    units = Counter(chamber.pk for chamber in chambers)
    return max(chambers, key=lambda chamber: units[chamber.pk])  # the first of the most


def current_statement_or_none() -> EmployerPaysStatement | None:
    """The employer-pays statement in force: the highest version published by today (a version
    dated in the future is asked for from that day)."""
    return EmployerPaysStatement.in_force()


def has_eligible_unit(*, company: Company, regions=None, units=None) -> bool:
    """Whether the company has a production unit in one of the scheme's regions (`regions`: the
    scheme's, when the caller has them already; `units`: the company's units, when the caller
    has read them already)."""
    regions = current_scheme().destination_regions if regions is None else regions
    if units is not None:
        return any(unit.region in regions for unit in units)
    return ProductionUnit.objects.filter(company=company, region__in=regions).exists()


def attestation_list(*, user: User, company: Company) -> QuerySet[Attestation]:
    """The company's signatures, newest first, with who signed which version."""
    return of_visible_company(
        Attestation.objects.select_related("statement", "signed_by").order_by("-signed_at"),
        user=user,
        company=company,
    )


_IN_FORCE = object()  # signed_current_statement's "look the statement in force up"


def signed_current_statement(*, user: User, company: Company, statement=_IN_FORCE) -> bool:
    """Whether the company has signed the employer-pays statement in force (`statement`: that
    statement, or None for none, when the caller has looked it up already)."""
    if statement is _IN_FORCE:
        statement = current_statement_or_none()
    return statement is not None and (
        attestation_list(user=user, company=company).filter(statement=statement).exists()
    )


def vacancy_list(
    *, user: User, company: Company | None = None, status: str | None = None
) -> QuerySet[Vacancy]:
    qs = Vacancy.objects.select_related("company", "unit", "occupation")
    if company is not None:
        qs = of_visible_company(qs, user=user, company=company)
    else:
        qs = qs.filter(company__in=company_list(user=user))
    if status:
        qs = qs.filter(status=status)
    return qs


def vacancy_get(*, user: User, pk: int) -> Vacancy:
    vacancy = get_visible_or_404(vacancy_list(user=user), pk=pk)
    vacancy._visible_to = user.pk  # checked here: the page's other reads need not ask again
    vacancy.company._visible_to = user.pk  # its company too
    return vacancy


def vacancy_history(*, user: User, vacancy: Vacancy):
    if getattr(vacancy, "_visible_to", None) != user.pk:
        vacancy_get(user=user, pk=vacancy.pk)
    return labelled_history(obj=vacancy, choices=Vacancy.Status)


# The paperwork view: what each assisted company still misses, most urgent first. Weights make
# a suspension or a missing eligible unit (which blocks everything) outrank a missing reference.
@dataclass(frozen=True)
class Missing:
    code: str
    label: str
    weight: int
    detail: str = ""  # text people typed (a reason), shown isolated from the label

    @property
    def url_name(self) -> str:
        """The page where the missing piece is supplied."""
        return MISSING_PAGES[self.code]


MISSING_PAGES = {
    "suspended": "companies:detail",
    "unit": "companies:units",
    "verification": "companies:detail",
    "attestation": "companies:attestation",
    "vacancy": "companies:vacancies",
    "interest": "companies:edit",
    "profile": "companies:edit",
}

# What the portal's forms require of a company's profile (optional on older rows).
PROFILE_REQUIRED = ("codice_fiscale", "ateco_code", "pec", "size", "contact_name")


@dataclass
class Paperwork:
    company: Company
    missing: list[Missing]

    @property
    def urgency(self) -> int:
        return sum(item.weight for item in self.missing)


def paperwork_list(*, user: User) -> list[Paperwork]:
    """Per company the user assists (IOM: every company), what is missing, most urgent first.

    One query whatever the number of companies.
    """
    if user.role not in (Role.CHAMBER, Role.IOM):
        return []
    regions = current_scheme().destination_regions
    statement = current_statement_or_none()
    signed = Attestation.objects.filter(company=OuterRef("pk"), statement=statement)
    companies = company_list(user=user).annotate(
        has_eligible_unit=Exists(
            ProductionUnit.objects.filter(company=OuterRef("pk"), region__in=regions)
        ),
        has_signed=Exists(signed),
        draft_vacancies=Count(
            "vacancies", filter=Q(vacancies__status=Vacancy.Status.DRAFT), distinct=True
        ),
        open_vacancies=Count(
            "vacancies",
            filter=Q(vacancies__status__in=[Vacancy.Status.DRAFT, Vacancy.Status.PUBLISHED]),
            distinct=True,
        ),
        late_vacancies=Count(
            "vacancies",
            filter=Q(
                vacancies__status=Vacancy.Status.PUBLISHED,
                vacancies__start_date__lt=timezone.localdate(),
            ),
            distinct=True,
        ),
    )
    rows = []
    for company in companies:
        missing = []
        if company.status == Company.Status.SUSPENDED:
            missing.append(Missing("suspended", _("Suspended"), 100, detail=company.status_reason))
        if not company.has_eligible_unit:
            missing.append(Missing("unit", _("No production unit in the scheme's regions"), 50))
        if company.status == Company.Status.PENDING:
            missing.append(Missing("verification", _("Waiting for verification"), 40))
        if statement is not None and not company.has_signed:
            missing.append(
                Missing(
                    "attestation",
                    _("Employer-pays statement version %(version)s not signed")
                    % {"version": statement.version},
                    30,
                )
            )
        if company.status == Company.Status.SUSPENDED:
            pass  # its vacancies wait for the reinstatement: nothing to chase about them now
        elif company.draft_vacancies:
            missing.append(
                Missing(
                    "vacancy",
                    ngettext(
                        "%(count)s draft vacancy not published",
                        "%(count)s draft vacancies not published",
                        company.draft_vacancies,
                    )
                    % {"count": company.draft_vacancies},
                    20,
                )
            )
        elif not company.open_vacancies:
            missing.append(Missing("vacancy", _("No open vacancy"), 15))
        if company.late_vacancies:
            missing.append(
                Missing(
                    "vacancy",
                    ngettext(
                        "%(count)s published vacancy with a start date that has passed",
                        "%(count)s published vacancies with a start date that has passed",
                        company.late_vacancies,
                    )
                    % {"count": company.late_vacancies},
                    25,
                )
            )
        if any(not getattr(company, name) for name in PROFILE_REQUIRED):
            missing.append(Missing("profile", _("Company profile incomplete"), 12))
        if company.interest_body_id is None:
            missing.append(Missing("interest", _("Expression of interest not recorded"), 10))
        rows.append(Paperwork(company=company, missing=missing))
    rows.sort(key=lambda row: (-row.urgency, row.company.created_at, row.company.pk))
    return rows
