"""A plan item's schedule: one date, or every N days/weeks/months/years until a date, and
where an occurrence that falls on a non-working day goes.

Occurrences are counted from the start each time (start + k·N units), never stepped from the
previous one, so a monthly schedule from 31 January gives 28 February and then 31 March, not
28 March for ever after.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from collector.domain.workdays import WorkCalendar


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class NonWorkingDay(StrEnum):
    """What happens to an occurrence on a non-working day."""

    NEXT = "next"  # due on the next working day
    PREVIOUS = "previous"  # due on the working day before
    SKIP = "skip"  # no work order for that occurrence
    KEEP = "keep"  # due on that day all the same (e.g. work planned for a weekend)


MAX_EVERY = 1000


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says which part."""


@dataclass(frozen=True)
class Schedule:
    """``start`` alone is one date; with ``every`` and ``unit`` it repeats until ``until``
    (inclusive; None: the caller's limit, the plan's end)."""

    start: date
    every: int | None = None
    unit: Unit | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if (self.every is None) != (self.unit is None):
            raise ScheduleError("pengulangan perlu keduanya: every dan unit")
        if self.every is not None and not 0 < self.every <= MAX_EVERY:
            raise ScheduleError(f"every harus 1..{MAX_EVERY}")
        if self.until is not None and self.until < self.start:
            raise ScheduleError("until tidak boleh sebelum tanggal mulai")

    @property
    def repeats(self) -> bool:
        return self.every is not None

    def occurrences(self, last: date) -> Iterator[date]:
        """Every date of the schedule from its start up to ``last`` and ``until``."""
        end = min(last, self.until) if self.until else last
        if self.every is None or self.unit is None:
            if self.start <= end:
                yield self.start
            return
        k = 0
        while (day := _shifted(self.start, self.unit, self.every * k)) <= end:
            yield day
            k += 1


def _shifted(start: date, unit: Unit, steps: int) -> date:
    if unit is Unit.DAYS:
        return start + timedelta(days=steps)
    if unit is Unit.WEEKS:
        return start + timedelta(weeks=steps)
    months = steps * (12 if unit is Unit.YEARS else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def due_date(occurs_on: date, policy: NonWorkingDay, workdays: WorkCalendar) -> date | None:
    """The day an occurrence is due under ``policy``; None when it is skipped."""
    if workdays.is_working_day(occurs_on) or policy is NonWorkingDay.KEEP:
        return occurs_on
    if policy is NonWorkingDay.SKIP:
        return None
    if policy is NonWorkingDay.NEXT:
        return workdays.next_working_day(occurs_on)
    return workdays.previous_working_day(occurs_on)
