"""The register in aggregate, for Prometheus: bounded counts per site, never one row per asset.

One call runs a handful of GROUP BY queries (each over an indexed column or a small table) and
returns plain dictionaries keyed by label values; the metrics adapter turns them into gauges.
With 20,000 assets the whole read stays in the tens of milliseconds, and the adapter caches it
so a burst of scrapes costs one read. Days (overdue work, SOP deadlines) are counted in WIB on
the working-day calendar, like the KPIs and the plans API.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Select, case, distinct, func, select
from sqlalchemy.orm import Session

from collector.adapters.db.models import (
    AssetRow,
    DiskRow,
    EvaluationRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketRow,
    WorkOrderRow,
)
from collector.domain.fleet import NEED_RULES, FleetSummary, Need, StaleAfter
from collector.domain.kpis import WIB, SopStep
from collector.domain.periods import PeriodError, parse_period
from collector.domain.plans import PlanState, WorkStatus
from collector.domain.register import AssetStatus
from collector.domain.sop_deadlines import latest_start_at_risk
from collector.domain.tickets import FINISHED, Status
from collector.domain.workdays import WorkCalendar
from collector.services.workday_calendar import calendar_in

ACTIVE = AssetStatus.ACTIVE.value
NOT_FINISHED = TicketRow.status.not_in(sorted(s.value for s in FINISHED))
UNAPPROVED_PLANS = (PlanState.DRAFT.value, PlanState.SUBMITTED.value)


def read_fleet_summary(engine: Engine, now: datetime, stale: StaleAfter) -> FleetSummary:
    """The aggregates as of ``now``, read in one transaction (a consistent picture)."""
    today = now.astimezone(WIB).date()
    with engine.connect() as connection, connection.begin():
        workdays = calendar_in(Session(bind=connection), range(today.year - 1, today.year + 2))
        return FleetSummary(
            assets=_active_assets(connection),
            assets_by_status=_assets_by_status(connection),
            stale=_stale(connection, now, stale),
            last_seen=_last_seen(connection),
            disks=_disks(connection),
            open_tickets=_open_tickets(connection),
            open_by_rule=_open_by_rule(connection),
            unreviewed_oldest=_unreviewed_oldest(connection),
            needs=_needs(connection),
            work_orders_overdue=_work_orders_overdue(connection, today),
            plan_completion=_plan_completion(connection),
            deadlines_at_risk=_deadlines_at_risk(connection, today, workdays),
        )


def _active_assets(connection: Connection) -> dict[tuple[str, str], int]:
    rows = connection.execute(
        select(SiteRow.code, AssetRow.kind, func.count())
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(AssetRow.status == ACTIVE)
        .group_by(SiteRow.code, AssetRow.kind)
    )
    return {(site, kind): count for site, kind, count in rows}


def _assets_by_status(connection: Connection) -> dict[tuple[str, str], int]:
    rows = connection.execute(
        select(AssetRow.kind, AssetRow.status, func.count())
        .group_by(AssetRow.kind, AssetRow.status)
    )  # fmt: skip
    return {(kind, status): count for kind, status, count in rows}


def _stale(connection: Connection, now: datetime, stale: StaleAfter) -> dict[str, int]:
    limit = case(
        (AssetRow.kind.in_(sorted(stale.agent_kinds)), now - timedelta(days=stale.agent_days)),
        else_=now - timedelta(days=stale.device_days),
    )
    rows = connection.execute(
        select(SiteRow.code, func.count())
        .select_from(AssetRow)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(AssetRow.status == ACTIVE, AssetRow.last_seen < limit)
        .group_by(SiteRow.code)
    )
    return {site: count for site, count in rows}  # noqa: C416 - rows are not pairs


def _last_seen(connection: Connection) -> dict[str, float]:
    newest = func.max(AssetRow.last_seen)
    rows = connection.execute(
        select(SiteRow.code, newest.label("newest"))
        .select_from(AssetRow)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(AssetRow.status == ACTIVE)
        .group_by(SiteRow.code)
    )
    return {site: _unix(seen) for site, seen in rows if seen is not None}


def _disks(connection: Connection) -> dict[tuple[str, str], int]:
    health = func.coalesce(DiskRow.health, "unknown")
    rows = connection.execute(
        select(SiteRow.code, health, func.count())
        .select_from(DiskRow)
        .join(AssetRow, AssetRow.id == DiskRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(AssetRow.status == ACTIVE)
        .group_by(SiteRow.code, health)
    )
    return {(site, state): count for site, state, count in rows}


def _open_tickets(connection: Connection) -> dict[tuple[str, str], int]:
    rows = connection.execute(
        select(SiteRow.code, TicketRow.severity, func.count())
        .select_from(TicketRow)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(NOT_FINISHED)
        .group_by(SiteRow.code, TicketRow.severity)
    )
    return {(site, severity): n for site, severity, n in rows}


def _open_by_rule(connection: Connection) -> dict[tuple[str, str, str], int]:
    rows = connection.execute(
        select(TicketRow.rule, TicketRow.severity, TicketRow.status, func.count())
        .where(NOT_FINISHED)
        .group_by(TicketRow.rule, TicketRow.severity, TicketRow.status)
    )
    return {(rule, severity, status): n for rule, severity, status, n in rows}


def _unreviewed_oldest(connection: Connection) -> dict[tuple[str, str], float]:
    oldest = func.min(TicketRow.first_seen)
    rows = connection.execute(
        select(SiteRow.code, TicketRow.severity, oldest.label("oldest"))
        .select_from(TicketRow)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(TicketRow.status == Status.NEW.value)
        .group_by(SiteRow.code, TicketRow.severity)
    )
    return {(site, severity): _unix(first) for site, severity, first in rows}


def _needs(connection: Connection) -> dict[tuple[Need, str], int]:
    need = case(*((TicketRow.rule.in_(sorted(rules)), need.value)
                  for need, rules in NEED_RULES.items()))  # fmt: skip
    every_rule = sorted(rule for rules in NEED_RULES.values() for rule in rules)
    rows = connection.execute(
        select(need.label("need"), SiteRow.code, func.count(distinct(TicketRow.asset_id)))
        .select_from(TicketRow)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(NOT_FINISHED, TicketRow.rule.in_(every_rule))
        .group_by(need, SiteRow.code)
    )
    return {(Need(found), site): n for found, site, n in rows}


def _plan_work(*columns: Any) -> Select[Any]:
    """Work orders with their plan and the plan's site joined (for the plan gauges)."""
    return (
        select(*columns)
        .select_from(WorkOrderRow)
        .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
        .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
        .join(SiteRow, SiteRow.id == PlanRow.site_id)
    )


def _work_orders_overdue(connection: Connection, today: date) -> dict[str, int]:
    query = _plan_work(SiteRow.code, func.count()).where(
        WorkOrderRow.status == WorkStatus.OPEN.value, WorkOrderRow.due_on < today
    )
    rows = connection.execute(query.group_by(SiteRow.code))
    return {site: n for site, n in rows}  # noqa: C416 - rows are not pairs


def _plan_completion(connection: Connection) -> dict[tuple[str, str], float]:
    done = func.sum(case((WorkOrderRow.status == WorkStatus.DONE.value, 1), else_=0))
    query = _plan_work(SiteRow.code, PlanRow.period, done, func.count())
    active = query.where(PlanRow.state == PlanState.ACTIVE.value)
    rows = connection.execute(active.group_by(SiteRow.code, PlanRow.period))
    return {(site, period): int(finished) / total for site, period, finished, total in rows}


def _deadlines_at_risk(
    connection: Connection, today: date, workdays: WorkCalendar
) -> dict[tuple[str, str], int]:
    """Pending SOP steps with at most two working days left, overdue included, by site and
    step: each step's cutoff is worked out once on the calendar, then the database counts."""
    found: Counter[tuple[str, str]] = Counter()
    approval = _start_of_day_after(latest_start_at_risk(SopStep.PLAN, today, workdays))
    for site, n in connection.execute(
        select(SiteRow.code, func.count()).select_from(PlanRow)
        .join(SiteRow, SiteRow.id == PlanRow.site_id)
        .where(PlanRow.state.in_(UNAPPROVED_PLANS), PlanRow.created_at < approval)
        .group_by(SiteRow.code)
    ):  # fmt: skip
        found[site, SopStep.PLAN.value] += n
    for site in _evaluations_due(connection, today, workdays):
        found[site, SopStep.EVALUATION.value] += 1
    identified = _start_of_day_after(
        latest_start_at_risk(SopStep.IDENTIFICATION_TO_PLAN, today, workdays))  # fmt: skip
    planned = select(PlanItemRow.id).where(PlanItemRow.ticket_id == TicketRow.id).exists()
    for site, n in connection.execute(
        select(SiteRow.code, func.count()).select_from(TicketRow)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .where(TicketRow.status == Status.APPROVED.value, TicketRow.first_seen < identified,
               ~planned)
        .group_by(SiteRow.code)
    ):  # fmt: skip
        found[site, SopStep.IDENTIFICATION_TO_PLAN.value] += n
    return dict(found)


def _evaluations_due(connection: Connection, today: date, workdays: WorkCalendar) -> list[str]:
    """A site per (site, period) whose plan period ended by the M&E cutoff with no M&E record
    (plans name a half year 2026-S2, evaluations 2026-H2: both are parsed to compare)."""
    cutoff = latest_start_at_risk(SopStep.EVALUATION, today, workdays)
    evaluated = {(site, period) for site, period in connection.execute(
        select(EvaluationRow.site_id, EvaluationRow.period))}  # fmt: skip
    ended = connection.execute(
        select(PlanRow.site_id, SiteRow.code, PlanRow.period).distinct()
        .join(SiteRow, SiteRow.id == PlanRow.site_id).where(PlanRow.ends_on <= cutoff)
    )  # fmt: skip
    pending = {(site_id, code, _period_code(period)) for site_id, code, period in ended}
    return [code for site_id, code, period in pending if (site_id, period) not in evaluated]


def _period_code(period: str) -> str:
    try:
        return parse_period(period).code
    except PeriodError:
        return period


def _start_of_day_after(day: date) -> datetime:
    """The first moment (WIB) after ``day``: a recorded moment before it falls on ``day`` or
    earlier."""
    return datetime.combine(day + timedelta(days=1), time(), WIB)


def _unix(moment: datetime) -> float:
    return moment.timestamp()
