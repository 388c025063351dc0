"""Recording what was done for a work order (SOP step 3): the executor's report, the parts
replaced, the asset's BMN condition afterwards, and the ticket the work came from.

Everything is checked before anything is written, in one transaction. The asset's ``kondisi``
takes the condition reported, with a change-history entry. A ticket moves to Selesai (done)
when the outcome finishes it (fixed, partially fixed, replaced): the next inventory then
confirms or reopens it (collector/services/work_verification.py). After "not fixed" the
ticket keeps its status and gets an event saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import (
    AssetRow,
    ChangeRow,
    PlanItemRow,
    PlanRow,
    TicketEventRow,
    TicketRow,
    WorkExecutionRow,
    WorkOrderRow,
    WorkPartRow,
)
from collector.domain.bmn import parse_kondisi
from collector.domain.plans import FINISHING, Outcome, PlanState, WorkStatus
from collector.domain.tickets import Action, Status, allowed_move
from collector.errors import Refused
from collector.services.plan_fields import MAX_TEXT, day, invalid, text, whole
from collector.services.users import Role, Viewer

Clock = Callable[[], datetime]
EXECUTORS = frozenset({Role.OPERATOR, Role.PLANNER, Role.ADMIN})
MAX_PARTS = 50
CHANGE_SOURCE = "work_order"


@dataclass(frozen=True)
class Part:
    name: str
    serial_removed: str | None
    serial_installed: str | None


@dataclass(frozen=True)
class Report:
    """An execution record as the request gave it, checked."""

    done_on: date
    summary: str
    outcome: Outcome
    cost: int
    kondisi_after: str
    notes: str | None
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class ExecutionView:
    work_order_id: int
    done_on: date
    summary: str
    outcome: str
    cost: int
    kondisi_after: str
    notes: str | None
    parts: list[Part]
    recorded_by: str
    recorded_at: datetime
    ticket_status: str | None


def require_executor(viewer: Viewer) -> None:
    if viewer.role not in EXECUTORS:
        raise Refused(403, "forbidden", "pelaksanaan dicatat oleh operator ke atas")


def order_in_scope(session: Session, viewer: Viewer, work_order_id: int, *, lock: bool = False
                   ) -> tuple[WorkOrderRow, PlanItemRow, PlanRow]:  # fmt: skip
    """The work order with its item and plan; 404 when missing or another site's."""
    query = (select(WorkOrderRow, PlanItemRow, PlanRow)
             .join(PlanItemRow, PlanItemRow.id == WorkOrderRow.item_id)
             .join(PlanRow, PlanRow.id == PlanItemRow.plan_id)
             .where(WorkOrderRow.id == work_order_id))  # fmt: skip
    if viewer.site_id is not None:
        query = query.where(PlanRow.site_id == viewer.site_id)
    found = session.execute(query.with_for_update(of=WorkOrderRow) if lock else query).first()
    if found is None:
        raise Refused(404, "not_found", f"perintah kerja {work_order_id} tidak ditemukan")
    return found[0], found[1], found[2]


def parse_report(body: Mapping[str, Any], today: date, plan: PlanRow) -> Report:
    """The execution record of a request; 422 naming the first field that is wrong."""
    done_on = day(body.get("done_on"), "done_on")
    if done_on > today:
        raise invalid("done_on", "tidak boleh di masa depan")
    if done_on < plan.starts_on:
        raise invalid("done_on", f"sebelum awal periode rencana ({plan.starts_on})")
    try:
        outcome = Outcome(str(body.get("outcome")))
    except ValueError:
        raise invalid("outcome", "harus fixed, partial, not_fixed atau replaced") from None
    kondisi, problem = parse_kondisi(str(text(body, "kondisi_after", limit=32)))
    if problem or kondisi is None:
        raise invalid("kondisi_after", problem or "wajib diisi")
    return Report(done_on, str(text(body, "summary", limit=MAX_TEXT)), outcome,
                  whole(body.get("cost", 0), "cost"), str(kondisi),
                  text(body, "notes", limit=MAX_TEXT, required=False),
                  _parts(body.get("parts", [])))  # fmt: skip


def _parts(raw: Any) -> tuple[Part, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_PARTS:
        raise invalid("parts", f"harus daftar maks. {MAX_PARTS} suku cadang")
    parts = []
    for n, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise invalid(f"parts[{n}]", "harus objek {name, serial_removed, serial_installed}")
        parts.append(Part(str(text(entry, "name")),
                          text(entry, "serial_removed", required=False),
                          text(entry, "serial_installed", required=False)))  # fmt: skip
    return tuple(parts)


class ExecutionService:
    """Records executions and shows them."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def record(self, viewer: Viewer, work_order_id: int, body: Mapping[str, Any]
               ) -> ExecutionView:  # fmt: skip
        """Record the work order as done; 409 when it is done already or its plan is not
        active, 422 for a bad field."""
        require_executor(viewer)
        now = self._clock()
        with self._sessions.begin() as session:
            order, item, plan = order_in_scope(session, viewer, work_order_id, lock=True)
            if order.status != WorkStatus.OPEN.value:
                raise Refused(409, "already_done", f"perintah kerja {work_order_id} sudah selesai")
            if plan.state != PlanState.ACTIVE.value:
                raise Refused(
                    409,
                    "plan_not_active",
                    f"rencana {plan.id} berstatus {plan.state}, bukan active",
                )
            report = parse_report(body, now.date(), plan)
            execution = WorkExecutionRow(
                work_order_id=order.id, done_on=report.done_on, summary=report.summary,
                outcome=report.outcome.value, cost=report.cost,
                kondisi_after=report.kondisi_after, notes=report.notes,
                recorded_by=viewer.name, recorded_at=now)  # fmt: skip
            session.add(execution)
            session.flush()
            session.add_all(WorkPartRow(execution_id=execution.id, name=p.name,
                                        serial_removed=p.serial_removed,
                                        serial_installed=p.serial_installed)
                            for p in report.parts)  # fmt: skip
            order.status, order.done_at = WorkStatus.DONE.value, now
            _set_kondisi(session, item.asset_id, report.kondisi_after, now)
            ticket_status = _move_ticket(session, item, order, report, viewer=viewer, now=now)
        return _view(execution, list(report.parts), ticket_status)

    def show(self, viewer: Viewer, work_order_id: int) -> ExecutionView | None:
        """The work order's execution record (None before it is done); 404 out of scope."""
        with self._sessions() as session:
            order, item, _ = order_in_scope(session, viewer, work_order_id)
            execution = session.scalar(
                select(WorkExecutionRow).where(WorkExecutionRow.work_order_id == order.id)
            )
            if execution is None:
                return None
            parts = [Part(p.name, p.serial_removed, p.serial_installed) for p in session.scalars(
                select(WorkPartRow).where(WorkPartRow.execution_id == execution.id)
                .order_by(WorkPartRow.id))]  # fmt: skip
            status = (session.scalar(select(TicketRow.status).where(TicketRow.id == item.ticket_id))
                      if item.ticket_id else None)  # fmt: skip
        return _view(execution, parts, status)


def _set_kondisi(session: Session, asset_id: int, kondisi: str, now: datetime) -> None:
    asset = session.get(AssetRow, asset_id)
    if asset is None or asset.kondisi == kondisi:
        return
    session.execute(insert(ChangeRow).values(
        asset_id=asset_id, at=now, source=CHANGE_SOURCE, kind="bmn_updated", subject="kondisi",
        before=asset.kondisi, after=kondisi))  # fmt: skip
    asset.kondisi = kondisi


def _move_ticket(session: Session, item: PlanItemRow, order: WorkOrderRow, report: Report,
                 *, viewer: Viewer, now: datetime) -> str | None:  # fmt: skip
    """Done (Selesai) for a finishing outcome, else an event only; the ticket's status."""
    if item.ticket_id is None:
        return None
    ticket = session.get(TicketRow, item.ticket_id, with_for_update=True)
    if ticket is None:
        return None
    note = f"perintah kerja {order.id} dilaksanakan {report.done_on}: {report.outcome.value}"
    before = ticket.status
    after = allowed_move(Action.FINISH, Status(before))
    if report.outcome in FINISHING and after is not None:
        ticket.status, ticket.updated_at = after.value, now
    session.add(TicketEventRow(ticket_id=ticket.id, at=now, actor=viewer.name, note=note,
                               from_status=before, to_status=ticket.status,
                               changes={"work_order": order.id}))  # fmt: skip
    return ticket.status


def _view(row: WorkExecutionRow, parts: list[Part], ticket_status: str | None) -> ExecutionView:
    return ExecutionView(row.work_order_id, row.done_on, row.summary, row.outcome, row.cost,
                         row.kondisi_after, row.notes, parts, row.recorded_by, row.recorded_at,
                         ticket_status)  # fmt: skip
