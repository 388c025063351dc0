"""The dispatcher: finds tickets that became critical, posts their signed webhooks and mails
each site's digest when it is due.

One ``deliver_once`` is a delivery pass (what ``notify send`` and the serve loop run). Database
and SMTP work is blocking and runs in threads; only the HTTP posts run on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from collector.adapters.metrics import NotificationMetrics
from collector.adapters.smtp import MailError, digest_message
from collector.adapters.webhook import WebhookPoster, signed_headers
from collector.domain.digest import render_digest
from collector.domain.notifications import (
    Channel,
    DeliveryState,
    Language,
    Outcome,
    judge_answer,
)
from collector.services.notification_outbox import EVENT, Claimed, NotificationOutbox, SiteDigest

log = logging.getLogger("asetik.collector.notify")
Clock = Callable[[], datetime]


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass
class PassCounts:
    """What one pass did: rows discovered by state, webhook results, digests mailed/failed."""

    discovered: dict[str, int] = field(default_factory=dict)
    webhooks: dict[str, int] = field(default_factory=dict)
    digests_sent: int = 0
    digests_failed: int = 0

    def line(self) -> str:
        """The CLI's summary."""
        hooks = self.webhooks
        return (f"baru {self.discovered.get('pending', 0)} (dilewati "
                f"{self.discovered.get('skipped', 0)}); webhook terkirim "
                f"{hooks.get('delivered', 0)}, diulang {hooks.get('retry', 0)}, gagal "
                f"{hooks.get('failed', 0)}; ringkasan e-mail terkirim {self.digests_sent}, "
                f"gagal {self.digests_failed}")  # fmt: skip


@dataclass(frozen=True)
class DispatchSettings:
    digest_interval: timedelta = timedelta(minutes=60)
    sender: str = "asetik@localhost"
    timeout: float = 10.0  # seconds per webhook request
    concurrency: int = 8  # webhook requests at once


class NotificationDispatcher:
    """Runs delivery passes over the outbox; the poster and mailer are injectable."""

    def __init__(
        self,
        outbox: NotificationOutbox,
        poster: WebhookPoster,
        mailer: Mailer | None,
        clock: Clock,
        *,
        metrics: NotificationMetrics,
        settings: DispatchSettings = DispatchSettings(),
    ) -> None:
        self._outbox = outbox
        self._poster = poster
        self._mailer = mailer
        self._clock = clock
        self._metrics = metrics
        self.settings = settings

    async def deliver_once(self, *, digests: bool = True) -> PassCounts:
        """Discover, post the due webhooks, and (when ``digests``) mail the due digests."""
        counts = PassCounts()
        counts.discovered = await asyncio.to_thread(self._outbox.discover, self._clock())
        claimed = await asyncio.to_thread(self._outbox.claim_webhooks, self._clock())
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def post(delivery: Claimed) -> str:
            async with gate:
                return await self._post(delivery)

        for result in await asyncio.gather(*(post(c) for c in claimed)):
            counts.webhooks[result] = counts.webhooks.get(result, 0) + 1
        if digests:
            sent, failed = await asyncio.to_thread(self.send_digests)
            counts.digests_sent, counts.digests_failed = sent, failed
        return counts

    def send_digests(self) -> tuple[int, int]:
        """Mail every due site digest (blocking); how many were sent and how many failed."""
        if self._mailer is None:
            return 0, 0
        now = self._clock()
        sent = failed = 0
        for digest in self._outbox.claim_digests(now, self.settings.digest_interval):
            error = self._mail(digest, self._mailer, now)
            self._outbox.finish_digest(digest, error, now)
            result = "delivered" if error is None else "failed"
            self._metrics.results.labels(Channel.EMAIL.value, result).inc()
            sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
        return sent, failed

    async def _post(self, delivery: Claimed) -> str:
        now = int(self._clock().timestamp())
        headers = signed_headers(delivery.secret, delivery.body, delivery.delivery_id, EVENT, now)
        answer = await self._poster(delivery.url, delivery.body, headers, self.settings.timeout)
        outcome = judge_answer(answer.status)
        error = None if outcome is Outcome.DELIVERED else answer.error or f"HTTP {answer.status}"
        state = await asyncio.to_thread(self._outbox.record, delivery, outcome, error,
                                        self._clock())  # fmt: skip
        result = "retry" if state == DeliveryState.PENDING.value else state
        self._metrics.results.labels(Channel.WEBHOOK.value, result).inc()
        log.info("webhook %s tiket %d (percobaan %d): %s%s", delivery.delivery_id,
                 delivery.ticket_id, delivery.attempts, result,
                 f" ({error})" if error else "")  # fmt: skip
        return result

    def _mail(self, digest: SiteDigest, mailer: Mailer, now: datetime) -> str | None:
        if not digest.recipients:
            return "tidak ada penerima e-mail"
        rendered = render_digest(digest.site_code, digest.site_name, digest.items, now,
                                 Language(digest.language))  # fmt: skip
        message = digest_message(rendered, self.settings.sender, digest.recipients, now)
        try:
            mailer.send(message)
        except MailError as exc:
            log.warning("ringkasan e-mail %s gagal: %s", digest.site_code, exc)
            return str(exc)
        log.info("ringkasan e-mail %s: %d tiket", digest.site_code, len(digest.items))
        return None
