from django import template

from companies.selectors import chamber_suggestion

register = template.Library()


@register.simple_tag
def suggested_chamber(company):
    """The chamber of commerce to suggest to a company the page already shows (its home page,
    while it names none); None if no unit is in a chamber's area."""
    return chamber_suggestion(company=company) if company is not None else None
