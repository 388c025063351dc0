"""``asetik-collector poll --once`` end to end, on SQLite and PostgreSQL: the real CLI reads a
targets file with sealed communities, polls recorded devices served by snmpsim over UDP and
ingests them through the one ingest path; a dead address costs a probe and stores nothing."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from collector.bootstrap import build_services
from collector.config import load_config
from collector.services.register import AssetFilter, Page
from collector.services.users import Role, Viewer
from tests.collector.processes import CollectorProcess, free_port
from tests.collector.test_api_assets import samples
from tests.snmp_peers import SnmpSim, free_udp_port

pytestmark = [pytest.mark.peer, pytest.mark.slow]

PUSDATIN = Viewer(user_id=0, name="test", role=Role.ADMIN, site_id=None)
PRINTER = "hp_color-laserjet-pro-m252dw"
SWITCH = "cisco_ios-c2960x-48fps"


def _targets(collector: CollectorProcess, sim: SnmpSim) -> Path:
    address = f"{sim.host}:{sim.port}"
    dead = f"127.0.0.1:{free_udp_port()}"
    path = collector.data_dir / "targets.toml"
    path.write_text(f"""
[defaults]
timeout = 1.0
retries = 1

[[credentials]]
name = "salah"
community = "{collector.seal("no-such-community")}"

[[credentials]]
name = "printer"
community = "{collector.seal(PRINTER)}"

[[credentials]]
name = "switch"
community = "{collector.seal(SWITCH)}"

[[sites]]
code = "BBPOM-SBY"
targets = ["{address}", "{dead}"]
credentials = ["salah", "printer"]

[[sites]]
code = "PUSDATIN"
targets = ["{address}"]
credentials = ["switch"]
""")
    assert "hp_color" not in path.read_text()  # secrets sealed at rest
    return path


def test_poll_once_fills_the_register_and_a_second_round_changes_nothing(
    db_url: str, tmp_path: Path, snmpsim_corpus: SnmpSim
) -> None:
    collector = CollectorProcess(db_url, tmp_path)
    collector.cli("site", "create", "--code", "BBPOM-SBY", "--name", "BBPOM Surabaya")
    collector.cli("site", "create", "--code", "PUSDATIN", "--name", "Pusat Data dan Informasi")
    targets = _targets(collector, snmpsim_corpus)

    collector.cli("poll", "--once", "--targets", str(targets))

    services = build_services(load_config({}, db=db_url, data_dir=collector.data_dir))
    try:
        assets, total = services.register.list_assets(PUSDATIN, AssetFilter(), Page())
        assert total == 2
        by_kind = {asset.kind.value: asset for asset in assets}
        printer, switch = by_kind["printer"], by_kind["switch"]
        assert (printer.site_code, printer.serial) == ("BBPOM-SBY", "VNB3J99999")
        assert printer.vendor == "HP"
        assert printer.model == "Color LaserJet Pro M252dw"
        assert switch.site_code == "PUSDATIN" and switch.vendor == "Cisco"
        detail = services.register.asset_detail(PUSDATIN, printer.id)
        toner = {s["color"]: s["level_percent"] for s in detail.sections["supplies"]
                 if s["type"] == "toner"}  # fmt: skip
        # The levels LibreNMS found for the same recording (expected/<stem>.json).
        assert toner == {"black": 63.0, "cyan": 63.0, "magenta": 88.0, "yellow": 36.0}
        assert len(services.register.asset_detail(PUSDATIN, switch.id).sections["ports"]) > 48

        collector.cli("poll", "--once", "--targets", str(targets))

        again, total = services.register.list_assets(PUSDATIN, AssetFilter(), Page())
        assert total == 2
        history = services.register.asset_detail(PUSDATIN, printer.id).history
        assert [entry.kind for entry in history] == ["asset_discovered"]
        assert {a.id: a.last_seen for a in again} != {a.id: a.last_seen for a in assets}
    finally:
        services.close()
    remembered = json.loads((collector.data_dir / "snmp-credentials.json").read_text())
    where = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
    assert remembered == {f"BBPOM-SBY/{where}": "printer", f"PUSDATIN/{where}": "switch"}


def test_poll_without_a_targets_file_polls_what_the_api_stored(
    db_url: str, tmp_path: Path, snmpsim_corpus: SnmpSim
) -> None:
    collector = CollectorProcess(db_url, tmp_path)
    collector.cli("site", "create", "--code", "BBPOM-SBY", "--name", "BBPOM Surabaya")
    services = build_services(load_config({}, db=db_url, data_dir=collector.data_dir))
    try:
        stored = services.poll_targets
        stored.put_credential(PUSDATIN, "printer", {"community": PRINTER})
        where = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
        stored.put_site_targets(PUSDATIN, "BBPOM-SBY", [where], ["printer"])
        assert not (collector.data_dir / "targets.toml").exists()

        summary = collector.cli("poll", "--once")

        assert summary.endswith("ok 1")
        assets, total = services.register.list_assets(PUSDATIN, AssetFilter(), Page())
        assert total == 1 and assets[0].serial == "VNB3J99999"
    finally:
        services.close()


def test_a_polling_process_serves_its_own_metrics(
    db_url: str, tmp_path: Path, snmpsim_corpus: SnmpSim
) -> None:
    """``poll --metrics-listen``: devices polled by protocol and result, their durations and
    the end of the last round, while the process keeps polling; no register gauges here."""
    collector = CollectorProcess(db_url, tmp_path)
    collector.cli("site", "create", "--code", "BBPOM-SBY", "--name", "BBPOM Surabaya")
    collector.cli("site", "create", "--code", "PUSDATIN", "--name", "Pusat Data dan Informasi")
    targets = _targets(collector, snmpsim_corpus)
    port = free_port()
    argv = collector.argv(["poll", "--targets", str(targets), "--metrics-listen",
                           f"127.0.0.1:{port}"])  # fmt: skip
    with (tmp_path / "poll.log").open("wb") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        text = _first_round_metrics(f"http://127.0.0.1:{port}/metrics", process)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert samples(text, "asetik_poll_total") == {
        frozenset({("protocol", "snmp"), ("result", "ok")}): 2.0,
        frozenset({("protocol", "snmp"), ("result", "dead")}): 1.0,
    }
    assert samples(text, "asetik_poll_duration_seconds_count") == {
        frozenset({("protocol", "snmp")}): 3.0
    }
    assert samples(text, "asetik_poll_round_duration_seconds")[frozenset()] > 0
    assert samples(text, "asetik_assets") == {}  # the collector's /metrics has those


def _first_round_metrics(url: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"poll exited {process.returncode}"
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
                text: str = answer.read().decode()
            if samples(text, "asetik_poll_round_end_timestamp_seconds").get(frozenset()):
                return text
        time.sleep(0.2)
    raise AssertionError("no poll round ended within 60 s")
