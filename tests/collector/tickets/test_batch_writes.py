"""Evaluation writes a batch of assets in a few statements (new tickets and their first events,
refreshes, auto-resolves): on SQLite and PostgreSQL every ticket still ends with exactly the
row and the events it would get one asset at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from collector.adapters.db.models import TicketEventRow
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import (
    add_asset,
    add_site,
    set_findings,
    ticket_service,
    tickets_of,
)


def events_by_ticket(services: Services) -> dict[int, list[tuple[str | None, str, str]]]:
    """Every ticket's events (from, to, note), oldest first."""
    with services.sessions() as session:
        rows = session.execute(
            select(TicketEventRow.ticket_id, TicketEventRow.from_status,
                   TicketEventRow.to_status, TicketEventRow.note)
            .order_by(TicketEventRow.id)
        ).all()  # fmt: skip
    found: dict[int, list[tuple[str | None, str, str]]] = {}
    for ticket_id, before, after, note in rows:
        found.setdefault(ticket_id, []).append((before, after, note or ""))
    return found


def test_a_batch_opens_every_ticket_with_one_first_event(
    services: Services, clock: FixedClock
) -> None:
    site = add_site(services)
    assets = [add_asset(services, site, f"pc-{n:02d}") for n in range(6)]
    for n, asset in enumerate(assets):
        set_findings(services, asset, [(f"rule.{k}", f"S{k}", 3) for k in range(n)])
    counts = ticket_service(services).evaluate(assets)
    assert (counts.evaluated, counts.new) == (6, sum(range(6)))
    events = events_by_ticket(services)
    for n, asset in enumerate(assets):
        tickets = tickets_of(services, asset)
        assert sorted(t["rule"] for t in tickets) == [f"rule.{k}" for k in range(n)]
        for ticket in tickets:
            assert events[ticket["id"]] == [(None, "new", f"ditemukan aturan {ticket['rule']}")]
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TicketEventRow)) == counts.new


def test_a_batch_refreshes_and_auto_resolves_many_tickets_at_once(
    services: Services, clock: FixedClock
) -> None:
    site = add_site(services)
    assets = [add_asset(services, site, f"pc-{n:02d}") for n in range(4)]
    for asset in assets:
        set_findings(services, asset, [("disk.reallocated", "S1", 3), ("volume.full", "/", 4)])
    tickets = ticket_service(services)
    tickets.evaluate(assets)
    clock.now += timedelta(hours=6)
    for asset in assets[:3]:  # disk worse (critical from 10), volume gone
        set_findings(services, asset, [("disk.reallocated", "S1", 12)])
    counts = tickets.evaluate(assets)
    assert (counts.updated, counts.auto_resolved, counts.new) == (3, 3, 0)
    events = events_by_ticket(services)
    for asset in assets[:3]:
        disk, volume = tickets_of(services, asset)
        assert (disk["severity"], disk["evidence"], disk["last_seen"]) == (
            "critical", {"value": 12}, clock.now)  # fmt: skip
        assert [e[:2] for e in events[disk["id"]]] == [(None, "new"), ("new", "new")]
        assert (volume["status"], volume["resolved_at"]) == ("auto_resolved", clock.now)
        assert [e[:2] for e in events[volume["id"]]] == [(None, "new"), ("new", "auto_resolved")]
    untouched = tickets_of(services, assets[3])
    assert [(t["status"], t["severity"]) for t in untouched] == [("new", "warning")] * 2
    assert all(t["last_seen"] == clock.now for t in untouched)  # seen again: last_seen moved
