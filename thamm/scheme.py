"""The scheme's rules as data: read them here, never hard-code them (DESIGN.md §5)."""

import re
from functools import lru_cache

import pycountry
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from .models import Scheme
from .reference import reference


def current_scheme() -> Scheme:
    """The scheme the portal runs now (THAMM Plus): reference data (thamm.reference), read from
    the database once per process until a scheme is saved. A write that must hold against a
    concurrent change of the scheme locks the row itself."""
    return reference("scheme", lambda: Scheme.objects.get(is_current=True))


def _clean(name: str) -> str:
    # pycountry annotates some names, e.g. "(EH-partial)"; people see the plain name.
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


@lru_cache
def _source_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return _clean(subdivision.name) if subdivision else code


def region_name(code: str) -> str:
    """A region's name in the reader's language (names are in thamm/region_strings.py)."""
    return gettext(_source_name(code))


@lru_cache
def country_region_codes(country_code: str) -> tuple[str, ...]:
    return tuple(
        s.code
        for s in pycountry.subdivisions.get(country_code=country_code)
        if s.parent_code is None and s.type == "Region"
    )


def country_regions(country_code: str) -> list[tuple[str, str]]:
    """(ISO 3166-2 code, name) of a country's top-level regions, sorted by name."""
    regions = [(code, region_name(code)) for code in country_region_codes(country_code)]
    return sorted(regions, key=lambda r: r[1])


def region_aliases(codes) -> list[tuple[str, str]]:
    """(code, name) pairs naming each region in every portal language and as pycountry does,
    so a file may say "Lombardia" as well as "Lombardie", whoever checks it."""
    pairs = [(code, _source_name(code)) for code in codes]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            pairs += [(code, region_name(code)) for code in codes]
    return pairs


def destination_region_choices(scheme: Scheme) -> list[tuple[str, str]]:
    return [(code, region_name(code)) for code in scheme.destination_regions]


@lru_cache
def italian_provinces() -> tuple[tuple[str, str, str], ...]:
    """(province code, name, region code) for every Italian province and metropolitan city."""
    provinces = [
        (s.code, _clean(s.name), s.parent_code)
        for s in pycountry.subdivisions.get(country_code="IT")
        if s.parent_code
    ]
    return tuple(sorted(provinces, key=lambda p: p[1]))


def province_region(code: str) -> str | None:
    """The region an Italian province belongs to (IT-BG → IT-25), or None if unknown."""
    return next((region for c, _n, region in italian_provinces() if c == code), None)
