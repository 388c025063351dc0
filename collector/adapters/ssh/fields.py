"""The generic parser: the profile maps document fields to the template's columns.

``[commands.fields]`` in a profile says which column of the first row holds which fact::

    model = "hardware"     # a list column gives its first non-empty item
    serial = "serial"
    firmware = "version"
    hostname = "hostname"
    uptime = "uptime"      # text such as "2 days, 2:38:49", turned into seconds
    mac = "sys_mac"        # identity.mac_addresses
    uuid = "system_uuid"   # identity.system_uuid

so most vendors need no code at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent.junk import clean_mac, clean_text, clean_uuid
from collector.adapters.ssh.duration import parse_duration
from collector.adapters.ssh.parser import CommandOutput, Fragment

DEVICE_KEYS = frozenset(
    {"vendor", "model", "serial", "firmware", "os", "hardware_revision", "description"}
)
FIELD_KEYS = DEVICE_KEYS | {"hostname", "uptime", "mac", "uuid"}
_FORTIOS_VERSION = re.compile(r"^(?P<model>\S+)\s+v(?P<version>[\w.]+),(?P<build>build\d+)")


def first_text(value: Any) -> str | None:
    """A column's value as clean text: the first non-empty item of a list column."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), None)
    return clean_text(value) if isinstance(value, str) else None


def mapped_fields(row: Mapping[str, Any], fields: Mapping[str, str]) -> Fragment:
    """The facts a row holds, placed in the document by the profile's field map."""
    values = {name: row.get(column) for name, column in fields.items()}
    device = {k: first_text(v) for k, v in values.items() if k in DEVICE_KEYS}
    identity: dict[str, Any] = {}
    hostname = first_text(values.get("hostname"))
    if hostname:
        identity["hostname"] = hostname
    mac = clean_mac(first_text(values.get("mac")))
    if mac:
        identity["mac_addresses"] = [mac]
    uuid = clean_uuid(first_text(values.get("uuid")))
    if uuid:
        identity["system_uuid"] = uuid
    fragment: Fragment = {"device": {k: v for k, v in device.items() if v is not None}}
    if identity:
        fragment["identity"] = identity
    if "uptime" in fields:
        uptime = parse_duration(first_text(values.get("uptime")))
        if uptime is not None:
            fragment["status"] = {"uptime_seconds": uptime}
    return fragment if any(fragment.values()) else {}


def parse_fields(output: CommandOutput) -> Fragment:
    """The mapped fields of the first row; {} when the template found no row."""
    return mapped_fields(output.rows[0], output.fields) if output.rows else {}


def parse_fortios_status(output: CommandOutput) -> Fragment:
    """``get system status``: the mapped fields, and model and firmware out of the one
    ``Version: FortiGate-600E v6.2.6,build1175,201110 (GA)`` line."""
    fragment = parse_fields(output)
    version = first_text(output.rows[0].get("version")) if output.rows else None
    match = _FORTIOS_VERSION.match(version or "")
    if match:
        device = fragment.setdefault("device", {})
        device["model"] = match["model"]
        device["firmware"] = f"{match['version']} {match['build']}"
    return fragment
