"""Hardware sections from one recorded PowerShell CIM run: desktop, laptop, and damaged output."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from agent.probes.windows.battery import collect_batteries, decode_chemistry, parse_batteries
from agent.probes.windows.cim import (
    CIM_KEYS,
    CIM_SCRIPT,
    CimReading,
    CimReadings,
    collect_cim,
    parse_cim,
)
from agent.probes.windows.hardware import (
    collect_bios,
    collect_cpus,
    collect_hardware,
    collect_memories,
    parse_bios,
    parse_cpus,
    parse_hardware,
    parse_memories,
)
from agent.probes.windows.powershell import (
    PowerShellError,
    as_objects,
    parse_cim_datetime,
    powershell_argv,
)
from agent.probes.windows.storage import collect_storages, parse_storages
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES

WINDOWS = FIXTURES / "windows"
CIM_ARGV = powershell_argv(CIM_SCRIPT)


def _reading(name: str) -> CimReading:
    reading = parse_cim((WINDOWS / name).read_text(encoding="utf-8"))
    assert reading is not None
    return reading


def _host(
    output: CommandResult | None, reg: str | None = "uninstall.reg"
) -> tuple[Host, RecordedCommandRunner]:
    runner = RecordedCommandRunner({CIM_ARGV: output} if output else {})
    registry = RegExportReader.from_file(WINDOWS / reg) if reg else None
    return Host("windows", Path("/"), runner, RecordedStats(), registry), runner


def test_script_is_one_line_without_double_quotes() -> None:
    assert '"' not in CIM_SCRIPT and "\n" not in CIM_SCRIPT
    assert CIM_ARGV[:4] == ("powershell", "-NoProfile", "-NonInteractive", "-Command")
    assert "ConvertTo-Json -InputObject $o -Depth 4 -Compress" in CIM_SCRIPT
    for key in CIM_KEYS:
        assert f"$o.{key}=Get-CimInstance " in CIM_SCRIPT


def test_desktop_hardware_and_bios() -> None:
    reading = _reading("cim_desktop.json")
    assert parse_hardware(reading) == {
        "vendor": "Dell Inc.",
        "model": "OptiPlex 7090",
        "model_name": None,
        "serial": "7XK2LH3",
        "uuid": "4c4c4544-0058-4b10-8032-b7c04f4c4833",
        "chassis": "desktop",
        "board_vendor": "Dell Inc.",
        "board_model": "0YGNRW",
        "board_serial": "/7XK2LH3/CNCMK0023B00A0/",
        "virtual": False,
        "memory_total_bytes": 2 * 16 * 2**30,
    }
    assert parse_bios(reading, 2) == {
        "vendor": "Dell Inc.",
        "version": "1.21.0",
        "date": "2023-11-08",
        "firmware": "uefi",
    }


def test_desktop_cpu_and_two_dimms() -> None:
    reading = _reading("cim_desktop.json")
    assert parse_cpus(reading) == [
        {
            "model": "11th Gen Intel(R) Core(TM) i7-11700 @ 2.50GHz",
            "vendor": "GenuineIntel",
            "cores": 8,
            "threads": 16,
            "speed_mhz": 2496,
            "arch": "x86_64",
        }
    ]
    memories = parse_memories(reading)
    assert [m["slot"] for m in memories] == ["DIMM1", "DIMM2"]
    assert memories[0] == {
        "slot": "DIMM1",
        "size_bytes": 17179869184,
        "type": "DDR4",
        "speed_mts": 3200,
        "manufacturer": "SK Hynix",  # JEDEC 80AD
        "serial": "25D8B3A1",
        "part_number": "HMA82GU6DJR8N-XN",
    }


def test_desktop_disks_nvme_hdd_and_usb_stick() -> None:
    storages = parse_storages(_reading("cim_desktop.json"))
    assert [(s["name"], s["type"], s["interface"], s["removable"]) for s in storages] == [
        (r"\\.\PHYSICALDRIVE0", "nvme", "NVMe", False),
        (r"\\.\PHYSICALDRIVE1", "hdd", "SATA", False),
        (r"\\.\PHYSICALDRIVE2", "unknown", "USB", True),
    ]
    assert storages[1] == {
        "name": r"\\.\PHYSICALDRIVE1",
        "model": "ST1000DM010-2EP102",
        "vendor": None,
        "serial": "Z9A5W3LQ",
        "firmware": "CC46",
        "size_bytes": 1000204886016,
        "type": "hdd",
        "interface": "SATA",
        "removable": False,
    }
    assert storages[0]["serial"] == "E823_8FA6_BF53_0001_001B_448B_4566_7C21"
    assert storages[2]["vendor"] == "SanDisk"


def test_desktop_has_no_battery() -> None:
    assert parse_batteries(_reading("cim_desktop.json")) == []


def test_laptop_single_objects_become_lists() -> None:
    reading = _reading("cim_laptop.json")
    assert len(reading["PhysicalMemory"]) == 1
    assert len(reading["DiskDrive"]) == 1
    assert reading["Battery"][0]["Name"] == "5B10W51867"
    assert parse_memories(reading) == [
        {
            "slot": "ChannelA-DIMM0",
            "size_bytes": 17179869184,
            "type": "DDR4",
            "speed_mts": 3200,
            "manufacturer": "Samsung",
            "serial": None,  # "00000000"
            "part_number": "M471A2G43CB2-CWE",
        }
    ]
    assert [(s["model"], s["type"]) for s in parse_storages(reading)] == [
        ("SAMSUNG MZVL2512HCJQ-00BL7", "nvme")
    ]


def test_lenovo_machine_type_is_the_model_and_its_name_the_model_name() -> None:
    hardware = parse_hardware(_reading("cim_laptop.json"))
    assert (hardware["vendor"], hardware["model"], hardware["model_name"]) == (
        "LENOVO",
        "21AHCTO1WW",
        "ThinkPad T14 Gen 3",
    )
    assert (hardware["chassis"], hardware["board_serial"]) == ("notebook", "L1HF2AB01CD")


def test_laptop_battery_joins_the_wmi_classes() -> None:
    assert parse_batteries(_reading("cim_laptop.json")) == [
        {
            "name": "5B10W51867",
            "manufacturer": "SMP",
            "model": "5B10W51867",
            "serial": "5312",
            "chemistry": "Li-poly",
            "design_capacity_mwh": 52500,
            "full_charge_capacity_mwh": 44630,
            "cycle_count": 187,
            "health_percent": 85.0,
        }
    ]


def test_battery_from_win32_battery_alone() -> None:
    reading: CimReading = {
        "Battery": [
            {
                "Name": "DELL 7FHHV03",
                "Chemistry": 6,
                "DesignCapacity": 60000,
                "FullChargeCapacity": 48000,
            }
        ]
    }
    [battery] = parse_batteries(reading)
    assert (battery["name"], battery["chemistry"], battery["health_percent"]) == (
        "DELL 7FHHV03",
        "Li-ion",
        80.0,
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (1313818956, "Li-ion"),  # "LION"
        (5269836, "Li-poly"),  # "LiP"
        (1682139470, "NiCd"),  # "NiCd"
        (1145258561, "ABCD"),  # unknown letters are kept
        (0, None),
        (-1, None),
        (2**40, None),
        ("LION", None),
        (True, None),
        (0x01020304, None),  # not printable
    ],
)
def test_battery_chemistry_codes(code: Any, expected: str | None) -> None:
    assert decode_chemistry(code) == expected


def test_hyper_v_guest_is_virtual() -> None:
    reading: CimReading = {
        "ComputerSystem": [{"Manufacturer": "Microsoft Corporation", "Model": "Virtual Machine"}],
        "Product": [
            {
                "UUID": "00000000-0000-0000-0000-000000000000",
                "IdentifyingNumber": "0000-0012-3456-7890",
            }
        ],
        "Bios": [{"SerialNumber": "0000-0012-3456-7890"}],
        "DiskDrive": [
            {"Index": 0, "DeviceID": r"\\.\PHYSICALDRIVE0", "Model": "Microsoft Virtual Disk"}
        ],
        "PhysicalDisk": [{"DeviceId": "0", "BusType": 15, "MediaType": 0}],
    }
    hardware = parse_hardware(reading)
    assert (hardware["virtual"], hardware["uuid"]) == (True, None)
    assert hardware["chassis"] is None and hardware["memory_total_bytes"] is None
    assert parse_storages(reading)[0]["type"] == "virtual"


def test_value_count_wrapper_and_odd_shapes() -> None:
    assert as_objects({"value": [{"a": 1}, {"b": 2}], "Count": 2}) == [{"a": 1}, {"b": 2}]
    assert as_objects({"a": 1}) == [{"a": 1}]
    assert as_objects(None) == []
    assert as_objects("text") == []
    assert as_objects([{"a": 1}, "junk", 3, None]) == [{"a": 1}]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-13T00:42:17.5000000Z", datetime(2024, 5, 13, 0, 42, 17, 500000, UTC)),
        ("2024-05-13T07:42:17.5000000+07:00", datetime(2024, 5, 13, 0, 42, 17, 500000, UTC)),
        ("/Date(1715560937500)/", datetime(2024, 5, 13, 0, 42, 17, 500000, UTC)),
        ("20240513074217.500000+420", datetime(2024, 5, 13, 0, 42, 17, tzinfo=UTC)),
        ("20231108000000.000000+000", datetime(2023, 11, 8, tzinfo=UTC)),
        ("1600-12-31T16:00:00.0000000Z", None),
        ("/Date(-11644473600000)/", None),
        ("********", None),
        ("yesterday", None),
        ("", None),
        (1715560937, None),
        (None, None),
    ],
)
def test_cim_dates(raw: Any, expected: datetime | None) -> None:
    assert parse_cim_datetime(raw) == expected


def test_collect_runs_powershell_once_for_all_sections() -> None:
    output = (WINDOWS / "cim_laptop.json").read_text(encoding="utf-8")
    host, runner = _host(CommandResult(0, output))
    assert collect_hardware(host) is not None
    bios = collect_bios(host)
    assert bios is not None and bios["firmware"] == "uefi"
    assert collect_cpus(host) is not None
    assert collect_memories(host) is not None
    assert collect_storages(host) is not None
    assert collect_batteries(host) is not None
    assert runner.calls == [CIM_ARGV]


def test_bios_firmware_type_legacy_and_unknown() -> None:
    output = (WINDOWS / "cim_desktop.json").read_text(encoding="utf-8")
    legacy, _ = _host(CommandResult(0, output), reg="server2019.reg")
    unknown, _ = _host(CommandResult(0, output), reg=None)
    assert (collect_bios(legacy) or {})["firmware"] == "bios"
    assert (collect_bios(unknown) or {})["firmware"] is None


def test_concurrent_probes_share_one_reading() -> None:
    calls: list[int] = []
    started = threading.Event()

    def slow_read(host: Host) -> CimReading:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return {"Processor": [{"Name": "CPU"}]}

    readings = CimReadings(read=slow_read)
    host, _ = _host(None)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _i: readings.get(host), range(8)))
    assert len(calls) == 1 and started.is_set()
    assert all(r is results[0] for r in results)


def test_readings_expire_and_are_per_host() -> None:
    now = [100.0]
    calls: list[Host] = []

    def read(host: Host) -> CimReading:
        calls.append(host)
        return {}

    readings = CimReadings(read=read, max_age=60.0, clock=lambda: now[0])
    first, _ = _host(None)
    second, _ = _host(None)
    readings.get(first)
    readings.get(first)
    readings.get(second)
    now[0] += 61.0
    readings.get(first)
    assert calls == [first, second, first]


def test_a_failed_run_is_shared_too() -> None:
    host, runner = _host(
        CommandResult(1, "", "Program 'powershell.exe' failed to run: Access is denied\r\n")
    )
    for collect in (collect_hardware, collect_cpus, collect_storages):
        with pytest.raises(PowerShellError, match="Access is denied"):
            collect(host)
    assert runner.calls == [CIM_ARGV]


def test_timeout_is_a_fault() -> None:
    host, _ = _host(CommandResult(124, "", "powershell: timed out after 60 s"))
    with pytest.raises(PowerShellError, match="timed out after 60 s"):
        collect_cim(host)


def test_powershell_missing_means_no_sections() -> None:
    host, runner = _host(None)
    assert collect_hardware(host) is None
    assert collect_bios(host) is None
    assert collect_cpus(host) is None
    assert collect_memories(host) is None
    assert collect_storages(host) is None
    assert collect_batteries(host) is None
    assert runner.calls == [CIM_ARGV]


@pytest.mark.parametrize(
    "output",
    [
        "",
        "garbage text\r\n",
        "[1, 2, 3]",
        '{"unrelated": true}',
        "Get-CimInstance : Access denied\r\nAt line:1 char:1",
        (WINDOWS / "cim_desktop.json").read_text(encoding="utf-8")[:1500],
    ],
    ids=["empty", "garbage", "array", "unrelated", "error-text", "truncated"],
)
def test_unusable_output_gives_no_sections(output: str) -> None:
    assert parse_cim(output) is None
    host, _ = _host(CommandResult(0, output))
    assert collect_hardware(host) is None
    assert collect_storages(host) is None


def test_bom_and_wrong_types_are_tolerated() -> None:
    reading = parse_cim(
        '\ufeff{"Processor":{"Name":"  Intel(R)   Xeon(R)  ","NumberOfCores":"8",'
        '"MaxClockSpeed":-1,"Architecture":0},"PhysicalMemory":[{"Capacity":"big","SMBIOSMemoryType":"DDR4"}],'
        '"Bios":{"ReleaseDate":"not a date","Manufacturer":"To Be Filled By O.E.M."}}'
    )
    assert reading is not None
    assert parse_cpus(reading) == [
        {
            "model": "Intel(R) Xeon(R)",
            "vendor": None,
            "cores": 8,
            "threads": None,
            "speed_mhz": None,
            "arch": "x86",
        }
    ]
    assert parse_memories(reading)[0]["size_bytes"] is None
    assert parse_bios(reading) == {"vendor": None, "version": None, "date": None, "firmware": None}
