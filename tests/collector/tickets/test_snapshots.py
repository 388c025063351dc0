"""What the rules see of an asset: sections, register fields, open identity conflicts, open
host-key findings for its addresses (not another site's, not resolved ones), trends."""

from __future__ import annotations

from datetime import date, timedelta

from collector.adapters.db.models import (
    AssetRow,
    AssetSectionRow,
    AssetTrendRow,
    ConflictRow,
    InterfaceRow,
)
from collector.bootstrap import Services
from collector.services.snapshots import read_snapshots
from tests.collector.conftest import FixedClock
from tests.collector.tickets.fleet import add_asset, add_site, set_findings


def test_a_snapshot_carries_what_the_rules_read(services: Services, clock: FixedClock) -> None:
    site = add_site(services, "BBPOM-SBY")
    other_site = add_site(services, "BBPOM-MDN")
    asset = add_asset(services, site, "srv-01", kind="server")
    add_asset(services, other_site, "srv-mdn", kind="server")
    set_findings(services, asset, [("r", "s", 1)])
    now = clock.now
    with services.sessions.begin() as session:
        session.get_one(AssetRow, asset).warranty_until = date(2027, 1, 31)
        session.add(InterfaceRow(asset_id=asset, name="eth0", addresses=["10.1.2.3/24", "fe80::1"]))
        session.add(ConflictRow(asset_id=asset, reason="serial_shared", other_asset_ids=[9],
                                keys=[], detail="dua aset", created_at=now))  # fmt: skip
        session.add(ConflictRow(asset_id=asset, reason="old", other_asset_ids=[], keys=[],
                                detail="selesai", created_at=now, resolved_at=now))  # fmt: skip
        session.add(AssetTrendRow(asset_id=asset, metric="volume_used_bytes:/", value=5.0,
                                  at=now - timedelta(days=1)))  # fmt: skip
        session.add(AssetTrendRow(asset_id=asset, metric="volume_used_bytes:/", value=3.0,
                                  at=now - timedelta(days=2)))  # fmt: skip
    sby = services.poll_findings.record_host_key_change(
        site, ("10.1.2.3", 22), "SHA256:a", "SHA256:b"
    )
    services.poll_findings.record_host_key_change(
        other_site, ("10.1.2.3", 22), "SHA256:c", "SHA256:d"
    )
    services.poll_findings.record_host_key_change(site, ("10.9.9.9", 22), "SHA256:e", "SHA256:f")
    with services.engine.connect() as connection:
        [snapshot] = read_snapshots(connection, [asset, 99999], now)
    assert (snapshot.kind, snapshot.site, snapshot.warranty_until) == (
        "server",
        site,
        date(2027, 1, 31),
    )
    assert snapshot.sections["fake_findings"] == [["r", "s", 1]]
    assert [c["reason"] for c in snapshot.conflicts] == ["serial_shared"]
    assert [(k["id"], k["seen"]) for k in snapshot.host_key_changes] == [(sby, "SHA256:b")]
    assert [v for _, v in snapshot.trends["volume_used_bytes:/"]] == [3.0, 5.0]  # oldest first


def test_a_snapshot_holds_only_the_wanted_sections(services: Services, clock: FixedClock) -> None:
    asset = add_asset(services, add_site(services), "pc-01")
    set_findings(services, asset, [("r", "s", 1)])
    with services.sessions.begin() as session:
        for name in ("volumes", "networks"):
            session.add(AssetSectionRow(asset_id=asset, name=name, content=[{"n": name}],
                                        source="agent", updated_at=clock.now))  # fmt: skip
    wanted = {"volumes", "status"}
    sent = {asset: {"status": {"uptime_seconds": 5}, "hardware": {"model": "x"}}}
    with services.engine.connect() as connection:
        [everything] = read_snapshots(connection, [asset], clock.now)
        [read] = read_snapshots(connection, [asset], clock.now, wanted=wanted)
        [given] = read_snapshots(connection, [asset], clock.now, sent, wanted=wanted)
    assert set(everything.sections) == {"fake_findings", "volumes", "networks"}
    assert read.sections == {"volumes": [{"n": "volumes"}]}
    assert given.sections == {"volumes": [{"n": "volumes"}], "status": {"uptime_seconds": 5}}
