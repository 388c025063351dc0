"""The probe runner: a failing or hanging probe costs its own section only."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from agent.inventory import collect_sections
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats


def _host(tmp_path: Path) -> Host:
    return Host("linux", tmp_path, RecordedCommandRunner({}), RecordedStats())


def test_failing_and_hanging_probes_lose_only_their_section(tmp_path: Path) -> None:
    release = threading.Event()

    def hang(host: Host) -> Any:
        release.wait(5)
        return ["late"]

    def fail(host: Host) -> Any:
        raise OSError("disk vanished")

    probes = {
        "identity": lambda host: {"hostname": "pc-01", "machine_id": "abc"},
        "cpus": lambda host: [{"model": "x", "cores": 2}],
        "softwares": fail,
        "updates": hang,
        "batteries": lambda host: None,
    }
    collected = collect_sections(_host(tmp_path), probes, deadline_s=0.3)
    release.set()
    assert collected.sections["cpus"] == [{"model": "x", "cores": 2}]
    assert collected.errors == {
        "softwares": "OSError: disk vanished",
        "updates": "probe timed out",
    }
    assert "batteries" not in collected.sections
    assert collected.sections["identity"] == {"hostname": "pc-01", "machine_id": "abc"}


def test_identity_takes_hardware_nic_and_disk_keys_and_drops_junk(tmp_path: Path) -> None:
    probes = {
        "identity": lambda host: {"hostname": "pc-01", "machine_id": "abc"},
        "hardware": lambda host: {
            "uuid": "4C4C4544-0051-3010-8052-B4C04F563432",
            "serial": "To Be Filled By O.E.M.",
            "board_serial": "/9QZ3K12/CN1296/",
        },
        "networks": lambda host: [
            {"name": "eth0", "mac": "F8:BC:12:4A:5B:6C", "virtual": False},
            {"name": "docker0", "mac": "02:42:ac:11:00:01", "virtual": True},
            {"name": "wlan0", "mac": "da:a1:19:00:00:01", "virtual": False},
        ],
        "storages": lambda host: [
            {"name": "nvme0n1", "serial": "S4EVNF0M812345"},
            {"name": "sdb", "serial": "USB123", "removable": True},
        ],
    }
    identity = collect_sections(_host(tmp_path), probes).sections["identity"]
    assert identity == {
        "hostname": "pc-01",
        "machine_id": "abc",
        "system_uuid": "4c4c4544-0051-3010-8052-b4c04f563432",
        "board_serial": "/9QZ3K12/CN1296/",
        "mac_addresses": ["f8:bc:12:4a:5b:6c"],
        "disk_serials": ["S4EVNF0M812345"],
    }
