"""The identity and device sections a poller's document ends with (SNMP and SSH alike)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.junk import clean_text

# The device section's fields in schema order; a source adds its own (SSH: ssh_host_key).
DEVICE_FIELDS = (
    "kind",
    "vendor",
    "model",
    "serial",
    "firmware",
    "os",
    "hardware_revision",
    "description",
    "location",
    "contact",
    "page_count",
    "profile",
)
MAX_MACS = 1024


def settle_device(
    merged: dict[str, Any], *, kind: str, profile: str, fields: Sequence[str] = DEVICE_FIELDS
) -> dict[str, Any]:
    """Take the identity out of the merged fragments and settle the device section in place
    (every field present, kind and profile from the profile, the serial the identity's);
    returns the identity: None values dropped, the device serial as system_serial, MACs once."""
    identity = _identity(merged.pop("identity", {}), merged)
    found = merged.get("device", {})
    device = {name: found.get(name) for name in fields}
    device.update(kind=kind, profile=profile, serial=identity.get("system_serial"))
    merged["device"] = device
    return identity


def _identity(identity: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    serial = clean_text(merged.get("device", {}).get("serial"))
    result = {key: value for key, value in identity.items() if value is not None}
    if serial:
        result["system_serial"] = serial
    macs = list(dict.fromkeys(result.pop("mac_addresses", [])))[:MAX_MACS]
    if macs:
        result["mac_addresses"] = macs
    return result
