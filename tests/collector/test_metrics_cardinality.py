"""A guard on /metrics' size: with a national register (20,000 assets over 76 sites, mostly
active workstations, disks of every health, 10,000 open tickets of eleven real rules, each rule
with its usual severity, most new or reviewed, some approved and waiting for a plan; per site an
active plan with work orders done, open and overdue, a draft plan for the next period and an
ended one nobody evaluated) the collector exposes fewer than 2,000 series, because no label
names an asset and per-site families carry at most one small extra label (rule and status
breakdowns are national; the per-site-per-rule detail is in the grafana_* views).

Measured: 1,835 series (both databases), the largest families asetik_assets (456 = 76 sites
x 6 kinds), then asetik_disks, asetik_tickets_open and asetik_sop_deadlines_at_risk (228 each
= 76 x 3), then per-site families of 76 (the unreviewed-ticket age is for critical tickets
only: by severity it was 228 and left a margin of 13); asetik_tickets_open_by_rule is 66
(national). Every extra asset kind or severity adds 76 series. Before (site x rule x severity
x status on asetik_tickets_open) a seed like this one gave about 6,000. The first register
read of the process (the one printed, building the holiday calendar too) took 130-330 ms on
the 2-core test machine; warm reads about 80 ms (PostgreSQL) and 120 ms (SQLite)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from collector.adapters.db.models import (
    AssetRow,
    DiskRow,
    PlanItemRow,
    PlanRow,
    SiteRow,
    TicketRow,
    WorkOrderRow,
)
from collector.bootstrap import Services
from tests.collector.conftest import FixedClock
from tests.collector.test_api_assets import call

ASSETS = 20_000
SITES = 76
LIMIT = 2_000
KINDS = ("workstation",) * 14 + ("laptop", "laptop", "server", "printer", "switch", "ups")
STATUSES = ("active",) * 18 + ("inactive", "retired")
RULES = {"disk.smart_failed": "critical", "disk.reallocated": "warning",
         "volume.almost_full": "warning", "software.pending_updates": "warning",
         "software.security_updates": "critical", "printer.supply_low": "warning",
         "printer.error": "critical", "presence.not_seen": "warning", "battery.worn": "warning",
         "software.os_eol": "critical", "presence.warranty": "info"}  # fmt: skip
OPEN = ("new",) * 6 + ("reviewed",) * 2 + ("approved", "scheduled", "in_progress", "done")
ITEMS_PER_PLAN = 20


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
             "status": draw.choice(OPEN),
             "first_seen": now - timedelta(days=draw.randrange(30)), "last_seen": now,
             "updated_at": now, "reopened": 0}
            for asset in assets[::2] for rule in draw.sample(sorted(RULES), 2)])  # fmt: skip
        _seed_plans(session, sites, assets, clock)


def _seed_plans(session: Session, sites: list[int], assets: list[int], clock: FixedClock) -> None:
    """Per site: an active Q4 plan with work orders (done, open, overdue), a draft plan for
    next year created two weeks ago, and Q3's plan ended with no M&E record."""
    now, today = clock.now, clock.now.date()
    plans = [
        {"site_id": site, "period": period, "starts_on": starts, "ends_on": ends,
         "title": period, "state": state, "created_by": "uji",
         "created_at": now - timedelta(days=age), "updated_at": now}
        for site in sites
        for period, starts, ends, state, age in (
            ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "active", 60),
            ("2027", date(2027, 1, 1), date(2027, 12, 31), "draft", 14),
            ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "closed", 150))
    ]  # fmt: skip
    session.execute(insert(PlanRow), plans)
    active = session.execute(select(PlanRow.id, PlanRow.site_id).where(PlanRow.state == "active"))
    by_site = {site: [a for n, a in enumerate(assets) if n % SITES == i]
               for i, site in enumerate(sites)}  # fmt: skip
    session.execute(insert(PlanItemRow), [
        {"plan_id": plan, "asset_id": asset, "maintenance": "inspect", "source": "template",
         "starts_on": date(2026, 10, 1), "on_non_working": "next", "pic": "Budi",
         "executor": "own", "estimated_cost": 0, "created_by": "uji", "created_at": now}
        for plan, site in active for asset in by_site[site][:ITEMS_PER_PLAN]])  # fmt: skip
    items = list(session.scalars(select(PlanItemRow.id)))
    session.execute(insert(WorkOrderRow), [
        {"item_id": item, "occurs_on": today + timedelta(days=due),
         "due_on": today + timedelta(days=due), "status": status, "created_at": now}
        for item in items
        for due, status in ((-40, "done"), (-10, "open" if item % 3 else "done"), (20, "open"))
    ])  # fmt: skip


@pytest.mark.slow
def test_fewer_than_2000_series_with_20000_assets(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    text = call(services, "GET", "/metrics").text
    families = list(text_string_to_metric_families(text))
    series = sum(len(family.samples) for family in families)
    by_family = sorted(((len(f.samples), f.name) for f in families), reverse=True)[:6]
    took = next(f for f in families if f.name == "asetik_register_read_duration_seconds")
    print(
        f"\n/metrics with {ASSETS:,} assets over {SITES} sites: {series} series; "
        f"largest: {by_family}; register read {took.samples[0].value * 1000:.0f} ms"
    )
    everything = next(f for f in families if f.name == "asetik_assets_by_status")
    assert sum(sample.value for sample in everything.samples) == ASSETS  # the seed is all there
    for seeded in ("asetik_work_orders_overdue", "asetik_plan_completion_ratio",
                   "asetik_sop_deadlines_at_risk"):  # fmt: skip
        assert len(next(f for f in families if f.name == seeded).samples) >= SITES, seeded
    assert series < LIMIT, f"{series} series; largest families: {by_family}"
