"""Maintenance plans (SOP step 2): a site's plan for a period, its items (from approved
tickets, from preventive templates, or by hand) and its moves from draft to closed.

Planners and administrators make and move plans; everyone sees the plans of their site.
Every request is checked whole before anything is written, in one transaction: a refusal
changes nothing. Items are added while the plan is a draft; an activated plan's work orders
are made by the work-order service (``on_activate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import (
    AssetRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketEventRow,
    TicketRow,
)
from collector.domain.plans import (
    EDITABLE,
    MAINTENANCE_KINDS,
    PLAN_MOVES,
    ItemSource,
    Period,
    PeriodError,
    PlanMove,
    PlanState,
    parse_period,
    plan_move,
)
from collector.domain.register import AssetKind, AssetStatus
from collector.domain.tickets import Action, Status, allowed_move
from collector.errors import Refused
from collector.services.plan_deadlines import PlanDeadlines, plan_deadlines
from collector.services.plan_fields import Terms, ids, invalid, terms, text
from collector.services.plan_views import (
    ItemView,
    PlanView,
    item_views,
    plan_in_scope,
    plan_view,
    scoped_plans,
)
from collector.services.preventive_templates import Templates
from collector.services.users import Role, Viewer

Clock = Callable[[], datetime]
PLANNERS = frozenset({Role.PLANNER, Role.ADMIN})
Entry = tuple[AssetRow, int | None, str, ItemSource, Terms]  # asset, ticket, kind, source


def require_planner(viewer: Viewer) -> None:
    if viewer.role not in PLANNERS:
        raise Refused(403, "forbidden", "rencana pemeliharaan dibuat dan disetujui perencana")


class PlanService:
    """Plans and their items; ``on_activate(plan_id)`` runs after a plan becomes active."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        templates: Templates,
        on_activate: Callable[[int], object] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._templates = templates
        self.on_activate = on_activate

    def create(self, viewer: Viewer, body: Mapping[str, Any]) -> PlanView:
        """A new draft plan for a site and period."""
        require_planner(viewer)
        try:
            period = parse_period(str(text(body, "period", limit=16)))
        except PeriodError as exc:
            raise invalid("period", str(exc)) from None
        title = str(text(body, "title", limit=300))
        code = str(text(body, "site", limit=32)).upper()
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == code))
            if site_id is None or viewer.site_id not in (None, site_id):
                raise Refused(404, "not_found", f"situs {code[:40]!r} tidak ditemukan")
            row = PlanRow(
                site_id=site_id,
                period=period.name,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                title=title,
                state=PlanState.DRAFT.value,
                created_by=viewer.name,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return plan_view(session, row, code)

    def list_plans(self, viewer: Viewer, site: str | None, state: str | None) -> list[PlanView]:
        """The plans the viewer may see, newest first; 400 for an unknown state."""
        query = scoped_plans(viewer).order_by(PlanRow.id.desc())
        if site:
            query = query.where(SiteRow.code == site.upper()[:32])
        if state is not None:
            if state not in {s.value for s in PlanState}:
                raise Refused(400, "bad_filter", f"state tidak dikenal: {state[:40]!r}")
            query = query.where(PlanRow.state == state)
        with self._sessions() as session:
            return [plan_view(session, row, code) for row, code in session.execute(query)]

    def detail(self, viewer: Viewer, plan_id: int) -> tuple[PlanView, list[ItemView]]:
        """The plan and its items; 404 outside the viewer's scope."""
        with self._sessions() as session:
            row, code = plan_in_scope(session, viewer, plan_id)
            return plan_view(session, row, code), item_views(session, plan_id)

    def deadlines(self, viewer: Viewer, plan_id: int) -> PlanDeadlines:
        """The plan's SOP deadlines in working days (approval, M&E, identification → plan per
        item from a ticket); 404 outside the viewer's scope."""
        with self._sessions() as session:
            row, _ = plan_in_scope(session, viewer, plan_id)
            return plan_deadlines(session, row, self._clock())

    def move(self, viewer: Viewer, plan_id: int, body: Mapping[str, Any]) -> PlanView:
        """Move the plan (submit, return, approve, activate, close), recording who and when;
        409 when the move is not allowed from its state or the plan has no items."""
        require_planner(viewer)
        try:
            move = PlanMove(str(body.get("move")))
        except ValueError:
            names = ", ".join(m.value for m in PlanMove)
            raise invalid("move", f"harus salah satu dari: {names}") from None
        now = self._clock()
        with self._sessions.begin() as session:
            row, code = plan_in_scope(session, viewer, plan_id, lock=True)
            after = plan_move(move, PlanState(row.state))
            if after is None:
                raise Refused(
                    409,
                    "bad_transition",
                    f"rencana {plan_id}: {move.value} tidak boleh dari status {row.state}",
                )
            if move is PlanMove.SUBMIT and not session.scalar(
                select(PlanItemRow.id).where(PlanItemRow.plan_id == plan_id).limit(1)
            ):
                raise Refused(409, "empty_plan", f"rencana {plan_id} belum punya butir")
            row.state, row.updated_at = after.value, now
            stamp = PLAN_MOVES[move][2]
            if stamp is not None:
                setattr(row, f"{stamp}_by", viewer.name)
                setattr(row, f"{stamp}_at", now)
            shown = plan_view(session, row, code)
        if after is PlanState.ACTIVE and self.on_activate is not None:
            self.on_activate(plan_id)
        return shown

    def add_items(self, viewer: Viewer, plan_id: int, body: Mapping[str, Any]) -> list[ItemView]:
        """Items by hand: the same maintenance and terms for each asset named."""
        require_planner(viewer)
        asset_ids = ids(body, "asset_ids")
        kind = body.get("maintenance")
        if kind not in MAINTENANCE_KINDS:
            raise invalid("maintenance", f"jenis pemeliharaan tidak dikenal: {str(kind)[:40]!r}")
        with self._sessions.begin() as session:
            plan, period = self._editable(session, viewer, plan_id)
            shared = terms(body, period)
            assets = _assets_of_site(session, plan.site_id, asset_ids)
            entries = [(assets[i], None, str(kind), ItemSource.MANUAL, shared) for i in asset_ids]
            return self._insert(session, plan, viewer, entries)

    def add_from_tickets(
        self, viewer: Viewer, plan_id: int, body: Mapping[str, Any]
    ) -> list[ItemView]:
        """An item per approved ticket (its asset and kind of maintenance); each ticket moves
        Disetujui → Dijadwalkan with an event. 409 when any ticket is not approved."""
        require_planner(viewer)
        ticket_ids = ids(body, "ticket_ids")
        now = self._clock()
        with self._sessions.begin() as session:
            plan, period = self._editable(session, viewer, plan_id)
            shared = terms(body, period)
            tickets = {
                t.id: t
                for t in session.scalars(
                    select(TicketRow)
                    .join(AssetRow, AssetRow.id == TicketRow.asset_id)
                    .where(TicketRow.id.in_(ticket_ids), AssetRow.site_id == plan.site_id)
                    .with_for_update(of=TicketRow)
                )
            }
            for ticket_id in ticket_ids:
                ticket = tickets.get(ticket_id)
                if ticket is None:
                    raise Refused(
                        404, "not_found", f"tiket {ticket_id} tidak ditemukan di situs rencana"
                    )
                if allowed_move(Action.SCHEDULE, Status(ticket.status)) is None:
                    raise Refused(
                        409,
                        "ticket_not_approved",
                        f"tiket {ticket_id} berstatus {ticket.status}, bukan approved",
                    )
            assets = _assets_of_site(session, plan.site_id, [t.asset_id for t in tickets.values()])
            entries = [
                (assets[tickets[t].asset_id], t, tickets[t].maintenance, ItemSource.TICKET, shared)
                for t in ticket_ids
            ]
            for ticket_id in ticket_ids:
                _schedule_ticket(session, tickets[ticket_id], plan, viewer, now)
            return self._insert(session, plan, viewer, entries)

    def add_from_templates(
        self, viewer: Viewer, plan_id: int, body: Mapping[str, Any]
    ) -> list[ItemView]:
        """Preventive items for the site's active assets of the kinds asked (every kind by
        default) from the templates; an asset that already has a template item of the same
        maintenance in the plan is skipped, so asking twice adds nothing."""
        require_planner(viewer)
        kinds = _kinds(body.get("kinds"))
        with self._sessions.begin() as session:
            plan, period = self._editable(session, viewer, plan_id)
            have = {
                (asset_id, kind)
                for asset_id, kind in session.execute(
                    select(PlanItemRow.asset_id, PlanItemRow.maintenance).where(
                        PlanItemRow.plan_id == plan_id
                    )
                )
            }
            query = (
                select(AssetRow)
                .where(
                    AssetRow.site_id == plan.site_id,
                    AssetRow.status == AssetStatus.ACTIVE.value,
                    AssetRow.kind.in_(kinds),
                )
                .order_by(AssetRow.id)
            )
            entries: list[Entry] = []
            for asset in session.scalars(query):
                for template in self._templates.get(asset.kind, ()):
                    if (asset.id, template.maintenance) in have:
                        continue
                    shared = terms(
                        {
                            "description": template.description or None,
                            **body,
                            "schedule": {
                                **(body.get("schedule") or {}),
                                "every": template.every,
                                "unit": template.unit.value,
                            },
                        },
                        period,
                        start=period.starts_on,
                        cost=template.estimated_cost,
                        default_policy=template.on_non_working,
                    )
                    entries.append((asset, None, template.maintenance, ItemSource.TEMPLATE, shared))
            return self._insert(session, plan, viewer, entries)

    def _editable(self, session: Session, viewer: Viewer, plan_id: int) -> tuple[PlanRow, Period]:
        plan, _ = plan_in_scope(session, viewer, plan_id, lock=True)
        if PlanState(plan.state) not in EDITABLE:
            raise Refused(
                409,
                "plan_not_editable",
                f"rencana {plan_id} berstatus {plan.state}: butir hanya ditambah "
                "saat konsep (draft)",
            )
        return plan, Period(plan.period, plan.starts_on, plan.ends_on)

    def _insert(
        self, session: Session, plan: PlanRow, viewer: Viewer, entries: Iterable[Entry]
    ) -> list[ItemView]:
        now = self._clock()
        rows = [_item_row(plan, viewer, now, entry) for entry in entries]
        session.add_all(rows)
        session.flush()
        plan.updated_at = now
        return item_views(session, plan.id, [r.id for r in rows]) if rows else []


def _item_row(plan: PlanRow, viewer: Viewer, now: datetime, entry: Entry) -> PlanItemRow:
    asset, ticket_id, kind, source, shared = entry
    schedule = shared.schedule
    return PlanItemRow(
        plan_id=plan.id,
        asset_id=asset.id,
        ticket_id=ticket_id,
        maintenance=kind,
        source=source.value,
        description=shared.description,
        starts_on=schedule.start,
        every=schedule.every,
        unit=schedule.unit.value if schedule.unit else None,
        repeat_until=schedule.until,
        on_non_working=shared.on_non_working.value,
        pic=shared.pic,
        executor=shared.executor.value,
        vendor=shared.vendor,
        contract_ref=shared.contract_ref,
        estimated_cost=shared.estimated_cost,
        kode_barang=asset.kode_barang,
        nup=asset.nup,
        created_by=viewer.name,
        created_at=now,
    )


def _assets_of_site(session: Session, site_id: int, asset_ids: list[int]) -> dict[int, AssetRow]:
    found = {
        a.id: a
        for a in session.scalars(
            select(AssetRow).where(AssetRow.id.in_(asset_ids), AssetRow.site_id == site_id)
        )
    }
    for asset_id in asset_ids:
        if asset_id not in found:
            raise Refused(404, "not_found", f"aset {asset_id} tidak ditemukan di situs rencana")
    return found


def _kinds(raw: Any) -> list[str]:
    known = [k.value for k in AssetKind]
    if raw is None:
        return known
    if not isinstance(raw, list) or not raw or not all(k in known for k in raw):
        raise invalid("kinds", f"harus daftar jenis aset: {', '.join(known)}")
    return [str(k) for k in raw]


def _schedule_ticket(
    session: Session, ticket: TicketRow, plan: PlanRow, viewer: Viewer, now: datetime
) -> None:
    before = ticket.status
    after = allowed_move(Action.SCHEDULE, Status(before))
    if after is None:  # checked with the ticket locked before anything was written
        raise Refused(409, "ticket_not_approved", f"tiket {ticket.id} bukan approved")
    ticket.status, ticket.updated_at = after.value, now
    session.add(
        TicketEventRow(
            ticket_id=ticket.id,
            at=now,
            actor=viewer.name,
            from_status=before,
            to_status=after.value,
            note=f"dijadwalkan dalam rencana {plan.id} ({plan.period})",
        )
    )
