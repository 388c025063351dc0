"""macOS system sections (OS, hardware, firmware, CPUs, memory, disks, battery) and identity.

Replayed from recordings of an Apple-silicon MacBook Pro and an Intel iMac with a SATA disk
(tests/fixtures/darwin/<machine>/), through the same Host the agent uses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.document import build_observation
from agent.inventory import collect_sections
from agent.probes.darwin import collect_identity, darwin_probes
from agent.probes.darwin.battery import (
    IOREG_BATTERY_ARGV,
    collect_batteries,
    merge_battery,
    parse_smart_battery,
)
from agent.probes.darwin.identity import (
    COMPUTER_NAME_ARGV,
    IOREG_PLATFORM_ARGV,
    LOCAL_HOST_NAME_ARGV,
    parse_platform_expert,
)
from agent.probes.darwin.profile import PROFILE_ARGV, ProfileCache, parse_binary_size
from agent.probes.darwin.storage import collect_storages, parse_storages, parse_volume_drives
from agent.probes.darwin.system import (
    BOOTTIME_ARGV,
    collect_bios,
    collect_cpus,
    collect_hardware,
    collect_memories,
    collect_operatingsystem,
    parse_cpus,
    parse_hardware,
    parse_kern_boottime,
    parse_memories,
    parse_os_version,
    parse_zoneinfo_link,
)
from agent.probes.darwin.updates import PRODUCT_VERSION_ARGV, SOFTWAREUPDATE_ARGV
from agent.sources.commands import NOT_FOUND, TIMED_OUT, CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES
from tests.schema_check import definition_errors, schema_errors

DARWIN = FIXTURES / "darwin"
TREE = DARWIN / "tree"
MBP = "macbook_pro_m1"
IMAC = "imac_intel"

# section -> the $defs entry its value (or each of its items) must satisfy
SECTION_DEFS = {
    "operatingsystem": "operatingsystem",
    "hardware": "hardware",
    "bios": "bios",
    "cpus": "cpu",
    "memories": "memory",
    "storages": "storage",
    "batteries": "battery",
    "softwares": "software",
    "updates": "updates",
}


def _softwareupdate(stdout: str, stderr: str) -> CommandResult:
    folder = DARWIN / "softwareupdate"
    out = (folder / stdout).read_text(encoding="utf-8") if stdout else ""
    return CommandResult(0, out, (folder / stderr).read_text(encoding="utf-8"))


UPDATES = {
    MBP: _softwareupdate("list.stdout.txt", "list.stderr.txt"),
    IMAC: _softwareupdate("", "none.stderr.txt"),
}


def _ok(folder: Path, name: str) -> CommandResult:
    return CommandResult(0, (folder / name).read_text(encoding="utf-8"))


def recordings(machine: str) -> dict[tuple[str, ...], CommandResult]:
    """Every command the darwin probes run, as recorded on one machine."""
    folder = DARWIN / machine
    not_set = CommandResult(1, "", "LocalHostName: not set\n")
    battery = folder / "ioreg_battery.plist"
    return {
        PROFILE_ARGV: _ok(folder, "system_profiler.json"),
        BOOTTIME_ARGV: _ok(folder, "sysctl_boottime.txt"),
        IOREG_PLATFORM_ARGV: _ok(folder, "ioreg_platform.plist"),
        # a desktop has no AppleSmartBattery: ioreg succeeds and prints nothing
        IOREG_BATTERY_ARGV: _ok(folder, battery.name) if battery.exists() else CommandResult(0, ""),
        LOCAL_HOST_NAME_ARGV: (
            _ok(folder, "scutil_localhostname.txt")
            if (folder / "scutil_localhostname.txt").exists()
            else not_set
        ),
        COMPUTER_NAME_ARGV: _ok(folder, "scutil_computername.txt"),
        PRODUCT_VERSION_ARGV: _ok(folder, "sw_vers_productversion.txt"),
        SOFTWAREUPDATE_ARGV: UPDATES[machine],
    }


def mac(machine: str, **replace: CommandResult) -> tuple[Host, RecordedCommandRunner]:
    """A recorded Mac; ``replace`` swaps one recording (key: the argv joined by spaces)."""
    table = recordings(machine)
    for argv, result in replace.items():
        table[tuple(argv.split(" "))] = result
    runner = RecordedCommandRunner(table)
    return Host("darwin", TREE, runner, RecordedStats(), None), runner


def profiler_runs(runner: RecordedCommandRunner) -> int:
    return runner.calls.count(PROFILE_ARGV)


def assert_valid(section: str, value: Any) -> None:
    items = value if isinstance(value, list) else [value]
    assert items, f"{section}: nothing to validate"
    for item in items:
        assert definition_errors(SECTION_DEFS[section], item) == [], (section, item)


# ----------------------------------------------------------------------- operating system


def test_operatingsystem_of_apple_silicon_macbook() -> None:
    host, _ = mac(MBP)
    assert collect_operatingsystem(host) == {
        "family": "darwin",
        "id": "macos",
        "name": "macOS",
        "version": "14.5",
        "build": "23F79",
        "kernel": "Darwin 23.5.0",
        "arch": "arm64",
        "last_boot": "2024-05-22T09:47:14+00:00",
        "timezone": "Asia/Jakarta",
    }


def test_operatingsystem_of_intel_imac() -> None:
    host, _ = mac(IMAC)
    section = collect_operatingsystem(host)
    assert section is not None
    assert (section["version"], section["build"], section["kernel"], section["arch"]) == (
        "13.6.7",
        "22G720",
        "Darwin 22.6.0",
        "x86_64",
    )
    assert section["last_boot"] == "2024-06-04T08:00:00+00:00"


def test_operatingsystem_without_sysctl_keeps_the_rest() -> None:
    host, _ = mac(MBP, **{"sysctl -n kern.boottime": CommandResult(NOT_FOUND, "")})
    section = collect_operatingsystem(host)
    assert section is not None
    assert section["last_boot"] is None
    assert section["version"] == "14.5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("macOS 14.5 (23F79)", ("macOS", "14.5", "23F79")),
        ("macOS 13.4.1 (a) (22F770820d)", ("macOS", "13.4.1 (a)", "22F770820d")),
        ("macOS 26 (25A354)", ("macOS", "26", "25A354")),
        ("OS X 10.11.6 (15G31)", ("OS X", "10.11.6", "15G31")),
        ("Mac OS X 10.6.8 (10K549)", ("Mac OS X", "10.6.8", "10K549")),
        ("macOS", (None, None, None)),
        (None, (None, None, None)),
    ],
)
def test_os_version_strings(text: str | None, expected: tuple[str | None, ...]) -> None:
    assert parse_os_version(text) == expected


def test_boottime_and_zone_parsers() -> None:
    assert parse_kern_boottime("{ sec = 0, usec = 0 } Thu Jan  1 00:00:00 1970") == (
        "1970-01-01T00:00:00+00:00"
    )
    assert parse_kern_boottime("sysctl: unknown oid 'kern.boottime'") is None
    assert parse_kern_boottime("{ sec = 99999999999999999999, usec = 0 }") is None
    assert parse_zoneinfo_link("/usr/share/zoneinfo/Asia/Makassar") == "Asia/Makassar"
    assert parse_zoneinfo_link("/etc/UTC") is None


# ------------------------------------------------------------------------------ hardware


def test_hardware_of_both_macs() -> None:
    assert collect_hardware(mac(MBP)[0]) == {
        "vendor": "Apple",
        "model": "MacBookPro18,3",
        "serial": "K7QJ2X9PLM",
        "uuid": "6f1c2a3b-4d5e-4f60-8a1b-2c3d4e5f6a7b",
        "chassis": "laptop",
        "virtual": False,
        "memory_total_bytes": 16 * 1024**3,
    }
    imac = collect_hardware(mac(IMAC)[0])
    assert imac is not None
    assert (imac["model"], imac["serial"], imac["chassis"]) == (
        "iMac19,2",
        "C02ZK1ABJWDX",
        "all-in-one",
    )
    assert imac["uuid"] == "a1b2c3d4-e5f6-5a7b-8c9d-0e1f2a3b4c5d"


def test_virtual_mac_and_placeholder_serial() -> None:
    hardware = parse_hardware(
        {
            "machine_model": "VirtualMac2,1",
            "machine_name": "Apple Virtual Machine 1",
            "serial_number": "0",
            "platform_UUID": "00000000-0000-0000-0000-000000000000",
            "physical_memory": "8 GB",
        }
    )
    assert hardware is not None
    assert hardware["virtual"] is True
    assert hardware["chassis"] is None
    assert (hardware["serial"], hardware["uuid"]) == (None, None)


def test_bios_is_apple_firmware() -> None:
    assert collect_bios(mac(MBP)[0]) == {
        "vendor": "Apple",
        "version": "10151.121.1",
        "date": None,
        "firmware": None,
    }
    imac = collect_bios(mac(IMAC)[0])
    assert imac is not None
    assert (imac["version"], imac["firmware"]) == ("1916.40.8.0.0", "uefi")


# ---------------------------------------------------------------------------- processors


def test_cpus_of_apple_chip_and_intel() -> None:
    assert collect_cpus(mac(MBP)[0]) == [
        {
            "model": "Apple M1 Pro",
            "vendor": "Apple",
            "cores": 10,
            "threads": 10,
            "speed_mhz": None,
            "arch": "arm64",
        }
    ]
    assert collect_cpus(mac(IMAC)[0]) == [
        {
            "model": "6-Core Intel Core i7",
            "vendor": "Intel",
            "cores": 6,
            "threads": 12,
            "speed_mhz": 3200,
            "arch": "x86_64",
        }
    ]


def test_cpus_of_two_package_mac_pro_with_comma_decimal() -> None:
    cpus = parse_cpus(
        {
            "cpu_type": "6-Core Intel Xeon",
            "current_processor_speed": "2,66 GHz",
            "number_processors": 12,
            "packages": 2,
            "platform_cpu_htt": "htt_enabled",
        }
    )
    assert cpus is not None
    assert len(cpus) == 2
    assert (cpus[0]["cores"], cpus[0]["threads"], cpus[0]["speed_mhz"]) == (6, 12, 2660)


def test_cpus_of_m5_core_string() -> None:
    cpus = parse_cpus({"chip_type": "Apple M5 Max", "number_processors": "proc 18:6:0:12"})
    assert cpus is not None
    assert cpus[0]["cores"] == 18


# -------------------------------------------------------------------------------- memory


def test_memories_of_both_macs() -> None:
    assert collect_memories(mac(MBP)[0]) == [
        {"slot": None, "size_bytes": 16 * 1024**3, "type": "LPDDR5", "manufacturer": "Micron"}
    ]
    dimms = collect_memories(mac(IMAC)[0])
    assert dimms is not None
    assert len(dimms) == 2
    assert dimms[0] == {
        "slot": "BANK 0/ChannelA-DIMM0",
        "size_bytes": 8 * 1024**3,
        "type": "DDR4",
        "speed_mts": 2667,
        "manufacturer": "Micron",
        "serial": "0x2A1B3C4D",
        "part_number": "8ATF1G64HZ-2G6E1",
    }


def test_empty_memory_slot_is_left_out() -> None:
    items = [
        {
            "_items": [
                {
                    "_name": "DIMM0",
                    "dimm_size": "empty",
                    "dimm_status": "empty",
                    "dimm_type": "empty",
                },
                {"_name": "DIMM1", "dimm_size": "4 GB", "dimm_part_number": "0xZZ"},
            ]
        }
    ]
    modules = parse_memories(items)
    assert modules is not None
    assert [m["slot"] for m in modules] == ["DIMM1"]
    assert modules[0]["part_number"] == "0xZZ"  # not hex: kept as printed
    assert parse_memories(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 GB", 16 << 30),
        ("512 MB", 512 << 20),
        ("1,5 TB", 3 << 39),
        ("empty", None),
        (None, None),
    ],
)
def test_binary_sizes(text: str | None, expected: int | None) -> None:
    assert parse_binary_size(text) == expected


# --------------------------------------------------------------------------------- disks


def test_storages_nvme_on_apple_silicon() -> None:
    assert collect_storages(mac(MBP)[0]) == [
        {
            "name": "disk0",
            "model": "APPLE SSD AP0512R",
            "serial": "0ba0147a8c1d2e3f",
            "firmware": "874.120.",
            "size_bytes": 500277790720,
            "type": "nvme",
            "interface": "NVMe",
            "removable": False,
        }
    ]


def test_storages_sata_hdd_on_intel_imac() -> None:
    disks = collect_storages(mac(IMAC)[0])
    assert disks is not None
    assert len(disks) == 1
    assert disks[0]["type"] == "hdd"
    assert (disks[0]["model"], disks[0]["serial"], disks[0]["size_bytes"]) == (
        "APPLE HDD ST1000DM003",
        "Z1DB4XYZ",
        1000204886016,
    )
    assert disks[0]["interface"] == "SATA"


def test_storages_fall_back_to_volume_drives_and_skip_empty_optical() -> None:
    optical = {"_items": [{"_name": "HL-DT-ST DVDRW GS31N", "bsd_name": "disk2"}]}
    volumes = [
        {
            "_name": "Macintosh HD",
            "physical_drive": {
                "device_name": "APPLE SSD AP0256Q",
                "is_internal_disk": "yes",
                "medium_type": "ssd",
                "protocol": "Apple Fabric",
            },
        },
        {"_name": "Data", "physical_drive": {"device_name": "APPLE SSD AP0256Q"}},
        {
            "_name": "Backup",
            "physical_drive": {
                "device_name": "WD Elements 25A2",
                "is_internal_disk": "no",
                "medium_type": "rotational",
                "protocol": "USB",
            },
        },
    ]
    disks = parse_storages({"SPSerialATADataType": [optical], "SPStorageDataType": volumes})
    assert disks == parse_volume_drives(volumes)
    assert [(d["name"], d["type"], d["removable"]) for d in disks or []] == [
        ("APPLE SSD AP0256Q", "ssd", False),
        ("WD Elements 25A2", "hdd", True),
    ]


# ------------------------------------------------------------------------------- battery


def test_battery_of_macbook() -> None:
    assert collect_batteries(mac(MBP)[0]) == [
        {
            "name": "bq40z651",
            "manufacturer": None,
            "serial": "F8Y2157005HQ0NNAW",
            "cycle_count": 187,
            "model": None,
            "chemistry": None,
            "design_capacity_mwh": 69255,  # 6075 mAh x 3 cells x 3.8 V
            "full_charge_capacity_mwh": 60203,  # AppleRawMaxCapacity 5281 mAh x 11.4 V
            "health_percent": 87.0,
        }
    ]


def test_desktop_has_no_battery() -> None:
    assert collect_batteries(mac(IMAC)[0]) == []


def test_intel_smart_battery_without_cell_voltages() -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><array><dict>'
        b"<key>CycleCount</key><integer>163</integer>"
        b"<key>DesignCapacity</key><integer>5088</integer>"
        b"<key>Manufacturer</key><string>SMP</string>"
        b"<key>MaxCapacity</key><integer>4373</integer>"
        b"<key>Voltage</key><integer>12500</integer>"
        b"</dict></array></plist>"
    )
    smart = parse_smart_battery(xml)
    assert smart is not None
    assert (smart["design_capacity_mwh"], smart["full_charge_capacity_mwh"]) == (63600, 54662)
    battery = merge_battery(None, smart)
    assert battery is not None
    assert (battery["manufacturer"], battery["cycle_count"], battery["health_percent"]) == (
        "SMP",
        163,
        85.9,
    )
    assert parse_smart_battery(b"") is None
    assert merge_battery(None, None) is None


# ------------------------------------------------------------------------------ identity


def test_identity_of_macbook() -> None:
    assert collect_identity(mac(MBP)[0]) == {
        "hostname": "Budis-MacBook-Pro",
        "machine_id": "6f1c2a3b-4d5e-4f60-8a1b-2c3d4e5f6a7b",
        "system_serial": "K7QJ2X9PLM",
        "system_uuid": "6f1c2a3b-4d5e-4f60-8a1b-2c3d4e5f6a7b",
    }


def test_identity_falls_back_to_computer_name_and_skips_system_profiler() -> None:
    host, runner = mac(IMAC)
    identity = collect_identity(host)
    assert identity["hostname"] == "iMac Lab 02"
    assert identity["system_serial"] == "C02ZK1ABJWDX"
    assert profiler_runs(runner) == 0
    assert definition_errors("identity", identity) == []


def test_platform_expert_garbage() -> None:
    assert parse_platform_expert(b"not a plist") == {"uuid": None, "serial": None}


# ------------------------------------------------------------- probe table, cache, schema


@pytest.mark.parametrize("machine", [MBP, IMAC])
def test_every_section_validates_and_system_profiler_runs_once(machine: str) -> None:
    host, runner = mac(machine)
    probes = darwin_probes()
    assert set(probes) == {"identity", *SECTION_DEFS}
    sections = {name: probe(host) for name, probe in probes.items() if name != "identity"}
    assert profiler_runs(runner) == 1
    for name, value in sections.items():
        if name == "batteries" and machine == IMAC:
            assert value == []
            continue
        assert_valid(name, value)
    assert definition_errors("identity", collect_identity(host)) == []


@pytest.mark.parametrize("machine", [MBP, IMAC])
def test_whole_document_through_the_agent_runner(machine: str) -> None:
    host, runner = mac(machine)
    collected = collect_sections(host)  # platform_probes("darwin"), threads, deadline
    assert dict(collected.errors) == {}
    assert profiler_runs(runner) == 1
    document = build_observation(collected, collected_at=datetime(2024, 6, 1, tzinfo=UTC))
    assert schema_errors(document) == []
    identity = document["identity"]
    expected_serial = {MBP: "K7QJ2X9PLM", IMAC: "C02ZK1ABJWDX"}[machine]
    assert identity["system_serial"] == expected_serial
    assert identity["machine_id"] == identity["system_uuid"]
    assert document["operatingsystem"]["family"] == "darwin"


class SlowProfiler:
    """Our CommandRunner protocol, answering system_profiler slowly (as the real one does)."""

    def __init__(self, recorded: RecordedCommandRunner) -> None:
        self._recorded = recorded
        self._lock = threading.Lock()
        self.profiler_runs = 0

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        if tuple(argv) == PROFILE_ARGV:
            with self._lock:
                self.profiler_runs += 1
            time.sleep(0.2)
        return self._recorded.run(argv, timeout)


def test_concurrent_probes_share_one_system_profiler_run() -> None:
    slow = SlowProfiler(RecordedCommandRunner(recordings(MBP)))
    host = Host("darwin", TREE, slow, RecordedStats(), None)
    probes = darwin_probes()
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        futures = {name: pool.submit(probe, host) for name, probe in probes.items()}
        results = {name: future.result() for name, future in futures.items()}
    assert slow.profiler_runs == 1
    assert results["hardware"]["serial"] == "K7QJ2X9PLM"
    assert results["cpus"][0]["cores"] == 10


def test_cache_is_per_host_and_expires() -> None:
    now = [1000.0]
    cache = ProfileCache(max_age=60, clock=lambda: now[0])
    first, first_runner = mac(MBP)
    second, second_runner = mac(IMAC)
    collect_hardware(first, cache)
    collect_cpus(first, cache)
    hardware = collect_hardware(second, cache)
    assert hardware is not None
    assert hardware["model"] == "iMac19,2"
    assert (profiler_runs(first_runner), profiler_runs(second_runner)) == (1, 1)
    now[0] += 61
    collect_bios(first, cache)
    assert profiler_runs(first_runner) == 2


def test_timeout_is_raised_to_every_section_but_runs_once() -> None:
    host, runner = mac(MBP, **{" ".join(PROFILE_ARGV): CommandResult(TIMED_OUT, "")})
    probes = darwin_probes()
    for name in ("operatingsystem", "hardware", "cpus", "storages"):
        with pytest.raises(TimeoutError):
            probes[name](host)
    assert profiler_runs(runner) == 1


# --------------------------------------------------------------------------- bad inputs


SYSTEM_SECTIONS = (
    "operatingsystem",
    "hardware",
    "bios",
    "cpus",
    "memories",
    "storages",
    "batteries",
)


@pytest.mark.parametrize(
    "answer",
    [
        CommandResult(0, "{ this is not json"),
        CommandResult(0, ""),
        CommandResult(0, "[1, 2, 3]"),
        CommandResult(NOT_FOUND, ""),
    ],
    ids=["garbage", "empty", "not-an-object", "missing"],
)
def test_unusable_system_profiler_gives_absent_sections(answer: CommandResult) -> None:
    host, _ = mac(
        MBP,
        **{
            " ".join(PROFILE_ARGV): answer,
            " ".join(IOREG_BATTERY_ARGV): CommandResult(NOT_FOUND, ""),
        },
    )
    probes = darwin_probes()
    assert {name: probes[name](host) for name in SYSTEM_SECTIONS} == dict.fromkeys(SYSTEM_SECTIONS)


def test_battery_from_ioreg_alone_when_system_profiler_is_missing() -> None:
    host, _ = mac(MBP, **{" ".join(PROFILE_ARGV): CommandResult(NOT_FOUND, "")})
    batteries = collect_batteries(host)
    assert batteries is not None
    assert batteries[0]["cycle_count"] == 187
    assert batteries[0]["health_percent"] == 86.9  # 60203 / 69255, computed
    assert_valid("batteries", batteries)


def test_nothing_installed() -> None:
    host = Host("darwin", TREE, RecordedCommandRunner({}), RecordedStats(), None)
    probes = darwin_probes()
    assert all(probes[name](host) is None for name in SYSTEM_SECTIONS)
    assert probes["updates"](host) is None
    assert collect_identity(host) == {
        "hostname": None,
        "machine_id": None,
        "system_serial": None,
        "system_uuid": None,
    }
