"""The at-risk cutoff the /metrics gauge asetik_sop_deadlines_at_risk counts with: a pending
step started on or before the cutoff has at most two working days left (overdue included),
one started after it has more. Checked against step_deadline itself, day by day, on the real
holiday list, including a Saturday "today" and a week full of holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collector.adapters.holiday_list import indonesian_holidays
from collector.domain.kpis import SopStep
from collector.domain.sop_deadlines import AT_RISK_HK, latest_start_at_risk, step_deadline
from collector.domain.workdays import WorkCalendar

CAL = WorkCalendar(indonesian_holidays(range(2025, 2028)))
TODAYS = [
    date(2026, 11, 27),  # a Friday
    date(2026, 11, 28),  # a Saturday: not a working day
    date(2026, 12, 23),  # before Christmas and the cuti bersama after it
    date(2026, 3, 16),  # the week before Nyepi and Idul Fitri's long leave
]


@pytest.mark.parametrize("today", TODAYS, ids=str)
@pytest.mark.parametrize("step", list(SopStep))
def test_the_cutoff_agrees_with_step_deadline(step: SopStep, today: date) -> None:
    cutoff = latest_start_at_risk(step, today, CAL)
    for back in range(0, 40):
        start = today - timedelta(days=back)
        left = step_deadline(step, start, None, today, CAL).left_hk
        assert left is not None
        assert (left <= AT_RISK_HK) is (start <= cutoff), (start, left, cutoff)


def test_a_non_working_day_moves_the_cutoff() -> None:
    """Friday 27 November 2026, the plan step (10 HK): started Tuesday the 17th it is due
    Tuesday 1 December (2 HK left, at risk); started the 18th it is due the 2nd (3 left).
    Declare Friday the 20th a day off and the 17th is due the 2nd too: no longer at risk."""
    today = date(2026, 11, 27)
    assert latest_start_at_risk(SopStep.PLAN, today, CAL) == date(2026, 11, 17)
    day_off = WorkCalendar(CAL.holidays, {date(2026, 11, 20): False})
    assert latest_start_at_risk(SopStep.PLAN, today, day_off) == date(2026, 11, 16)


def test_on_a_saturday_the_two_days_are_the_next_working_ones() -> None:
    """Saturday 28 November: Monday 30 and Tuesday 1 are the two working days left, so a step
    due on Tuesday is at risk and one due on Wednesday is not (M&E, 5 HK)."""
    saturday = date(2026, 11, 28)
    cutoff = latest_start_at_risk(SopStep.EVALUATION, saturday, CAL)
    assert CAL.add_working_days(cutoff, 5) == date(2026, 12, 1)
    after = cutoff + timedelta(days=1)
    assert CAL.add_working_days(after, 5) > date(2026, 12, 1)
