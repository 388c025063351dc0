"""disk_health: smartctl --json parsing on the shared real-device corpus, the probe, bad input."""

from __future__ import annotations

import copy
import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from agent.probes.smart import (
    MAX_DEVICES,
    SCAN_ARGV,
    SmartctlError,
    collect_disk_health,
    device_argv,
)
from agent.probes.smart_parse import (
    decode_exit_bits,
    parse_scan,
    parse_smartctl,
    parse_smartctl_output,
)
from agent.sources.commands import CommandResult, RecordedCommandRunner, SystemCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from tests.peers import REPO, corpus_dir, require_command

# Every JSON file of ../shared/corpus/smart (see its SOURCES.md), with what smartctl reported:
# device, protocol, status, temperature_c, power_on_hours, exit_status.
# fmt: off
CORPUS_EXPECTED: dict[str, tuple[Any, ...]] = {
    "ata-hdd-seagate-st2000nm0008-packed-raw.json": ("/dev/sdl", "ATA", "passed", 19, 37054, 0),
    "ata-hdd-wd-red-wd20efrx-healthy.json": ("/dev/sda", "ATA", "passed", 33, 71605, 0),
    "ata-hdd-wd-ultrastar-hc550-wuh721818-healthy.json": ("/dev/sda", "ATA", "passed", 35, 3533, 0),
    "ata-ssd-intel-ssdsc2kb240g7-realloc-4.json": ("/dev/sdd", "ATA", "passed", 23, 49466, 0),
    "ata-ssd-ocz-vertex2-sandforce-xall.json": ("/dev/sda", "ATA", "passed", 30, 1335, 0),
    "ata-ssd-samsung-860evo-xall.json": ("/dev/sda", "ATA", "passed", 36, 14551, 0),
    "error-nvme-permission-denied.json": ("/dev/nvme0", None, "unknown", None, None, 2),
    "megaraid-ata-hdd-wd4000fyyx-healthy.json": ("/dev/sda", "ATA", "passed", 36, 37787, 4),
    "megaraid-sat-seagate-st6000nm0115.json": ("/dev/bus/6", "ATA", "passed", 25, 44316, 4),
    "nvme-intel-660p-ssdpeknw010t8.json": ("/dev/testfoobarpass", "NVMe", "passed", 36, 2401, 0),
    "nvme-intel-ssdpe2kx020t7-percentage-used-75.json": (
        "/dev/nvme6", "NVMe", "passed", 19, 49441, 0,
    ),
    "nvme-samsung-mzwll3t2-failed-critical-warning-0x10.json": (
        "/dev/nvme0", "NVMe", "failed", 40, 18376, 8,
    ),
    "nvme-toshiba-kxg6aznv512g-xall.json": ("/dev/nvme0", "NVMe", "passed", 35, 1767, 0),
    "scan-megaraid.json": ("unknown", None, "unknown", None, None, 0),
    "scan-nvme.json": ("unknown", None, "unknown", None, None, 0),
    "scan-open-scsi.json": ("unknown", None, "unknown", None, None, 0),
    "scsi-intel-raid1-volume-no-smart.json": ("/dev/sdb", "SCSI", "unknown", None, None, 4),
    "scsi-sas-hitachi-h109060sesun600g.json": ("/dev/sda", "SCSI", "passed", 27, 982, 0),
    "scsi-sas-seagate-extended-selftests.json": ("/dev/sdaa", "SCSI", "passed", 24, 34222, 0),
    "scsi-sas-seagate-st4000nm0043-grown-defects-56.json": (
        "/dev/sdg", "SCSI", "passed", 34, 43549, None,
    ),
    "usb-jmicron-hdd-wd2500bevs-xall-exit4.json": ("/dev/sda", "ATA", "passed", 26, 4374, 4),
    "usb-jmicron-hdd-wd3200bevt-failed-realloc-now.json": (
        "/dev/sdb", "ATA", "failed", 27, 16402, 216,
    ),
    "usb-sat-sandisk-pssd-healthy.json": ("/dev/sda", "ATA", "passed", None, 11, 0),
    "usb-sunplus-hdd-samsung-hd204ui-xall.json": ("/dev/sdb", "ATA", "passed", 27, 3830, 96),
    "local-vm/scan-open-empty.json": ("unknown", None, "unknown", None, None, 0),
    "local-vm/virtio-vda-a-d-scsi-not-permitted.json": ("/dev/vda", None, "unknown", None, None, 2),
    "local-vm/virtio-vda-x-d-sat-not-permitted.json": ("/dev/vda", None, "unknown", None, None, 2),
    "local-vm/virtio-vda-x-unable-to-detect.json": ("/dev/vda", None, "unknown", None, None, 1),
}
# fmt: on
EXPECTED_FIELDS = ("device", "protocol", "status", "temperature_c", "power_on_hours", "exit_status")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schemas" / "observation-v1.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(
        {"$ref": "#/$defs/disk_health", "$defs": schema["$defs"]}
    )


def assert_valid(block: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(block)]
    assert errors == []


def corpus_text(name: str) -> str:
    return (corpus_dir("smart") / name).read_text("utf-8")


def corpus_doc(name: str) -> dict[str, Any]:
    doc = json.loads(corpus_text(name))
    assert isinstance(doc, dict)
    return doc


def parsed(name: str) -> dict[str, Any]:
    block = parse_smartctl(corpus_doc(name))
    assert_valid(block)
    return block


def attribute(block: dict[str, Any], ident: int) -> dict[str, Any]:
    return next(row for row in block["attributes"] if row["id"] == ident)


def recorded_host(recorded: dict[tuple[str, ...], CommandResult]) -> Host:
    return Host("linux", Path("/nonexistent"), RecordedCommandRunner(recorded), RecordedStats())


# --- the corpus, file by file ------------------------------------------------------------


def test_every_corpus_file_is_listed() -> None:
    folder = corpus_dir("smart")
    found = {path.relative_to(folder).as_posix() for path in folder.glob("**/*.json")}
    assert found == set(CORPUS_EXPECTED)


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_corpus_file_parses_to_a_valid_block(name: str) -> None:
    block = parsed(name)
    assert tuple(block[field] for field in EXPECTED_FIELDS) == CORPUS_EXPECTED[name]
    assert block["exit_bits"] == decode_exit_bits(block["exit_status"])


def test_non_json_text_output_is_unknown_with_smartctls_words() -> None:
    block = parse_smartctl_output(corpus_text("local-vm/virtio-vda-x.txt"), 1, device="/dev/vda")
    assert_valid(block)
    assert block["device"] == "/dev/vda"
    assert block["status"] == "unknown"
    assert block["exit_status"] == 1
    assert block["exit_bits"] == ["command_line"]
    assert block["messages"][:2] == [
        "smartctl printed no JSON (exit status 1)",
        "/dev/vda: Unable to detect device type",
    ]
    assert not any(line.startswith(("smartctl 7.3", "Copyright")) for line in block["messages"])


# --- specific values, per interesting file ------------------------------------------------


def test_failing_usb_hdd_reallocated_now() -> None:
    block = parsed("usb-jmicron-hdd-wd3200bevt-failed-realloc-now.json")
    assert block["status"] == "failed"
    assert block["exit_bits"] == [
        "disk_failing",
        "prefail_below_threshold",
        "error_log",
        "self_test_log",
    ]
    assert attribute(block, 5) == {
        "id": 5,
        "name": "Reallocated_Sector_Ct",
        "value": 133,
        "worst": 133,
        "threshold": 140,
        "raw": 535,
        "raw_string": "535",
        "when_failed": "now",
        "prefailure": True,
    }
    assert attribute(block, 190)["when_failed"] == "past"
    assert attribute(block, 187)["raw"] == 84
    assert block["device_type"] == "usbjmicron"
    assert block["serial"] == "WD-WXE708D44602"
    assert block["firmware"] == "12.01A12"
    assert (block["rotation_rpm"], block["power_cycles"]) == (5400, 3440)
    assert block["capacity_bytes"] == 320072933376
    assert (block["nvme"], block["scsi"]) == (None, None)


def test_nvme_critical_warning_failed() -> None:
    block = parsed("nvme-samsung-mzwll3t2-failed-critical-warning-0x10.json")
    assert block["status"] == "failed"
    assert block["exit_bits"] == ["disk_failing"]
    assert block["nvme"]["critical_warning"] == 16
    assert block["nvme"]["unsafe_shutdowns"] == 4
    assert block["model"] == "SAMSUNG MZWLL3T2HAJQ-00005"
    assert block["serial"] is None  # "REDACTED" in the recording: a placeholder, dropped
    assert block["capacity_bytes"] == 3200631791616  # nvme_total_capacity: no user_capacity here
    assert block["attributes"] == []


def test_worn_intel_nvme_percentage_used() -> None:
    block = parsed("nvme-intel-ssdpe2kx020t7-percentage-used-75.json")
    assert block["nvme"] == {
        "critical_warning": 0,
        "available_spare": 99,
        "available_spare_threshold": 10,
        "percentage_used": 75,
        "media_errors": 0,
        "num_err_log_entries": 0,
        "unsafe_shutdowns": 106,
        "data_units_written": 5014522069,
        "data_units_read": 1031973760,
    }
    assert (block["power_cycles"], block["smart_available"], block["smart_enabled"]) == (
        121,
        True,
        True,
    )


def test_scsi_grown_defects() -> None:
    block = parsed("scsi-sas-seagate-st4000nm0043-grown-defects-56.json")
    assert block["scsi"] == {
        "grown_defect_list": 56,
        "read_uncorrected_errors": 0,
        "write_uncorrected_errors": 0,
        "verify_uncorrected_errors": None,
        "percentage_used_endurance": None,
    }
    assert block["model"] == "SEAGATE ST4000NM0043"
    assert block["firmware"] == "MS03"
    assert block["smartctl_version"] is None  # this recording has no smartctl block at all
    assert block["exit_bits"] == []


def test_sas_disk_with_vendor_product_fields() -> None:
    block = parsed("scsi-sas-hitachi-h109060sesun600g.json")
    assert block["model"] == "HITACHI H109060SESUN600G"
    assert block["firmware"] == "A690"
    assert block["rotation_rpm"] == 10020
    assert block["scsi"]["verify_uncorrected_errors"] == 0


def test_packed_raw_values_come_from_top_level_fields() -> None:
    block = parsed("ata-hdd-seagate-st2000nm0008-packed-raw.json")
    assert block["power_on_hours"] == 37054
    assert block["temperature_c"] == 19
    assert attribute(block, 9)["raw"] == 3342485283705022
    assert attribute(block, 9)["raw_string"] == "37054h+12m+58.233s"
    assert attribute(block, 188)["raw_string"] == "2 2 2"
    assert block["power_cycles"] == 51
    assert len(block["attributes"]) == 24


def test_packed_raw_values_fall_back_to_the_raw_string() -> None:
    doc = corpus_doc("ata-hdd-seagate-st2000nm0008-packed-raw.json")
    for key in ("power_on_time", "temperature", "power_cycle_count"):
        del doc[key]
    block = parse_smartctl(doc)
    assert_valid(block)
    assert (block["power_on_hours"], block["temperature_c"], block["power_cycles"]) == (
        37054,
        19,
        51,
    )


def test_nvme_falls_back_to_its_health_log() -> None:
    doc = corpus_doc("nvme-toshiba-kxg6aznv512g-xall.json")
    for key in ("power_on_time", "temperature", "power_cycle_count"):
        del doc[key]
    block = parse_smartctl(doc)
    assert (block["power_on_hours"], block["temperature_c"], block["power_cycles"]) == (
        1767,
        35,
        3021,
    )


def test_permission_denied_is_unknown_with_the_message() -> None:
    name = "error-nvme-permission-denied.json"
    block = parsed(name)
    assert block["status"] == "unknown"
    assert block["messages"] == ["Smartctl open device: /dev/nvme0 failed: Permission denied"]
    assert block["exit_bits"] == ["device_open"]
    assert block["device"] == "/dev/nvme0"  # from smartctl's argv: no device object
    assert block["smartctl_version"] == "7.3"
    asked = parse_smartctl(corpus_doc(name), device="/dev/nvme0", device_type="nvme")
    assert (asked["device"], asked["device_type"]) == ("/dev/nvme0", "nvme")


def test_raid_volume_without_smart() -> None:
    block = parsed("scsi-intel-raid1-volume-no-smart.json")
    assert block["status"] == "unknown"
    assert block["temperature_c"] is None  # reports 0 °C: no sensor
    assert block["model"] == "Intel Raid 1 Volume"
    assert block["serial"] == "Volume1"
    assert block["exit_bits"] == ["smart_command_failed"]
    assert (block["scsi"], block["nvme"], block["attributes"]) == (None, None, [])


def test_usb_bridge_past_failure_still_passes() -> None:
    block = parsed("usb-sunplus-hdd-samsung-hd204ui-xall.json")
    assert block["status"] == "passed"
    assert block["exit_bits"] == ["past_below_threshold", "error_log"]
    assert attribute(block, 3)["when_failed"] == "past"
    assert block["device_type"] == "usbsunplus"


def test_megaraid_device_type_and_message() -> None:
    block = parsed("megaraid-sat-seagate-st6000nm0115.json")
    assert (block["device"], block["device_type"]) == ("/dev/bus/6", "sat+megaraid,14")
    assert block["messages"] == ["Warning: This result is based on an Attribute check."]
    assert block["serial"] == "ZAD2C11G"


def test_ssd_rotation_and_realloc() -> None:
    block = parsed("ata-ssd-intel-ssdsc2kb240g7-realloc-4.json")
    assert block["rotation_rpm"] == 0  # smartctl's "Solid State Device"
    assert attribute(block, 5)["raw"] == 4
    assert attribute(block, 233)["value"] == 55


def test_usb_ssd_without_any_temperature() -> None:
    block = parsed("usb-sat-sandisk-pssd-healthy.json")
    assert block["temperature_c"] is None
    assert block["smartctl_version"] == "7.4"
    assert len(block["attributes"]) == 13


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("scan-open-scsi.json", [("/dev/sda", "scsi")]),
        ("scan-megaraid.json", [("/dev/bus/0", "megaraid,0"), ("/dev/bus/0", "megaraid,1")]),
        ("scan-nvme.json", [("/dev/nvme0", "nvme")]),
        ("local-vm/scan-open-empty.json", []),
    ],
)
def test_scan(name: str, expected: list[tuple[str, str]]) -> None:
    assert parse_scan(corpus_doc(name)) == expected


def test_scan_skips_failed_opens_duplicates_and_option_lookalikes() -> None:
    # --scan-open output shape from smartctl.cpp scan_devices(): "open_error" on failure.
    doc = {
        "devices": [
            {"name": "/dev/sda", "info_name": "/dev/sda", "type": "sat", "protocol": "ATA"},
            {"name": "/dev/sdb", "type": "sat", "open_error": "Permission denied"},
            {"name": "/dev/sda", "type": "sat"},
            {"name": "--all", "type": "sat"},
            {"name": "/dev/sdc", "type": "-x"},
            {"name": "/dev/sdd"},
            "nonsense",
            {"name": "/dev/nvme0", "type": "nvme", "protocol": "NVMe"},
        ]
    }
    assert parse_scan(doc) == [("/dev/sda", "sat"), ("/dev/nvme0", "nvme")]
    assert parse_scan({"devices": "all"}) == []
    assert parse_scan({"devices": [{"name": f"/dev/sd{i}", "type": "sat"} for i in range(5000)]})[
        -1
    ] == ("/dev/sd1023", "sat")


# --- the probe, on recorded outputs ------------------------------------------------------


def test_probe_reads_each_scanned_device() -> None:
    scsi_argv = device_argv("/dev/sda", "scsi")
    host = recorded_host(
        {
            SCAN_ARGV: CommandResult(0, corpus_text("scan-open-scsi.json")),
            scsi_argv: CommandResult(0, corpus_text("scsi-sas-hitachi-h109060sesun600g.json")),
        }
    )
    blocks = collect_disk_health(host)
    assert blocks is not None
    assert [(b["device"], b["device_type"], b["status"], b["model"]) for b in blocks] == [
        ("/dev/sda", "scsi", "passed", "HITACHI H109060SESUN600G")
    ]
    assert isinstance(host.commands, RecordedCommandRunner)
    assert host.commands.calls == [
        SCAN_ARGV,
        ("smartctl", "--json", "-x", "-d", "scsi", "/dev/sda"),
    ]
    for block in blocks:
        assert_valid(block)


def test_probe_keeps_unreadable_devices_as_unknown() -> None:
    host = recorded_host(
        {
            SCAN_ARGV: CommandResult(0, corpus_text("scan-megaraid.json")),
            device_argv("/dev/bus/0", "megaraid,0"): CommandResult(
                4, corpus_text("megaraid-ata-hdd-wd4000fyyx-healthy.json")
            ),
            device_argv("/dev/bus/0", "megaraid,1"): CommandResult(
                1, corpus_text("local-vm/virtio-vda-x.txt")
            ),
        }
    )
    blocks = collect_disk_health(host)
    assert blocks is not None
    assert len(blocks) == 2
    assert (blocks[0]["status"], blocks[0]["device_type"], blocks[0]["model"]) == (
        "passed",
        "sat+megaraid,0",
        "WD4000FYYX",
    )
    assert (blocks[1]["device"], blocks[1]["device_type"], blocks[1]["status"]) == (
        "/dev/bus/0",
        "megaraid,1",
        "unknown",
    )
    assert blocks[1]["messages"][0] == "smartctl printed no JSON (exit status 1)"
    for block in blocks:
        assert_valid(block)


def test_probe_open_error_keeps_requested_type() -> None:
    host = recorded_host(
        {
            SCAN_ARGV: CommandResult(0, corpus_text("scan-nvme.json")),
            device_argv("/dev/nvme0", "nvme"): CommandResult(
                2, corpus_text("error-nvme-permission-denied.json")
            ),
        }
    )
    blocks = collect_disk_health(host)
    assert blocks is not None
    assert [(b["device"], b["device_type"], b["status"], b["exit_status"]) for b in blocks] == [
        ("/dev/nvme0", "nvme", "unknown", 2)
    ]


def test_probe_device_timeout_is_unknown() -> None:
    host = recorded_host(
        {
            SCAN_ARGV: CommandResult(0, corpus_text("scan-open-scsi.json")),
            device_argv("/dev/sda", "scsi"): CommandResult(
                124, "", "smartctl: timed out after 20 s"
            ),
        }
    )
    blocks = collect_disk_health(host)
    assert blocks is not None
    [block] = blocks
    assert_valid(block)
    assert block["status"] == "unknown"
    assert block["exit_status"] is None  # 124 is the runner's, not a smartctl bit mask
    assert block["messages"] == [
        "smartctl printed no JSON (exit status 124)",
        "smartctl: timed out after 20 s",
    ]


def test_probe_without_smartctl_is_absent() -> None:
    host = recorded_host({})
    assert collect_disk_health(host) is None
    assert isinstance(host.commands, RecordedCommandRunner)
    assert host.commands.calls == [SCAN_ARGV]


def test_probe_on_a_vm_without_disks_is_empty() -> None:
    host = recorded_host(
        {SCAN_ARGV: CommandResult(0, corpus_text("local-vm/scan-open-empty.json"))}
    )
    assert collect_disk_health(host) == []


def test_probe_scan_without_json_raises() -> None:
    old = "smartctl 6.6 2016-05-31 r4324\n=======> UNRECOGNIZED OPTION: json\n"
    host = recorded_host({SCAN_ARGV: CommandResult(1, old)})
    with pytest.raises(SmartctlError, match="UNRECOGNIZED OPTION"):
        collect_disk_health(host)


def test_probe_caps_the_number_of_devices() -> None:
    scan = {"devices": [{"name": f"/dev/sd{i}", "type": "sat"} for i in range(100)]}
    host = recorded_host({SCAN_ARGV: CommandResult(0, json.dumps(scan))})
    blocks = collect_disk_health(host)
    assert blocks is not None
    assert len(blocks) == MAX_DEVICES == 64
    assert isinstance(host.commands, RecordedCommandRunner)
    assert len(host.commands.calls) == 1 + 64
    assert blocks[-1]["device"] == "/dev/sd63"
    assert {b["status"] for b in blocks} == {"unknown"}


def test_probe_stops_reading_when_the_budget_is_spent() -> None:
    host = recorded_host({SCAN_ARGV: CommandResult(0, corpus_text("scan-megaraid.json"))})
    blocks = collect_disk_health(host, budget_s=0.0)
    assert blocks is not None
    assert [b["device_type"] for b in blocks] == ["megaraid,0", "megaraid,1"]
    assert all("time budget" in b["messages"][0] for b in blocks)
    assert isinstance(host.commands, RecordedCommandRunner)
    assert host.commands.calls == [SCAN_ARGV]
    for block in blocks:
        assert_valid(block)


# --- hostile input ------------------------------------------------------------------------

NAN = float("nan")
HOSTILE_DOCS: list[Any] = [
    {},
    [],
    "smartctl",
    None,
    42,
    {"device": "sda", "smartctl": "7.3", "smart_status": "PASSED", "ata_smart_attributes": []},
    {
        "device": {"name": "/dev/" + "x" * 5000, "type": 42, "protocol": "FC"},
        "model_name": "Model " * 1000,
        "serial_number": ["S1"],
        "firmware_version": 1.5,
        "user_capacity": {"bytes": -1},
        "rotation_rate": True,
        "smart_status": {"passed": "yes"},
        "smart_support": {"available": 1, "enabled": "true"},
        "temperature": {"current": NAN},
        "power_on_time": {"hours": -5},
        "power_cycle_count": "9" * 5000,
        "smartctl": {
            "version": ["7", None],
            "exit_status": -1,
            "messages": [{"string": "m" * 5000}] * 100 + ["plain"],
            "argv": [1, None, {"a": 1}],
        },
    },
    {
        "ata_smart_attributes": {
            "table": [
                None,
                1,
                "x",
                {"id": 300},
                {"id": -1},
                {"id": True},
                {
                    "id": "5",
                    "name": ["Reallocated"],
                    "value": "100",
                    "worst": -3,
                    "thresh": 1e400,
                    "raw": {"value": "12", "string": 5},
                    "when_failed": "sometimes",
                    "flags": {"prefailure": "yes"},
                },
                {"id": 9, "name": "Power_On_Hours", "raw": {"string": "12345678901234567890h"}},
                {"id": 194, "raw": "hot", "when_failed": ["now"]},
            ]
            + [{"id": 1, "raw": {"value": 2**80}}] * 1000
        },
        "nvme_smart_health_information_log": {"critical_warning": "x", "percentage_used": -7},
        "scsi_error_counter_log": {"read": [], "write": {"total_uncorrected_errors": "3"}},
        "scsi_grown_defect_list": "56",
    },
    {
        "smart_status": {"passed": {"passed": True}},
        "temperature": {"current": 10**400},
        "nvme_smart_health_information_log": [1, 2],
        "scsi_error_counter_log": "broken",
        "smartctl": {"version": [7, 3, 1, 2, 3, 4], "exit_status": 2**40, "messages": "error"},
        "device": {"name": None, "type": None},
    },
]


@pytest.mark.parametrize("doc", HOSTILE_DOCS, ids=range(len(HOSTILE_DOCS)))
def test_hostile_documents_give_valid_blocks(doc: Any) -> None:
    block = parse_smartctl(copy.deepcopy(doc))
    assert_valid(block)
    assert block["status"] == "unknown"
    assert block["device"] == "unknown" or block["device"].startswith("/dev/xxx")


def test_hostile_values_are_coerced_or_dropped() -> None:
    block = parse_smartctl(HOSTILE_DOCS[6])
    assert len(block["device"]) == 256
    assert len(block["model"]) == 256
    assert block["device_type"] is None
    assert block["protocol"] is None
    assert (block["serial"], block["firmware"], block["capacity_bytes"]) == (None, None, None)
    assert (block["smart_available"], block["smart_enabled"], block["rotation_rpm"]) == (
        None,
        None,
        None,
    )
    assert (block["temperature_c"], block["power_on_hours"], block["power_cycles"]) == (
        None,
        None,
        None,
    )
    assert (block["smartctl_version"], block["exit_status"], block["exit_bits"]) == (None, None, [])
    assert len(block["messages"]) == 32
    assert {len(message) for message in block["messages"]} == {1024}


def test_hostile_attribute_table_is_coerced_and_capped() -> None:
    block = parse_smartctl(HOSTILE_DOCS[7])
    assert_valid(block)
    assert len(block["attributes"]) == 256 - 6  # the first six rows have no usable id
    assert block["attributes"][0] == {
        "id": 5,
        "name": None,
        "value": 100,
        "worst": None,
        "threshold": None,
        "raw": 12,
        "raw_string": None,
        "when_failed": None,
        "prefailure": None,
    }
    assert block["attributes"][2]["when_failed"] is None
    assert block["attributes"][3]["raw"] == 2**80
    assert block["power_on_hours"] is None  # 20-digit raw string: beyond reason, dropped
    assert block["nvme"] == {
        "critical_warning": None,
        "available_spare": None,
        "available_spare_threshold": None,
        "percentage_used": None,
        "media_errors": None,
        "num_err_log_entries": None,
        "unsafe_shutdowns": None,
        "data_units_written": None,
        "data_units_read": None,
    }
    assert block["scsi"] == {
        "grown_defect_list": 56,
        "read_uncorrected_errors": None,
        "write_uncorrected_errors": 3,
        "verify_uncorrected_errors": None,
        "percentage_used_endurance": None,
    }


def test_hostile_run_info() -> None:
    block = parse_smartctl(HOSTILE_DOCS[8])
    assert block["smartctl_version"] == "7.3.1.2"
    assert block["exit_status"] is None  # not a one-byte exit status
    assert block["exit_bits"] == []
    assert (block["messages"], block["nvme"], block["temperature_c"]) == ([], None, None)


@pytest.mark.parametrize(
    "stdout",
    ["", "[" * 100_000, "[1, 2]", "null", '{"smartctl": {"exit_status": 3}', "\x00\xff garbage"],
)
def test_hostile_command_output(stdout: str) -> None:
    block = parse_smartctl_output(stdout, 3, device="/dev/sda", device_type="sat")
    assert_valid(block)
    assert (block["device"], block["device_type"], block["status"]) == (
        "/dev/sda",
        "sat",
        "unknown",
    )
    assert block["exit_bits"] == ["command_line", "device_open"]
    assert block["messages"][0] == "smartctl printed no JSON (exit status 3)"


# --- live, on this machine ----------------------------------------------------------------


def _disks_on_this_machine() -> list[str]:
    skipped = ("loop", "ram", "zram", "sr", "fd", "dm-", "md")
    names = (path.name for path in Path("/sys/block").glob("*"))
    return sorted(f"/dev/{name}" for name in names if not name.startswith(skipped))


@pytest.mark.peer
def test_live_probe() -> None:
    smartctl = require_command("smartctl")
    scan = subprocess.run([smartctl, "--json", "--scan-open"], capture_output=True, check=False)
    devices = json.loads(scan.stdout).get("devices", [])
    openable = [d["name"] for d in devices if "open_error" not in d]
    blocks = collect_disk_health(live_host())
    assert blocks is not None
    assert [block["device"] for block in blocks] == openable[:MAX_DEVICES]
    for block in blocks:
        assert_valid(block)


@pytest.mark.peer
def test_live_smartctl_on_the_first_disk() -> None:
    require_command("smartctl")
    disks = _disks_on_this_machine()
    if not disks:
        pytest.skip("no block device under /sys/block")
    result = SystemCommandRunner().run(["smartctl", "--json", "-x", disks[0]], timeout=20)
    block = parse_smartctl_output(result.stdout, result.returncode, device=disks[0])
    assert_valid(block)
    assert block["device"] == disks[0]
    assert block["exit_status"] == result.returncode
    assert block["smartctl_version"] is not None
    assert block["smartctl_version"].startswith("7.")


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("ata-ssd-samsung-860evo-xall.json", 70),  # SCT status: op_limit_max
        ("scsi-sas-hitachi-h109060sesun600g.json", 85),  # SCSI drive trip point
        ("ata-hdd-seagate-st2000nm0008-packed-raw.json", None),  # no SCT temperature status
    ],
)
def test_the_drives_own_temperature_limit(name: str, limit: int | None) -> None:
    assert parsed(name)["temperature_limit_c"] == limit
