"""What an observation's sections mean for the register's columns and derived tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collector.domain.installations import Installed, installations


@dataclass(frozen=True)
class DerivedRows:
    """Rows for the derived tables; None where the observation did not carry that section."""

    installations: list[Installed] | None
    disks: list[dict[str, Any]] | None
    interfaces: list[dict[str, Any]] | None


def derived_rows(present: Mapping[str, Any]) -> DerivedRows:
    """Installations, disks and interfaces from the sections present in an observation."""
    softwares = present.get("softwares")
    installed = installations(softwares) if softwares is not None else None
    disks = None
    if "storages" in present or "disk_health" in present:
        disks = _disks(present.get("storages") or [], present.get("disk_health") or [])
    interfaces = None
    if "networks" in present or "ports" in present:
        interfaces = [
            _interface(n) for n in (present.get("networks") or present.get("ports") or [])
        ]
    return DerivedRows(installed, disks, interfaces)


def _disks(storages: list[dict[str, Any]], health: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_serial = {h.get("serial"): h for h in health if h.get("serial")}
    by_device = {str(h.get("device", "")).rsplit("/", 1)[-1]: h for h in health}
    rows = []
    for disk in storages:
        reading = by_serial.get(disk.get("serial")) or by_device.get(disk["name"]) or {}
        rows.append(
            {
                "name": disk["name"], "model": disk.get("model"), "serial": disk.get("serial"),
                "size_bytes": disk.get("size_bytes"), "type": disk.get("type"),
                "health": reading.get("status"), "temperature_c": reading.get("temperature_c"),
                "power_on_hours": reading.get("power_on_hours"),
            }
        )  # fmt: skip
    return rows


def _interface(nic: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": nic["name"],
        "mac": nic.get("mac"),
        "addresses": [*(nic.get("ipv4") or []), *(nic.get("ipv6") or [])],
        "speed_mbps": nic.get("speed_mbps"),
        "up": nic.get("up", nic.get("oper_up")),
    }


def asset_summary(document: Mapping[str, Any]) -> dict[str, Any]:
    """The asset columns an observation updates (only from the sections it carries)."""
    identity = document.get("identity") or {}
    summary: dict[str, Any] = {}
    if identity.get("hostname"):
        summary["name"] = identity["hostname"]
    facts = document.get("hardware") or document.get("device")
    if facts is not None:
        summary.update(vendor=facts.get("vendor"), model=facts.get("model"),
                       serial=facts.get("serial") or identity.get("system_serial"))  # fmt: skip
    system = document.get("operatingsystem")
    if system is not None:
        summary.update(os_name=system.get("name"), os_version=system.get("version"))
    return summary
