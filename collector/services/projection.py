"""What an observation's sections mean for the register's columns and derived tables."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from collector.domain.software import SoftwareItem, normalise_softwares


class Installed(NamedTuple):
    """One normalised installation: its catalogue key and product, and the installation
    columns after software_id (display_name, version, arch, source, install_date).

    A plain tuple built once per item: ingest handles 800 of them per inventory.
    """

    key: str
    name: str
    publisher: str | None
    columns: tuple[str, str | None, str | None, str, date | None]


def installed(item: SoftwareItem) -> Installed:
    """The item with its catalogue key (name and publisher, case-folded) and table columns."""
    return Installed(
        f"{item.name.casefold()}\x1f{(item.publisher or '').casefold()}",
        item.name,
        item.publisher,
        (item.display_name[:256], item.version, item.arch[:64] if item.arch else None,
         item.source, _iso_date(item.install_date)),
    )  # fmt: skip


@functools.lru_cache(maxsize=4096)
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
        [installed(item) for item in normalise_softwares(softwares)]
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
