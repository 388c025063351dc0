"""The storages section of a Windows host: Win32_DiskDrive joined with MSFT_PhysicalDisk.

Win32_DiskDrive names every disk but cannot tell SSD from HDD nor see NVMe (it says "SCSI");
MSFT_PhysicalDisk (Storage Management API, Windows 8 / Server 2012 and later) can, and shares
the disk number (``Index`` = ``DeviceId``).
"""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from agent.probes.windows.cim import CimReading, collect_cim
from agent.probes.windows.powershell import JsonObject, count, text
from agent.sources.host import Host

# MSFT_PhysicalDisk.BusType
_BUS_TYPES = {
    1: "SCSI",
    2: "ATAPI",
    3: "ATA",
    4: "IEEE 1394",
    5: "SSA",
    6: "Fibre Channel",
    7: "USB",
    8: "RAID",
    9: "iSCSI",
    10: "SAS",
    11: "SATA",
    12: "SD",
    13: "MMC",
    14: "Virtual",
    15: "File Backed Virtual",
    16: "Storage Spaces",
    17: "NVMe",
    18: "SCM",
    19: "UFS",
}
_BUS_NVME, _BUS_USB, _VIRTUAL_BUSES = 17, 7, (14, 15)
# MSFT_PhysicalDisk.MediaType
_MEDIA_HDD, _MEDIA_SSD = 3, 4


def parse_storages(reading: CimReading) -> list[dict[str, Any]]:
    """One entry per physical disk Windows sees, in disk-number order."""
    physical = {
        str(disk.get("DeviceId")): disk
        for disk in reading.get("PhysicalDisk", [])
        if disk.get("DeviceId") is not None
    }
    drives = sorted(reading.get("DiskDrive", []), key=lambda d: count(d, "Index") or 0)
    return [_storage(drive, physical.get(str(drive.get("Index")), {})) for drive in drives]


def _storage(drive: JsonObject, disk: JsonObject) -> dict[str, Any]:
    bus = count(disk, "BusType")
    model = clean_text(text(drive, "Model")) or clean_text(text(disk, "FriendlyName"))
    serial = clean_text(text(disk, "SerialNumber")) or clean_text(text(drive, "SerialNumber"))
    media = text(drive, "MediaType") or ""
    return {
        "name": text(drive, "DeviceID") or f"\\\\.\\PHYSICALDRIVE{count(drive, 'Index')}",
        "model": model,
        "vendor": _maker(disk) or _maker(drive),
        "serial": serial.rstrip(".") if serial else None,
        "firmware": clean_text(text(drive, "FirmwareRevision"))
        or clean_text(text(disk, "FirmwareVersion")),
        "size_bytes": count(disk, "Size") or count(drive, "Size"),
        "type": _disk_type(bus, count(disk, "MediaType"), model),
        "interface": _BUS_TYPES.get(bus or 0) or clean_text(text(drive, "InterfaceType")),
        "removable": bus == _BUS_USB or "removable" in media.lower() or "external" in media.lower(),
    }


def _maker(obj: JsonObject) -> str | None:
    name = clean_text(text(obj, "Manufacturer"))
    return None if name is None or name.startswith("(Standard") else name


def _disk_type(bus: int | None, media: int | None, model: str | None) -> str:
    if bus == _BUS_NVME:
        return "nvme"
    if bus in _VIRTUAL_BUSES or "virtual" in (model or "").lower():
        return "virtual"
    return {_MEDIA_SSD: "ssd", _MEDIA_HDD: "hdd"}.get(media or 0, "unknown")


def collect_storages(host: Host) -> list[dict[str, Any]] | None:
    """The storages section; None when CIM cannot be read."""
    reading = collect_cim(host)
    return parse_storages(reading) if reading else None
