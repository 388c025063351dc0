"""What an observation's sections mean for the register's columns and derived tables."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from collector.domain.software import SoftwareItem, normalise_softwares


@dataclass(frozen=True)
class Installed:
    """One normalised installation and the catalogue key it belongs to."""

    item: SoftwareItem

    @functools.cached_property
    def key(self) -> str:
        """Catalogue key: name and publisher, case-folded (read twice per item per ingest)."""
        return f"{self.item.name.casefold()}\x1f{(self.item.publisher or '').casefold()}"

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def publisher(self) -> str | None:
        return self.item.publisher

    def row(self, software_id: int) -> dict[str, Any]:
        return {
            "software_id": software_id,
            "display_name": self.item.display_name[:256],
            "version": self.item.version,
            "arch": self.item.arch[:64] if self.item.arch else None,
            "source": self.item.source,
            "install_date": _iso_date(self.item.install_date),
        }


def _iso_date(text: str | None) -> date | None:
    """An ISO date (or the date part of a timestamp), None when absent or malformed."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DerivedRows:
    """Rows for the derived tables; None where the observation did not carry that section."""

    installations: list[Installed] | None
    disks: list[dict[str, Any]] | None
    interfaces: list[dict[str, Any]] | None


def derived_rows(present: Mapping[str, Any]) -> DerivedRows:
    """Installations, disks and interfaces from the sections present in an observation."""
    softwares = present.get("softwares")
    installations = (
        [Installed(item) for item in normalise_softwares(softwares)]
        if softwares is not None
        else None
    )
    disks = None
    if "storages" in present or "disk_health" in present:
        disks = _disks(present.get("storages") or [], present.get("disk_health") or [])
    interfaces = None
    if "networks" in present or "ports" in present:
        interfaces = [
            _interface(n) for n in (present.get("networks") or present.get("ports") or [])
        ]
    return DerivedRows(installations, disks, interfaces)


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
