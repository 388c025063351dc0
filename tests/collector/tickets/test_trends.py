"""Trend readings kept by the evaluation, on SQLite and PostgreSQL: one reading per metric per
trend interval, and the readings older than the retention deleted for the asset that has them
while another asset's readings stay."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from collector.adapters.db.models import AssetTrendRow
from collector.bootstrap import Services
from collector.services.rules_config import default_rules
from collector.services.tickets import TicketService
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import SECTION, add_asset, add_site, fake_family, set_findings


def used_bytes(sections: Mapping[str, Any]) -> Mapping[str, float]:
    """A trend reader (our own interface): the first fake finding's value as a reading."""
    found = sections.get(SECTION) or ()
    return {"used:/": float(found[0][2])} if found else {}


def readings(services: Services, asset_id: int) -> list[tuple[int, float]]:
    """The asset's readings as (days since the first evaluation, value), oldest first."""
    with services.sessions() as session:
        rows = session.execute(
            select(AssetTrendRow.at, AssetTrendRow.value)
            .where(AssetTrendRow.asset_id == asset_id).order_by(AssetTrendRow.at)
        ).all()  # fmt: skip
    return [(int((at - rows[0][0]) / timedelta(days=1)), value) for at, value in rows]


def test_readings_are_kept_per_interval_and_dropped_after_the_retention(
    services: Services, clock: FixedClock
) -> None:
    rules = {**default_rules(), "fake": {"critical_from": 10}}
    rules["tickets"] = {**rules["tickets"], "trend_interval_hours": 6, "trend_retention_days": 30}
    service = TicketService(
        services.sessions, services.clock, rules, [("fake", fake_family)], [used_bytes]
    )
    site = add_site(services)
    old, young = add_asset(services, site, "pc-01"), add_asset(services, site, "pc-02")
    set_findings(services, old, [("disk.reallocated", "S1", 1)])
    service.evaluate([old])
    clock.now += timedelta(hours=1)
    service.evaluate([old])  # within the interval: no second reading
    assert readings(services, old) == [(0, 1.0)]

    clock.now += timedelta(days=20)
    set_findings(services, old, [("disk.reallocated", "S1", 2)])
    set_findings(services, young, [("disk.reallocated", "S1", 5)])
    service.evaluate([old, young])
    assert readings(services, old) == [(0, 1.0), (20, 2.0)]

    clock.now += timedelta(days=15)  # the first reading is now 35 days old
    set_findings(services, old, [("disk.reallocated", "S1", 3)])
    service.evaluate([old, young])
    assert [value for _, value in readings(services, old)] == [2.0, 3.0]
    assert [value for _, value in readings(services, young)] == [5.0, 5.0]
