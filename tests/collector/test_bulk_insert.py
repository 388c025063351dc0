"""``insert_rows`` on SQLite and PostgreSQL: every value arrives with its column's type."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from collector.adapters.db.bulk_insert import insert_rows
from collector.adapters.db.models import AssetTrendRow, TicketRow
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import add_asset, add_site


def test_rows_arrive_with_their_types(services: Services, clock: FixedClock) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    later = clock.now + timedelta(hours=1, microseconds=5)
    tickets = [
        {"asset_id": asset, "rule": "r", "subject": f"s'{n}\"", "severity": "warning",
         "maintenance": "reboot", "message_id": "ü ✓", "message_en": "x",
         "evidence": {"n": n, "list": [1.5, None, "a"], "nested": {"ok": True}},
         "status": "closed", "first_seen": clock.now, "last_seen": later,
         "updated_at": later, "reopened": n}
        for n in range(3)
    ]  # fmt: skip
    trends = [{"asset_id": asset, "metric": "m:/", "at": later, "value": 1e12 + 0.25}]
    with services.engine.begin() as connection:
        insert_rows(connection, TicketRow, tickets)
        insert_rows(connection, AssetTrendRow, trends)
        insert_rows(connection, AssetTrendRow, [])
    with services.sessions() as session:
        rows = session.scalars(select(TicketRow).order_by(TicketRow.id)).all()
        [trend] = session.scalars(select(AssetTrendRow)).all()
    assert [(r.subject, r.evidence, r.reopened, r.resolved_at) for r in rows] == [
        (t["subject"], t["evidence"], t["reopened"], None) for t in tickets
    ]
    assert all((r.first_seen, r.last_seen, r.message_id) == (clock.now, later, "ü ✓") for r in rows)
    assert (trend.at, trend.value) == (later, 1e12 + 0.25)


def test_rows_that_do_not_fit_the_table_are_refused(services: Services) -> None:
    with services.engine.begin() as connection, pytest.raises(ValueError, match="do not fit"):
        insert_rows(connection, AssetTrendRow, [{"asset_id": 1, "metric; DROP": "x"}])
