"""A plan's SOP deadlines in working days as the plans API shows them: the plan's approval,
the M&E record after its period, and identification → plan for every item made from a
ticket. Read on the caller's session with the calendar (holidays and overrides) of the years
involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from collector.adapters.db.models import EvaluationRow, PlanItemRow, PlanRow, TicketRow
from collector.domain.kpis import WIB, SopStep
from collector.domain.periods import PeriodError, parse_period
from collector.domain.sop_deadlines import StepDeadline, step_deadline
from collector.services.workday_calendar import calendar_in


@dataclass(frozen=True)
class ItemDeadline:
    item_id: int
    ticket_id: int
    deadline: StepDeadline


@dataclass(frozen=True)
class PlanDeadlines:
    approval: StepDeadline
    evaluation: StepDeadline
    items: list[ItemDeadline]


def _day(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def plan_deadlines(session: Session, plan: PlanRow, now: datetime) -> PlanDeadlines:
    """The plan's deadlines as of ``now`` (days are counted in WIB, like the KPIs)."""
    today = _day(now)
    found = session.execute(
        select(PlanItemRow.id, PlanItemRow.ticket_id, PlanItemRow.created_at,
               TicketRow.first_seen)
        .join(TicketRow, TicketRow.id == PlanItemRow.ticket_id)
        .where(PlanItemRow.plan_id == plan.id).order_by(PlanItemRow.id)
    ).all()  # fmt: skip
    first = min([_day(plan.created_at), *(_day(seen) for *_, seen in found)])
    last = max(today, plan.ends_on)
    workdays = calendar_in(session, range(first.year - 1, last.year + 2))
    approved = _day(plan.approved_at) if plan.approved_at else None
    approval = step_deadline(SopStep.PLAN, _day(plan.created_at), approved, today, workdays)
    evaluated = _evaluated_on(session, plan)
    evaluation = step_deadline(SopStep.EVALUATION, plan.ends_on, evaluated, today, workdays)
    items = [
        ItemDeadline(item_id, ticket_id, step_deadline(
            SopStep.IDENTIFICATION_TO_PLAN, _day(seen), _day(added), today, workdays))
        for item_id, ticket_id, added, seen in found
        if ticket_id is not None
    ]  # fmt: skip
    return PlanDeadlines(approval, evaluation, items)


def _evaluated_on(session: Session, plan: PlanRow) -> date | None:
    """The date of the M&E record of the plan's site and period."""
    try:
        code = parse_period(plan.period).code
    except PeriodError:
        return None
    return session.scalar(
        select(EvaluationRow.evaluated_on).where(
            EvaluationRow.site_id == plan.site_id, EvaluationRow.period == code
        )
    )
