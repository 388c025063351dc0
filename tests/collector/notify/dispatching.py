"""Running delivery passes in the notification tests: a site with settings, a dispatcher over
the test's services (real aiohttp client, real SMTP client), one pass at a time."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from sqlalchemy import select

from collector.adapters.db.models import NotificationDeliveryRow
from collector.adapters.smtp import SmtpMailer
from collector.adapters.webhook import AiohttpPoster
from collector.bootstrap import Services, secret_box
from collector.config import SmtpSettings, load_config
from collector.domain.notifications import RetryPolicy
from collector.services.notification_dispatch import (
    DispatchSettings,
    NotificationDispatcher,
    PassCounts,
)
from collector.services.notification_outbox import NotificationOutbox

SECRET = "webhook-signing-secret-0123456789"


def run_pass(
    services: Services,
    data_dir: Path | None = None,
    policy: RetryPolicy | None = None,
    smtp_port: int | None = None,
) -> PassCounts:
    """One delivery pass now (digests included when ``smtp_port`` names a server)."""
    outbox = services.outbox
    if policy is not None and data_dir is not None:
        config = load_config({}, db=str(services.engine.url), data_dir=data_dir)
        outbox = NotificationOutbox(services.sessions, functools.partial(secret_box, config),
                                    policy)  # fmt: skip
    mailer = None
    if smtp_port is not None:
        mailer = SmtpMailer(SmtpSettings("127.0.0.1", smtp_port, "asetik@pusdatin.pom.go.id"))

    async def one() -> PassCounts:
        poster = AiohttpPoster()
        try:
            dispatcher = NotificationDispatcher(
                outbox, poster, mailer, services.clock, metrics=services.notification_metrics,
                settings=DispatchSettings(sender="asetik@pusdatin.pom.go.id", timeout=5.0),
            )  # fmt: skip
            return await dispatcher.deliver_once()
        finally:
            await poster.close()

    return asyncio.run(one())


def deliveries(services: Services) -> list[NotificationDeliveryRow]:
    with services.sessions() as session:
        rows = session.scalars(select(NotificationDeliveryRow).order_by(NotificationDeliveryRow.id))
        found = list(rows)
        session.expunge_all()
        return found
