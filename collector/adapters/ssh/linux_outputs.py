"""Pure parsers for the Linux command outputs the agent does not read itself (it reads sysfs):
``lsblk -J``, ``ip -j addr``, ``uname -nrm``, ``/proc/uptime`` and DMI files printed as
``name=value`` lines."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from agent.junk import clean_mac, clean_text

LSBLK_COLUMNS = "NAME,TYPE,SIZE,MODEL,SERIAL,VENDOR,REV,TRAN,ROTA,RM"
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
                "interface": _text(entry.get("tran")),
                "removable": _flag(entry.get("rm")),
            }
        )
    return disks[:512]


def _addresses(entry: dict[str, Any], family: str) -> list[str]:
    found = []
    for info in entry.get("addr_info") or []:
        if isinstance(info, dict) and info.get("family") == family:
            try:
                found.append(str(ipaddress.ip_address(str(info.get("local")))))
            except ValueError:
                continue
    return sorted(found)[:256]


def parse_ip_addr(text: str) -> list[dict[str, Any]]:
    """Interfaces of ``ip -j addr`` as ``networks`` items; loopback left out, like the agent."""
    networks = []
    for entry in _json_list(text, "interfaces"):
        if not isinstance(entry, dict) or entry.get("link_type") == "loopback":
            continue
        name = _text(entry.get("ifname"))
        if name is None:
            continue
        networks.append(
            {
                "name": name,
                "mac": clean_mac(entry.get("address"))
                if entry.get("link_type") == "ether"
                else None,
                "ipv4": _addresses(entry, "inet"),
                "ipv6": _addresses(entry, "inet6"),
                "speed_mbps": None,
                "up": entry.get("operstate") == "UP",
                "virtual": None,
                "type": "ethernet" if entry.get("link_type") == "ether" else None,
            }
        )
    return networks[:1024]


def parse_uname(text: str) -> dict[str, str | None]:
    """Hostname, kernel release and machine of ``uname -nrm`` ("host 6.1.0-18-amd64 x86_64")."""
    words = text.split()
    if len(words) != 3:
        return {"hostname": None, "kernel": None, "arch": None}
    return {"hostname": clean_text(words[0]), "kernel": clean_text(words[1]), "arch": words[2]}


def parse_proc_uptime(text: str) -> int | None:
    """Whole seconds since boot from /proc/uptime ("350735.47 1387320.02")."""
    try:
        seconds = float(text.split(maxsplit=1)[0])
    except (ValueError, IndexError):
        return None
    return int(seconds) if 0 <= seconds < 2**53 else None


def parse_name_values(text: str) -> dict[str, str]:
    """``name=value`` lines (the DMI files printed by LINUX_DMI_SCRIPT); others skipped."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.isidentifier():
            found[name] = value.strip()
    return found
