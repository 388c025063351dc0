"""The working-day calendar on real 2026 dates (holidays and cuti bersama from the holidays
package), the deadline text, and the override table through the CLI on both databases."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest

from collector.adapters.holiday_list import indonesian_holidays
from collector.bootstrap import Services
from collector.domain.workdays import CalendarError, Language, WorkCalendar, deadline_text
from collector.entrypoints.cli import main as collector_cli

HOLIDAYS_2026 = indonesian_holidays([2026])
CAL = WorkCalendar(HOLIDAYS_2026)


def test_ten_working_days_after_friday_13_march_2026_is_6_april() -> None:
    # Mon 16, Tue 17 work; Wed 18 cuti bersama Nyepi, Thu 19 Nyepi, Fri 20 cuti bersama Idul
    # Fitri, 21-22 Idul Fitri (weekend), Mon 23 and Tue 24 cuti bersama; Wed 25 .. Thu 2 April
    # work (7 days); Fri 3 April Good Friday; Mon 6 April is the tenth.
    start = date(2026, 3, 13)
    assert start.weekday() == 4
    assert CAL.add_working_days(start, 10) == date(2026, 4, 6)
    named = ((date(2026, 3, 18), "Cuti Bersama"), (date(2026, 3, 19), "Nyepi"),
             (date(2026, 3, 23), "Cuti Bersama"), (date(2026, 4, 3), "Wafat"))  # fmt: skip
    for day, word in named:
        assert not CAL.is_working_day(day)
        assert word in (CAL.why_not_working(day) or "")
    # without the cuti bersama days (the public category alone) it would be 30 March
    public_only = WorkCalendar({d: n for d, n in HOLIDAYS_2026.items() if "Cuti" not in n})
    assert public_only.add_working_days(start, 10) == date(2026, 3, 30)


def test_counting_back_and_between_are_the_inverse_of_adding() -> None:
    start, end = date(2026, 3, 13), date(2026, 4, 6)
    assert CAL.working_days_between(start, end) == 10
    assert CAL.working_days_between(end, start) == -10
    assert CAL.add_working_days(end, -10) == start
    assert CAL.add_working_days(start, 0) == start
    assert CAL.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)  # 24-25 off, weekend
    assert CAL.next_working_day(date(2026, 3, 21)) == date(2026, 3, 25)
    assert CAL.previous_working_day(date(2026, 3, 21)) == date(2026, 3, 17)


def test_overrides_win_both_ways() -> None:
    saturday, nyepi = date(2026, 3, 14), date(2026, 3, 19)
    changed = WorkCalendar(HOLIDAYS_2026, {saturday: True, date(2026, 3, 17): False})
    assert changed.is_working_day(saturday)
    assert not changed.is_working_day(date(2026, 3, 17))
    assert changed.why_not_working(date(2026, 3, 17)) == "override"
    assert changed.add_working_days(date(2026, 3, 13), 3) == date(2026, 3, 25)  # 14, 16, 25
    assert WorkCalendar(HOLIDAYS_2026, {nyepi: True}).is_working_day(nyepi)


def test_a_calendar_without_working_days_is_refused_not_looped() -> None:
    every_day_off = WorkCalendar(overrides={date(2026, 1, 1).fromordinal(n): False for n in
                                           range(date(2026, 1, 1).toordinal(),
                                                 date(2037, 1, 1).toordinal())})  # fmt: skip
    with pytest.raises(CalendarError):
        every_day_off.add_working_days(date(2026, 1, 1), 1)


@pytest.mark.parametrize(
    ("left", "indonesian", "english"),
    [(3, "3 HK lagi", "3 WD left"), (-2, "2 HK terlambat", "2 WD overdue"),
     (0, "hari ini", "due today")],
)  # fmt: skip
def test_deadline_text(left: int, indonesian: str, english: str) -> None:
    assert deadline_text(left) == indonesian
    assert deadline_text(left, Language.EN) == english


def _cli(services: Services, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    url = services.engine.url.render_as_string(hide_password=False)
    with redirect_stdout(out), redirect_stderr(err):
        status = collector_cli(["--db", url, "--data-dir", str(tmp_path / "data"), *args])
    return status, out.getvalue(), err.getvalue()


def test_override_table_through_the_cli(services: Services, tmp_path: Path) -> None:
    status, shown, _ = _cli(services, tmp_path, "calendar", "show", "--year", "2026")
    assert status == 0
    lines = shown.splitlines()
    before = int(lines[0].rsplit(" ", 1)[1])
    assert "2026-03-19\tKam\tlibur\t19 Maret 2026\tHari Suci Nyepi" in lines
    off = ("calendar", "override", "--date", "2026-03-17", "--off", "--reason", "Keppres 7/2026",
           "--by", "admin-pusdatin")  # fmt: skip
    assert _cli(services, tmp_path, *off)[0] == 0
    on = ("calendar", "override", "--date", "2026-03-14", "--on", "--reason", "ganti hari")
    assert _cli(services, tmp_path, *on)[0] == 0
    workdays = services.calendar.calendar(date(2026, 3, 1), date(2026, 4, 30))
    assert not workdays.is_working_day(date(2026, 3, 17))
    assert workdays.is_working_day(date(2026, 3, 14))
    assert workdays.add_working_days(date(2026, 3, 13), 10) == date(2026, 4, 6)  # one off, one on
    status, shown, _ = _cli(services, tmp_path, "calendar", "show", "--year", "2026")
    assert int(shown.splitlines()[0].rsplit(" ", 1)[1]) == before  # -1 + 1
    assert "2026-03-17\tSel\tlibur\t17 Maret 2026\tpengecualian oleh admin-pusdatin: " \
           "Keppres 7/2026" in shown  # fmt: skip
    assert _cli(services, tmp_path, "calendar", "override", "--date", "2026-03-17",
                "--remove")[0] == 0  # fmt: skip
    workdays = services.calendar.calendar(date(2026, 3, 1), date(2026, 4, 30))
    assert workdays.is_working_day(date(2026, 3, 17))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "2026-02-30", "--off", "--reason", "x"), "tanggal tidak sah"),
        (("--date", "2026-03-17", "--off"), "--reason wajib"),
        (("--date", "2026-03-17", "--on", "--reason", "   "), "alasan wajib"),
        (("--date", "2026-03-18", "--remove"), "tidak ada pengecualian"),
    ],
)
def test_bad_overrides_are_refused_and_change_nothing(
    services: Services, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    status, _, err = _cli(services, tmp_path, "calendar", "override", *args)
    assert status == 2
    assert message in err
    assert all(e.override_by is None for e in services.calendar.year(2026)[1])
