"""The hardware, bios, cpus and memories sections of a Windows host, from its CIM reading."""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text, clean_uuid
from agent.probes.chassis import CHASSIS_TYPES
from agent.probes.windows.cim import CimReading, collect_cim
from agent.probes.windows.powershell import (
    JsonObject,
    count,
    iso_timestamp,
    parse_cim_datetime,
    text,
)
from agent.sources.host import Host
from agent.sources.registry import value_int

_VIRTUAL_MARKERS = (
    "virtual machine",
    "vmware",
    "virtualbox",
    "kvm",
    "qemu",
    "hvm domu",
    "parallels",
    "amazon ec2",
    "google compute engine",
    "bochs",
)
# Win32_Processor.Architecture
_CPU_ARCH = {0: "x86", 5: "arm", 6: "ia64", 9: "x86_64", 12: "arm64"}
# SMBIOS memory types (Win32_PhysicalMemory.SMBIOSMemoryType, then the older MemoryType).
_MEMORY_TYPES = {
    20: "DDR",
    21: "DDR2",
    22: "DDR2 FB-DIMM",
    24: "DDR3",
    26: "DDR4",
    27: "LPDDR",
    28: "LPDDR2",
    29: "LPDDR3",
    30: "LPDDR4",
    34: "DDR5",
    35: "LPDDR5",
}
# JEDEC JEP106 codes that some firmware reports instead of the maker's name.
_JEDEC_MAKERS = {"80CE": "Samsung", "80AD": "SK Hynix", "802C": "Micron"}
_FIRMWARE_TYPES = {1: "bios", 2: "uefi"}
PE_FIRMWARE_KEY = r"HKLM\SYSTEM\CurrentControlSet\Control"


def _first(reading: CimReading, key: str) -> JsonObject:
    return next(iter(reading.get(key, [])), {})


def _vendor(obj: JsonObject, key: str) -> str | None:
    """A maker's name; Windows' generic driver names ("(Standard disk drives)") are not one."""
    name = clean_text(text(obj, key))
    return None if name is None or name.startswith("(Standard") else name


def parse_hardware(reading: CimReading) -> dict[str, Any]:
    """The machine: maker, model, serial, SMBIOS UUID, chassis, board, installed memory.

    Lenovo's model is the machine type (21AHCTO1WW); its name goes to model_name.
    """
    system, product = _first(reading, "ComputerSystem"), _first(reading, "Product")
    board, bios = _first(reading, "BaseBoard"), _first(reading, "Bios")
    vendor = _vendor(system, "Manufacturer") or _vendor(product, "Vendor")
    model = clean_text(text(system, "Model")) or clean_text(text(product, "Name"))
    lenovo = (vendor or "").upper() == "LENOVO"
    installed = sum(count(dimm, "Capacity") or 0 for dimm in reading.get("PhysicalMemory", []))
    identity = f"{vendor or ''} {model or ''}".casefold()
    return {
        "vendor": vendor,
        "model": model,
        "model_name": clean_text(text(product, "Version")) if lenovo else None,
        "serial": clean_text(text(bios, "SerialNumber"))
        or clean_text(text(product, "IdentifyingNumber")),
        "uuid": clean_uuid(text(product, "UUID")),
        "chassis": _chassis(_first(reading, "Enclosure").get("ChassisTypes")),
        "board_vendor": _vendor(board, "Manufacturer"),
        "board_model": clean_text(text(board, "Product")),
        "board_serial": clean_text(text(board, "SerialNumber")),
        "virtual": any(marker in identity for marker in _VIRTUAL_MARKERS),
        "memory_total_bytes": installed or count(system, "TotalPhysicalMemory"),
    }


def _chassis(types: Any) -> str | None:
    codes = types if isinstance(types, list) else [types]
    return next(
        (CHASSIS_TYPES[c] for c in codes if isinstance(c, int) and c in CHASSIS_TYPES), None
    )


def parse_bios(reading: CimReading, firmware_type: int | None = None) -> dict[str, Any] | None:
    """Firmware maker, version and release date; firmware_type is PEFirmwareType (1/2)."""
    bios = _first(reading, "Bios")
    if not bios:
        return None
    released = iso_timestamp(parse_cim_datetime(bios.get("ReleaseDate")))
    return {
        "vendor": _vendor(bios, "Manufacturer"),
        "version": clean_text(text(bios, "SMBIOSBIOSVersion")),
        "date": released[:10] if released else None,
        "firmware": _FIRMWARE_TYPES.get(firmware_type or 0),
    }


def parse_cpus(reading: CimReading) -> list[dict[str, Any]]:
    """One entry per processor package (socket)."""
    return [
        {
            "model": " ".join((text(cpu, "Name") or "").split()) or None,
            "vendor": clean_text(text(cpu, "Manufacturer")),
            "cores": count(cpu, "NumberOfCores"),
            "threads": count(cpu, "NumberOfLogicalProcessors"),
            "speed_mhz": count(cpu, "MaxClockSpeed"),
            "arch": _CPU_ARCH.get(_code(cpu, "Architecture")),
        }
        for cpu in reading.get("Processor", [])
    ]


def parse_memories(reading: CimReading) -> list[dict[str, Any]]:
    """One entry per installed memory module."""
    return [
        {
            "slot": clean_text(text(dimm, "DeviceLocator")) or clean_text(text(dimm, "BankLabel")),
            "size_bytes": count(dimm, "Capacity"),
            "type": _MEMORY_TYPES.get(_code(dimm, "SMBIOSMemoryType"))
            or _MEMORY_TYPES.get(_code(dimm, "MemoryType")),
            "speed_mts": count(dimm, "Speed") or count(dimm, "ConfiguredClockSpeed"),
            "manufacturer": _memory_maker(text(dimm, "Manufacturer")),
            "serial": clean_text(text(dimm, "SerialNumber")),
            "part_number": clean_text(text(dimm, "PartNumber")),
        }
        for dimm in reading.get("PhysicalMemory", [])
    ]


def _code(obj: JsonObject, key: str) -> int:
    """An enumeration code, -1 when absent (0 is a real code in some enumerations)."""
    value = count(obj, key)
    return -1 if value is None else value


def _memory_maker(raw: str | None) -> str | None:
    name = clean_text(raw)
    if name is None:
        return None
    return _JEDEC_MAKERS.get(name[:4].upper(), name) if len(name) in (4, 12) else name


def collect_hardware(host: Host) -> dict[str, Any] | None:
    """The hardware section; None when CIM cannot be read."""
    reading = collect_cim(host)
    return parse_hardware(reading) if reading else None


def collect_bios(host: Host) -> dict[str, Any] | None:
    """The bios section, with UEFI/legacy boot from the registry's PEFirmwareType."""
    reading = collect_cim(host)
    if not reading:
        return None
    control = host.registry.values(PE_FIRMWARE_KEY) if host.registry else {}
    return parse_bios(reading, value_int(control, "PEFirmwareType"))


def collect_cpus(host: Host) -> list[dict[str, Any]] | None:
    """The cpus section; None when CIM cannot be read."""
    reading = collect_cim(host)
    return parse_cpus(reading) if reading else None


def collect_memories(host: Host) -> list[dict[str, Any]] | None:
    """The memories section; None when CIM cannot be read."""
    reading = collect_cim(host)
    return parse_memories(reading) if reading else None
