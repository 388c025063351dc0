"""Physical disks of a Mac, from system_profiler's NVMe and Serial-ATA data types.

Each controller lists its drives under ``_items``; a drive without a size (an empty optical
drive) is left out. When neither bus lists a drive, the physical drives named by the volumes of
SPStorageDataType are used instead (name, medium and protocol, without size or serial).
"""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from agent.probes.darwin.profile import Profile, ProfileCache, read_profile, text_value
from agent.sources.host import Host

_SATA_MEDIUM = {"rotational": "hdd", "solid state": "ssd"}
_VOLUME_MEDIUM = {"rotational": "hdd", "ssd": "ssd"}


def _yes(item: dict[str, Any], key: str) -> bool | None:
    value = text_value(item, key)
    return None if value is None else value.lower() == "yes"


def _removable(item: dict[str, Any]) -> bool | None:
    flags = [_yes(item, "removable_media"), _yes(item, "detachable_drive")]
    if all(flag is None for flag in flags):
        return None
    return any(flags)


def parse_drive(item: dict[str, Any], kind: str, interface: str) -> dict[str, Any] | None:
    """One ``storage`` item from a drive entry of SPNVMeDataType or SPSerialATADataType."""
    size = item.get("size_in_bytes")
    name = text_value(item, "bsd_name") or text_value(item, "_name")
    if not isinstance(size, int) or size <= 0 or name is None:
        return None
    return {
        "name": name,
        "model": clean_text(text_value(item, "device_model") or text_value(item, "_name")),
        "serial": clean_text(text_value(item, "device_serial")),
        "firmware": clean_text(text_value(item, "device_revision")),
        "size_bytes": size,
        "type": kind,
        "interface": interface,
        "removable": _removable(item),
    }


def _sata_kind(item: dict[str, Any]) -> str:
    return _SATA_MEDIUM.get((text_value(item, "spsata_medium_type") or "").lower(), "unknown")


def _drives(controllers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for c in controllers for d in c.get("_items") or [] if isinstance(d, dict)]


def parse_volume_drives(volumes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``storage`` items for the distinct physical drives behind SPStorageDataType volumes."""
    found: dict[str, dict[str, Any]] = {}
    for volume in volumes:
        drive = volume.get("physical_drive")
        if not isinstance(drive, dict):
            continue
        name = text_value(drive, "device_name")
        if name is None or name in found:
            continue
        internal = _yes(drive, "is_internal_disk")
        found[name] = {
            "name": name,
            "model": clean_text(name),
            "type": _VOLUME_MEDIUM.get((text_value(drive, "medium_type") or "").lower(), "unknown"),
            "interface": text_value(drive, "protocol"),
            "removable": None if internal is None else not internal,
        }
    return list(found.values())


def parse_storages(profile: Profile | None) -> list[dict[str, Any]] | None:
    """The ``storages`` section: NVMe drives, then SATA drives (HDD or SSD by medium type)."""
    if not profile or not {"SPNVMeDataType", "SPSerialATADataType", "SPStorageDataType"} & set(
        profile
    ):
        return None
    disks = [parse_drive(d, "nvme", "NVMe") for d in _drives(profile.get("SPNVMeDataType", []))]
    disks += [
        parse_drive(d, _sata_kind(d), "SATA")
        for d in _drives(profile.get("SPSerialATADataType", []))
    ]
    found = [disk for disk in disks if disk is not None]
    return found or parse_volume_drives(profile.get("SPStorageDataType", []))


def collect_storages(
    host: Host, profiles: ProfileCache | None = None
) -> list[dict[str, Any]] | None:
    """The Mac's internal (and attached NVMe/SATA) disks with model, serial, size and kind."""
    return parse_storages(read_profile(host, profiles))
