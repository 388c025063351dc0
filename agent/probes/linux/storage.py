"""Linux disks from /sys/block and udev's database: model, serial, size, kind and bus."""

from __future__ import annotations

import re
from typing import Any

from agent.junk import clean_text
from agent.sources.host import Host

_SKIPPED_PREFIXES = ("loop", "ram", "zram", "dm-", "md", "nbd", "sr", "fd", "zd")
_VIRTUAL_VENDORS = ("qemu", "vmware", "vbox", "msft", "virtual", "red hat", "xen")
_BUSES = (
    ("/usb", "usb"),
    ("/nvme", "nvme"),
    ("/virtio", "virtio"),
    ("/mmc", "mmc"),
    ("/ata", "sata"),
    ("/host", "scsi"),
)


def parse_udev_properties(text: str) -> dict[str, str]:
    """The ``E:KEY=value`` properties of one udev database record (/run/udev/data/b<maj>:<min>)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("E:"):
            key, _, value = line[2:].partition("=")
            found[key] = value
    return found


def collect_storages(host: Host) -> list[dict[str, Any]]:
    """Physical and virtual disks; partitions, loop, RAM and device-mapper nodes are skipped."""
    try:
        names = sorted(p.name for p in host.path("/sys/block").iterdir())
    except OSError:
        return []
    return [_disk(host, name) for name in names if not name.startswith(_SKIPPED_PREFIXES)]


def _disk(host: Host, name: str) -> dict[str, Any]:
    base = f"/sys/block/{name}"
    udev = parse_udev_properties(
        host.read_text(f"/run/udev/data/b{host.read_text(base + '/dev')}") or ""
    )
    sectors = host.read_text(base + "/size") or ""
    vendor = clean_text(host.read_text(base + "/device/vendor"))
    if vendor and re.fullmatch(r"0x[0-9a-fA-F]+", vendor):  # a PCI id (virtio), not a name
        vendor = None
    model = clean_text(host.read_text(base + "/device/model") or udev.get("ID_MODEL"))
    bus = _bus(host, name)
    return {
        "name": name,
        "model": model,
        "vendor": vendor,
        "serial": clean_text(
            host.read_text(base + "/device/serial") or udev.get("ID_SERIAL_SHORT")
        ),
        "firmware": clean_text(
            host.read_text(base + "/device/firmware_rev") or udev.get("ID_REVISION")
        ),
        "size_bytes": int(sectors) * 512 if sectors.isdigit() else None,
        "type": _kind(host, name, bus, f"{vendor or ''} {model or ''}"),
        "interface": bus,
        "removable": host.read_text(base + "/removable") == "1",
    }


def _bus(host: Host, name: str) -> str | None:
    try:
        target = str(host.path(f"/sys/block/{name}").resolve())
    except OSError:
        return None
    return next((bus for marker, bus in _BUSES if marker in target), None)


def _kind(host: Host, name: str, bus: str | None, label: str) -> str:
    if name.startswith("nvme"):
        return "nvme"
    if bus == "virtio" or any(v in label.casefold() for v in _VIRTUAL_VENDORS):
        return "virtual"
    rotational = host.read_text(f"/sys/block/{name}/queue/rotational")
    return {"1": "hdd", "0": "ssd"}.get(rotational or "", "unknown")
