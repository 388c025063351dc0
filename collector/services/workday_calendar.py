"""The working-day calendar as the collector uses it: Indonesia's holidays and cuti bersama
from the ``holidays`` package, with the administrators' overrides from the database laid over
them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import CalendarOverrideRow
from collector.adapters.db.upsert import upsert_row
from collector.adapters.holiday_list import indonesian_holidays
from collector.domain.workdays import WorkCalendar
from collector.errors import Refused

Clock = Callable[[], datetime]
MAX_REASON = 500


@dataclass(frozen=True)
class DayEntry:
    """A day of a year's listing that is not an ordinary weekday or weekend: a holiday, or an
    override (with its reason, who and when)."""

    day: date
    working: bool
    why: str
    override_by: str | None = None
    override_at: datetime | None = None


class CalendarService:
    """Builds calendars for a span of years and keeps the override table."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def calendar(self, first: date, last: date) -> WorkCalendar:
        """A calendar that knows the holidays of every year from ``first`` to ``last`` (a
        year's margin each side, so walks across New Year stay right) and the overrides."""
        years = range(first.year - 1, last.year + 2)
        with self._sessions() as session:
            return calendar_in(session, years)

    def override(self, day: date, working: bool, reason: str, actor: str) -> None:
        """Declare ``day`` a working day or not (replacing an earlier override of it)."""
        reason = reason.strip()
        if not reason or len(reason) > MAX_REASON or "\x00" in reason:
            raise Refused(422, "bad_reason", f"alasan wajib diisi, maks. {MAX_REASON} karakter")
        values = {"day": day, "working": working, "reason": reason, "created_by": actor,
                  "created_at": self._clock()}  # fmt: skip
        with self._sessions.begin() as session:
            table = CalendarOverrideRow.__table__
            upsert_row(session.connection(), table, values, ["day"])  # type: ignore[arg-type]

    def remove_override(self, day: date) -> None:
        """Drop the override of ``day``; Refused(404) when there is none."""
        with self._sessions.begin() as session:
            gone = (
                session.connection()
                .execute(delete(CalendarOverrideRow).where(CalendarOverrideRow.day == day))
                .rowcount
            )
        if not gone:
            raise Refused(404, "not_found", f"tidak ada pengecualian untuk {day.isoformat()}")

    def year(self, year: int) -> tuple[WorkCalendar, list[DayEntry]]:
        """The year's calendar and its holidays and overrides, in date order."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        workdays = self.calendar(first, last)
        with self._sessions() as session:
            rows = {r.day: r for r in session.scalars(select(CalendarOverrideRow).where(
                CalendarOverrideRow.day >= first, CalendarOverrideRow.day <= last))}  # fmt: skip
        entries = [DayEntry(day, False, name) for day, name in workdays.holidays.items()
                   if first <= day <= last and day not in rows]  # fmt: skip
        entries += [DayEntry(r.day, r.working, r.reason, r.created_by, r.created_at)
                    for r in rows.values()]  # fmt: skip
        return workdays, sorted(entries, key=lambda e: e.day)


class CalendarWorkingDays:
    """``working_days_between`` over the current calendar, for the KPIs (which ask it many
    times per report): the calendar of the years asked is read once and kept for
    ``max_age``, so an administrator's override shows in reports within that time."""

    def __init__(
        self, calendars: CalendarService, clock: Clock, max_age: timedelta = timedelta(minutes=1)
    ) -> None:
        self._calendars = calendars
        self._clock = clock
        self._max_age = max_age
        self._kept: dict[tuple[int, int], tuple[datetime, WorkCalendar]] = {}

    def __call__(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when earlier)."""
        low, high = min(start, end), max(start, end)
        key = (low.year, high.year)
        now = self._clock()
        kept = self._kept.get(key)
        if kept is None or now - kept[0] > self._max_age:
            kept = (now, self._calendars.calendar(low, high))
            self._kept[key] = kept
        return kept[1].working_days_between(start, end)


def calendar_working_days(calendars: CalendarService, clock: Clock) -> CalendarWorkingDays:
    """The working-day count the reports use (see :class:`CalendarWorkingDays`)."""
    return CalendarWorkingDays(calendars, clock)


def calendar_in(session: Session, years: range) -> WorkCalendar:
    """The calendar of ``years`` with the overrides read on ``session``."""
    first, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
    rows = session.execute(
        select(CalendarOverrideRow.day, CalendarOverrideRow.working).where(
            CalendarOverrideRow.day >= first, CalendarOverrideRow.day <= last
        )
    )
    overrides = {day: working for day, working in rows}  # noqa: C416 - rows are not pairs
    return WorkCalendar(indonesian_holidays(years), overrides)


def working_days_in(workdays: WorkCalendar, year: int) -> int:
    """How many working days ``year`` has."""
    return workdays.working_days_between(date(year, 1, 1) - timedelta(days=1), date(year, 12, 31))
