"""Maintenance tickets (SOP step 1): rule findings become tickets, ops move them along.

``evaluate`` runs every rule family over assets' snapshots and brings their tickets in line:
one open ticket per (asset, rule, subject), repeat findings refresh it, an untouched ticket
whose condition cleared is auto-resolved, a recurrence within the reopen window reopens the
old ticket. It runs for one asset after an ingest that changed something, and over the whole
register (or a site) from ``asetik-collector evaluate``, which is also when the time-based
rules (not seen for N days, warranty, end-of-life dates) move.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.bulk_insert import insert_rows
from collector.adapters.db.models import AssetRow, AssetTrendRow, Base, SiteRow, TicketRow
from collector.domain.rules.catalogue import FAMILIES, TREND_READERS, TrendReader
from collector.domain.rules.findings import Finding, RuleFamily, Snapshot
from collector.domain.tickets import Status
from collector.errors import Refused
from collector.services.ingest import IngestResult
from collector.services.register import Page
from collector.services.rules_config import Rules
from collector.services.snapshots import read_snapshots
from collector.services.ticket_actions import act
from collector.services.ticket_evaluation import (
    Counts,
    Known,
    Pending,
    apply_findings,
    needs_writes,
    read_known,
    write_pending,
)
from collector.services.ticket_queries import (
    Ticket,
    TicketEvent,
    TicketFilter,
    list_tickets,
    ticket_detail,
)
from collector.services.users import Viewer

log = logging.getLogger("asetik.collector.tickets")
Clock = Callable[[], datetime]
CHUNK = 500  # assets read and evaluated together
Plan = tuple[int, list[Finding], Known]  # an asset whose tickets change, its findings, its tickets


@dataclass(frozen=True)
class TicketSettings:
    """The rules file's [tickets] table."""

    reopen_window: timedelta
    trend_interval: timedelta
    trend_retention: timedelta

    @classmethod
    def from_rules(cls, rules: Rules) -> TicketSettings:
        table = rules["tickets"]
        return cls(timedelta(days=table["reopen_window_days"]),
                   timedelta(hours=table["trend_interval_hours"]),
                   timedelta(days=table["trend_retention_days"]))  # fmt: skip


@dataclass(frozen=True)
class TicketDetail:
    ticket: Ticket
    events: list[TicketEvent]


class TicketService:
    """Evaluates the rules into tickets; the families and trend readers are injectable."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        rules: Rules,
        families: Sequence[tuple[str, RuleFamily]] = FAMILIES,
        trend_readers: Sequence[TrendReader] = TREND_READERS,
        *,
        sections: Collection[str] | None = None,
    ) -> None:
        """``sections``: the only sections the families and trend readers read (the
        catalogue's RULE_SECTIONS for its own); None reads every section."""
        self._sessions = sessions
        self._clock = clock
        self._rules = rules
        self._settings = TicketSettings.from_rules(rules)
        self._families = tuple(families)
        self._readers = tuple(trend_readers)
        self._sections = None if sections is None else frozenset(sections)

    def evaluate(
        self,
        asset_ids: Iterable[int],
        sent: Mapping[int, Mapping[str, Any]] | None = None,
        *,
        workers: int = 1,
    ) -> Counts:
        """Evaluate the assets (unknown ids are skipped); what was done, counted. ``sent``:
        sections just stored by an ingest, by asset (not read back). ``workers`` > 1 spreads
        the chunks over that many forked processes (the rules are CPU work, one core each):
        only from a single-threaded program such as the CLI, never from the server."""
        now, total = self._clock(), Counts()
        ordered = list(dict.fromkeys(asset_ids))
        chunks = [ordered[start : start + CHUNK] for start in range(0, len(ordered), CHUNK)]
        if workers > 1 and len(chunks) > 1:
            return self._evaluate_in_processes(chunks, now, min(workers, len(chunks)))
        for chunk in chunks:
            total.add(self._evaluate_chunk(chunk, now, sent))
        return total

    def _evaluate_in_processes(
        self, chunks: list[list[int]], now: datetime, workers: int
    ) -> Counts:
        """Each forked worker inherits this service, drops the database connections it
        inherited (they belong to this process) and evaluates whole chunks on its own."""
        global _FORKED  # noqa: PLW0603 - handed to the forked workers, never pickled
        _FORKED = (self, now)
        engine = self._sessions.kw["bind"]
        total = Counts()
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, initializer=engine.dispose, initargs=(False,)) as pool:
                for counts in pool.imap_unordered(_evaluate_forked, chunks):
                    total.add(counts)
        finally:
            _FORKED = None
        return total

    def after_ingest(
        self, result: IngestResult, sent: Mapping[str, Any] | None = None
    ) -> Counts | None:
        """Evaluate the asset an ingest landed on when it changed something the rules read;
        the ingest is committed already, so a fault here is logged, never raised."""
        if not result.sections_changed:
            return None
        try:
            return self.evaluate([result.asset_id], {result.asset_id: sent} if sent else None)
        except Exception:
            log.exception("evaluasi tiket setelah ingest gagal untuk aset %d", result.asset_id)
            return None

    def evaluate_scope(
        self, site: str | None = None, asset_id: int | None = None, *, workers: int = 1
    ) -> Counts:
        """Evaluate every asset, a site's or one asset; Refused(404) for an unknown one.
        ``workers``: as for :meth:`evaluate`."""
        query = select(AssetRow.id).order_by(AssetRow.id)
        with self._sessions() as session:
            if site is not None:
                site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == site.upper()))
                if site_id is None:
                    raise Refused(404, "not_found", f"situs {site[:40]!r} tidak ditemukan")
                query = query.where(AssetRow.site_id == site_id)
            if asset_id is not None:
                query = query.where(AssetRow.id == asset_id)
            ids = list(session.scalars(query))
        if asset_id is not None and not ids:
            raise Refused(404, "not_found", f"aset {asset_id} tidak ditemukan")
        return self.evaluate(ids, workers=workers)

    def list_tickets(
        self, viewer: Viewer, wanted: TicketFilter, page: Page
    ) -> tuple[list[Ticket], int]:
        """One page of the tickets the viewer may see, and the total matching."""
        with self._sessions() as session:
            return list_tickets(session, viewer, wanted, page, self._clock())

    def ticket_detail(self, viewer: Viewer, ticket_id: int) -> TicketDetail:
        """A ticket with its events and its asset's summary; 404 outside the viewer's scope."""
        with self._sessions() as session:
            ticket, events = ticket_detail(session, viewer, ticket_id)
        return TicketDetail(ticket, events)

    def act(self, viewer: Viewer, body: Mapping[str, Any]) -> list[int]:
        """A bulk action on tickets, all or nothing; the ids moved."""
        with self._sessions.begin() as session:
            return act(session, viewer, body, self._clock())

    def findings(self, snapshot: Snapshot) -> list[Finding]:
        """Every family's findings for one snapshot; a family that fails is logged and
        skipped, so one broken rule does not stop the others."""
        found: list[Finding] = []
        for table, family in self._families:
            try:
                found.extend(family(snapshot, self._rules.get(table, {})))
            except Exception:
                log.exception("aturan %s gagal untuk aset %d", table, snapshot.asset_id)
        return found

    def _evaluate_chunk(
        self, ids: list[int], now: datetime, sent: Mapping[int, Mapping[str, Any]] | None
    ) -> Counts:
        """Read, rule, write and touch in one transaction: one commit (one WAL flush on
        PostgreSQL) per chunk, which is per ingest when an ingest asks for one asset. Every
        write comes after the rules ran, so SQLite's write lock is held only while writing."""
        with self._sessions.begin() as session:
            connection = session.connection()
            snapshots = read_snapshots(
                connection, ids, now, sent, trends=bool(self._readers), wanted=self._sections
            )
            readings: list[dict[str, Any]] = []
            expired: list[int] = []
            if self._readers:
                snapshots = [self._record_trends(s, now, readings, expired) for s in snapshots]
            known = read_known(connection, ids, now, self._settings.reopen_window)
            counts, touched = Counts(), list[int]()
            plans: list[Plan] = []
            for snapshot in snapshots:
                findings = self.findings(snapshot)
                mine = known.get(snapshot.asset_id, Known())
                counts.awaiting += sum(t.status == Status.DONE for t in mine.open.values())
                if needs_writes(findings, mine):
                    plans.append((snapshot.asset_id, findings, mine))
                    continue
                counts.evaluated += 1
                found = {(f.rule, f.subject) for f in findings}
                touched.extend(t.id for k, t in mine.open.items() if k in found)
            if expired:
                cutoff = now - self._settings.trend_retention
                connection.execute(delete(AssetTrendRow).where(
                    AssetTrendRow.asset_id.in_(expired), AssetTrendRow.at < cutoff))  # fmt: skip
            if readings:
                insert_rows(connection, AssetTrendRow, readings)
            done, seen = self._apply(session, plans, now)
            counts.add(done)
            touched.extend(seen)
            if touched:
                connection.execute(_TOUCH, {"ids": touched, "now": now})
        return counts

    def _apply(
        self, session: Session, plans: list[Plan], now: datetime
    ) -> tuple[Counts, list[int]]:
        """The assets' ticket changes under one savepoint. When a concurrent evaluation opened
        one of the same tickets first, the unique index refuses it and the savepoint is rolled
        back: then each asset is applied under a savepoint of its own, retried once on what the
        database holds then."""
        counts, touched = Counts(), list[int]()
        if not plans:
            return counts, touched
        try:
            with session.begin_nested():
                connection, pending = session.connection(), Pending()
                for asset_id, findings, known in plans:
                    done, seen = apply_findings(
                        connection, asset_id, findings, known, now, pending=pending
                    )
                    counts.add(done)
                    touched.extend(seen)
                counts.auto_resolved += write_pending(connection, pending, now)
        except IntegrityError:
            log.info("evaluasi bersamaan: %d aset diterapkan satu per satu", len(plans))
        else:
            return counts, touched
        counts, touched = Counts(), []
        for plan in plans:
            done, seen = self._apply_one(session, plan, now)
            counts.add(done)
            touched.extend(seen)
        return counts, touched

    def _apply_one(self, session: Session, plan: Plan, now: datetime) -> tuple[Counts, list[int]]:
        asset_id, findings, _ = plan
        try:
            with session.begin_nested():
                return _apply_asset(session.connection(), plan, now)
        except IntegrityError:
            log.info("evaluasi bersamaan untuk aset %d: diulang sekali", asset_id)
        with session.begin_nested():
            connection = session.connection()
            fresh = read_known(connection, [asset_id], now, self._settings.reopen_window)
            return _apply_asset(connection, (asset_id, findings, fresh.get(asset_id, Known())), now)

    def _record_trends(
        self, snapshot: Snapshot, now: datetime, rows: list[dict[str, Any]], expired: list[int]
    ) -> Snapshot:
        """This evaluation's readings that are due (one per metric per trend interval) added to
        ``rows`` for the caller to insert, the asset added to ``expired`` when it has readings
        past the retention for the caller to delete; the snapshot with its trends as they now
        stand."""
        readings: dict[str, float] = {}
        for reader in self._readers:
            readings.update(reader(snapshot.sections))
        trends = {k: list(v) for k, v in snapshot.trends.items()}
        interval = self._settings.trend_interval
        due = [
            (metric, float(value))
            for metric, value in readings.items()
            if not trends.get(metric) or now - trends[metric][-1][0] >= interval
        ]
        if due:
            rows.extend({"asset_id": snapshot.asset_id, "metric": m, "at": now, "value": v}
                        for m, v in due)  # fmt: skip
            for metric, value in due:
                trends.setdefault(metric, []).append((now, value))
        cutoff = now - self._settings.trend_retention
        if any(points[0][0] < cutoff for points in trends.values()):
            expired.append(snapshot.asset_id)
            trends = {k: [p for p in v if p[0] >= cutoff] for k, v in trends.items()}
        return replace(snapshot, trends={k: v for k, v in trends.items() if v})


_FORKED: tuple[TicketService, datetime] | None = None


def _evaluate_forked(chunk: list[int]) -> Counts:
    """One chunk in a worker process (see TicketService._evaluate_in_processes)."""
    if _FORKED is None:
        raise RuntimeError("only in a worker forked by TicketService._evaluate_in_processes")
    service, now = _FORKED
    return service._evaluate_chunk(chunk, now, None)


def _apply_asset(connection: Connection, plan: Plan, now: datetime) -> tuple[Counts, list[int]]:
    """One asset's changes on ``connection``, all written."""
    pending = Pending()
    counts, touched = apply_findings(connection, *plan, now, pending=pending)
    counts.auto_resolved += write_pending(connection, pending, now)
    return counts, touched


def counts_line(counts: Counts) -> str:
    """The CLI's summary line."""
    return (f"dievaluasi {counts.evaluated}, baru {counts.new}, diperbarui {counts.updated}, "
            f"pulih otomatis {counts.auto_resolved}, dibuka ulang {counts.reopened}")  # fmt: skip


# The tickets whose finding was seen again: last_seen moved in one Core statement built once
# (an ORM bulk update would first look for the tickets among the session's objects).
_TICKETS = Base.metadata.tables[TicketRow.__tablename__]
_TOUCH = (
    update(_TICKETS)
    .where(_TICKETS.c.id.in_(bindparam("ids", expanding=True, literal_execute=True)))
    .values(last_seen=bindparam("now", type_=_TICKETS.c.last_seen.type))
)
