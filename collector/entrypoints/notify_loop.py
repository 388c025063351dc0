"""The dispatcher as a background task of ``serve``: a delivery pass every ~30 seconds for as
long as the app runs (an aiohttp cleanup context: started with the app, cancelled on exit)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from collector.adapters.webhook import AiohttpPoster
from collector.services.notification_dispatch import NotificationDispatcher

log = logging.getLogger("asetik.collector.notify")
PASS_SECONDS = 30.0


def notification_loop(
    build: Callable[[AiohttpPoster], NotificationDispatcher], every: float = PASS_SECONDS
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context running ``build(poster)``'s passes every ``every`` seconds; a pass that
    fails is logged and the next one runs on time."""

    async def run(dispatcher: NotificationDispatcher) -> None:
        while True:
            try:
                counts = await dispatcher.deliver_once()
            except Exception:
                log.exception("putaran notifikasi gagal")
            else:
                if counts.webhooks or counts.digests_sent or counts.digests_failed:
                    log.info("notifikasi: %s", counts.line())
            await asyncio.sleep(every)

    async def context(_app: web.Application) -> AsyncIterator[None]:
        poster = AiohttpPoster()
        task = asyncio.create_task(run(build(poster)), name="asetik-notify")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await poster.close()

    return context
