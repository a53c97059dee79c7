"""What a list page shows on each row, worked out once per page instead of once per row; and
the addresses every page links to, reversed once per process.

A model's `get_<field>_display()` rebuilds its choices and translates on every call, and
`get_absolute_url()` reverses a URL per row: on a page of fifty rows they cost more than the
rest of the page. These helpers give each row the same text and address from one translation
per choice and one reversal per page.
"""

import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Stands in for the row's id in the one reversal; no real id reaches it.
_PK_PLACEHOLDER = 987654321987


def address_by_pk(url_name: str) -> Callable[[int], str]:
    """`pk -> reverse(url_name, kwargs={"pk": pk})`, reversing once per process, URL
    configuration and script prefix (for URLs whose only argument is an integer `pk`)."""
    return _address_by_pk(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _address_by_pk(url_name: str, urlconf: str, prefix: str) -> Callable[[int], str]:
    head, found, tail = reverse(url_name, kwargs={"pk": _PK_PLACEHOLDER}).partition(
        str(_PK_PLACEHOLDER)
    )
    if not found:  # pragma: no cover (a URL that does not show its pk as it is)
        return lambda pk: reverse(url_name, kwargs={"pk": pk})
    return lambda pk: f"{head}{int(pk)}{tail}"


def label_rows(rows: Iterable, *, field: str, choices, attr: str) -> None:
    """Give each row (a model instance, or a dict of `.values()`) `attr`: the translated label of
    its `field` among `choices` (a TextChoices), as `get_<field>_display()` would say it; each
    label is translated once."""
    labels = {value: str(label) for value, label in choices.choices}
    for row in rows:
        if isinstance(row, dict):
            row[attr] = labels.get(row[field], row[field])
        else:
            value = getattr(row, field)
            setattr(row, attr, labels.get(value, value))


def link_rows(rows: Iterable, *, url_name: str, attr: str = "href") -> None:
    """Give each row (a model instance, or a dict of `.values()` with "pk") `attr`: the address
    of its page (`url_name` with the row's pk)."""
    address = address_by_pk(url_name)
    for row in rows:
        if isinstance(row, dict):
            row[attr] = address(row["pk"])
        else:
            setattr(row, attr, address(row.pk))


def address(url_name: str) -> str:
    """`reverse(url_name)` for a page without arguments (the layout's and the navigation's
    links), reversed once per process, URL configuration and script prefix."""
    return _address(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _address(url_name: str, urlconf: str, prefix: str) -> str:
    return reverse(url_name)
