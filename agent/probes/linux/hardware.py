"""Linux hardware from DMI (/sys/class/dmi/id), /proc/cpuinfo, /proc/meminfo and dmidecode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from agent.junk import clean_text, clean_uuid
from agent.probes.chassis import CHASSIS_TYPES
from agent.probes.linux.operatingsystem import kernel_arch
from agent.sources.host import Host

_DMI = "/sys/class/dmi/id/"
_VIRTUAL_PRODUCTS = ("kvm", "qemu", "vmware", "virtualbox", "virtual machine", "hvm domu", "bochs")


def _dmi(host: Host, name: str) -> str | None:
    return clean_text(host.read_text(_DMI + name))


def collect_hardware(host: Host) -> dict[str, Any]:
    """System vendor, model, serial, UUID, chassis, board, virtualisation and memory total."""
    model = _dmi(host, "product_name")
    chassis = (host.read_text(_DMI + "chassis_type") or "").strip()
    return {
        "vendor": _dmi(host, "sys_vendor"),
        "model": model,
        "model_name": _model_name(host),
        "serial": _dmi(host, "product_serial"),
        "uuid": clean_uuid(host.read_text(_DMI + "product_uuid")),
        "chassis": CHASSIS_TYPES.get(int(chassis)) if chassis.isdecimal() else None,
        "board_vendor": _dmi(host, "board_vendor"),
        "board_model": _dmi(host, "board_name"),
        "board_serial": _dmi(host, "board_serial"),
        "virtual": _is_virtual(host, model),
        "memory_total_bytes": parse_meminfo_total(host.read_text("/proc/meminfo") or ""),
    }


def _model_name(host: Host) -> str | None:
    """Lenovo's product_name is a machine type (20W000T8ID); the name is in product_version."""
    vendor = (_dmi(host, "sys_vendor") or "").casefold()
    return _dmi(host, "product_version") if vendor == "lenovo" else None


def collect_bios(host: Host) -> dict[str, Any]:
    """Firmware vendor, version, release date and whether it boots UEFI."""
    return {
        "vendor": _dmi(host, "bios_vendor"),
        "version": _dmi(host, "bios_version"),
        "date": parse_dmi_date(host.read_text(_DMI + "bios_date")),
        "firmware": "uefi" if host.path("/sys/firmware/efi").is_dir() else "bios",
    }


def parse_meminfo_total(text: str) -> int | None:
    """MemTotal of /proc/meminfo in bytes (memory the kernel manages, a little under installed)."""
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB", text, re.MULTILINE)
    return int(match[1]) * 1024 if match else None


def parse_dmi_date(text: str | None) -> str | None:
    """DMI's MM/DD/YYYY as an ISO date, or None when malformed."""
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", (text or "").strip())
    if not match:
        return None
    try:
        return date(int(match[3]), int(match[1]), int(match[2])).isoformat()
    except ValueError:
        return None


def _is_virtual(host: Host, model: str | None) -> bool:
    if model and any(word in model.casefold() for word in _VIRTUAL_PRODUCTS):
        return True
    if host.path("/sys/hypervisor/type").exists():
        return True
    return " hypervisor" in (host.read_text("/proc/cpuinfo") or "")


def _cpuinfo_blocks(text: str) -> Iterator[dict[str, str]]:
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        if fields:
            yield fields


def parse_cpuinfo(text: str) -> list[dict[str, Any]]:
    """One entry per physical package: model, vendor, cores and threads from /proc/cpuinfo."""
    sockets: dict[str, dict[str, Any]] = {}
    cores: dict[str, set[str]] = {}
    for fields in _cpuinfo_blocks(text):
        if "processor" not in fields:
            continue
        socket_id = fields.get("physical id", "0")
        entry = sockets.setdefault(
            socket_id,
            {
                "model": clean_text(fields.get("model name") or fields.get("Processor")),
                "vendor": clean_text(fields.get("vendor_id") or fields.get("CPU implementer")),
                "cores": None,
                "threads": 0,
                "speed_mhz": _mhz(fields.get("cpu MHz")),
            },
        )
        entry["threads"] += 1
        cores.setdefault(socket_id, set()).add(fields.get("core id", fields["processor"]))
    for socket_id, entry in sockets.items():
        entry["cores"] = len(cores[socket_id])
    return list(sockets.values())


def _mhz(text: str | None) -> int | None:
    try:
        mhz = round(float(text or ""))
    except (ValueError, OverflowError):  # blank, garbage, nan, inf
        return None
    return mhz if mhz > 0 else None


def collect_cpus(host: Host) -> list[dict[str, Any]]:
    """CPUs per socket; the rated maximum clock from cpufreq where the kernel exposes it."""
    cpus = parse_cpuinfo(host.read_text("/proc/cpuinfo") or "")
    max_khz = host.read_text("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    arch = kernel_arch(host)
    for cpu in cpus:
        if max_khz and max_khz.isdecimal():
            cpu["speed_mhz"] = int(max_khz) // 1000
        cpu["arch"] = arch
    return cpus
