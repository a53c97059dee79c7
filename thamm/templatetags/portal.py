from django import template
from django.utils.html import format_html_join

from thamm.lists import list_separator
from thamm.rows import address as _address
from thamm.scheme import region_name as _region_name

register = template.Library()


@register.simple_tag(name="address")
def address_tag(url_name: str) -> str:
    """`{% address 'name' %}`: `{% url 'name' %}` for a page without arguments, reversed once
    per process (the layout's links, on every page)."""
    return _address(url_name)


@register.simple_tag(name="list_separator")
def list_separator_tag() -> str:
    """`{% list_separator as sep %}`: once before a loop, not once per row."""
    return list_separator()


@register.filter
def join_names(items) -> str:
    """Names (or any items typed in any script) joined with the reader's list separator, each in
    its own <bdi>, so that a Latin name on an Arabic page keeps its punctuation on its own side."""
    return format_html_join(list_separator(), "<bdi>{}</bdi>", ((item,) for item in items or []))


@register.filter
def isolate(text) -> str:
    """Text typed in any script, isolated for plain text (e-mails, notifications): the Unicode
    first-strong isolate, so a Latin name in an Arabic sentence keeps its punctuation and its
    place, as <bdi> does in a page."""
    return f"\u2068{text}\u2069" if text else ""


@register.filter
def region_name(code: str) -> str:
    """The name of an ISO 3166-2 region, e.g. IT-25 → Lombardia."""
    return _region_name(code) if code else ""


@register.filter
def region_names(codes) -> str:
    """Region names in the reader's language, joined with the reader's list separator."""
    return list_separator().join(_region_name(code) for code in codes or [])
