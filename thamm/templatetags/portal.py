from django import template

from thamm.scheme import region_name as _region_name

register = template.Library()


@register.filter
def region_name(code: str) -> str:
    """The name of an ISO 3166-2 region, e.g. IT-25 → Lombardia."""
    return _region_name(code) if code else ""


@register.filter
def region_names(codes) -> str:
    return ", ".join(_region_name(code) for code in codes or [])
