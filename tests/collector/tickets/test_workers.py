"""Evaluation spread over forked worker processes, on SQLite and PostgreSQL: the same tickets
and the same counts as one process, nothing evaluated twice, and the CLI's --workers checked."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from collector.bootstrap import Services
from collector.domain.rules.findings import Finding, Snapshot, Thresholds
from collector.services import tickets
from collector.services.rules_config import default_rules
from tests.collector.conftest import FixedClock
from tests.collector.processes import CollectorProcess
from tests.collector.tickets.fleet import (
    add_asset,
    add_site,
    fake_family,
    set_findings,
    ticket_service,
    tickets_of,
)

ASSETS = 23


def pid_family(snapshot: Snapshot, thresholds: Thresholds) -> Iterable[Finding]:
    """The fake findings with the evaluating process in their evidence."""
    for found in fake_family(snapshot, thresholds):
        yield replace(found, evidence={**found.evidence, "pid": os.getpid()})


def test_two_workers_open_every_ticket_once_and_count_like_one_process(
    services: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tickets, "CHUNK", 5)  # 23 assets: five chunks for two workers
    site = add_site(services)
    ids = [add_asset(services, site, f"pc-{n:02d}") for n in range(ASSETS)]
    for n, asset in enumerate(ids):
        set_findings(services, asset, [("disk.reallocated", f"S{k}", k + n % 3) for k in range(2)])
    rules = {**default_rules(), "fake": {"critical_from": 10}}
    service = tickets.TicketService(
        services.sessions, services.clock, rules, [("fake", pid_family)]
    )

    first = service.evaluate(ids, workers=2)
    assert (first.new, first.evaluated) == (2 * ASSETS, ASSETS)
    pids: set[int] = set()
    for asset in ids:
        found = tickets_of(services, asset)
        assert sorted(t["subject"] for t in found) == ["S0", "S1"]
        pids.update(t["evidence"]["pid"] for t in found)
    assert os.getpid() not in pids  # the rules ran in the workers

    clock.now = clock.now.replace(hour=clock.now.hour + 1)
    again = ticket_service(services).evaluate(ids, workers=2)
    alone = ticket_service(services).evaluate(ids, workers=1)
    assert (again.new, again.evaluated) == (alone.new, alone.evaluated) == (0, ASSETS)


@pytest.mark.parametrize("workers", ["0", "65", "dua"])
def test_a_bad_worker_count_is_refused(db_url: str, tmp_path: Path, workers: str) -> None:
    collector = CollectorProcess(db_url, tmp_path)
    status, _, err = collector.cli_status("evaluate", "--workers", workers)
    assert status == 2
    assert "--workers" in err
