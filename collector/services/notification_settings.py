"""Per-site notification settings: set them (validated, the webhook secret sealed) and show them
(the secret only as set/unset, with the site's delivery counts and given-up deliveries).

A site without a settings row gets nothing. Switching a channel on records the moment in
``*_since``: only tickets that become critical from then on are announced there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import NotificationDeliveryRow, NotificationSettingsRow, SiteRow
from collector.adapters.sealing import SecretBox
from collector.domain.notifications import (
    Channel,
    DeliveryState,
    Language,
    SettingsError,
    checked_language,
    checked_recipients,
    checked_webhook_url,
)
from collector.errors import RegisterError

Clock = Callable[[], datetime]
MIN_SECRET = 16
MAX_FAILED_SHOWN = 10


@dataclass(frozen=True)
class SettingsChange:
    """What ``notify set`` asks for; None leaves a setting as it is."""

    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    emails: Sequence[str] | None = None
    language: str | None = None
    webhook_off: bool = False
    email_off: bool = False


@dataclass(frozen=True)
class FailedDelivery:
    ticket_id: int
    channel: str
    attempts: int
    last_error: str


@dataclass(frozen=True)
class SiteNotifications:
    """A site's settings as shown to people: never the secret itself."""

    site: str
    webhook_url: str | None
    webhook_secret: str  # "set" or "unset"
    webhook_enabled: bool
    emails: list[str]
    email_enabled: bool
    language: str
    digest_sent_at: datetime | None
    deliveries: dict[str, dict[str, int]]  # channel → state → count
    failed: list[FailedDelivery]


class NotificationSettings:
    """Reads and changes the per-site settings; the box seals the webhook secret."""

    def __init__(
        self, sessions: sessionmaker[Session], box: Callable[[], SecretBox], clock: Clock
    ) -> None:
        self._sessions = sessions
        self._box = box
        self._clock = clock

    def set_site(self, code: str, change: SettingsChange) -> SiteNotifications:
        """Apply ``change`` to the site's settings, all or nothing; RegisterError for an unknown
        site, SettingsError for a value that cannot be used."""
        url = checked_webhook_url(change.webhook_url) if change.webhook_url is not None else None
        emails = checked_recipients(change.emails) if change.emails is not None else None
        language = checked_language(change.language) if change.language is not None else None
        secret = change.webhook_secret
        if secret is not None and len(secret) < MIN_SECRET:
            raise SettingsError(f"rahasia webhook minimal {MIN_SECRET} karakter")
        now = self._clock()
        with self._sessions.begin() as session:
            site_id = _site_id(session, code)
            row = session.get(NotificationSettingsRow, site_id) or _new_row(site_id, now)
            if url is not None:
                if secret is None and row.webhook_secret is None:
                    raise SettingsError("webhook perlu rahasia: --webhook-secret-env VAR")
                row.webhook_url = url
            if secret is not None:
                row.webhook_secret = self._box().seal(secret)
            _switch(row, Channel.WEBHOOK, on=url is not None, off=change.webhook_off, now=now)
            if emails is not None:
                row.email_to = list(emails)
            _switch(row, Channel.EMAIL, on=emails is not None, off=change.email_off, now=now)
            if language is not None:
                row.language = language.value
            row.updated_at = now
            session.add(row)
        return self.show(code)[0]

    def show(self, code: str | None = None) -> list[SiteNotifications]:
        """Every site's settings (or one site's), by site code."""
        with self._sessions() as session:
            query = select(NotificationSettingsRow, SiteRow.code).join(
                SiteRow, SiteRow.id == NotificationSettingsRow.site_id
            )
            if code is not None:
                query = query.where(NotificationSettingsRow.site_id == _site_id(session, code))
            rows = session.execute(query.order_by(SiteRow.code)).all()
            return [_shown(session, row, site) for row, site in rows]


def _site_id(session: Session, code: str) -> int:
    site_id = session.scalar(select(SiteRow.id).where(SiteRow.code == code.strip().upper()))
    if site_id is None:
        raise RegisterError(f"situs {code[:40]!r} tidak dikenal")
    return site_id


def _new_row(site_id: int, now: datetime) -> NotificationSettingsRow:
    return NotificationSettingsRow(site_id=site_id, webhook_enabled=False, email_enabled=False,
                                   language=Language.ID.value, created_at=now,
                                   updated_at=now)  # fmt: skip


def _switch(row: NotificationSettingsRow, channel: Channel, *, on: bool, off: bool,
            now: datetime) -> None:  # fmt: skip
    """Turn a channel on (recording since when, if it was off) or off."""
    if on and off:
        raise SettingsError(f"{channel.value}: tidak bisa diatur dan dimatikan sekaligus")
    if channel is Channel.WEBHOOK:
        if on and not row.webhook_enabled:
            row.webhook_enabled, row.webhook_since = True, now
        elif off:
            row.webhook_enabled = False
    elif on and not row.email_enabled:
        row.email_enabled, row.email_since = True, now
    elif off:
        row.email_enabled = False


def _shown(session: Session, row: NotificationSettingsRow, site: str) -> SiteNotifications:
    counts: dict[str, dict[str, int]] = {}
    mine = NotificationDeliveryRow.site_id == row.site_id
    grouped = session.execute(
        select(NotificationDeliveryRow.channel, NotificationDeliveryRow.state, func.count())
        .where(mine)
        .group_by(NotificationDeliveryRow.channel, NotificationDeliveryRow.state)
    )
    for channel, state, count in grouped:
        counts.setdefault(channel, {})[state] = count
    failed = session.execute(
        select(NotificationDeliveryRow.ticket_id, NotificationDeliveryRow.channel,
               NotificationDeliveryRow.attempts, NotificationDeliveryRow.last_error)
        .where(mine, NotificationDeliveryRow.state == DeliveryState.FAILED.value)
        .order_by(NotificationDeliveryRow.id.desc()).limit(MAX_FAILED_SHOWN)
    ).all()  # fmt: skip
    return SiteNotifications(
        site,
        row.webhook_url,
        "set" if row.webhook_secret else "unset",
        row.webhook_enabled,
        list(row.email_to or []),
        row.email_enabled,
        row.language,
        row.digest_sent_at,
        counts,
        [FailedDelivery(t, c, a, e or "") for t, c, a, e in failed],
    )
