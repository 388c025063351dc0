"""Reporting periods as operators write them, and the garbage refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from collector.domain.periods import Period, PeriodError, PeriodKind, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026", Period("2026", PeriodKind.YEAR, 2026, 1, date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-H1", Period("2026-H1", PeriodKind.HALF, 2026, 1, date(2026, 1, 1),
                           date(2026, 6, 30))),
        ("2026-h2", Period("2026-H2", PeriodKind.HALF, 2026, 2, date(2026, 7, 1),
                           date(2026, 12, 31))),
        ("2026-S2", Period("2026-H2", PeriodKind.HALF, 2026, 2, date(2026, 7, 1),
                           date(2026, 12, 31))),  # semester, as plans write it
        ("2026-Q1", Period("2026-Q1", PeriodKind.QUARTER, 2026, 1, date(2026, 1, 1),
                           date(2026, 3, 31))),
        (" 2026-q3 ", Period("2026-Q3", PeriodKind.QUARTER, 2026, 3, date(2026, 7, 1),
                             date(2026, 9, 30))),
        ("2026-07", Period("2026-07", PeriodKind.MONTH, 2026, 7, date(2026, 7, 1),
                           date(2026, 7, 31))),
        ("2028-02", Period("2028-02", PeriodKind.MONTH, 2028, 2, date(2028, 2, 1),
                           date(2028, 2, 29))),
        ("2026-02", Period("2026-02", PeriodKind.MONTH, 2026, 2, date(2026, 2, 1),
                           date(2026, 2, 28))),
    ],
)  # fmt: skip
def test_periods(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "tidak dikenal"),
        ("Q3", "tidak dikenal"),
        ("2026Q3", "tidak dikenal"),
        ("2026-Q3x", "tidak dikenal"),
        ("2026-7", "tidak dikenal"),
        ("26-Q3", "tidak dikenal"),
        ("\uff12\uff10\uff12\uff16-Q3", "tidak dikenal"),  # full-width digits
        ("2026-Q3;DROP TABLE", "tidak dikenal"),
        ("2026-Q5", "Q1..Q4"),
        ("2026-Q0", "Q1..Q4"),
        ("2026-H3", "H1..H2"),
        ("2026-13", "01..12"),
        ("2026-00", "01..12"),
        ("1999", "di luar"),
        ("2101-Q1", "di luar"),
    ],
)
def test_garbage_is_refused(text: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says.replace(".", r"\.")):
        parse_period(text)


def test_membership() -> None:
    quarter = parse_period("2026-Q3")
    assert date(2026, 7, 1) in quarter and date(2026, 9, 30) in quarter
    assert date(2026, 6, 30) not in quarter and date(2026, 10, 1) not in quarter
