"""Operating system, hardware, firmware, processors and memory of a Mac, from system_profiler.

Decisions, so every Mac reads the same:

* ``hardware.model`` is the model identifier (``MacBookPro18,3``): it names the exact machine
  for warranty and end-of-life look-ups. The marketing name ("MacBook Pro") only decides
  ``chassis`` (laptop, all-in-one, mini-pc, desktop); the schema has no field for the name itself.
* The architecture comes from the hardware (a chip means arm64, an Intel CPU x86_64), not from
  ``uname -m``, which says x86_64 when the agent's Python runs under Rosetta.
* Apple silicon has no removable memory: ``memories`` is then one item for the unified memory
  (size, type LPDDR5, manufacturer) with no slot. Intel Macs list their DIMMs; empty slots are
  left out.
* Firmware is "uefi" on Intel Macs (EFI) and unknown (null) on Apple silicon (iBoot).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from agent.junk import clean_text, clean_uuid
from agent.probes.darwin.profile import (
    ProfileCache,
    first_item,
    parse_binary_size,
    read_profile,
    text_value,
)
from agent.sources.host import Host

BOOTTIME_ARGV = ("sysctl", "-n", "kern.boottime")

_OS_VERSION = re.compile(
    r"^(?P<name>\D*?)\s*(?P<version>\d+(?:\.\d+)*(?:\s+\([a-z]\))?)\s+\((?P<build>[^()]+)\)\s*$"
)
_BOOTTIME = re.compile(r"\{\s*sec\s*=\s*(\d+)")
_SPEED = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(GHz|MHz)\s*$", re.IGNORECASE)
_PROC = re.compile(r"(\d+)")
_CHASSIS = (
    ("MacBook", "laptop"),
    ("iMac", "all-in-one"),
    ("Mac mini", "mini-pc"),
    ("Mac", "desktop"),
)
_VIRTUAL_MODELS = ("VirtualMac", "VMware", "Parallels")
_JEDEC = {"0x802C": "Micron", "0x80CE": "Samsung", "0x80AD": "SK Hynix", "0x0198": "Kingston"}


def parse_os_version(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(name, version, build) of an ``os_version`` like "macOS 14.5 (23F79)".

    A Rapid Security Response keeps its letter in the version: "13.4.1 (a)".
    """
    match = _OS_VERSION.match(text or "")
    if match is None:
        return None, None, None
    return match.group("name") or None, match.group("version"), match.group("build")


def parse_kern_boottime(text: str) -> str | None:
    """The boot time in ``sysctl -n kern.boottime`` output ("{ sec = 1716371234, ... }"), UTC."""
    match = _BOOTTIME.search(text)
    if match is None:
        return None
    try:
        return datetime.fromtimestamp(int(match.group(1)), UTC).isoformat()
    except (OverflowError, OSError, ValueError):  # a value no clock can hold
        return None


def parse_zoneinfo_link(target: str) -> str | None:
    """The time zone name ("Asia/Jakarta") that an /etc/localtime link points to."""
    _, found, zone = target.partition("zoneinfo/")
    if not found:
        return None
    return zone.strip("/") or None


def hardware_arch(hardware: dict[str, Any]) -> str | None:
    """arm64 for Apple silicon (a chip), x86_64 for Intel Macs, None when unknown."""
    if text_value(hardware, "chip_type"):
        return "arm64"
    if text_value(hardware, "cpu_type"):
        return "x86_64"
    return None


def parse_operatingsystem(
    software: dict[str, Any], hardware: dict[str, Any]
) -> dict[str, Any] | None:
    """The ``operatingsystem`` section from the software and hardware overviews."""
    if not software:
        return None
    name, version, build = parse_os_version(text_value(software, "os_version"))
    return {
        "family": "darwin",
        "id": "macos",
        "name": name or "macOS",
        "version": version,
        "build": build,
        "kernel": text_value(software, "kernel_version"),
        "arch": hardware_arch(hardware),
    }


def _chassis(name: str | None) -> str | None:
    for prefix, chassis in _CHASSIS:
        if name and name.startswith(prefix):
            return chassis
    return None


def parse_hardware(hardware: dict[str, Any]) -> dict[str, Any] | None:
    """The ``hardware`` section from the SPHardwareDataType overview (None when absent)."""
    if not hardware:
        return None
    model = clean_text(text_value(hardware, "machine_model"))
    return {
        "vendor": "Apple",
        "model": model,
        "serial": clean_text(text_value(hardware, "serial_number")),
        "uuid": clean_uuid(text_value(hardware, "platform_UUID")),
        "chassis": _chassis(text_value(hardware, "machine_name")),
        "virtual": model.startswith(_VIRTUAL_MODELS) if model else None,
        "memory_total_bytes": parse_binary_size(text_value(hardware, "physical_memory")),
    }


def parse_bios(hardware: dict[str, Any]) -> dict[str, Any] | None:
    """The ``bios`` section: Apple's boot ROM / system firmware version."""
    if not hardware:
        return None
    return {
        "vendor": "Apple",
        "version": clean_text(text_value(hardware, "boot_rom_version")),
        "date": None,
        "firmware": "uefi" if hardware_arch(hardware) == "x86_64" else None,
    }


def _count(value: Any) -> int | None:
    """A count given as 8, "8" or "proc 10:8:2" (total first)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _PROC.search(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def _speed_mhz(text: str | None) -> int | None:
    match = _SPEED.match(text or "")
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    return round(number * 1000) if match.group(2).lower() == "ghz" else round(number)


def parse_cpus(hardware: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The ``cpus`` section: one item for an Apple chip, one per package on Intel Macs."""
    if not hardware:
        return None
    chip = text_value(hardware, "chip_type")
    if chip is not None:
        cores = _count(hardware.get("number_processors"))
        cpu = {"model": chip, "vendor": "Apple", "cores": cores, "threads": cores}
        return [{**cpu, "speed_mhz": None, "arch": "arm64"}]
    model = text_value(hardware, "cpu_type")
    if model is None:
        return []
    packages = _count(hardware.get("packages")) or 1
    total = _count(hardware.get("number_processors"))
    cores = total // packages if total else None
    hyperthreaded = hardware.get("platform_cpu_htt") == "htt_enabled"
    cpu = {
        "model": model,
        "vendor": "Intel" if "Intel" in model else None,
        "cores": cores,
        "threads": cores * 2 if cores and hyperthreaded else cores,
        "speed_mhz": _speed_mhz(text_value(hardware, "current_processor_speed")),
        "arch": "x86_64",
    }
    return [dict(cpu) for _ in range(packages)]


def _hex_text(value: str | None) -> str | None:
    """Intel Macs print DIMM part numbers as hex ASCII ("0x3136..."); decode those."""
    if value is None or not value.lower().startswith("0x"):
        return clean_text(value)
    try:
        decoded = bytes.fromhex(value[2:]).decode("ascii").strip("\x00 ")
    except ValueError:
        return clean_text(value)
    return clean_text(decoded) if decoded.isprintable() else clean_text(value)


def _dimm(item: dict[str, Any]) -> dict[str, Any] | None:
    size = parse_binary_size(text_value(item, "dimm_size"))
    if size is None:
        return None
    manufacturer = text_value(item, "dimm_manufacturer")
    return {
        "slot": text_value(item, "_name"),
        "size_bytes": size,
        "type": text_value(item, "dimm_type"),
        "speed_mts": _count(text_value(item, "dimm_speed")),
        "manufacturer": clean_text(_JEDEC.get(manufacturer or "", manufacturer)),
        "serial": clean_text(text_value(item, "dimm_serial_number")),
        "part_number": _hex_text(text_value(item, "dimm_part_number")),
    }


def _unified(entry: dict[str, Any]) -> dict[str, Any]:
    """Apple silicon's memory: one item with the size, type and maker, and no slot."""
    return {
        "slot": None,
        "size_bytes": parse_binary_size(text_value(entry, "SPMemoryDataType")),
        "type": text_value(entry, "dimm_type"),
        "manufacturer": clean_text(text_value(entry, "dimm_manufacturer")),
    }


def parse_memories(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The ``memories`` section from SPMemoryDataType: DIMMs, or one unified-memory item."""
    if items is None:
        return None
    modules: list[dict[str, Any]] = []
    for entry in items:
        dimms = entry.get("_items")
        if isinstance(dimms, list):
            found = (_dimm(d) for d in dimms if isinstance(d, dict))
            modules.extend(d for d in found if d is not None)
        elif "SPMemoryDataType" in entry:
            modules.append(_unified(entry))
    return modules


def _read_zone(host: Host) -> str | None:
    try:
        return parse_zoneinfo_link(str(host.path("/etc/localtime").readlink()))
    except OSError:
        return None


def collect_operatingsystem(
    host: Host, profiles: ProfileCache | None = None
) -> dict[str, Any] | None:
    """macOS name, version, build, kernel and architecture, plus last boot and time zone."""
    profile = read_profile(host, profiles)
    section = parse_operatingsystem(
        first_item(profile, "SPSoftwareDataType"), first_item(profile, "SPHardwareDataType")
    )
    if section is None:
        return None
    boot = host.commands.run(BOOTTIME_ARGV, timeout=10)
    section["last_boot"] = parse_kern_boottime(boot.stdout) if boot.ok else None
    section["timezone"] = _read_zone(host)
    return section


def collect_hardware(host: Host, profiles: ProfileCache | None = None) -> dict[str, Any] | None:
    """The Mac's model identifier, serial, hardware UUID, chassis and memory size."""
    return parse_hardware(first_item(read_profile(host, profiles), "SPHardwareDataType"))


def collect_bios(host: Host, profiles: ProfileCache | None = None) -> dict[str, Any] | None:
    """Apple's system firmware (boot ROM) version."""
    return parse_bios(first_item(read_profile(host, profiles), "SPHardwareDataType"))


def collect_cpus(host: Host, profiles: ProfileCache | None = None) -> list[dict[str, Any]] | None:
    """The Apple chip or Intel processors with their core counts."""
    return parse_cpus(first_item(read_profile(host, profiles), "SPHardwareDataType"))


def collect_memories(
    host: Host, profiles: ProfileCache | None = None
) -> list[dict[str, Any]] | None:
    """Memory modules (Intel) or the unified memory (Apple silicon)."""
    profile = read_profile(host, profiles)
    return parse_memories(profile.get("SPMemoryDataType") if profile else None)
