"""The register's vocabulary: asset kinds, statuses, BMN condition, and the asset as read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class AssetKind(StrEnum):
    WORKSTATION = "workstation"
    LAPTOP = "laptop"
    SERVER = "server"
    PRINTER = "printer"
    SWITCH = "switch"
    ROUTER = "router"
    FIREWALL = "firewall"
    ACCESS_POINT = "access_point"
    UPS = "ups"
    OTHER = "other"


class AssetStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # not seen for a long time
    RETIRED = "retired"  # written off (penghapusan BMN)
    REVIEW = "review"  # identity conflict waiting for an operator


class Kondisi(StrEnum):
    """BMN condition, as the state-property records spell it."""

    BAIK = "Baik"
    RUSAK_RINGAN = "Rusak Ringan"
    RUSAK_BERAT = "Rusak Berat"


_PORTABLE = frozenset(
    {"laptop", "notebook", "portable", "convertible", "detachable", "tablet", "handheld"}
)
_DEVICE_KINDS = {kind.value: kind for kind in AssetKind}


def classify_asset(document: dict[str, Any]) -> AssetKind:
    """The kind of asset an observation describes: pollers say it; for agents the chassis and
    the operating system edition decide (a server OS or a server chassis makes a server)."""
    device = document.get("device") or {}
    if document["source"]["kind"] != "agent":
        return _DEVICE_KINDS.get(device.get("kind") or "", AssetKind.OTHER)
    chassis = ((document.get("hardware") or {}).get("chassis") or "").casefold()
    system = document.get("operatingsystem") or {}
    label = f"{system.get('name') or ''} {system.get('edition') or ''}".casefold()
    if chassis == "server" or "server" in label:
        return AssetKind.SERVER
    if chassis in _PORTABLE or (document.get("batteries") or []):
        return AssetKind.LAPTOP
    if system.get("family") == "linux" and not chassis and not document.get("batteries"):
        return AssetKind.SERVER  # a Linux host without a chassis type is a VM or a server
    return AssetKind.WORKSTATION


@dataclass(frozen=True)
class Asset:
    """An asset as the register holds it (what the API lists)."""

    id: int
    site_code: str
    kind: AssetKind
    status: AssetStatus
    name: str | None
    vendor: str | None
    model: str | None
    serial: str | None
    os_name: str | None
    os_version: str | None
    first_seen: datetime
    last_seen: datetime
    last_source: str
    needs_review: bool = False
    kode_barang: str | None = None
    nup: str | None = None
    kondisi: Kondisi | None = None
    purchase_date: date | None = None
    warranty_until: date | None = None
    owner: str | None = None
    pic: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One line of an asset's change history."""

    at: datetime
    source: str
    kind: str
    subject: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AssetDetail:
    """An asset with its current sections and its newest history."""

    asset: Asset
    sections: dict[str, Any] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
