"""smartctl ``--json`` output → the observation's ``disk_health`` blocks (pure, no I/O).

Handles smartctl 7.0-7.4 output of ``-x``/``-a``/``--all`` for ATA, NVMe and SCSI devices,
USB bridges and MegaRAID, plus the error documents smartctl prints when it cannot open a
device. Input is untrusted: wrong types are coerced or dropped, strings and lists are cut to
the schema's limits, and nothing here raises for malformed data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from agent.junk import clean_text
from agent.sources.commands import NOT_FOUND, TIMED_OUT

SHORT_MAX = 256
TEXT_MAX = 1024
MAX_MESSAGES = 32
MAX_ATTRIBUTES = 256
MAX_SCAN_ENTRIES = 1024
PROTOCOLS = ("ATA", "NVMe", "SCSI")
WHEN_FAILED = ("", "now", "past")
# smartctl(8) "RETURN VALUES": bit n of the exit status means EXIT_BITS[n].
EXIT_BITS = (
    "command_line",
    "device_open",
    "smart_command_failed",
    "disk_failing",
    "prefail_below_threshold",
    "past_below_threshold",
    "error_log",
    "self_test_log",
)
NVME_FIELDS = (
    "critical_warning",
    "available_spare",
    "available_spare_threshold",
    "percentage_used",
    "media_errors",
    "num_err_log_entries",
    "unsafe_shutdowns",
    "data_units_written",
    "data_units_read",
)
SCSI_KEYS = (
    "scsi_grown_defect_list",
    "scsi_error_counter_log",
    "scsi_percentage_used_endurance_indicator",
)
_DIGITS = re.compile(r"-?\d{1,20}")
_LEADING_INT = re.compile(r"\s*(\d{1,12})(?!\d)")
_BANNER = ("smartctl ", "Copyright (C)")
# 124/127 are the command runner's "timed out"/"not installed", not smartctl's bit mask.
_SMARTCTL_EXIT_CODES = frozenset(range(256)) - {TIMED_OUT, NOT_FOUND}
_EMPTY: Mapping[str, Any] = {}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _items(value: Any, limit: int) -> list[Any]:
    return list(value[:limit]) if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _count(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and number >= 0 else None


def _positive(value: Any) -> int | None:
    number = _int(value)
    return number if number is not None and number > 0 else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _cut(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def _short(value: Any) -> str | None:
    return _cut(value, SHORT_MAX)


def _identity_text(value: Any) -> str | None:
    return _short(clean_text(value if isinstance(value, str) else None))


def _temperature(value: Any) -> int | float | None:
    """Degrees Celsius; 0 and out-of-range values are how sensors say "no reading"."""
    number = value if isinstance(value, float) else _int(value)
    # NaN and infinities fail the comparison too.
    return number if number is not None and 0 < number < 150 else None


def _attribute_raw_int(root: Mapping[str, Any], ident: int, prefix: str = "") -> int | None:
    """The leading number of an ATA attribute's raw string ("19 (Min/Max 17/29)" → 19).

    raw.value is useless for vendor-packed attributes, the string's first field is not.
    """
    table = _mapping(root.get("ata_smart_attributes")).get("table")
    for entry in _items(table, MAX_ATTRIBUTES):
        row = _mapping(entry)
        name = _short(row.get("name")) or ""
        if _int(row.get("id")) == ident and name.startswith(prefix):
            match = _LEADING_INT.match(_short(_mapping(row.get("raw")).get("string")) or "")
            return int(match.group(1)) if match else None
    return None


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _ata_attribute(entry: Any) -> dict[str, Any] | None:
    row = _mapping(entry)
    ident = _int(row.get("id"))
    if ident is None or not 0 <= ident <= 255:
        return None
    raw = _mapping(row.get("raw"))
    when_failed = row.get("when_failed")
    return {
        "id": ident,
        "name": _short(row.get("name")),
        "value": _count(row.get("value")),
        "worst": _count(row.get("worst")),
        "threshold": _count(row.get("thresh")),
        "raw": _int(raw.get("value")),
        "raw_string": _short(raw.get("string")),
        "when_failed": when_failed
        if isinstance(when_failed, str) and when_failed in WHEN_FAILED
        else None,
        "prefailure": _bool(_mapping(row.get("flags")).get("prefailure")),
    }


def parse_ata_attributes(section: Any) -> list[dict[str, Any]]:
    """The ATA SMART attribute table (``ata_smart_attributes``) as schema rows; [] if absent."""
    table = _mapping(section).get("table")
    rows = (_ata_attribute(entry) for entry in _items(table, MAX_ATTRIBUTES))
    return [row for row in rows if row is not None]


def parse_nvme_health(section: Any) -> dict[str, Any] | None:
    """The NVMe SMART/health log counters we keep, or None for a device without one."""
    if not isinstance(section, Mapping):
        return None
    return {field: _count(section.get(field)) for field in NVME_FIELDS}


def parse_scsi_health(root: Mapping[str, Any]) -> dict[str, Any] | None:
    """Grown defects, uncorrected error counts and endurance of a SCSI/SAS disk, or None."""
    if not any(key in root for key in SCSI_KEYS):
        return None
    counters = _mapping(root.get("scsi_error_counter_log"))

    def uncorrected(direction: str) -> int | None:
        return _count(_mapping(counters.get(direction)).get("total_uncorrected_errors"))

    return {
        "grown_defect_list": _count(root.get("scsi_grown_defect_list")),
        "read_uncorrected_errors": uncorrected("read"),
        "write_uncorrected_errors": uncorrected("write"),
        "verify_uncorrected_errors": uncorrected("verify"),
        "percentage_used_endurance": _count(root.get("scsi_percentage_used_endurance_indicator")),
    }


def decode_exit_bits(exit_status: int | None) -> list[str]:
    """Names of the bits set in smartctl's exit status (see smartctl(8), RETURN VALUES)."""
    if exit_status is None:
        return []
    return [name for bit, name in enumerate(EXIT_BITS) if exit_status & (1 << bit)]


def _messages(run: Mapping[str, Any]) -> list[str]:
    texts = (
        entry if isinstance(entry, str) else _mapping(entry).get("string")
        for entry in _items(run.get("messages"), MAX_MESSAGES)
    )
    return [text[:TEXT_MAX] for text in texts if isinstance(text, str) and text]


def _version(run: Mapping[str, Any]) -> str | None:
    parts = [_count(part) for part in _items(run.get("version"), 4)]
    if not parts or None in parts:
        return None
    return ".".join(str(part) for part in parts)


def _run_info(run: Mapping[str, Any]) -> dict[str, Any]:
    exit_status = _count(run.get("exit_status"))
    if exit_status is not None and exit_status > 255:  # a process exit status is one byte
        exit_status = None
    return {
        "smartctl_version": _version(run),
        "exit_status": exit_status,
        "exit_bits": decode_exit_bits(exit_status),
        "messages": _messages(run),
    }


def _status(root: Mapping[str, Any], exit_status: int | None) -> str:
    passed = _mapping(root.get("smart_status")).get("passed")
    if passed is True:
        return "passed"
    if passed is False or "disk_failing" in decode_exit_bits(exit_status):
        return "failed"
    return "unknown"


def _identity(root: Mapping[str, Any]) -> dict[str, Any]:
    vendor_product = " ".join(
        text
        for key in ("scsi_vendor", "scsi_product", "vendor", "product")
        if (text := _identity_text(root.get(key)))
    )
    capacity = _mapping(root.get("user_capacity")).get("bytes")
    return {
        "model": _first(
            _identity_text(root.get("model_name")),
            _identity_text(root.get("scsi_model_name")),
            _identity_text(vendor_product),
        ),
        "serial": _identity_text(root.get("serial_number")),
        "firmware": _first(
            *(
                _identity_text(root.get(key))
                for key in ("firmware_version", "scsi_revision", "revision")
            )
        ),
        "capacity_bytes": _first(_positive(capacity), _positive(root.get("nvme_total_capacity"))),
        "rotation_rpm": _count(root.get("rotation_rate")),
    }


def _usage(root: Mapping[str, Any]) -> dict[str, Any]:
    """Temperature, hours and cycles from smartctl's decoded top-level values first.

    Vendor-packed raw values (Seagate's attribute 9 "37054h+12m+58.233s") are only read as a
    last resort, through their raw string.
    """
    nvme = _mapping(root.get("nvme_smart_health_information_log"))
    return {
        "temperature_c": _first(
            _temperature(_mapping(root.get("temperature")).get("current")),
            _temperature(nvme.get("temperature")),
            _temperature(_attribute_raw_int(root, 194)),
            _temperature(_attribute_raw_int(root, 190)),
        ),
        "temperature_limit_c": _drive_temperature_limit(root),
        "power_on_hours": _first(
            _count(_mapping(root.get("power_on_time")).get("hours")),
            _count(nvme.get("power_on_hours")),
            _attribute_raw_int(root, 9, "Power_On_Hours"),
        ),
        "power_cycles": _first(
            _count(root.get("power_cycle_count")),
            _count(nvme.get("power_cycles")),
            _attribute_raw_int(root, 12),
        ),
    }


def _drive_temperature_limit(root: Mapping[str, Any]) -> int | None:
    """The drive's own temperature limit in °C, when smartctl reports one: NVMe's warning
    composite temperature (WCTEMP), the SCSI drive trip point, or ATA SCT's operating maximum."""
    temperature = _mapping(root.get("temperature"))
    candidates = (root.get("nvme_temperature_warning"), temperature.get("drive_trip"),
                  temperature.get("op_limit_max"))  # fmt: skip
    for value in candidates:
        if type(value) is int and 0 < value < 150:
            return value
    return None


def _argv_device(run: Mapping[str, Any]) -> str | None:
    """The device smartctl was asked about, from its own argv (error documents lack ``device``)."""
    args = (arg for arg in _items(run.get("argv"), 64) if isinstance(arg, str))
    return next((_short(arg) for arg in args if arg.startswith("/dev/")), None)


def parse_smartctl(
    doc: Mapping[str, Any], *, device: str | None = None, device_type: str | None = None
) -> dict[str, Any]:
    """One ``smartctl --json`` document as one ``disk_health`` block (schema ``$defs``).

    ``device``/``device_type`` are what the caller asked for, used when smartctl could not
    open the device and so printed no ``device`` object. ``status`` is ``unknown`` whenever
    smartctl gave no health verdict (open errors, RAID volumes without SMART).
    """
    root = _mapping(doc)
    info = _mapping(root.get("device"))
    run = _mapping(root.get("smartctl"))
    run_info = _run_info(run)
    protocol = info.get("protocol")
    support = _mapping(root.get("smart_support"))
    return {
        "device": _first(_short(info.get("name")), _short(device), _argv_device(run), "unknown"),
        "device_type": _first(_short(info.get("type")), _short(device_type)),
        "protocol": protocol if isinstance(protocol, str) and protocol in PROTOCOLS else None,
        **_identity(root),
        "status": _status(root, run_info["exit_status"]),
        "smart_available": _bool(support.get("available")),
        "smart_enabled": _bool(support.get("enabled")),
        **_usage(root),
        **run_info,
        "attributes": parse_ata_attributes(root.get("ata_smart_attributes")),
        "nvme": parse_nvme_health(root.get("nvme_smart_health_information_log")),
        "scsi": parse_scsi_health(root),
    }


def decode_json(text: str) -> Mapping[str, Any] | None:
    """The JSON object smartctl printed, or None when the output is not one (text mode, junk)."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, Mapping) else None


def _text_lines(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines()[:200])
    return [line[:TEXT_MAX] for line in lines if line and not line.startswith(_BANNER)]


def parse_smartctl_output(
    stdout: str,
    returncode: int,
    *,
    device: str,
    device_type: str | None = None,
    stderr: str = "",
) -> dict[str, Any]:
    """A ``disk_health`` block from one smartctl run, whatever it printed.

    smartctl exits nonzero for warnings as well as failures, so stdout is parsed regardless.
    Output that is not JSON (an old smartctl, a timeout, a crash) gives status ``unknown``
    with the reason and smartctl's own words in ``messages``.
    """
    doc = decode_json(stdout)
    if doc is not None:
        block = parse_smartctl(doc, device=device, device_type=device_type)
    else:
        block = parse_smartctl({}, device=device, device_type=device_type)
        block["messages"] = [
            f"smartctl printed no JSON (exit status {returncode})",
            *_text_lines(stdout),
            *_text_lines(stderr),
        ][:MAX_MESSAGES]
    if block["exit_status"] is None and returncode in _SMARTCTL_EXIT_CODES:
        block["exit_status"] = returncode
        block["exit_bits"] = decode_exit_bits(returncode)
    return block


def _scan_entry(entry: Any) -> tuple[str, str] | None:
    row = _mapping(entry)
    name, kind = _short(row.get("name")), _short(row.get("type"))
    if not name or not kind or "open_error" in row:
        return None
    if name.startswith("-") or kind.startswith("-"):  # would read as an option on our argv
        return None
    return name, kind


def parse_scan(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(device, -d type) pairs from ``smartctl --scan[-open] --json``, in smartctl's order.

    Entries whose open failed (``open_error``, from ``--scan-open``) are skipped, as are
    duplicates; a scan with no ``devices`` key (nothing found) gives [].
    """
    found: list[tuple[str, str]] = []
    for entry in _items(_mapping(doc).get("devices"), MAX_SCAN_ENTRIES):
        pair = _scan_entry(entry)
        if pair is not None and pair not in found:
            found.append(pair)
    return found
