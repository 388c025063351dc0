"""The SOP's timed steps as a person follows them on a plan: when the step started, when it is
due (its standard in working days after the start), and either how long it took or how many
working days are left ("3 HK lagi", "2 HK terlambat").

The standards are the KPIs' (:data:`collector.domain.kpis.STANDARD_HK`): identification → plan
≤ 10 HK (a ticket's first_seen → its plan item), plan approval ≤ 10 HK (created → approved),
M&E ≤ 5 HK after the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from collector.domain.kpis import STANDARD_HK, SopStep
from collector.domain.workdays import Language, WorkCalendar, deadline_text


@dataclass(frozen=True)
class StepDeadline:
    """One step against its standard; ``taken_hk`` once done, ``left_hk`` (negative: overdue)
    while pending; ``within`` says whether it is (or was) kept."""

    step: SopStep
    standard_hk: int
    started_on: date
    due_on: date
    done_on: date | None
    taken_hk: int | None
    left_hk: int | None
    within: bool
    text_id: str
    text_en: str


def step_deadline(
    step: SopStep, started_on: date, done_on: date | None, today: date, workdays: WorkCalendar
) -> StepDeadline:
    """Where ``step`` stands on ``today``: done (in how many HK) or pending (HK left)."""
    standard = STANDARD_HK[step]
    due_on = workdays.add_working_days(started_on, standard)
    if done_on is not None:
        taken = workdays.working_days_between(started_on, done_on)
        text_id = f"selesai dalam {taken} HK (standar ≤ {standard} HK)"
        text_en = f"done in {taken} WD (standard ≤ {standard} WD)"
        return StepDeadline(step, standard, started_on, due_on, done_on, taken, None,
                            taken <= standard, text_id, text_en)  # fmt: skip
    left = workdays.working_days_between(today, due_on)
    return StepDeadline(step, standard, started_on, due_on, None, None, left, left >= 0,
                        deadline_text(left), deadline_text(left, Language.EN))  # fmt: skip


AT_RISK_HK: Final = 2  # a pending step with this many working days left (or fewer) is at risk


def latest_start_at_risk(step: SopStep, today: date, workdays: WorkCalendar) -> date:
    """The last start day whose pending ``step`` is at risk on ``today``: at most
    :data:`AT_RISK_HK` working days left, overdue included. A step started on or before the
    returned day is at risk, one started after it is not (the due day never moves back when
    the start moves forward), so a count of steps at risk is one comparison per row, done by
    the database, instead of one :func:`step_deadline` per row."""
    # left ≤ AT_RISK_HK ⟺ due_on comes before the (AT_RISK_HK + 1)-th working day after today
    limit = workdays.add_working_days(today, AT_RISK_HK + 1)
    start = today
    while workdays.add_working_days(start, STANDARD_HK[step]) >= limit:
        start -= timedelta(days=1)
    return start
