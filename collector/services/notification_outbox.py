"""The deliveries of new critical tickets, kept in the database so nothing is lost or sent twice.

Why this shape:

- Pending notifications are *derived* from the tickets table, not written by evaluation: a
  ticket is due on a channel when it is critical and open, changed after the channel was
  switched on for its site, and has no delivery row yet for (ticket, occurrence, channel), the
  occurrence being the ticket's reopen count. Evaluation (the ingest hot path) does no extra
  work; a dispatcher that was down finds the same tickets when it comes back.
- ``discover`` writes one delivery row per (ticket, occurrence, channel) with INSERT ... ON
  CONFLICT DO NOTHING on that unique key: two collector replicas discovering at once make one
  row. A ticket critical before the channel was on (only its evidence changed since) gets a
  ``skipped`` row, so it is judged once.
- ``claim_webhooks`` takes due rows by a guarded UPDATE (``next_attempt_at <= now`` pushed to
  now + lease, ``attempts`` + 1); on PostgreSQL the rows are first selected FOR UPDATE SKIP
  LOCKED so replicas take different rows without waiting. A process that dies mid-send loses
  its lease and the row is tried again later (at least once; the receiver dedupes on
  X-Asetik-Delivery). SQLite has a single writer, and the same guarded UPDATE holds there.
- Digests are claimed per site by a guarded UPDATE of ``digest_sent_at``: one replica sends a
  site's digest per interval.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, Select, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import (
    AssetRow,
    NotificationDeliveryRow,
    NotificationSettingsRow,
    SiteRow,
    TicketEventRow,
    TicketRow,
)
from collector.adapters.sealing import SecretBox
from collector.domain.digest import DigestItem
from collector.domain.notifications import (
    Channel,
    DeliveryState,
    Outcome,
    RetryPolicy,
    TicketEventView,
    became_critical,
)
from collector.domain.tickets import OPEN

Clock = Callable[[], datetime]
Delivery = NotificationDeliveryRow
BATCH = 500
EVENT = "ticket.critical"
DEFAULT_POLICY = RetryPolicy()
LEASE = timedelta(minutes=2)  # longer than a webhook request may take


@dataclass(frozen=True)
class Claimed:
    """A webhook delivery this dispatcher owns until ``lease`` runs out."""

    id: int
    delivery_id: str
    ticket_id: int
    url: str
    secret: str = field(repr=False)
    body: bytes
    attempts: int


@dataclass(frozen=True)
class SiteDigest:
    """A site's claimed digest: what to list and where to send it."""

    site_id: int
    site_code: str
    site_name: str
    recipients: tuple[str, ...]
    language: str
    items: list[DigestItem]
    delivery_ids: list[int]


class NotificationOutbox:
    """Derives, claims and records deliveries; every method is one short unit of work."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        box: Callable[[], SecretBox],
        policy: RetryPolicy = DEFAULT_POLICY,
        lease: timedelta = LEASE,
    ) -> None:
        self._sessions = sessions
        self._box = box
        self.policy = policy
        self._lease = lease

    def discover(self, now: datetime) -> dict[str, int]:
        """Delivery rows for tickets that became critical since their channel was switched on;
        the rows made per state ("pending", "skipped")."""
        made = {DeliveryState.PENDING.value: 0, DeliveryState.SKIPPED.value: 0}
        with self._sessions.begin() as session:
            connection = session.connection()
            for channel in Channel:
                for state in _insert_new(connection, _new_deliveries(session, channel, now)):
                    made[state] += 1
        return made

    def claim_webhooks(self, now: datetime, limit: int = 50) -> list[Claimed]:
        """Due webhook deliveries, each taken by this dispatcher alone (attempt counted)."""
        with self._sessions.begin() as session:
            query = (
                select(Delivery.id).where(Delivery.channel == Channel.WEBHOOK.value,
                                          Delivery.state == DeliveryState.PENDING.value,
                                          Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
                .with_for_update(skip_locked=True)
            )  # fmt: skip
            ids = list(session.scalars(query))
            taken = [i for i in ids if self._take(session.connection(), i, now)]
            rows = session.execute(
                select(Delivery, NotificationSettingsRow)
                .join(NotificationSettingsRow, NotificationSettingsRow.site_id == Delivery.site_id)
                .where(Delivery.id.in_(taken)).order_by(Delivery.id)
            ).all()  # fmt: skip
            return [c for row, site in rows if (c := self._claimed(row, site, now)) is not None]

    def record(self, claimed: Claimed, outcome: Outcome, error: str | None, now: datetime) -> str:
        """The result of one attempt stored; the delivery's state afterwards."""
        values: dict[str, Any] = {"last_error": error}
        if outcome is Outcome.DELIVERED:
            values |= {"state": DeliveryState.DELIVERED.value, "delivered_at": now}
        elif outcome is Outcome.RETRY and (later := self.policy.next_try(claimed.attempts, now)):
            values |= {"state": DeliveryState.PENDING.value, "next_attempt_at": later}
        else:
            values |= {"state": DeliveryState.FAILED.value}
        with self._sessions.begin() as session:
            session.execute(update(Delivery).where(Delivery.id == claimed.id).values(**values))
        return str(values["state"])

    def claim_digests(self, now: datetime, interval: timedelta) -> list[SiteDigest]:
        """Every site whose digest is due and has something to list, claimed for this
        dispatcher (its ``digest_sent_at`` moved to now)."""
        claimed = []
        with self._sessions.begin() as session:
            due = session.execute(
                select(NotificationSettingsRow.site_id, NotificationSettingsRow.digest_sent_at)
                .where(NotificationSettingsRow.email_enabled.is_(True),
                       or_(NotificationSettingsRow.digest_sent_at.is_(None),
                           NotificationSettingsRow.digest_sent_at <= now - interval),
                       exists().where(Delivery.site_id == NotificationSettingsRow.site_id,
                                      Delivery.channel == Channel.EMAIL.value,
                                      Delivery.state == DeliveryState.PENDING.value))
            ).all()  # fmt: skip
        for site_id, last in due:
            digest = self._claim_digest(site_id, last, now)
            if digest is not None:
                claimed.append(digest)
        return claimed

    def finish_digest(self, digest: SiteDigest, error: str | None, now: datetime) -> None:
        """The digest's tickets marked delivered, or (mail refused) left pending for the next
        digest with the error and one more attempt counted."""
        values: dict[str, Any] = {"last_error": error, "attempts": Delivery.attempts + 1}
        if error is None:
            values |= {"state": DeliveryState.DELIVERED.value, "delivered_at": now}
        with self._sessions.begin() as session:
            session.execute(
                update(Delivery).where(Delivery.id.in_(digest.delivery_ids)).values(**values)
            )

    def _take(self, connection: Connection, delivery: int, now: datetime) -> bool:
        taken = connection.execute(
            update(Delivery)
            .where(Delivery.id == delivery, Delivery.state == DeliveryState.PENDING.value,
                   Delivery.next_attempt_at <= now)
            .values(attempts=Delivery.attempts + 1, next_attempt_at=now + self._lease)
        ).rowcount  # fmt: skip
        return bool(taken)

    def _claimed(
        self, row: NotificationDeliveryRow, site: NotificationSettingsRow, now: datetime
    ) -> Claimed | None:
        if not site.webhook_enabled or not site.webhook_url or not site.webhook_secret:
            row.state, row.last_error = DeliveryState.FAILED.value, "webhook situs dimatikan"
            return None
        return Claimed(row.id, row.delivery_id, row.ticket_id, site.webhook_url,
                       self._box().unseal(site.webhook_secret), row.payload.encode(),
                       row.attempts)  # fmt: skip

    def _claim_digest(
        self, site_id: int, last: datetime | None, now: datetime
    ) -> SiteDigest | None:
        with self._sessions.begin() as session:
            guard = (NotificationSettingsRow.digest_sent_at.is_(None) if last is None
                     else NotificationSettingsRow.digest_sent_at == last)  # fmt: skip
            won = session.connection().execute(
                update(NotificationSettingsRow)
                .where(NotificationSettingsRow.site_id == site_id, guard)
                .values(digest_sent_at=now)
            ).rowcount  # fmt: skip
            if not won:
                return None
            settings = session.get_one(NotificationSettingsRow, site_id)
            site = session.get_one(SiteRow, site_id)
            rows = session.scalars(
                select(Delivery).where(Delivery.site_id == site_id,
                                       Delivery.channel == Channel.EMAIL.value,
                                       Delivery.state == DeliveryState.PENDING.value)
                .order_by(Delivery.created_at, Delivery.id).limit(BATCH)
            ).all()  # fmt: skip
            items = [_digest_item(orjson.loads(r.payload)) for r in rows]
            return SiteDigest(site_id, site.code, site.name, tuple(settings.email_to or ()),
                              settings.language, items, [r.id for r in rows])  # fmt: skip


def _candidates(
    channel: Channel,
) -> Select[TicketRow, str | None, str, int, str, datetime | None]:
    """Critical open tickets changed since the channel went on, with no row for this
    occurrence on this channel yet."""
    settings = NotificationSettingsRow
    enabled, since = (
        (settings.webhook_enabled, settings.webhook_since) if channel is Channel.WEBHOOK
        else (settings.email_enabled, settings.email_since)
    )  # fmt: skip
    delivered = exists().where(Delivery.ticket_id == TicketRow.id,
                               Delivery.occurrence == TicketRow.reopened,
                               Delivery.channel == channel.value)  # fmt: skip
    return (
        select(TicketRow, AssetRow.name, AssetRow.kind, SiteRow.id, SiteRow.code, since)
        .join(AssetRow, AssetRow.id == TicketRow.asset_id)
        .join(SiteRow, SiteRow.id == AssetRow.site_id)
        .join(settings, settings.site_id == SiteRow.id)
        .where(enabled.is_(True), since.is_not(None), TicketRow.updated_at >= since,
               TicketRow.severity == "critical", TicketRow.status.in_([s.value for s in OPEN]),
               ~delivered)
        .order_by(TicketRow.id).limit(BATCH)
    )  # fmt: skip


def _new_deliveries(session: Session, channel: Channel, now: datetime) -> list[dict[str, Any]]:
    found = session.execute(_candidates(channel)).all()
    if not found:
        return []
    events = _events(session.connection(), [row[0].id for row in found])
    made = []
    for ticket, asset_name, asset_kind, site_id, site_code, since in found:
        fresh = since is not None and became_critical(events.get(ticket.id, []), since)
        state = DeliveryState.PENDING if fresh else DeliveryState.SKIPPED
        body = payload(ticket, asset_name or f"aset {ticket.asset_id}", asset_kind, site_code, now)
        made.append({"ticket_id": ticket.id, "occurrence": ticket.reopened,
                     "channel": channel.value, "site_id": site_id, "delivery_id": str(uuid.uuid4()),
                     "state": state.value, "payload": body, "attempts": 0, "next_attempt_at": now,
                     "last_error": None, "created_at": now, "delivered_at": None})  # fmt: skip
    return made


def _insert_new(connection: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """Insert the rows but those another dispatcher made first; the states of those made."""
    if not rows:
        return []
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Delivery)
        .on_conflict_do_nothing(index_elements=["ticket_id", "occurrence", "channel"])
        .returning(Delivery.state)
    )
    return list(connection.execute(statement, rows).scalars())


def _events(connection: Connection, ticket_ids: Sequence[int]) -> dict[int, list[TicketEventView]]:
    rows = connection.execute(
        select(TicketEventRow.ticket_id, TicketEventRow.at, TicketEventRow.from_status,
               TicketEventRow.to_status, TicketEventRow.changes)
        .where(TicketEventRow.ticket_id.in_(ticket_ids)).order_by(TicketEventRow.id)
    )  # fmt: skip
    found: dict[int, list[TicketEventView]] = {}
    for ticket_id, at, before, after, changes in rows:
        found.setdefault(ticket_id, []).append(TicketEventView(at, before, after, changes))
    return found


def payload(ticket: TicketRow, asset_name: str, asset_kind: str, site: str, now: datetime) -> str:
    """The webhook body (JSON text) announcing that ``ticket`` is critical; also what the
    digest lists."""
    return orjson.dumps({
        "event": EVENT, "ticket_id": ticket.id, "rule": ticket.rule, "subject": ticket.subject,
        "severity": ticket.severity, "status": ticket.status, "occurrence": ticket.reopened,
        "sentence": {"id": ticket.message_id, "en": ticket.message_en},
        "evidence": ticket.evidence, "maintenance": ticket.maintenance,
        "asset": {"id": ticket.asset_id, "name": asset_name, "kind": asset_kind},
        "site": site, "first_seen": ticket.first_seen.isoformat(),
        "critical_at": now.isoformat(), "link": f"/api/v1/tickets/{ticket.id}",
    }, option=orjson.OPT_SORT_KEYS).decode()  # fmt: skip


def _digest_item(body: dict[str, Any]) -> DigestItem:
    asset, sentence = body["asset"], body["sentence"]
    return DigestItem(body["ticket_id"], asset["name"], asset["kind"], body["rule"],
                      body["subject"], sentence["id"], sentence["en"],
                      datetime.fromisoformat(body["critical_at"]), body["link"])  # fmt: skip


__all__ = ["EVENT", "Claimed", "NotificationOutbox", "SiteDigest", "payload"]
