"""Working days (hari kerja, HK): the unit every SOP deadline is counted in.

A working day is a Monday to Friday that is neither a national holiday nor a *cuti bersama*
(collective leave) day, unless an administrator's override says otherwise: the government
moves and adds days during the year, and an override wins over both the weekend and the
holiday list. The calendar is pure data; the holiday list and the overrides are read by the
services (collector/adapters/holiday_list.py, the ``calendar_overrides`` table).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

SATURDAY = 5
# No SOP deadline is more than a few hundred working days away; a walk longer than this means
# a calendar with (almost) no working days, which is refused instead of looping for ever.
MAX_WALK_DAYS = 3660


class CalendarError(ValueError):
    """A question the calendar cannot answer (no working day within ten years)."""


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends off; ``holidays`` (date → name) off; ``overrides`` (date → working or not)
    laid over both."""

    holidays: Mapping[date, str] = field(default_factory=dict)
    overrides: Mapping[date, bool] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < SATURDAY and day not in self.holidays

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (before it when negative); ``start``
        itself when count is 0. ``add_working_days(Friday, 1)`` is the next Monday."""
        if count == 0:
            return start
        step = 1 if count > 0 else -1
        found = 0
        for day in _walk(start, step):
            if self.is_working_day(day):
                found += 1
                if found == abs(count):
                    return day
        raise CalendarError(f"tidak ada {abs(count)} hari kerja dalam {MAX_WALK_DAYS} hari")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is
        earlier (the working days from ``end`` up to but excluding ``start``, counted down).
        So ``add_working_days(a, working_days_between(a, b)) == b`` for a working day b."""
        if end == start:
            return 0
        low, high, sign = (start, end, 1) if end > start else (end, start, -1)
        days = (high - low).days
        return sign * sum(self.is_working_day(low + timedelta(days=n)) for n in range(1, days + 1))

    def next_working_day(self, day: date) -> date:
        """``day`` when it is a working day, else the first one after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        """``day`` when it is a working day, else the last one before it."""
        return day if self.is_working_day(day) else self.add_working_days(day, -1)

    def why_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day (the holiday's name, "override", "weekend"), or
        None when it is one."""
        if self.is_working_day(day):
            return None
        if day in self.overrides:
            return "override"
        return self.holidays.get(day) or "weekend"


def _walk(start: date, step: int) -> Iterator[date]:
    for n in range(1, MAX_WALK_DAYS + 1):
        yield start + timedelta(days=n * step)


class Language(StrEnum):
    ID = "id"
    EN = "en"


def deadline_text(left: int, language: Language = Language.ID) -> str:
    """A deadline as a person reads it, from the working days left (negative: overdue):
    "3 HK lagi" / "2 HK terlambat" / "hari ini"; English "3 WD left" / "2 WD overdue" /
    "due today"."""
    if left == 0:
        return "hari ini" if language is Language.ID else "due today"
    if language is Language.ID:
        return f"{left} HK lagi" if left > 0 else f"{-left} HK terlambat"
    return f"{left} WD left" if left > 0 else f"{-left} WD overdue"
