"""A guard on /metrics' size: with a national register (20,000 assets over 76 sites, mostly
active workstations, disks of every health, 10,000 open tickets of ten rules, each rule with
its usual severity, most new or reviewed) the collector exposes fewer than 2,000 series,
because no label names an asset.

The figure depends on how the tickets spread: a uniform spread over every site x rule x
severity x status (the worst case) measured 13,634 series on this branch, nearly all of them
asetik_tickets_open; the seed here is the plausible spread, not the worst one.

KNOWN FAILURE: even the plausible spread gives about 6,000 series (asetik_tickets_open by site,
rule, severity and status is most of them), so the target is not met by the metrics on main;
the test is marked xfail(strict) until asetik_tickets_open loses a label dimension (for
instance rule by site moved into a gauge without status), and then fails as XPASS to have the
mark removed."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select

from collector.adapters.db.models import AssetRow, DiskRow, SiteRow, TicketRow
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.test_api_assets import call

ASSETS = 20_000
SITES = 76
LIMIT = 2_000
KINDS = ("workstation",) * 14 + ("laptop", "laptop", "server", "printer", "switch", "ups")
STATUSES = ("active",) * 18 + ("inactive", "retired")
RULES = {"disk.smart_failed": "critical", "disk.reallocated": "warning",
         "volume.full": "warning", "updates.pending": "warning", "printer.supply_low": "warning",
         "printer.error": "critical", "presence.not_seen": "warning", "battery.wear": "warning",
         "software.eol": "critical", "presence.warranty": "info"}  # fmt: skip
OPEN = ("new",) * 6 + ("reviewed",) * 2 + ("approved", "scheduled", "in_progress", "done")


def _seed(services: Services, clock: FixedClock) -> None:
    draw = random.Random(9)  # noqa: S311 - a repeatable spread, not a secret
    now = clock.now
    with services.sessions.begin() as session:
        session.execute(insert(SiteRow), [
            {"code": f"UPT-{n:02d}", "name": f"Balai {n}", "created_at": now}
            for n in range(SITES)])  # fmt: skip
        sites = list(session.scalars(select(SiteRow.id)))
        session.execute(insert(AssetRow), [
            {"site_id": sites[n % SITES], "kind": draw.choice(KINDS),
             "status": draw.choice(STATUSES), "name": f"aset-{n}", "first_seen": now,
             "last_seen": now - timedelta(days=draw.choice((0, 0, 0, 1, 3, 10))),
             "last_source": "agent", "needs_review": False}
            for n in range(ASSETS)])  # fmt: skip
        assets = list(session.scalars(select(AssetRow.id)))
        session.execute(insert(DiskRow), [
            {"asset_id": asset, "name": "sda", "health": draw.choice(("passed", "failed", None))}
            for asset in assets])  # fmt: skip
        session.execute(insert(TicketRow), [
            {"asset_id": asset, "rule": rule, "subject": "", "severity": RULES[rule],
             "maintenance": "check",
             "message_id": rule, "message_en": rule, "evidence": {},
             "status": draw.choice(OPEN), "first_seen": now, "last_seen": now,
             "updated_at": now, "reopened": 0}
            for asset in assets[::2] for rule in draw.sample(sorted(RULES), 2)])  # fmt: skip


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="asetik_tickets_open by site x rule x severity x status "
    "exceeds the 2,000-series budget (about 6,000 series measured)",
)
def test_fewer_than_2000_series_with_20000_assets(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    text = call(services, "GET", "/metrics").text
    families = list(text_string_to_metric_families(text))
    series = sum(len(family.samples) for family in families)
    by_family = sorted(((len(f.samples), f.name) for f in families), reverse=True)[:4]
    print(
        f"\n/metrics with {ASSETS:,} assets over {SITES} sites: {series} series; "
        f"largest: {by_family}"
    )
    assets = next(f for f in families if f.name == "asetik_assets")
    assert sum(sample.value for sample in assets.samples) == ASSETS  # the seed is all there
    assert series < LIMIT, by_family
