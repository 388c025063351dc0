"""The dispatcher as serve runs it: a background task of the aiohttp app that posts a new
critical ticket without anyone calling ``notify send``, and stops with the app."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from aiohttp import web

from collector.bootstrap import Services, build_dispatcher
from collector.config import load_config
from collector.entrypoints.http import build_app
from collector.entrypoints.notify_loop import notification_loop
from collector.services.notification_settings import SettingsChange
from tests.collector.conftest import FixedClock
from tests.collector.notify.dispatching import SECRET
from tests.collector.notify.peers import webhook_receiver
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service


def test_the_app_posts_new_critical_tickets_in_the_background(
    services: Services, clock: FixedClock, tmp_path: Path
) -> None:
    config = load_config({}, db=str(services.engine.url), data_dir=tmp_path / "data")
    add_site(services, "BBPOM-SBY")
    asset = add_asset(services, "BBPOM-SBY", "pc-01")
    set_findings(services, asset, [("disk.reallocated", "S1", 12)])

    async def serve_briefly(receiver_count: list[int]) -> None:
        app = build_app(services)
        app.cleanup_ctx.append(
            notification_loop(functools.partial(build_dispatcher, config, services), every=0.05)
        )
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            for _ in range(200):
                if receiver_count[0]:
                    return
                await asyncio.sleep(0.05)
        finally:
            await runner.cleanup()

    with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
        services.notification_settings.set_site("BBPOM-SBY", SettingsChange(receiver.url, SECRET))
        ticket_service(services).evaluate([asset])
        seen = [0]

        async def watch() -> None:
            task = asyncio.create_task(serve_briefly(seen))
            while not task.done():
                seen[0] = len(receiver.received)
                await asyncio.sleep(0.02)
            await task

        asyncio.run(watch())
    [hit] = receiver.received
    assert hit.signature_ok and hit.json["asset"]["name"] == "pc-01"
