"""The scheme's rules as data: read them here, never hard-code them (DESIGN.md §5)."""

import re
from functools import lru_cache

import pycountry

from .models import Scheme


def current_scheme() -> Scheme:
    """The scheme the portal runs now (THAMM Plus)."""
    return Scheme.objects.get(is_current=True)


def _clean(name: str) -> str:
    # pycountry annotates some names, e.g. "(EH-partial)"; people see the plain name.
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)


@lru_cache
def region_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)
    return _clean(subdivision.name) if subdivision else code


@lru_cache
def country_regions(country_code: str) -> tuple[tuple[str, str], ...]:
    """(ISO 3166-2 code, name) of a country's top-level regions, sorted by name."""
    regions = [
        (s.code, _clean(s.name))
        for s in pycountry.subdivisions.get(country_code=country_code)
        if s.parent_code is None and s.type == "Region"
    ]
    return tuple(sorted(regions, key=lambda r: r[1]))


def destination_region_choices(scheme: Scheme) -> list[tuple[str, str]]:
    return [(code, region_name(code)) for code in scheme.destination_regions]
