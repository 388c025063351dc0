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
_UDEV_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def parse_udev_properties(text: str) -> dict[str, str]:
    """The ``E:KEY=value`` properties of one udev database record (/run/udev/data/b<maj>:<min>)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("E:"):
            key, _, value = line[2:].partition("=")
            found[key] = value
    return found


def decode_udev_escapes(text: str) -> str:
    """A udev ``*_ENC`` property with its ``\\xNN`` escapes undone (``\\x20`` is a blank)."""
    return _UDEV_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def collect_storages(host: Host) -> list[dict[str, Any]]:
    """Physical and virtual disks; partitions, loop, RAM and device-mapper nodes are skipped."""
    try:
        names = sorted(p.name for p in host.path("/sys/block").iterdir())
    except OSError:
        return []
    return [_disk(host, name) for name in names if not name.startswith(_SKIPPED_PREFIXES)]


def _disk(host: Host, name: str) -> dict[str, Any]:
    base = f"/sys/block/{name}"
    udev = parse_udev_properties(_udev_record(host, host.read_text(base + "/dev")) or "")
    sectors = host.read_text(base + "/size") or ""
    vendor = _vendor(host.read_text(base + "/device/vendor"))
    # sysfs holds the SCSI model, cut at 16 characters; udev's ID_MODEL_ENC has the full one.
    model = clean_text(
        decode_udev_escapes(udev.get("ID_MODEL_ENC", "")).strip()
        or host.read_text(base + "/device/model")
        or udev.get("ID_MODEL")
    )
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
        "size_bytes": int(sectors) * 512 if sectors.isdecimal() else None,
        "type": _kind(host, name, bus, f"{vendor or ''} {model or ''}"),
        "interface": bus,
        "removable": host.read_text(base + "/removable") == "1",
    }


def _udev_record(host: Host, dev: str | None) -> str | None:
    """udev's database record of a block device by its ``major:minor`` (nothing else is a path)."""
    if dev is None or not re.fullmatch(r"[0-9]+:[0-9]+", dev):
        return None
    return host.read_text(f"/run/udev/data/b{dev}")


def _vendor(text: str | None) -> str | None:
    """The disk maker; None for libata's stand-in "ATA" and for a PCI vendor id (virtio)."""
    vendor = clean_text(text)
    if vendor is None or vendor == "ATA" or re.fullmatch(r"0x[0-9a-fA-F]+", vendor):
        return None
    return vendor


def _bus(host: Host, name: str) -> str | None:
    # Only the device path below /sys/devices counts: the host root's own path may hold "/host".
    try:
        devices = host.path("/sys/devices").resolve()
        target = host.path(f"/sys/block/{name}").resolve().relative_to(devices)
    except (OSError, RuntimeError, ValueError):  # unreadable, a symlink loop, or not a device
        return None
    where = "/" + target.as_posix()
    return next((bus for marker, bus in _BUSES if marker in where), None)


def _kind(host: Host, name: str, bus: str | None, label: str) -> str:
    if name.startswith("nvme"):
        return "nvme"
    if bus == "virtio" or any(v in label.casefold() for v in _VIRTUAL_VENDORS):
        return "virtual"
    rotational = host.read_text(f"/sys/block/{name}/queue/rotational")
    return {"1": "hdd", "0": "ssd"}.get(rotational or "", "unknown")
