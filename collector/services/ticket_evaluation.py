"""Findings → tickets for one asset: the dedup, auto-resolve and reopen decisions.

The caller reads the asset's tickets in bulk beforehand (``Known``); the writes here guard
every change with the status they expect (an operator may act in between), and a new or
reopened ticket is refused by the partial unique index when a concurrent evaluation got there
first, which the caller answers by reading again and retrying once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, exists, insert, literal, null, or_, select, update

from collector.adapters.db.bulk_insert import insert_rows
from collector.adapters.db.id_lists import among
from collector.adapters.db.models import Json, TicketEventRow, TicketRow, When
from collector.domain.rules.findings import Finding
from collector.domain.tickets import FINISHED, OPEN, Status

SYSTEM = "system"
Key = tuple[str, str]  # (rule, subject)


@dataclass(frozen=True)
class KnownTicket:
    """What evaluation needs of a ticket."""

    id: int
    rule: str
    subject: str
    status: Status
    severity: str
    evidence: Any
    message_id: str
    resolved_at: datetime | None


@dataclass
class Known:
    """An asset's open tickets, and its finished ones recent enough to reopen, by key."""

    open: dict[Key, KnownTicket] = field(default_factory=dict)
    recent: dict[Key, KnownTicket] = field(default_factory=dict)


@dataclass
class Counts:
    """What an evaluation did."""

    evaluated: int = 0
    new: int = 0
    updated: int = 0
    auto_resolved: int = 0
    reopened: int = 0
    awaiting: int = 0  # tickets seen in status done: the inventory may confirm or reopen them

    def add(self, other: Counts) -> None:
        for name in _COUNTS:  # not dataclasses.asdict: a deep copy, once per asset
            setattr(self, name, getattr(self, name) + getattr(other, name))


_COUNTS = tuple(f.name for f in dataclasses.fields(Counts))
_TICKET = TicketRow.__table__.c
# Built once, on the table (Core): read on every evaluation after an ingest.
_KNOWN = (
    select(_TICKET.id, _TICKET.asset_id, _TICKET.rule, _TICKET.subject, _TICKET.status,
           _TICKET.severity, _TICKET.evidence, _TICKET.message_id, _TICKET.resolved_at)
    .where(_TICKET.asset_id.in_(bindparam("ids", expanding=True, literal_execute=True)))
    .where(_TICKET.status.in_([s.value for s in OPEN]) |
           (_TICKET.resolved_at >= bindparam("since", type_=_TICKET.resolved_at.type)))
    .order_by(_TICKET.id)
)  # fmt: skip


def read_known(
    connection: Connection, asset_ids: Iterable[int], now: datetime, window: timedelta
) -> dict[int, Known]:
    """Every open ticket of the assets, and the latest finished one per key within ``window``."""
    known: dict[int, Known] = {}
    rows = connection.execute(_KNOWN, {"ids": list(asset_ids), "since": now - window})
    for row in rows:
        ticket = KnownTicket(row.id, row.rule, row.subject, Status(row.status), row.severity,
                             row.evidence, row.message_id, row.resolved_at)  # fmt: skip
        mine = known.setdefault(row.asset_id, Known())
        key = (row.rule, row.subject)
        if ticket.status in FINISHED:
            mine.recent[key] = ticket  # ordered by id: the latest one wins
        else:
            mine.open[key] = ticket
    return known


def plain(evidence: Mapping[str, Any]) -> Any:
    """Evidence as it reads back from a JSON column (dates as ISO text, tuples as lists)."""
    return orjson.loads(orjson.dumps(evidence, default=str))


@dataclass
class Pending:
    """A batch's ticket writes, gathered by ``apply_findings`` and made by ``write_pending`` in
    a few statements (one per kind of change, not one per ticket)."""

    opened: list[dict[str, Any]] = field(default_factory=list)
    refreshed: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def apply_findings(
    connection: Connection,
    asset_id: int,
    findings: Iterable[Finding],
    known: Known,
    now: datetime,
    *,
    pending: Pending,
) -> tuple[Counts, list[int]]:
    """Bring the asset's tickets in line with its findings; the counts (auto-resolves are
    counted by ``write_pending``), and the ids of tickets whose only change is last_seen (the
    caller touches them in bulk). Reopens are written here (each guarded by its own status);
    new, refreshed and auto-resolved tickets are added to ``pending``."""
    counts, touched = Counts(evaluated=1), []
    seen: set[Key] = set()
    for finding in findings:
        key = (finding.rule, finding.subject)
        if key in seen:
            continue  # a family reporting the same key twice: the first one stands
        seen.add(key)
        evidence = plain(finding.evidence)
        current = known.open.get(key)
        if current is None:
            previous = known.recent.get(key)
            if previous is not None and _reopen(connection, previous, finding, evidence, now):
                counts.reopened += 1
            else:
                pending.opened.append(_new_row(asset_id, finding, evidence, now))
                counts.new += 1
        elif _changed(current, finding, evidence):
            _refresh(pending, current, finding, evidence, now)
            counts.updated += 1
        else:
            touched.append(current.id)
    pending.resolved.extend(
        t.id for k, t in known.open.items() if k not in seen and t.status is Status.NEW
    )
    return counts, touched


def _changed(ticket: KnownTicket, finding: Finding, evidence: Any) -> bool:
    return (ticket.severity != finding.severity.value or ticket.evidence != evidence
            or ticket.message_id != finding.message_id)  # fmt: skip


def _new_row(asset_id: int, finding: Finding, evidence: Any, now: datetime) -> dict[str, Any]:
    return {"asset_id": asset_id, "rule": finding.rule, "subject": finding.subject,
            "severity": finding.severity.value, "maintenance": finding.maintenance.value,
            "message_id": finding.message_id, "message_en": finding.message_en,
            "evidence": evidence, "status": Status.NEW.value, "first_seen": now,
            "last_seen": now, "updated_at": now, "reopened": 0}  # fmt: skip


def write_pending(connection: Connection, pending: Pending, now: datetime) -> int:
    """Make the batch's gathered writes; the number of tickets auto-resolved. New tickets are
    refused by the partial unique index (IntegrityError) when a concurrent evaluation opened
    one first; a refresh or auto-resolve applies only to a ticket still open (still new)."""
    if pending.refreshed:
        connection.execute(_REFRESH, pending.refreshed)
    resolved = _auto_resolve(connection, pending.resolved, now)
    _insert_opened(connection, pending.opened, now)
    if pending.events:
        connection.execute(insert(TicketEventRow), pending.events)
    return resolved


def _insert_opened(connection: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert new tickets (in bulk, without RETURNING: SQLAlchemy would make that one huge
    statement per thousand rows for the driver to parse) and then their first events in one
    INSERT ... SELECT: a ticket of these assets opened at ``now`` without any event yet is
    one inserted here, since every ticket gets its first event in the transaction that
    inserts it."""
    if not rows:
        return
    insert_rows(connection, TicketRow, rows)
    assets = sorted({row["asset_id"] for row in rows})
    fresh = (
        select(TicketRow.id, literal(now, When), literal(SYSTEM), null(),
               literal(Status.NEW.value), literal("ditemukan aturan ") + TicketRow.rule, null())
        .where(among(TicketRow.asset_id, assets), TicketRow.status == Status.NEW.value,
               TicketRow.first_seen == now,
               ~exists().where(TicketEventRow.ticket_id == TicketRow.id))
        .order_by(TicketRow.id)
    )  # fmt: skip
    columns = ["ticket_id", "at", "actor", "from_status", "to_status", "note", "changes"]
    connection.execute(insert(TicketEventRow).from_select(columns, fresh))


_REFRESH = (
    update(TicketRow)
    .where(TicketRow.id == bindparam("ticket_id"),
           or_(*(TicketRow.status == s.value for s in sorted(OPEN))))  # no IN: executemany
    .values(severity=bindparam("severity"), evidence=bindparam("evidence", type_=Json),
            last_seen=bindparam("now", type_=When), message_id=bindparam("message_id"),
            message_en=bindparam("message_en"), maintenance=bindparam("maintenance"),
            updated_at=bindparam("now", type_=When))
)  # fmt: skip


def _refresh(pending: Pending, ticket: KnownTicket, finding: Finding, evidence: Any,
             now: datetime) -> None:  # fmt: skip
    """New evidence (and severity, sentence) for an open ticket; an event only when the
    severity changes."""
    pending.refreshed.append(
        {"ticket_id": ticket.id, "severity": finding.severity.value, "evidence": evidence,
         "now": now, "message_id": finding.message_id, "message_en": finding.message_en,
         "maintenance": finding.maintenance.value}
    )  # fmt: skip
    if ticket.severity != finding.severity.value:
        pending.events.append(_event(ticket.id, now, ticket.status, ticket.status,
               note=f"tingkat {ticket.severity} → {finding.severity.value}",
               changes={"severity": [ticket.severity, finding.severity.value],
                "evidence": [ticket.evidence, evidence]}))  # fmt: skip


def _reopen(connection: Connection, ticket: KnownTicket, finding: Finding, evidence: Any,
            now: datetime) -> bool:  # fmt: skip
    """Reopen a recently finished ticket (False when it changed meanwhile)."""
    done = connection.execute(
        update(TicketRow)
        .where(TicketRow.id == ticket.id, TicketRow.status == ticket.status.value)
        .values(status=Status.NEW.value, severity=finding.severity.value, evidence=evidence,
                message_id=finding.message_id, message_en=finding.message_en, last_seen=now,
                updated_at=now, resolved_at=None, reopened=TicketRow.reopened + 1)
    ).rowcount  # fmt: skip
    if done:
        connection.execute(insert(TicketEventRow), _event(ticket.id, now, ticket.status,
            Status.NEW,
            note=f"muncul lagi dalam jendela buka-ulang (selesai {ticket.resolved_at:%Y-%m-%d})",
            changes={"evidence": [ticket.evidence, evidence]}))  # fmt: skip
    return bool(done)


def _auto_resolve(connection: Connection, ids: list[int], now: datetime) -> int:
    """Auto-resolve the tickets still new (one statement); how many were."""
    if not ids:
        return 0
    done = connection.execute(
        update(TicketRow)
        .where(among(TicketRow.id, ids), TicketRow.status == Status.NEW.value)
        .values(status=Status.AUTO_RESOLVED.value, resolved_at=now, updated_at=now)
        .returning(TicketRow.id)
    ).scalars().all()  # fmt: skip
    if done:
        note = "kondisi tidak lagi terdeteksi dan belum ada tindakan: pulih otomatis"
        connection.execute(insert(TicketEventRow), [
            _event(ticket_id, now, Status.NEW, Status.AUTO_RESOLVED, note=note)
            for ticket_id in sorted(done)
        ])  # fmt: skip
    return len(done)


def _event(ticket_id: int, now: datetime, before: Status | None, after: Status, *, note: str,
           changes: Any = None) -> dict[str, Any]:  # fmt: skip
    return {"ticket_id": ticket_id, "at": now, "actor": SYSTEM,
            "from_status": before.value if before else None, "to_status": after.value,
            "note": note, "changes": changes}  # fmt: skip


def needs_writes(findings: Iterable[Finding], known: Known) -> bool:
    """Whether applying the findings changes more than last_seen (most evaluations do not:
    the same findings as last time on tickets already open)."""
    keys = set()
    for finding in findings:
        key = (finding.rule, finding.subject)
        keys.add(key)
        current = known.open.get(key)
        if current is None or _changed(current, finding, plain(finding.evidence)):
            return True
    return any(t.status is Status.NEW and k not in keys for k, t in known.open.items())
