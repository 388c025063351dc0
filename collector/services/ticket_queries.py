"""Tickets as the API lists and shows them, within the viewer's site scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from collector.adapters.db.models import AssetRow, SiteRow, TicketEventRow, TicketRow
from collector.domain.register import AssetKind
from collector.domain.tickets import FINISHED, LABELS, SEVERITY_RANK, Status
from collector.errors import Refused
from collector.services.register import Page
from collector.services.users import Viewer

MAX_PER_PAGE = 500
SORTABLE: dict[str, Any] = {
    "id": TicketRow.id,
    "first_seen": TicketRow.first_seen,
    "last_seen": TicketRow.last_seen,
    "status": TicketRow.status,
    "rule": TicketRow.rule,
    "severity": case(SEVERITY_RANK, value=TicketRow.severity, else_=-1),
}


@dataclass(frozen=True)
class TicketFilter:
    """What the list narrows to; ``status`` "all" shows finished tickets too (hidden by
    default), else one status or several separated by commas; ``min_age_days`` keeps tickets
    first seen at least that many days ago."""

    site: str | None = None
    kind: str | None = None
    rule: str | None = None
    severity: str | None = None
    status: str | None = None
    min_age_days: int | None = None


@dataclass(frozen=True)
class Ticket:
    id: int
    asset_id: int
    asset_name: str | None
    asset_kind: str
    site: str
    rule: str
    subject: str
    severity: str
    maintenance: str
    message_id: str
    message_en: str
    evidence: Any
    status: str
    status_id: str
    status_en: str
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None
    reopened: int
    pic: str | None
    reason: str | None
    merged_into: int | None


@dataclass(frozen=True)
class TicketEvent:
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    note: str | None
    changes: Any


def list_tickets(
    session: Session, viewer: Viewer, wanted: TicketFilter, page: Page, now: datetime
) -> tuple[list[Ticket], int]:
    """One page of tickets and the total matching; Refused(400) for a bad filter or page."""
    query = _filtered(_scoped(select(TicketRow, AssetRow, SiteRow.code), viewer), wanted, now)
    counted = _filtered(_scoped(select(func.count(TicketRow.id)), viewer), wanted, now)
    if page.sort not in SORTABLE:
        raise Refused(400, "bad_sort", f"urutan tidak dikenal: {page.sort[:40]!r}")
    if page.number < 1 or not 1 <= page.size <= MAX_PER_PAGE:
        raise Refused(400, "bad_page", f"page >= 1 dan per_page 1..{MAX_PER_PAGE}")
    column = SORTABLE[page.sort]
    order = column.desc() if page.descending else column.asc()
    rows = session.execute(
        query.order_by(order, TicketRow.id).limit(page.size).offset((page.number - 1) * page.size)
    ).all()
    return [_ticket(*row) for row in rows], int(session.scalar(counted) or 0)


def ticket_detail(
    session: Session, viewer: Viewer, ticket_id: int
) -> tuple[Ticket, list[TicketEvent]]:
    """A ticket with its events, oldest first; 404 when missing or out of the viewer's scope."""
    found = session.execute(
        _scoped(select(TicketRow, AssetRow, SiteRow.code), viewer).where(TicketRow.id == ticket_id)
    ).first()
    if found is None:
        raise Refused(404, "not_found", f"tiket {ticket_id} tidak ditemukan")
    events = session.scalars(
        select(TicketEventRow)
        .where(TicketEventRow.ticket_id == ticket_id)
        .order_by(TicketEventRow.at, TicketEventRow.id)
    )
    return _ticket(found[0], found[1], found[2]), [
        TicketEvent(e.at, e.actor, e.from_status, e.to_status, e.note, e.changes) for e in events
    ]


def _scoped(query: Any, viewer: Viewer) -> Any:
    query = query.select_from(TicketRow).join(AssetRow, AssetRow.id == TicketRow.asset_id)
    query = query.join(SiteRow, SiteRow.id == AssetRow.site_id)
    if viewer.site_id is not None:
        query = query.where(AssetRow.site_id == viewer.site_id)
    return query


def _filtered(query: Select[Any], wanted: TicketFilter, now: datetime) -> Select[Any]:
    for name, text in (("site", wanted.site), ("rule", wanted.rule)):
        if text is not None and not 0 < len(text) <= 64:
            raise Refused(400, "bad_filter", f"{name} harus 1..64 karakter")
    if wanted.site:
        query = query.where(SiteRow.code == wanted.site.upper())
    if wanted.rule:
        query = query.where(TicketRow.rule == wanted.rule)
    if wanted.kind is not None:
        if wanted.kind not in {k.value for k in AssetKind}:
            raise Refused(400, "bad_filter", f"jenis aset tidak dikenal: {wanted.kind[:40]!r}")
        query = query.where(AssetRow.kind == wanted.kind)
    if wanted.severity is not None:
        if wanted.severity not in SEVERITY_RANK:
            raise Refused(400, "bad_filter", "severity harus info, warning atau critical")
        query = query.where(TicketRow.severity == wanted.severity)
    query = query.where(TicketRow.status.in_(_statuses(wanted.status)))
    if wanted.min_age_days is not None:
        query = query.where(TicketRow.first_seen <= now - timedelta(days=wanted.min_age_days))
    return query


def _statuses(text: str | None) -> list[str]:
    if text is None:
        return [s.value for s in Status if s not in FINISHED]
    if text == "all":
        return [s.value for s in Status]
    wanted = text.split(",")
    unknown = [s for s in wanted if s not in {v.value for v in Status}]
    if unknown:
        known = ", ".join(s.value for s in Status)
        raise Refused(
            400, "bad_filter", f"status tidak dikenal: {unknown[0][:40]!r} ({known}, all)"
        )
    return wanted


def _ticket(row: TicketRow, asset: AssetRow, site: str) -> Ticket:
    status = Status(row.status)
    label_id, label_en = LABELS[status]
    return Ticket(row.id, row.asset_id, asset.name, asset.kind, site, row.rule, row.subject,
                  row.severity, row.maintenance, row.message_id, row.message_en, row.evidence,
                  status.value, label_id, label_en, row.first_seen, row.last_seen,
                  row.resolved_at, row.reopened, row.pic, row.reason, row.merged_into)  # fmt: skip
