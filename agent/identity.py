"""The identity block: every key the collector reconciles an asset by, from all sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.junk import clean_text, clean_uuid, identity_mac


def assemble_identity(sections: Mapping[str, Any]) -> dict[str, Any]:
    """Identity from the ``identity`` probe (names, machine-id) plus hardware, NICs and disks.

    Junk values are dropped; MACs are only globally unique ones of physical interfaces.
    """
    base: Mapping[str, Any] = sections.get("identity") or {}
    hardware: Mapping[str, Any] = sections.get("hardware") or {}
    identity: dict[str, Any] = {
        key: value
        for key, value in base.items()
        if key in ("hostname", "fqdn", "domain", "machine_id") and value
    }
    uuid = clean_uuid(hardware.get("uuid"))
    if uuid:
        identity["system_uuid"] = uuid
    for key, source in (("system_serial", "serial"), ("board_serial", "board_serial")):
        value = clean_text(base.get(key) or hardware.get(source))
        if value:
            identity[key] = value
    macs = _physical_macs(sections.get("networks") or [])
    if macs:
        identity["mac_addresses"] = macs
    serials = _disk_serials(sections.get("storages") or [])
    if serials:
        identity["disk_serials"] = serials
    return identity


def _physical_macs(networks: list[Mapping[str, Any]]) -> list[str]:
    found = {
        mac
        for nic in networks
        if not nic.get("virtual") and (mac := identity_mac(nic.get("mac"))) is not None
    }
    return sorted(found)


def _disk_serials(storages: list[Mapping[str, Any]]) -> list[str]:
    found = {
        serial
        for disk in storages
        if not disk.get("removable") and (serial := clean_text(disk.get("serial"))) is not None
    }
    return sorted(found)
