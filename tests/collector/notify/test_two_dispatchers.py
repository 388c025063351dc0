"""Two collector replicas dispatching at once (threads, PostgreSQL): every critical ticket is
posted exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from collector.bootstrap import build_services
from collector.config import load_config
from collector.services.notification_dispatch import PassCounts
from collector.services.notification_settings import SettingsChange
from tests.collector.conftest import FixedClock
from tests.collector.notify.dispatching import SECRET, deliveries, run_pass
from tests.collector.notify.peers import webhook_receiver
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service

TICKETS = 40


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_dispatchers_in_parallel_post_each_ticket_once(
    db_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    config = load_config({}, db=db_url, data_dir=tmp_path / "data")
    replicas = [build_services(config, clock) for _ in range(2)]
    first = replicas[0]
    add_site(first, "BBPOM-SBY")
    assets = [add_asset(first, "BBPOM-SBY", f"pc-{n:02}") for n in range(TICKETS)]
    for asset in assets:
        set_findings(first, asset, [("disk.reallocated", "S1", 12)])
    barrier = threading.Barrier(2)
    results: list[PassCounts] = []

    def dispatch(index: int) -> None:
        barrier.wait()
        results.extend(run_pass(replicas[index]) for _ in range(3))

    try:
        with webhook_receiver(SECRET, clock.now.timestamp()) as receiver:
            first.notification_settings.set_site("BBPOM-SBY", SettingsChange(receiver.url, SECRET))
            ticket_service(first).evaluate(assets)
            threads = [threading.Thread(target=dispatch, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        rows = deliveries(first)
    finally:
        for replica in replicas:
            replica.close()
    posted = [r.json["ticket_id"] for r in receiver.received]
    assert len(posted) == TICKETS
    assert len(set(posted)) == TICKETS
    assert all(r.signature_ok for r in receiver.received)
    assert len(results) == 6
    assert sum(c.webhooks.get("delivered", 0) for c in results) == TICKETS
    assert sum(c.discovered.get("pending", 0) for c in results) == TICKETS
    assert [(r.state, r.attempts) for r in rows] == [("delivered", 1)] * TICKETS
