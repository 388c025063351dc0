"""Indonesia's national holidays and cuti bersama days from the ``holidays`` package.

The ``government`` category holds the cuti bersama (collective leave) days the government
sets each year by joint ministerial decree (SKB 3 Menteri); ``public`` the national holidays.
Names are in Bahasa Indonesia. A year the package does not know yet yields only the
rule-based days: the admin override table covers that gap.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

CATEGORIES = ("public", "government")


@functools.cache
def _year(year: int) -> Mapping[date, str]:
    # Imported at the first calendar read, not with the collector (0.2 s for every CLI command).
    from holidays.countries.indonesia import Indonesia  # noqa: PLC0415

    found = Indonesia(years=year, categories=CATEGORIES, language="id")
    return MappingProxyType({day: str(name) for day, name in found.items()})


def indonesian_holidays(years: Iterable[int]) -> dict[date, str]:
    """Every non-working holiday of the years, date → name (read once per year and kept)."""
    merged: dict[date, str] = {}
    for year in sorted(set(years)):
        merged.update(_year(year))
    return merged
