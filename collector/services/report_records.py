"""The reports' records read from the plans tables: a site's plans, plan items, work orders
with their execution records and evidence, the problems identified on its assets, its assets
by BMN condition and the period's M&E record, as :class:`MaintenanceRecords`.

The plans side and the reports side name a few things differently; the mapping lives here
only: a work order ``open`` is ``scheduled`` (``in_progress`` while its ticket is being worked
on), an executor ``own`` is ``staff``, an item's kind is preventive when its maintenance is one
of the preventive kinds and corrective otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import (
    AssetRow,
    EvaluationRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketEventRow,
    TicketRow,
    WorkAttachmentRow,
    WorkExecutionRow,
    WorkOrderRow,
)
from collector.domain import maintenance_records as mr
from collector.domain.evaluation import EvaluationRecord
from collector.domain.kpis import WIB
from collector.domain.periods import Period
from collector.domain.plans import Preventive
from collector.domain.register import AssetKind, AssetStatus, Kondisi
from collector.domain.tickets import FINISHED, Status
from collector.services.evaluations import evaluation_record

PREVENTIVE = frozenset(p.value for p in Preventive)
_KONDISI = frozenset(k.value for k in Kondisi)
REOPENED_FROM = tuple(s.value for s in FINISHED)


class DatabaseReportSource:
    """The :class:`~collector.services.reports.ReportSource` over the collector's database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def maintenance_records(self, site_code: str, period: Period) -> mr.MaintenanceRecords | None:
        """The site's records for the period (read in one transaction); None when no site has
        that code."""
        with self._sessions() as session:
            site = session.scalar(select(SiteRow).where(SiteRow.code == site_code))
            if site is None:
                return None
            plans = _plans(session, site.id, period)
            items = _items(session, [plan.id for plan in plans])
            return mr.MaintenanceRecords(
                site=mr.Site(site.id, site.code, site.name),
                period=period,
                plans=tuple(plans),
                items=tuple(items),
                orders=tuple(_orders(session, [item.id for item in items], period)),
                identifications=tuple(_identifications(session, site.id, period)),
                assets=tuple(_asset_counts(session, site.id)),
                evaluation=_evaluation(session, site, period),
            )


def _plans(session: Session, site_id: int, period: Period) -> list[mr.Plan]:
    """The site's plans whose span overlaps the period."""
    rows = session.scalars(
        select(PlanRow)
        .where(PlanRow.site_id == site_id, PlanRow.starts_on <= period.end,
               PlanRow.ends_on >= period.start)
        .order_by(PlanRow.id)
    )  # fmt: skip
    return [mr.Plan(r.id, r.title, r.created_at, r.approved_at, r.approved_by) for r in rows]


def _items(session: Session, plan_ids: list[int]) -> list[mr.PlanItem]:
    if not plan_ids:
        return []
    query = (
        select(PlanItemRow, AssetRow, TicketRow)
        .join(AssetRow, AssetRow.id == PlanItemRow.asset_id)
        .outerjoin(TicketRow, TicketRow.id == PlanItemRow.ticket_id)
        .where(PlanItemRow.plan_id.in_(plan_ids))
        .order_by(PlanItemRow.id)
    )
    return [_item(item, asset, ticket) for item, asset, ticket in session.execute(query)]


def _item(row: PlanItemRow, asset: AssetRow, ticket: TicketRow | None) -> mr.PlanItem:
    kind = mr.MaintenanceKind.PREVENTIVE if row.maintenance in PREVENTIVE else (
        mr.MaintenanceKind.CORRECTIVE)  # fmt: skip
    executor = (
        mr.Executor(mr.ExecutorKind.VENDOR, row.vendor or "-", row.contract_ref)
        if row.executor == "vendor"
        else mr.Executor(mr.ExecutorKind.STAFF, row.pic)
    )
    ref = mr.TicketRef(ticket.id, ticket.rule, ticket.first_seen) if ticket else None
    activity = row.maintenance + (f": {row.description}" if row.description else "")
    ref_asset = mr.AssetRef(asset.id, _kind(asset.kind), asset.name,
                            row.kode_barang or asset.kode_barang, row.nup or asset.nup)  # fmt: skip
    return mr.PlanItem(
        id=row.id,
        plan_id=row.plan_id,
        asset=ref_asset,
        kind=kind,
        activity=activity,
        pic=row.pic,
        executor=executor,
        added_at=row.created_at,
        estimated_cost=Decimal(row.estimated_cost),
        ticket=ref,
    )


def _orders(session: Session, item_ids: list[int], period: Period) -> list[mr.WorkOrder]:
    """The items' work orders due in the period, with their execution and evidence."""
    if not item_ids:
        return []
    query = (
        select(WorkOrderRow, WorkExecutionRow, TicketRow.status)
        .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
        .outerjoin(WorkExecutionRow, WorkExecutionRow.work_order_id == WorkOrderRow.id)
        .outerjoin(TicketRow, TicketRow.id == PlanItemRow.ticket_id)
        .where(WorkOrderRow.item_id.in_(item_ids), WorkOrderRow.due_on >= period.start,
               WorkOrderRow.due_on <= period.end)
        .order_by(WorkOrderRow.due_on, WorkOrderRow.id)
    )  # fmt: skip
    found = session.execute(query).all()
    evidence = _evidence(session, [order.id for order, _, _ in found])
    return [_order(o, e, t, evidence[o.id]) for o, e, t in found]


def _order(
    row: WorkOrderRow,
    execution: WorkExecutionRow | None,
    ticket_status: str | None,
    evidence: list[mr.Evidence],
) -> mr.WorkOrder:
    if row.status == "done":
        status = mr.WorkStatus.DONE
    elif ticket_status == Status.IN_PROGRESS.value:
        status = mr.WorkStatus.IN_PROGRESS
    else:
        status = mr.WorkStatus.SCHEDULED
    if execution is None:
        return mr.WorkOrder(row.id, row.item_id, row.due_on, status, row.done_at,
                            evidence=tuple(evidence))  # fmt: skip
    notes = execution.summary + (f" — {execution.notes}" if execution.notes else "")
    return mr.WorkOrder(
        id=row.id,
        item_id=row.item_id,
        scheduled=row.due_on,
        status=status,
        done_at=_done_at(execution),
        outcome=mr.Outcome(execution.outcome),
        cost=Decimal(execution.cost),
        condition_after=Kondisi(execution.kondisi_after),
        notes=notes,
        evidence=tuple(evidence),
    )


def _done_at(execution: WorkExecutionRow) -> datetime:
    """When the work was done: the executor's date (a record written days later must not make
    the work late), at the moment it was recorded when that is the same day (WIB), else noon."""
    recorded = execution.recorded_at
    if recorded.astimezone(WIB).date() == execution.done_on:
        return recorded
    return datetime.combine(execution.done_on, time(12), WIB)


def _evidence(session: Session, order_ids: list[int]) -> defaultdict[int, list[mr.Evidence]]:
    found: defaultdict[int, list[mr.Evidence]] = defaultdict(list)
    if order_ids:
        rows = session.execute(
            select(WorkAttachmentRow).where(WorkAttachmentRow.work_order_id.in_(order_ids))
            .order_by(WorkAttachmentRow.id)
        ).scalars()  # fmt: skip
        for row in rows:
            found[row.work_order_id].append(
                mr.Evidence(row.file_name, row.media_type, row.size_bytes)
            )
    return found


def _identifications(session: Session, site_id: int, period: Period) -> list[mr.Identification]:
    """Every ticket opening and reopening on the site's assets up to the period's end (local
    day, so a ticket opened late on the last day still counts): a finding back after the
    ticket closed, or still there at the inventory after the work was done."""
    until = _end_of(period)
    tickets = (
        select(TicketRow.id, TicketRow.asset_id, TicketRow.rule, TicketRow.first_seen)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .where(AssetRow.site_id == site_id, TicketRow.first_seen < until)
    )
    found = [mr.Identification(t, a, r, at) for t, a, r, at in session.execute(tickets)]
    reopened = (
        select(TicketRow.id, TicketRow.asset_id, TicketRow.rule, TicketEventRow.at)
        .join(TicketEventRow, TicketEventRow.ticket_id == TicketRow.id)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .where(AssetRow.site_id == site_id, TicketEventRow.at < until,
               or_(and_(TicketEventRow.from_status.in_(REOPENED_FROM),
                        TicketEventRow.to_status == Status.NEW.value),
                   and_(TicketEventRow.from_status == Status.DONE.value,
                        TicketEventRow.to_status == Status.APPROVED.value)))
    )  # fmt: skip
    found += [mr.Identification(t, a, r, at) for t, a, r, at in session.execute(reopened)]
    return sorted(found, key=lambda f: (f.identified_at, f.ticket_id))


def _end_of(period: Period) -> datetime:
    """The first moment after the period's last day in WIB (the SOP's local day)."""
    return datetime.combine(period.end + timedelta(days=1), time(), WIB)


def _asset_counts(session: Session, site_id: int) -> Iterable[mr.AssetCount]:
    """The site's registered assets (not written off) by kind and BMN condition."""
    query = (
        select(AssetRow.kind, AssetRow.kondisi, func.count())
        .where(AssetRow.site_id == site_id, AssetRow.status != AssetStatus.RETIRED.value)
        .group_by(AssetRow.kind, AssetRow.kondisi)
    )
    for kind, kondisi, count in session.execute(query):
        condition = Kondisi(kondisi) if kondisi in _KONDISI else None
        yield mr.AssetCount(_kind(kind), condition, int(count))


def _kind(value: str) -> AssetKind:
    return AssetKind(value) if value in AssetKind._value2member_map_ else AssetKind.OTHER


def _evaluation(session: Session, site: SiteRow, period: Period) -> EvaluationRecord | None:
    row = session.scalar(
        select(EvaluationRow).where(EvaluationRow.site_id == site.id,
                                    EvaluationRow.period == period.code)
    )  # fmt: skip
    return evaluation_record(row, site.code) if row is not None else None
