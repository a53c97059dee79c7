"""Writes with rules for companies: production units and their regional eligibility."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from thamm.audit import audit
from thamm.exceptions import DomainError
from thamm.scheme import current_scheme, province_region, region_name

from .models import Company, ProductionUnit


def _check_may_act(*, company: Company, by: User) -> None:
    """The company's own users, its assigned chamber advisor, or IOM."""
    from .selectors import company_list

    if not company_list(user=by).filter(pk=company.pk).exists():
        raise DomainError(_("You cannot act for this company."))
    if by.role not in (Role.COMPANY, Role.CHAMBER, Role.IOM):
        raise DomainError(_("You cannot act for this company."))


@transaction.atomic
def unit_add(*, company: Company, data: dict, by: User) -> ProductionUnit:
    """Declare a production unit. Only units in the scheme's regions qualify: any other province
    is refused with a message that names the regions that do."""
    _check_may_act(company=company, by=by)
    scheme = current_scheme()
    region = province_region(data.get("province", ""))
    if region not in scheme.destination_regions:
        names = ", ".join(region_name(code) for code in scheme.destination_regions)
        raise DomainError(
            _(
                "Only production units in %(regions)s take part in the scheme: "
                "this province is in %(region)s."
            )
            % {"regions": names, "region": region_name(region) if region else "?"}
        )
    unit = ProductionUnit(company=company, **data)
    unit.full_clean()
    unit.save()
    audit(actor=by, action="unit.add", target=company, detail={"province": unit.province})
    return unit
