"""The register gauges on /metrics, on both databases: bounded aggregates by site (assets,
stale ones, disks by health, open tickets; the plan and SOP gauges are checked in
test_fleet_summary.py), read at scrape time and cached, exposed by one
replica only, and an exposition that Prometheus' own promtool accepts."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from collector.adapters.db.models import AssetRow, DiskRow
from collector.adapters.metrics import FleetGauges
from collector.bootstrap import Services, build_services
from collector.config import load_config
from collector.domain.fleet import EMPTY_SUMMARY, FleetSummary
from tests.collector.conftest import FixedClock
from tests.collector.test_api_assets import call, samples
from tests.collector.tickets.fleet import add_asset, add_site, set_findings, ticket_service
from tests.peers import require_command

SBY, MDN = "BBPOM-SBY", "BBPOM-MDN"


def _label(**labels: str) -> frozenset[tuple[str, str]]:
    return frozenset(labels.items())


def _seed(services: Services, clock: FixedClock) -> dict[str, int]:
    add_site(services, SBY), add_site(services, MDN)
    ids = {
        "pc": add_asset(services, SBY, "pc-1"),
        "old-pc": add_asset(services, SBY, "pc-2"),
        "printer": add_asset(services, MDN, "prn-1", kind="printer"),
        "server": add_asset(services, MDN, "srv-1", kind="server"),
    }
    with services.sessions.begin() as session:
        session.add_all([
            DiskRow(asset_id=ids["pc"], name="sda", health="passed"),
            DiskRow(asset_id=ids["pc"], name="sdb", health="failed"),
            DiskRow(asset_id=ids["server"], name="nvme0n1", health=None),
        ])  # fmt: skip
        # seen 10 days ago: stale for an agent (7 days), for a device (2 days)
        ten_days_ago = clock.now - timedelta(days=10)
        session.execute(update(AssetRow).where(AssetRow.id.in_([ids["old-pc"], ids["printer"]]))
                        .values(last_seen=ten_days_ago))  # fmt: skip
    set_findings(services, ids["pc"], [("disk.failed", "sdb", 20), ("volume.full", "/", 3)])
    set_findings(services, ids["printer"], [("printer.toner", "black", 1)])
    ticket_service(services).evaluate(list(ids.values()))
    return ids


def test_the_register_in_aggregate(services: Services, clock: FixedClock) -> None:
    _seed(services, clock)
    text = call(services, "GET", "/metrics").text
    assert samples(text, "asetik_register_gauges_leader") == {frozenset(): 1.0}
    assert samples(text, "asetik_assets") == {
        _label(site=SBY, kind="workstation"): 2.0,
        _label(site=MDN, kind="printer"): 1.0,
        _label(site=MDN, kind="server"): 1.0,
    }
    assert samples(text, "asetik_assets_by_status") == {
        _label(kind="workstation", status="active"): 2.0,
        _label(kind="printer", status="active"): 1.0,
        _label(kind="server", status="active"): 1.0,
    }
    assert samples(text, "asetik_assets_stale") == {_label(site=SBY): 1.0, _label(site=MDN): 1.0}
    assert samples(text, "asetik_disks") == {
        _label(site=SBY, health="passed"): 1.0,
        _label(site=SBY, health="failed"): 1.0,
        _label(site=MDN, health="unknown"): 1.0,
    }
    assert samples(text, "asetik_tickets_open") == {
        _label(site=SBY, severity="critical"): 1.0,
        _label(site=SBY, severity="warning"): 1.0,
        _label(site=MDN, severity="warning"): 1.0,
    }
    assert samples(text, "asetik_tickets_open_by_rule") == {
        _label(rule="disk.failed", severity="critical", status="new"): 1.0,
        _label(rule="volume.full", severity="warning", status="new"): 1.0,
        _label(rule="printer.toner", severity="warning", status="new"): 1.0,
    }
    assert samples(text, "asetik_tickets_critical_unreviewed_oldest_timestamp_seconds") == {
        _label(site=SBY): clock.now.timestamp(),  # MDN's New tickets are warnings only
    }
    assert samples(text, "asetik_site_last_seen_timestamp_seconds") == {
        _label(site=SBY): clock.now.timestamp(),
        _label(site=MDN): clock.now.timestamp(),
    }
    for sparse in (
        "asetik_printers_supply_low",
        "asetik_work_orders_overdue",
        "asetik_plan_completion_ratio",
        "asetik_sop_deadlines_at_risk",
    ):
        assert samples(text, sparse) == {}, sparse  # nothing seeded: no series, not zeros
    (info,) = samples(text, "asetik_build_info")
    assert dict(info)["version"]


def test_counters_and_histograms_export_no_created_series(services: Services) -> None:
    """prometheus_client adds a ``*_created`` sample to each counter and histogram child:
    one more series each, against the /metrics budget; the registry leaves them out."""
    services.metrics.results.labels("agent", "accepted").inc()
    services.metrics.duration.labels("agent").observe(0.01)
    text = call(services, "GET", "/metrics").text
    assert samples(text, "asetik_ingest_total") == {_label(source="agent", result="accepted"): 1}
    assert samples(text, "asetik_ingest_duration_seconds_count") == {_label(source="agent"): 1}
    assert "_created" not in text


def test_the_exposition_passes_promtool(services: Services, clock: FixedClock) -> None:
    promtool = require_command("promtool")
    _seed(services, clock)
    text = call(services, "GET", "/metrics").text
    checked = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                             text=True, timeout=60, check=False)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "", checked.stdout  # no lint remarks either


def test_one_read_per_ttl_however_many_scrapes() -> None:
    reads: list[int] = []
    now = [0.0]

    def read() -> FleetSummary:
        reads.append(1)
        return replace(EMPTY_SUMMARY, assets={("S", "printer"): len(reads)})

    gauges = FleetGauges(read, lambda: True, ttl=15.0, clock=lambda: now[0])

    def assets() -> float:
        family = next(f for f in gauges.collect() if f.name == "asetik_assets")
        return family.samples[0].value

    assert (assets(), assets()) == (1.0, 1.0)
    now[0] = 14.9
    assert assets() == 1.0
    now[0] = 15.0
    assert assets() == 2.0
    assert len(reads) == 2


def test_only_one_replica_exposes_the_gauges(db_url: str, tmp_path: Path) -> None:
    """Two collectors on one database: on PostgreSQL the first to be scraped leads and the
    other exposes no register gauges until the leader goes; SQLite has one process, it leads."""
    config = load_config({}, db=db_url, data_dir=tmp_path / "data")
    first, second = build_services(config), build_services(config)
    try:
        first.enrolment.create_site(SBY, "Balai")
        add_asset(first, SBY, "pc-1")
        leading = samples(call(first, "GET", "/metrics").text, "asetik_register_gauges_leader")
        other = call(second, "GET", "/metrics").text
        assert leading == {frozenset(): 1.0}
        if db_url.startswith("postgresql"):
            assert samples(other, "asetik_register_gauges_leader") == {frozenset(): 0.0}
            assert samples(other, "asetik_assets") == {}
            assert samples(other, "asetik_ingest_total") == {}  # its own metrics stay
            first.close()
            taken = call(second, "GET", "/metrics").text
            assert samples(taken, "asetik_register_gauges_leader") == {frozenset(): 1.0}
            assert sum(samples(taken, "asetik_assets").values()) == 1.0
        else:
            assert samples(other, "asetik_register_gauges_leader") == {frozenset(): 1.0}
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("broken", ["postgresql+psycopg://nobody@127.0.0.1:1/none"])
def test_an_unreachable_database_does_not_fail_the_scrape(broken: str, tmp_path: Path) -> None:
    config = load_config({}, db=broken, data_dir=tmp_path / "data")
    services = build_services(config, check_schema=False)
    try:
        answer = call(services, "GET", "/metrics")
        assert answer.status == 200
        assert samples(answer.text, "asetik_register_gauges_leader") == {frozenset(): 0.0}
    finally:
        services.close()
