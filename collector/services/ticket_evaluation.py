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
from sqlalchemy import Connection, bindparam, insert, select, update

from collector.adapters.db.models import Base, TicketEventRow, TicketRow
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

    def add(self, other: Counts) -> None:
        for name, value in dataclasses.asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


_TICKET = TicketRow.__table__.c
# Built once, on the table (Core): read on every evaluation after an ingest.
_KNOWN = (
    select(_TICKET.id, _TICKET.asset_id, _TICKET.rule, _TICKET.subject, _TICKET.status,
           _TICKET.severity, _TICKET.evidence, _TICKET.message_id, _TICKET.resolved_at)
    .where(_TICKET.asset_id.in_(bindparam("ids", expanding=True)))
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


def apply_findings(
    connection: Connection,
    asset_id: int,
    findings: Iterable[Finding],
    known: Known,
    now: datetime,
    *,
    opened: list[dict[str, Any]],
) -> tuple[Counts, list[int]]:
    """Bring the asset's tickets in line with its findings; the counts, and the ids of tickets
    whose only change is last_seen (the caller touches them in bulk). New tickets are added
    to ``opened`` for ``insert_opened`` (one statement for a batch of assets)."""
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
                opened.append(_new_row(asset_id, finding, evidence, now))
                counts.new += 1
        elif _changed(current, finding, evidence):
            _refresh(connection, current, finding, evidence, now)
            counts.updated += 1
        else:
            touched.append(current.id)
    for key, ticket in known.open.items():
        if (
            key not in seen
            and ticket.status is Status.NEW
            and _auto_resolve(connection, ticket, now)
        ):
            counts.auto_resolved += 1
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


# Built once, on the tables: a new asset's first evaluation opens its tickets with these.
_TICKETS = Base.metadata.tables[TicketRow.__tablename__]
_INSERT_TICKETS = insert(_TICKETS).returning(_TICKETS.c.id, sort_by_parameter_order=True)
_INSERT_EVENTS = insert(Base.metadata.tables[TicketEventRow.__tablename__])


def insert_opened(connection: Connection, rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert new tickets and their first events; the partial unique index refuses (raises
    IntegrityError) a ticket a concurrent evaluation opened first."""
    if not rows:
        return
    ids = connection.execute(_INSERT_TICKETS, rows).scalars().all()
    connection.execute(_INSERT_EVENTS, [
        {"ticket_id": ticket_id, "at": now, "actor": SYSTEM, "from_status": None,
         "to_status": Status.NEW.value, "note": f"ditemukan aturan {row['rule']}",
         "changes": None}
        for ticket_id, row in zip(ids, rows, strict=True)
    ])  # fmt: skip


def _refresh(connection: Connection, ticket: KnownTicket, finding: Finding, evidence: Any,
             now: datetime) -> None:  # fmt: skip
    """New evidence (and severity, sentence) for an open ticket; an event only when the
    severity changes."""
    connection.execute(
        update(TicketRow)
        .where(TicketRow.id == ticket.id, TicketRow.status.in_([s.value for s in OPEN]))
        .values(severity=finding.severity.value, evidence=evidence, last_seen=now,
                message_id=finding.message_id, message_en=finding.message_en,
                maintenance=finding.maintenance.value, updated_at=now)
    )  # fmt: skip
    if ticket.severity != finding.severity.value:
        _event(connection, ticket.id, now, ticket.status, ticket.status,
               note=f"tingkat {ticket.severity} → {finding.severity.value}",
               changes={"severity": [ticket.severity, finding.severity.value],
                "evidence": [ticket.evidence, evidence]})  # fmt: skip


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
        _event(connection, ticket.id, now, ticket.status, Status.NEW,
               note=f"muncul lagi dalam jendela buka-ulang (selesai {ticket.resolved_at:%Y-%m-%d})",
               changes={"evidence": [ticket.evidence, evidence]})  # fmt: skip
    return bool(done)


def _auto_resolve(connection: Connection, ticket: KnownTicket, now: datetime) -> bool:
    done = connection.execute(
        update(TicketRow)
        .where(TicketRow.id == ticket.id, TicketRow.status == Status.NEW.value)
        .values(status=Status.AUTO_RESOLVED.value, resolved_at=now, updated_at=now)
    ).rowcount
    if done:
        note = "kondisi tidak lagi terdeteksi dan belum ada tindakan: pulih otomatis"
        _event(connection, ticket.id, now, Status.NEW, Status.AUTO_RESOLVED, note=note)
    return bool(done)


def _event(connection: Connection, ticket_id: int, now: datetime, before: Status | None,
           after: Status, *, note: str, changes: Any = None) -> None:  # fmt: skip
    connection.execute(
        insert(TicketEventRow),
        {"ticket_id": ticket_id, "at": now, "actor": SYSTEM,
         "from_status": before.value if before else None, "to_status": after.value,
         "note": note, "changes": changes},
    )  # fmt: skip


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
