"""Schedules (pure): occurrences counted from the start, month ends, until, and where an
occurrence on a non-working day goes."""

from __future__ import annotations

from datetime import date

import pytest

from collector.adapters.holiday_list import indonesian_holidays
from collector.domain.plans import PeriodError, parse_period
from collector.domain.recurrence import NonWorkingDay, Schedule, ScheduleError, Unit, due_date
from collector.domain.workdays import WorkCalendar

CAL = WorkCalendar(indonesian_holidays([2026, 2027]))


def test_monthly_from_the_31st_keeps_its_day_where_the_month_has_it() -> None:
    schedule = Schedule(date(2026, 1, 31), 1, Unit.MONTHS)
    assert list(schedule.occurrences(date(2026, 5, 31))) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31)]  # fmt: skip


@pytest.mark.parametrize(("schedule", "last", "expected"), [
    (Schedule(date(2026, 1, 5)), date(2026, 12, 31), [date(2026, 1, 5)]),
    (Schedule(date(2026, 1, 5)), date(2026, 1, 4), []),
    (Schedule(date(2026, 1, 5), 10, Unit.DAYS), date(2026, 1, 25),
     [date(2026, 1, 5), date(2026, 1, 15), date(2026, 1, 25)]),
    (Schedule(date(2026, 1, 5), 2, Unit.WEEKS, until=date(2026, 2, 1)), date(2026, 12, 31),
     [date(2026, 1, 5), date(2026, 1, 19)]),
    (Schedule(date(2024, 2, 29), 1, Unit.YEARS), date(2028, 3, 1),
     [date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28),
      date(2028, 2, 29)]),
])  # fmt: skip
def test_occurrences(schedule: Schedule, last: date, expected: list[date]) -> None:
    assert list(schedule.occurrences(last)) == expected


@pytest.mark.parametrize(("every", "unit", "until"), [
    (3, None, None), (None, Unit.DAYS, None), (0, Unit.DAYS, None), (1001, Unit.DAYS, None),
    (1, Unit.DAYS, date(2025, 12, 31)),
])  # fmt: skip
def test_bad_schedules_are_refused(every: int | None, unit: Unit | None, until: date | None
                                   ) -> None:  # fmt: skip
    with pytest.raises(ScheduleError):
        Schedule(date(2026, 1, 1), every, unit, until)


def test_non_working_days_move_or_skip_as_configured() -> None:
    nyepi = date(2026, 3, 19)  # Thursday; 18 and 20 are cuti bersama, 23-24 too
    assert due_date(nyepi, NonWorkingDay.NEXT, CAL) == date(2026, 3, 25)
    assert due_date(nyepi, NonWorkingDay.PREVIOUS, CAL) == date(2026, 3, 17)
    assert due_date(nyepi, NonWorkingDay.SKIP, CAL) is None
    assert due_date(nyepi, NonWorkingDay.KEEP, CAL) == nyepi
    monday = date(2026, 3, 16)
    assert {due_date(monday, p, CAL) for p in NonWorkingDay} == {monday}


def test_periods() -> None:
    q3 = parse_period("2026-q3")
    assert (q3.name, q3.starts_on, q3.ends_on) == ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("2026").ends_on == date(2026, 12, 31)
    assert parse_period("2026-S1").ends_on == date(2026, 6, 30)
    assert parse_period("2028-02").ends_on == date(2028, 2, 29)
    with pytest.raises(PeriodError):
        parse_period("2026-Q0")
