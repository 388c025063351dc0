"""Monitoring & evaluation KPIs (SOP 4) of one site and period, from its maintenance records.

What each figure means, so the report and an auditor read it the same way:

- **completion**: work orders scheduled in the period, cancelled ones apart; done = executed
  (status done), whenever that was.
- **on time**: of the done orders, those done on or before their scheduled date (local
  date); the late ones by how many working days (HK) late.
- **SOP step times** against the quality standard (mutu baku): identification → plan
  (ticket identified → item added to a plan, ≤ 10 HK), plan (plan created → approved,
  ≤ 10 HK), M&E (period end → evaluation record date, ≤ 5 HK). Work not yet done that is
  already past its standard (as of the report day) counts as *pending over*.
- **backlog**: orders not cancelled and not done by the period's end (or today, while the
  period runs); **overdue** those whose scheduled date had passed by then.
- **mean time to repair**: corrective orders repaired (fixed or replaced), from the ticket's
  identification to the order's completion, in working days (HK, the SOP's unit) and in
  calendar hours (elapsed wall-clock time, nights and holidays included).
- **recurrence**: repairs after which the same problem (same asset and rule) was identified
  again before the period's end.
- **cost** by site and kind of maintenance: the estimate of every order not cancelled against
  the cost recorded on the done ones; **assets by condition**: the site's register.

Working days are counted by a function passed in (the calendar lives elsewhere):
``working_days_between(start, end)`` is the number of working days after ``start`` up to and
including ``end``, negative when ``end`` is earlier; so the tenth working day after a Friday
is the day ``d`` where ``working_days_between(friday, d) == 10``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Final

from collector.domain.maintenance_records import (
    REPAIRED,
    AssetCount,
    AssetRef,
    MaintenanceKind,
    MaintenanceRecords,
    WorkOrder,
    WorkStatus,
)
from collector.domain.register import AssetKind, Kondisi

WorkingDays = Callable[[date, date], int]
WIB: Final = timezone(timedelta(hours=7), "WIB")
CONDITIONS: Final[tuple[Kondisi | None, ...]] = (*Kondisi, None)


class SopStep(StrEnum):
    IDENTIFICATION_TO_PLAN = "identification_to_plan"
    PLAN = "plan"
    EVALUATION = "evaluation"


STANDARD_HK: Final = {
    SopStep.IDENTIFICATION_TO_PLAN: 10,
    SopStep.PLAN: 10,
    SopStep.EVALUATION: 5,
}


@dataclass(frozen=True)
class KpiContext:
    """How to count: the working-day function, the report day and the local time zone that
    turns recorded moments into dates (a site in WITA or WIT passes its own)."""

    working_days_between: WorkingDays
    today: date
    zone: tzinfo = WIB

    def day(self, moment: datetime) -> date:
        """The local date of an aware moment."""
        return moment.astimezone(self.zone).date()

    def as_of(self, records: MaintenanceRecords) -> date:
        """The day the period is judged at: its end, or today while it runs."""
        return min(self.today, records.period.end)


def rate(part: int, whole: int) -> float | None:
    """part / whole, None when there is nothing to divide by (not 0 %, not 100 %)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Completion:
    planned: int
    done: int
    cancelled: int

    @property
    def rate(self) -> float | None:
        return rate(self.done, self.planned)


@dataclass(frozen=True)
class OnTime:
    done: int
    on_time: int
    late: int
    mean_late_hk: float | None
    worst_late_hk: int | None

    @property
    def rate(self) -> float | None:
        return rate(self.on_time, self.done)


@dataclass(frozen=True)
class StepTime:
    """One SOP step against its standard: how many were measured, how many within it, the
    mean and longest HK taken, and how many not yet done that are already past it."""

    step: SopStep
    standard_hk: int
    measured: int
    within: int
    mean_hk: float | None
    worst_hk: int | None
    pending_over: int

    @property
    def rate(self) -> float | None:
        return rate(self.within, self.measured)


@dataclass(frozen=True)
class OverdueOrder:
    order_id: int
    asset: AssetRef
    activity: str
    scheduled: date
    overdue_hk: int


@dataclass(frozen=True)
class Backlog:
    open: int
    overdue: tuple[OverdueOrder, ...]


@dataclass(frozen=True)
class RepairTime:
    repairs: int
    mean_hk: float | None
    mean_hours: float | None


@dataclass(frozen=True)
class RecurrenceCase:
    asset: AssetRef
    rule: str
    fixed_on: date
    again_on: date


@dataclass(frozen=True)
class Recurrence:
    repairs: int
    cases: tuple[RecurrenceCase, ...]

    @property
    def rate(self) -> float | None:
        return rate(len(self.cases), self.repairs)


@dataclass(frozen=True)
class CostLine:
    site_code: str
    kind: MaintenanceKind
    orders: int
    estimated: Decimal
    spent: Decimal


@dataclass(frozen=True)
class ConditionRow:
    """Assets of one kind by condition, counts in :data:`CONDITIONS` order."""

    kind: AssetKind
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class KpiSummary:
    completion: Completion
    on_time: OnTime
    steps: tuple[StepTime, ...]
    backlog: Backlog
    repair_time: RepairTime
    recurrence: Recurrence
    costs: tuple[CostLine, ...]
    conditions: tuple[ConditionRow, ...]


def compute_kpis(records: MaintenanceRecords, context: KpiContext) -> KpiSummary:
    """Every KPI of the site and period."""
    return KpiSummary(
        completion=completion(records.orders),
        on_time=on_time(records.orders, context),
        steps=step_times(records, context),
        backlog=backlog(records, context),
        repair_time=repair_time(records, context),
        recurrence=recurrence(records, context),
        costs=cost_by_site_and_kind([records]),
        conditions=assets_by_condition(records.assets),
    )


def completion(orders: Iterable[WorkOrder]) -> Completion:
    """Planned (not cancelled) against done."""
    statuses = Counter(order.status for order in orders)
    cancelled = statuses[WorkStatus.CANCELLED]
    planned = sum(statuses.values()) - cancelled
    return Completion(planned, statuses[WorkStatus.DONE], cancelled)


def _done(orders: Iterable[WorkOrder]) -> list[tuple[WorkOrder, datetime]]:
    return [(o, o.done_at) for o in orders if o.status is WorkStatus.DONE and o.done_at]


def on_time(orders: Iterable[WorkOrder], context: KpiContext) -> OnTime:
    """Done orders on or before their scheduled date; the late ones' HK late."""
    done = _done(orders)
    late = [
        context.working_days_between(order.scheduled, context.day(done_at))
        for order, done_at in done
        if context.day(done_at) > order.scheduled
    ]
    return OnTime(len(done), len(done) - len(late), len(late), _mean(late),
                  max(late, default=None))  # fmt: skip


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def step_times(records: MaintenanceRecords, context: KpiContext) -> tuple[StepTime, ...]:
    """The three timed SOP steps against their standards."""
    return (
        _identification_to_plan(records, context),
        _plan_time(records, context),
        _evaluation_time(records, context),
    )


def _step(step: SopStep, taken: Sequence[int], pending: Iterable[int]) -> StepTime:
    standard = STANDARD_HK[step]
    return StepTime(
        step=step,
        standard_hk=standard,
        measured=len(taken),
        within=sum(1 for hk in taken if hk <= standard),
        mean_hk=_mean(taken),
        worst_hk=max(taken, default=None),
        pending_over=sum(1 for hk in pending if hk > standard),
    )


def _identification_to_plan(records: MaintenanceRecords, context: KpiContext) -> StepTime:
    between, day = context.working_days_between, context.day
    taken = [
        between(day(item.ticket.identified_at), day(item.added_at))
        for item in records.items
        if item.ticket is not None
    ]
    planned = {item.ticket.id for item in records.items if item.ticket is not None}
    as_of = context.as_of(records)
    waiting = {
        found.ticket_id: day(found.identified_at)
        for found in records.identifications
        if found.ticket_id not in planned and day(found.identified_at) in records.period
    }
    return _step(SopStep.IDENTIFICATION_TO_PLAN, taken,
                 (between(seen, as_of) for seen in waiting.values()))  # fmt: skip


def _plan_time(records: MaintenanceRecords, context: KpiContext) -> StepTime:
    between, day = context.working_days_between, context.day
    taken = [
        between(day(plan.created_at), day(plan.approved_at))
        for plan in records.plans
        if plan.approved_at is not None
    ]
    pending = (
        between(day(plan.created_at), context.today)
        for plan in records.plans
        if plan.approved_at is None
    )
    return _step(SopStep.PLAN, taken, pending)


def _evaluation_time(records: MaintenanceRecords, context: KpiContext) -> StepTime:
    end = records.period.end
    if records.evaluation is not None:
        taken = context.working_days_between(end, records.evaluation.evaluated_on)
        return _step(SopStep.EVALUATION, [taken], ())
    waited = context.working_days_between(end, context.today)
    return _step(SopStep.EVALUATION, [], [waited])


def backlog(records: MaintenanceRecords, context: KpiContext) -> Backlog:
    """Orders still open when the period is judged; overdue those past their date then."""
    as_of = context.as_of(records)
    still_open = [
        order
        for order in records.orders
        if order.status is not WorkStatus.CANCELLED
        and (order.done_at is None or context.day(order.done_at) > as_of)
    ]
    late = sorted((o for o in still_open if o.scheduled < as_of), key=lambda o: (o.scheduled, o.id))
    return Backlog(len(still_open), tuple(_overdue(records, o, as_of, context) for o in late))


def _overdue(
    records: MaintenanceRecords, order: WorkOrder, as_of: date, context: KpiContext
) -> OverdueOrder:
    item = records.item_of(order)
    overdue_hk = context.working_days_between(order.scheduled, as_of)
    return OverdueOrder(order.id, item.asset, item.activity, order.scheduled, overdue_hk)


def repair_time(records: MaintenanceRecords, context: KpiContext) -> RepairTime:
    """Mean time from a problem's identification to its repair, in HK and calendar hours."""
    days: list[int] = []
    hours: list[float] = []
    for order, done_at in _done(records.orders):
        item = records.item_of(order)
        if item.kind is not MaintenanceKind.CORRECTIVE or item.ticket is None:
            continue
        if order.outcome not in REPAIRED:
            continue
        found = item.ticket.identified_at
        days.append(context.working_days_between(context.day(found), context.day(done_at)))
        hours.append((done_at - found).total_seconds() / 3600)
    return RepairTime(len(days), _mean(days), _mean(hours))


def recurrence(records: MaintenanceRecords, context: KpiContext) -> Recurrence:
    """Repairs after which the same asset and rule was identified again by the period's end
    (each repair counted once, at its first recurrence)."""
    seen: defaultdict[tuple[int, str], list[datetime]] = defaultdict(list)
    for found in records.identifications:
        if context.day(found.identified_at) <= records.period.end:
            seen[(found.asset_id, found.rule)].append(found.identified_at)
    repairs, cases = 0, []
    for order, done_at in _done(records.orders):
        item = records.item_of(order)
        if item.ticket is None or order.outcome not in REPAIRED:
            continue
        repairs += 1
        again = [moment for moment in seen[(item.asset.id, item.ticket.rule)] if moment > done_at]
        if again:
            cases.append(RecurrenceCase(item.asset, item.ticket.rule, context.day(done_at),
                                        context.day(min(again))))  # fmt: skip
    return Recurrence(repairs, tuple(cases))


def cost_by_site_and_kind(sites: Iterable[MaintenanceRecords]) -> tuple[CostLine, ...]:
    """Estimated and spent rupiah per site and kind of maintenance, sorted by both; an order's
    estimate is its plan item's (per occurrence), its spending the cost recorded when done."""
    orders: Counter[tuple[str, MaintenanceKind]] = Counter()
    estimated: defaultdict[tuple[str, MaintenanceKind], Decimal] = defaultdict(Decimal)
    spent: defaultdict[tuple[str, MaintenanceKind], Decimal] = defaultdict(Decimal)
    for records in sites:
        for order in records.orders:
            if order.status is WorkStatus.CANCELLED:
                continue
            item = records.item_of(order)
            key = (records.site.code, item.kind)
            orders[key] += 1
            estimated[key] += item.estimated_cost or 0
            if order.status is WorkStatus.DONE:
                spent[key] += order.cost or 0
    return tuple(
        CostLine(site, kind, orders[site, kind], estimated[site, kind], spent[site, kind])
        for site, kind in sorted(orders)
    )


def assets_by_condition(assets: Iterable[AssetCount]) -> tuple[ConditionRow, ...]:
    """The site's assets per kind (in the register's order of kinds) by BMN condition."""
    table: dict[AssetKind, Counter[Kondisi | None]] = {}
    for count in assets:
        table.setdefault(count.kind, Counter())[count.condition] += count.count
    return tuple(
        ConditionRow(kind, tuple(table[kind][condition] for condition in CONDITIONS))
        for kind in AssetKind
        if kind in table
    )
