"""Ticket lifecycle on SQLite and PostgreSQL: dedup, auto-resolve, ops' tickets kept, reopen
within the window, concurrent evaluation, and the database constraint behind it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from collector.adapters.db.models import TicketEventRow, TicketRow
from collector.bootstrap import Services
from collector.domain.rules.findings import Finding, Snapshot, Thresholds
from collector.services.rules_config import default_rules
from collector.services.tickets import TicketService
from collector.services.users import Role, Viewer
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import (
    add_asset,
    add_site,
    fake_family,
    set_findings,
    ticket_service,
    tickets_of,
)

OPS = Viewer(user_id=0, name="rina", role=Role.OPERATOR, site_id=None)


def events_of(services: Services, ticket_id: int) -> list[tuple[str | None, str, str, str]]:
    with services.sessions() as session:
        rows = session.execute(
            select(TicketEventRow.from_status, TicketEventRow.to_status, TicketEventRow.actor,
                   TicketEventRow.note)
            .where(TicketEventRow.ticket_id == ticket_id).order_by(TicketEventRow.id)
        ).all()  # fmt: skip
    return [(a, b, c, d or "") for a, b, c, d in rows]


def test_the_same_finding_twice_is_one_ticket_with_updated_evidence(
    services: Services, clock: FixedClock
) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services)
    set_findings(services, asset, [("disk.reallocated", "SERIAL1", 3)])
    first = tickets.evaluate([asset])
    assert (first.evaluated, first.new, first.updated) == (1, 1, 0)
    opened = clock.now
    clock.now += timedelta(hours=2)
    set_findings(services, asset, [("disk.reallocated", "SERIAL1", 5)])
    second = tickets.evaluate([asset])
    assert (second.new, second.updated) == (0, 1)
    clock.now += timedelta(hours=2)
    third = tickets.evaluate([asset])  # nothing new: last_seen only
    assert (third.evaluated, third.new, third.updated) == (1, 0, 0)
    [ticket] = tickets_of(services, asset)
    assert ticket["status"] == "new"
    assert ticket["evidence"] == {"value": 5}
    assert ticket["first_seen"] == opened
    assert ticket["last_seen"] == clock.now
    assert [e[:3] for e in events_of(services, ticket["id"])] == [(None, "new", "system")]


def test_a_severity_change_is_an_event(services: Services, clock: FixedClock) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services)
    set_findings(services, asset, [("disk.reallocated", "S1", 3)])
    tickets.evaluate([asset])
    set_findings(services, asset, [("disk.reallocated", "S1", 12)])  # 12 >= critical_from 10
    tickets.evaluate([asset])
    [ticket] = tickets_of(services, asset)
    assert ticket["severity"] == "critical"
    events = events_of(services, ticket["id"])
    assert len(events) == 2
    assert events[1][:2] == ("new", "new")
    assert "warning" in events[1][3] and "critical" in events[1][3]


def test_an_untouched_ticket_whose_finding_is_gone_is_auto_resolved(
    services: Services, clock: FixedClock
) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services)
    set_findings(services, asset, [("disk.reallocated", "S1", 3), ("volume.full", "/", 95)])
    tickets.evaluate([asset])
    clock.now += timedelta(days=1)
    set_findings(services, asset, [("volume.full", "/", 96)])
    counts = tickets.evaluate([asset])
    assert counts.auto_resolved == 1
    disk, volume = tickets_of(services, asset)
    assert (disk["status"], disk["resolved_at"]) == ("auto_resolved", clock.now)
    assert volume["status"] == "new"
    events = events_of(services, disk["id"])
    assert events[-1][:3] == ("new", "auto_resolved", "system")
    assert "pulih otomatis" in events[-1][3]


def test_a_ticket_ops_approved_is_not_auto_closed(services: Services, clock: FixedClock) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services)
    set_findings(services, asset, [("disk.reallocated", "S1", 3)])
    tickets.evaluate([asset])
    [ticket] = tickets_of(services, asset)
    for action in ("review", "approve"):
        tickets.act(OPS, {"ids": [ticket["id"]], "action": action, "comment": "cek fisik"})
    set_findings(services, asset, [])
    clock.now += timedelta(days=1)
    counts = tickets.evaluate([asset])
    assert counts.auto_resolved == 0
    [kept] = tickets_of(services, asset)
    assert kept["status"] == "approved"
    assert kept["last_seen"] == ticket["last_seen"]  # not seen since: last_seen stays


def test_a_recurrence_within_the_window_reopens_and_after_it_opens_a_new_ticket(
    services: Services, clock: FixedClock
) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services, reopen_window_days=14)
    set_findings(services, asset, [("disk.reallocated", "S1", 3)])
    tickets.evaluate([asset])
    set_findings(services, asset, [])
    clock.now += timedelta(days=1)
    tickets.evaluate([asset])  # auto-resolved on day 1
    clock.now += timedelta(days=13)  # 13 days later: inside the 14-day window
    set_findings(services, asset, [("disk.reallocated", "S1", 4)])
    counts = tickets.evaluate([asset])
    assert (counts.reopened, counts.new) == (1, 0)
    [ticket] = tickets_of(services, asset)
    assert (ticket["status"], ticket["reopened"], ticket["resolved_at"]) == ("new", 1, None)
    assert ticket["evidence"] == {"value": 4}
    assert events_of(services, ticket["id"])[-1][:2] == ("auto_resolved", "new")
    set_findings(services, asset, [])
    clock.now += timedelta(days=1)
    tickets.evaluate([asset])  # auto-resolved again
    clock.now += timedelta(days=15)  # past the window
    set_findings(services, asset, [("disk.reallocated", "S1", 6)])
    counts = tickets.evaluate([asset])
    assert (counts.reopened, counts.new) == (0, 1)
    old, new = tickets_of(services, asset)
    assert (old["status"], new["status"]) == ("auto_resolved", "new")


def test_a_closed_ticket_reopens_within_the_window(services: Services, clock: FixedClock) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    tickets = ticket_service(services)
    set_findings(services, asset, [("disk.reallocated", "S1", 3)])
    tickets.evaluate([asset])
    [ticket] = tickets_of(services, asset)
    for action in ("review", "approve", "schedule", "start", "finish", "close"):
        tickets.act(OPS, {"ids": [ticket["id"]], "action": action, "comment": "ganti disk"})
    assert tickets_of(services, asset)[0]["status"] == "closed"
    clock.now += timedelta(days=3)
    assert tickets.evaluate([asset]).reopened == 1
    assert tickets_of(services, asset)[0]["status"] == "new"


def test_concurrent_evaluations_of_one_asset_open_one_ticket(
    services: Services, clock: FixedClock
) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("disk.reallocated", f"S{n}", 3) for n in range(20)])
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run() -> None:
        service = ticket_service(services)
        start.wait()
        try:
            service.evaluate([asset])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    found = tickets_of(services, asset)
    assert sorted(t["subject"] for t in found) == sorted(f"S{n}" for n in range(20))


def test_an_evaluation_that_loses_the_race_applies_again_on_what_won(
    services: Services, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A rival evaluation commits the same tickets while this one is between its read and its
    writes (the rival runs inside this one's rule family): the unique index refuses the
    second opening, the savepoint rolls back, and the asset is applied again on what the
    database holds: one ticket per finding, one opening event each, nothing raised."""
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("disk.reallocated", "S1", 3), ("disk.reallocated", "S2", 12)])
    rival = ticket_service(services)
    raced: list[int] = []

    def racing_family(snapshot: Snapshot, thresholds: Thresholds) -> Iterable[Finding]:
        if not raced:
            raced.append(rival.evaluate([snapshot.asset_id]).new)
        return fake_family(snapshot, thresholds)

    rules = {**default_rules(), "fake": {"critical_from": 10}}
    racing = TicketService(services.sessions, services.clock, rules, [("fake", racing_family)])
    with caplog.at_level(logging.INFO, logger="asetik.collector.tickets"):
        counts = racing.evaluate([asset])
    assert raced == [2]
    assert counts.new == 0
    assert "evaluasi bersamaan" in caplog.text
    found = tickets_of(services, asset)
    assert [(t["subject"], t["severity"]) for t in found] == [("S1", "warning"), ("S2", "critical")]
    for ticket in found:
        assert [e[1] for e in events_of(services, ticket["id"])] == ["new"]


def test_the_database_refuses_a_second_open_ticket_for_one_key(services: Services) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("disk.reallocated", "S1", 3)])
    ticket_service(services).evaluate([asset])
    [ticket] = tickets_of(services, asset)
    row = {
        "asset_id": asset,
        "rule": "disk.reallocated",
        "subject": "S1",
        "severity": "warning",
        "maintenance": "replace_disk",
        "message_id": "x",
        "message_en": "x",
        "evidence": {},
        "status": "reviewed",
        "first_seen": ticket["first_seen"],
        "last_seen": ticket["first_seen"],
        "updated_at": ticket["first_seen"],
        "reopened": 0,
    }
    with pytest.raises(IntegrityError), services.engine.begin() as connection:
        connection.execute(insert(TicketRow), row)  # fmt: skip
    with services.engine.begin() as connection:  # a finished one beside it is allowed
        connection.execute(insert(TicketRow), {**row, "status": "closed"})
    assert [t["status"] for t in tickets_of(services, asset)] == ["new", "closed"]
