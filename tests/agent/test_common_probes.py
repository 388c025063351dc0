"""Cross-platform probes (networks, volumes, users, status) on recorded readings and live.

Readings come from :class:`RecordedStats`; on Linux the network probe also reads
``/sys/class/net`` of the recorded Debian laptop tree (link type, wireless, bridge, virtual).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil
import pytest

from agent.probes.networks import collect_networks
from agent.probes.status import collect_status
from agent.probes.users import collect_users
from agent.probes.volumes import collect_volumes
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import (
    BatteryCharge,
    InterfaceReading,
    Partition,
    RecordedStats,
    UserSession,
)
from tests.peers import FIXTURES
from tests.schema_check import definition_errors

LAPTOP = FIXTURES / "linux" / "trees" / "laptop-debian12"


def recorded_host(platform: str, root: Path, stats: RecordedStats) -> Host:
    return Host(platform, root, RecordedCommandRunner({}), stats)


def errors(definition: str, items: Iterable[Any]) -> list[str]:
    return [error for item in items for error in definition_errors(definition, item)]


# --------------------------------------------------------------------------- networks

LAPTOP_NICS = [
    InterfaceReading("lo", "00:00:00:00:00:00", ("127.0.0.1",), ("::1",), True, None),
    InterfaceReading(
        "wlp0s20f3",
        "F4:26:79:4E:5F:60",
        ("192.168.1.23",),
        ("fe80::f626:79ff:fe4e:5f60", "2001:db8:12::23"),
        True,
        None,
    ),
    InterfaceReading("enp0s31f6", "8c:8c:aa:1b:2c:3d", ("10.20.30.41",), (), True, 1000),
    InterfaceReading("docker0", "02:42:5a:6b:7c:8d", ("172.17.0.1",), (), False, None),
    InterfaceReading("tun0", None, ("10.8.0.6",), (), True, 10),
]


def test_linux_networks_from_recorded_tree() -> None:
    host = recorded_host("linux", LAPTOP, RecordedStats(nics=LAPTOP_NICS))
    found = collect_networks(host)
    assert found == [
        {
            "name": "docker0",
            "mac": "02:42:5a:6b:7c:8d",
            "ipv4": ["172.17.0.1"],
            "ipv6": [],
            "speed_mbps": None,
            "up": False,
            "virtual": True,
            "type": "bridge",
        },
        {
            "name": "enp0s31f6",
            "mac": "8c:8c:aa:1b:2c:3d",
            "ipv4": ["10.20.30.41"],
            "ipv6": [],
            "speed_mbps": 1000,
            "up": True,
            "virtual": False,
            "type": "ethernet",
        },
        {
            "name": "tun0",
            "mac": None,
            "ipv4": ["10.8.0.6"],
            "ipv6": [],
            "speed_mbps": 10,
            "up": True,
            "virtual": True,
            "type": "tunnel",
        },
        {
            "name": "wlp0s20f3",
            "mac": "f4:26:79:4e:5f:60",
            "ipv4": ["192.168.1.23"],
            "ipv6": ["2001:db8:12::23", "fe80::f626:79ff:fe4e:5f60"],
            "speed_mbps": None,
            "up": True,
            "virtual": False,
            "type": "wifi",
        },
    ]
    assert errors("network", found) == []


def test_linux_interface_gone_from_sysfs_has_no_type(tmp_path: Path) -> None:
    nic = InterfaceReading("veth1a2b3c", "aa:bb:cc:dd:ee:01", (), (), True, None)
    found = collect_networks(recorded_host("linux", tmp_path, RecordedStats(nics=[nic])))
    assert [(n["name"], n["type"], n["virtual"]) for n in found] == [("veth1a2b3c", None, False)]


def test_loopback_known_only_from_sysfs_type_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(LAPTOP, root, symlinks=True)
    (root / "sys/devices/virtual/net/lo/type").write_text("772\n")
    (root / "sys/class/net/lo").rename(root / "sys/class/net/loop-renamed")
    nic = InterfaceReading("loop-renamed", None, ("127.0.0.1",), (), True, None)
    assert collect_networks(recorded_host("linux", root, RecordedStats(nics=[nic]))) == []


def test_windows_networks_normalise_mac_and_skip_loopback(tmp_path: Path) -> None:
    nics = [
        InterfaceReading("Wi-Fi", "00-00-00-00-00-00", (), (), False, None),
        InterfaceReading("Loopback Pseudo-Interface 1", None, ("127.0.0.1",), ("::1",), True, 1073),
        InterfaceReading("Ethernet", "3C-52-82-AA-BB-CC", ("10.20.31.7",), (), True, 1000),
    ]
    found = collect_networks(recorded_host("windows", tmp_path, RecordedStats(nics=nics)))
    assert found == [
        {
            "name": "Ethernet",
            "mac": "3c:52:82:aa:bb:cc",
            "ipv4": ["10.20.31.7"],
            "ipv6": [],
            "speed_mbps": 1000,
            "up": True,
            "virtual": None,
            "type": None,
        },
        {
            "name": "Wi-Fi",
            "mac": None,  # all-zero MAC dropped
            "ipv4": [],
            "ipv6": [],
            "speed_mbps": None,
            "up": False,
            "virtual": None,
            "type": None,
        },
    ]
    assert errors("network", found) == []


# --------------------------------------------------------------------------- volumes

LAPTOP_MOUNTS = [
    Partition("/boot/efi", "/dev/nvme0n1p1", "vfat", 535805952, 6283264, 529522688),
    Partition("/", "/dev/nvme0n1p2", "ext4", 502392610816, 188764372992, 288039989248),
    Partition("/media/budi/USB", "", "", None, None, None),
]


def test_volumes_sorted_with_blank_device_and_filesystem_as_none(tmp_path: Path) -> None:
    found = collect_volumes(recorded_host("linux", tmp_path, RecordedStats(mounts=LAPTOP_MOUNTS)))
    assert found == [
        {
            "mount": "/",
            "device": "/dev/nvme0n1p2",
            "filesystem": "ext4",
            "label": None,
            "total_bytes": 502392610816,
        },
        {
            "mount": "/boot/efi",
            "device": "/dev/nvme0n1p1",
            "filesystem": "vfat",
            "label": None,
            "total_bytes": 535805952,
        },
        {
            "mount": "/media/budi/USB",
            "device": None,
            "filesystem": None,
            "label": None,
            "total_bytes": None,
        },
    ]
    assert errors("volume", found) == []


def test_over_long_mount_and_filesystem_are_cut_to_the_schema(tmp_path: Path) -> None:
    odd = Partition("/" + "d" * 2000, "/dev/" + "s" * 2000, "f" * 300, 1, 1, 0)
    host = recorded_host("linux", tmp_path, RecordedStats(mounts=[odd]))
    [volume] = collect_volumes(host)
    assert (len(volume["mount"]), len(volume["device"]), len(volume["filesystem"])) == (
        1024,
        1024,
        256,
    )
    assert errors("volume", [volume]) == []
    assert definition_errors("status", collect_status(host)) == []


# --------------------------------------------------------------------------- users


def test_users_split_domain_and_sort(tmp_path: Path) -> None:
    sessions = [
        UserSession("root", "pts/0", "10.20.30.5", 1713750000.0),
        UserSession("BPOM\\budi.santoso", "console", None, 1713748600.0),
        UserSession("andi", "tty1", None, None),
        UserSession("andi", "pts/1", "10.20.30.6", 0.0),
    ]
    found = collect_users(recorded_host("linux", tmp_path, RecordedStats(sessions=sessions)))
    assert found == [
        {
            "name": "budi.santoso",
            "domain": "BPOM",
            "terminal": "console",
            "host": None,
            "since": "2024-04-22T01:16:40+00:00",
        },
        {"name": "andi", "domain": None, "terminal": "pts/1", "host": "10.20.30.6", "since": None},
        {"name": "andi", "domain": None, "terminal": "tty1", "host": None, "since": None},
        {
            "name": "root",
            "domain": None,
            "terminal": "pts/0",
            "host": "10.20.30.5",
            "since": "2024-04-22T01:40:00+00:00",
        },
    ]
    assert errors("user", found) == []


# --------------------------------------------------------------------------- status


def test_linux_status_uptime_from_proc_volume_usage_and_battery_charge() -> None:
    stats = RecordedStats(boot=1.0, mounts=LAPTOP_MOUNTS, charge=BatteryCharge(87.0, True))
    found = collect_status(recorded_host("linux", LAPTOP, stats))
    assert found == {
        "uptime_seconds": 93784,
        "volumes": [
            {"mount": "/", "used_bytes": 188764372992, "free_bytes": 288039989248},
            {"mount": "/boot/efi", "used_bytes": 6283264, "free_bytes": 529522688},
            {"mount": "/media/budi/USB", "used_bytes": None, "free_bytes": None},
        ],
        "battery_percent": 87.0,
        "on_ac_power": True,
    }
    assert definition_errors("status", found) == []


def test_status_without_battery_has_no_battery_keys() -> None:
    found = collect_status(recorded_host("linux", LAPTOP, RecordedStats()))
    assert found == {"uptime_seconds": 93784, "volumes": []}


def test_windows_status_uptime_from_boot_time(tmp_path: Path) -> None:
    stats = RecordedStats(boot=time.time() - 3600, charge=BatteryCharge(41.5, False))
    found = collect_status(recorded_host("windows", tmp_path, stats))
    assert 3599 <= found["uptime_seconds"] <= 3602
    assert (found["battery_percent"], found["on_ac_power"]) == (41.5, False)
    assert definition_errors("status", found) == []


@pytest.mark.parametrize(
    ("uptime", "expected"),
    [("garbage", "boot"), ("inf 3", "boot"), ("nan", "boot"), ("", "boot"), ("-12.5 1", 0)],
)
def test_bad_proc_uptime_never_raises(tmp_path: Path, uptime: str, expected: object) -> None:
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc/uptime").write_text(uptime)
    found = collect_status(recorded_host("linux", tmp_path, RecordedStats(boot=time.time() - 60)))
    if expected == "boot":
        assert 59 <= found["uptime_seconds"] <= 62  # fell back to the boot time
    else:
        assert found["uptime_seconds"] == expected
    assert definition_errors("status", found) == []


def test_status_without_any_source(tmp_path: Path) -> None:
    found = collect_status(recorded_host("linux", tmp_path, RecordedStats()))
    assert found == {"uptime_seconds": None, "volumes": []}


# --------------------------------------------------------------------------- this machine, live

live_linux = pytest.mark.skipif(sys.platform != "linux", reason="live checks run on Linux")


@live_linux
def test_live_root_volume_present() -> None:
    found = collect_volumes(live_host())
    root = next(v for v in found if v["mount"] == "/")
    assert root["total_bytes"] == psutil.disk_usage("/").total
    assert root["filesystem"]
    assert errors("volume", found) == []
    usage = next(v for v in collect_status(live_host())["volumes"] if v["mount"] == "/")
    assert usage["used_bytes"] + usage["free_bytes"] <= root["total_bytes"]


@live_linux
def test_live_networks_cover_every_non_loopback_interface() -> None:
    found = collect_networks(live_host())
    names = {n["name"] for n in found}
    expected = {name for name in psutil.net_if_addrs() if name != "lo"}
    assert expected <= names
    assert "lo" not in names
    macs = {n["name"]: n["mac"] for n in found}
    for name, addrs in psutil.net_if_addrs().items():
        link = next((a.address for a in addrs if a.family == psutil.AF_LINK), None)
        if name in macs and link and link != "00:00:00:00:00:00":
            assert macs[name] == link.lower()
    assert errors("network", found) == []


@live_linux
def test_live_status_uptime_matches_boot_time() -> None:
    found = collect_status(live_host())
    assert abs(found["uptime_seconds"] - (time.time() - psutil.boot_time())) <= 5
    assert definition_errors("status", found) == []


@live_linux
def test_live_users_match_psutil() -> None:
    found = collect_users(live_host())
    assert len(found) == len(psutil.users())
    assert errors("user", found) == []
