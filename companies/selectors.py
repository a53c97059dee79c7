"""Reads of companies and their production units, scoped to the acting user (DESIGN.md §3).

- IOM coordinators see every company;
- a company user sees their own company;
- a chamber advisor sees the companies assigned to them (django-guardian grants);
- training centres and candidates see none of this.
"""

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.selectors import companies_assisted_by
from thamm.scoping import get_visible_or_404

from .models import Company, ProductionUnit


def company_list(*, user: User) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    qs = Company.objects.select_related("organisation")
    if user.role == Role.IOM:
        return qs
    if user.role == Role.COMPANY:
        return qs.filter(organisation_id=user.membership.organisation_id)
    if user.role == Role.CHAMBER:
        return qs.filter(organisation__in=companies_assisted_by(user=user))
    return Company.objects.none()


def company_get(*, user: User, pk: int) -> Company:
    return get_visible_or_404(company_list(user=user), pk=pk)


def unit_list(*, user: User, company: Company) -> QuerySet[ProductionUnit]:
    return ProductionUnit.objects.filter(company__in=company_list(user=user).filter(pk=company.pk))
