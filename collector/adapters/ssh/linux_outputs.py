"""Pure parsers for the Linux command outputs behind an agentless inventory, where the agent
reads sysfs or asks psutil instead: ``lsblk -J`` (disks), ``ip -j addr`` (interfaces, as the
agent's InterfaceReading), ``findmnt -J`` with /proc/filesystems (mounts, as its Partition),
``who`` (sessions, as its UserSession) and the ctimes of /boot's kernel images."""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from agent.junk import clean_text
from agent.sources.stats import InterfaceReading, Partition, UserSession, reported_mount

LSBLK_COLUMNS = "NAME,TYPE,SIZE,MODEL,SERIAL,VENDOR,REV,TRAN,ROTA,RM,SUBSYSTEMS"
# The bus of a disk lsblk gives no transport for (virtio, often), from its subsystem chain
# ("block:virtio:pci"), in the agent's order of precedence.
_SUBSYSTEM_BUSES = (("usb", "usb"), ("nvme", "nvme"), ("virtio", "virtio"), ("mmc", "mmc"))
_SKIPPED_DISKS = ("loop", "ram", "zram", "nbd", "fd")
_VIRTUAL_VENDORS = ("qemu", "vmware", "vbox", "msft", "virtual", "red hat", "xen")


def _json_list(text: str, key: str) -> list[Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if isinstance(data, dict):
        data = data.get(key)
    return data if isinstance(data, list) else []


def _text(value: Any) -> str | None:
    return clean_text(str(value)) if value is not None else None


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"1": True, "0": False}.get(str(value)) if value is not None else None


def _vendor(value: Any) -> str | None:
    """The disk maker; None for libata's "ATA" and a PCI vendor id (virtio's 0x1af4)."""
    vendor = _text(value)
    if vendor is None or vendor == "ATA" or re.fullmatch(r"0x[0-9a-fA-F]+", vendor):
        return None
    return vendor


def _disk_type(entry: dict[str, Any], label: str) -> str:
    name = str(entry.get("name", ""))
    if name.startswith("nvme"):
        return "nvme"
    if (
        name.startswith("vd")
        or entry.get("tran") == "virtio"
        or any(v in label.casefold() for v in _VIRTUAL_VENDORS)
    ):
        return "virtual"
    return {True: "hdd", False: "ssd"}.get(_flag(entry.get("rota")), "unknown")  # type: ignore[arg-type]


def _bus(subsystems: Any) -> str | None:
    chain = str(subsystems or "").split(":")
    return next((bus for word, bus in _SUBSYSTEM_BUSES if word in chain), None)


def parse_lsblk(text: str) -> list[dict[str, Any]]:
    """Disks of ``lsblk -J -b -d -o LSBLK_COLUMNS`` as ``storages`` items (loop/RAM skipped)."""
    disks = []
    for entry in _json_list(text, "blockdevices"):
        name = _text(entry.get("name")) if isinstance(entry, dict) else None
        if name is None or entry.get("type") != "disk" or name.startswith(_SKIPPED_DISKS):
            continue
        model, vendor = _text(entry.get("model")), _vendor(entry.get("vendor"))
        size = entry.get("size")
        disks.append(
            {
                "name": name,
                "model": model,
                "vendor": vendor,
                "serial": _text(entry.get("serial")),
                "firmware": _text(entry.get("rev")),
                "size_bytes": int(size) if str(size).isdecimal() else None,
                "type": _disk_type(entry, f"{vendor or ''} {model or ''}"),
                "interface": _text(entry.get("tran")) or _bus(entry.get("subsystems")),
                "removable": _flag(entry.get("rm")),
            }
        )
    return disks[:512]


def _addresses(entry: dict[str, Any], family: str) -> tuple[str, ...]:
    found = []
    for info in entry.get("addr_info") or []:
        if isinstance(info, dict) and info.get("family") == family:
            try:
                found.append(str(ipaddress.ip_address(str(info.get("local")))))
            except ValueError:
                continue
    return tuple(sorted(found)[:256])


def _speed(text: str | None) -> int | None:
    """/sys/class/net/<nic>/speed in Mbit/s; None for -1, blank or garbage (link down)."""
    value = (text or "").strip()
    return int(value) if value.isdecimal() and 0 < int(value) < 10**7 else None


def interface_readings(text: str, speeds: dict[str, str]) -> list[InterfaceReading]:
    """Interfaces of ``ip -j addr`` as psutil would read them on the host: MAC, addresses,
    up (administratively up and carrier: UP and LOWER_UP) and the speed sysfs gives
    (``speeds``: interface name -> content of its speed file)."""
    found = []
    for entry in _json_list(text, "interfaces")[:1024]:
        name = _text(entry.get("ifname")) if isinstance(entry, dict) else None
        if name is None:
            continue
        flags = entry.get("flags") if isinstance(entry.get("flags"), list) else []
        address = entry.get("address")
        found.append(
            InterfaceReading(
                name=name,
                mac=address if isinstance(address, str) else None,
                ipv4=_addresses(entry, "inet"),
                ipv6=_addresses(entry, "inet6"),
                up="UP" in flags and "LOWER_UP" in flags,
                speed_mbps=_speed(speeds.get(name)),
            )
        )
    return found


def _size(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and value >= 0 else None


def mount_partitions(text: str, proc_filesystems: str) -> list[Partition]:
    """Mounts of ``findmnt -J -l -b -o SOURCE,TARGET,FSTYPE,SIZE,USED,AVAIL`` as psutil's
    ``disk_partitions(all=False)`` and ``disk_usage`` give them: device-backed file systems
    only (not those /proc/filesystems marks ``nodev``), pseudo and snap mounts left out."""
    nodev = {line.split()[-1] for line in proc_filesystems.splitlines() if line.startswith("nodev")}
    found = []
    for entry in _json_list(text, "filesystems")[:4096]:
        if not isinstance(entry, dict):
            continue
        source, mount, kind = (str(entry.get(k) or "") for k in ("source", "target", "fstype"))
        device = source.split("[", 1)[0]  # a bind mount's source is "/dev/sda1[/sub/dir]"
        if not device or not mount or (kind in nodev and kind != "zfs"):
            continue
        if reported_mount(kind, mount):
            sizes = (_size(entry.get(k)) for k in ("size", "used", "avail"))
            found.append(Partition(mount, device, kind, *sizes))
    return found


_WHO = re.compile(
    r"^(?P<name>\S+)\s+(?P<terminal>\S+)\s+(?P<when>\d{4}-\d{2}-\d{2} \d{2}:\d{2})"
    r"(?:\s+\((?P<host>[^)]*)\))?"
)


def utc_offset(text: str) -> timezone | None:
    """The zone of ``date +%z`` (``+0700``), None when garbled."""
    match = re.fullmatch(r"([+-])(\d{2})(\d{2})", text.strip())
    if match is None or int(match[2]) > 23 or int(match[3]) > 59:
        return None
    minutes = (int(match[2]) * 60 + int(match[3])) * (-1 if match[1] == "-" else 1)
    return timezone(timedelta(minutes=minutes))


def user_sessions(text: str, offset: str) -> list[UserSession]:
    """Sessions of ``who`` (C locale: ``root pts/0 2026-11-28 04:00 (192.0.2.9)``); the login
    time is the host's local time, placed by its ``date +%z`` offset (None without it)."""
    zone = utc_offset(offset)
    sessions = []
    for line in text.splitlines()[:1024]:
        match = _WHO.match(line)
        if match is None:
            continue
        try:
            when = datetime.strptime(match["when"], "%Y-%m-%d %H:%M").replace(tzinfo=zone)
        except ValueError:
            continue
        started = when.timestamp() if zone is not None else None
        sessions.append(
            UserSession(match["name"][:256], match["terminal"][:256],
                        (match["host"] or None) and match["host"][:256], started)
        )  # fmt: skip
    return sessions


def kernel_installed_after_boot(text: str, running: str | None, booted: float | None) -> bool:
    """Whether ``stat -c '%Z %n' /boot/vmlinuz-*`` lists a kernel image other than the running
    one that landed after boot (the agent's check; ctime: a package manager cannot set it;
    RHEL's rescue image is regenerated at will and says nothing)."""
    if not running or booted is None:
        return False
    for line in text.splitlines():
        changed, _, path = line.partition(" ")
        name = path.rsplit("/", 1)[-1]
        if not changed.isdecimal() or name.startswith("vmlinuz-0-rescue-"):
            continue
        if name.startswith("vmlinuz-") and name != f"vmlinuz-{running}" and int(changed) > booted:
            return True
    return False
