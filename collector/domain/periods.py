"""Reporting periods: a year, a half year, a quarter or a month, written as operators write them.

"2026" (a year), "2026-H2" (a semester; "2026-S2" reads the same), "2026-Q3" (a quarter),
"2026-07" (a month). M&E runs
"secara berkala" (periodically) over one of these; the KPIs and both SOP reports cover one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

MIN_YEAR: Final = 2000
MAX_YEAR: Final = 2100
_PATTERN = re.compile(r"^([0-9]{4})(?:-(?:([HhSsQq])([0-9])|([0-9]{2})))?$")


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


class PeriodError(ValueError):
    """Text that names no period this collector reports on."""


@dataclass(frozen=True)
class Period:
    """A reporting period: its canonical code ("2026-Q3"), kind, number within the year (the
    quarter, half or month; 1 for a year) and its first and last day, both included."""

    code: str
    kind: PeriodKind
    year: int
    number: int
    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_period(text: str) -> Period:
    """The period ``text`` names; PeriodError (a message in Indonesian) for anything else."""
    match = _PATTERN.match(text.strip())
    if match is None:
        shown = text[:20]
        raise PeriodError(
            f"periode {shown!r} tidak dikenal; tulis 2026, 2026-H2, 2026-Q3 atau 2026-07"
        )
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"tahun {year} di luar {MIN_YEAR}..{MAX_YEAR}")
    if match[4] is not None:
        return _month(year, int(match[4]))
    if match[2] is not None:
        return _part(year, match[2].upper().replace("S", "H"), int(match[3]))
    return Period(str(year), PeriodKind.YEAR, year, 1, date(year, 1, 1), date(year, 12, 31))


def _month(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"bulan {month:02d} tidak ada; 01..12")
    last = calendar.monthrange(year, month)[1]
    return Period(f"{year}-{month:02d}", PeriodKind.MONTH, year, month,
                  date(year, month, 1), date(year, month, last))  # fmt: skip


def _part(year: int, letter: str, number: int) -> Period:
    kind, months = (PeriodKind.HALF, 6) if letter == "H" else (PeriodKind.QUARTER, 3)
    if not 1 <= number <= 12 // months:
        raise PeriodError(f"{letter}{number} tidak ada; {letter}1..{letter}{12 // months}")
    first = (number - 1) * months + 1
    last = first + months - 1
    end = date(year, last, calendar.monthrange(year, last)[1])
    return Period(f"{year}-{letter}{number}", kind, year, number, date(year, first, 1), end)
