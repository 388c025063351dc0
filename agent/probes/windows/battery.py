"""The batteries section of a Windows host, from the battery driver's WMI classes.

``root\\wmi`` BatteryStaticData / BatteryFullChargedCapacity / BatteryCycleCount carry the
driver's BATTERY_INFORMATION (capacities in mWh) and are joined on InstanceName; Win32_Battery
is the fallback, since most firmware leaves its capacities empty.
"""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from agent.probes.windows.cim import CimReading, collect_cim
from agent.probes.windows.powershell import JsonObject, count, text
from agent.sources.host import Host

# BATTERY_INFORMATION.Chemistry is four ASCII characters, which WMI packs into a uint32.
_CHEMISTRY_CODES = {
    "LION": "Li-ion",
    "LI-I": "Li-ion",
    "LIP": "Li-poly",
    "LIPO": "Li-poly",
    "NIMH": "NiMH",
    "NICD": "NiCd",
    "NIZN": "NiZn",
    "PBAC": "lead-acid",
    "RAM": "alkaline-manganese",
}
# Win32_Battery.Chemistry
_WIN32_CHEMISTRY = {3: "lead-acid", 4: "NiCd", 5: "NiMH", 6: "Li-ion", 7: "zinc-air", 8: "Li-poly"}


def decode_chemistry(code: Any) -> str | None:
    """The chemistry named by BatteryStaticData.Chemistry (e.g. 1313818956 = "LION")."""
    if not isinstance(code, int) or isinstance(code, bool) or not 0 < code < 2**32:
        return None
    letters = code.to_bytes(4, "little").rstrip(b"\x00").decode("ascii", "replace").strip()
    return _CHEMISTRY_CODES.get(letters.upper(), letters or None) if letters.isprintable() else None


def parse_batteries(reading: CimReading) -> list[dict[str, Any]]:
    """One entry per battery; empty on machines without one."""
    static = reading.get("BatteryStatic", [])
    if not static:
        return [_from_win32(battery) for battery in reading.get("Battery", [])]
    full = {
        text(b, "InstanceName"): count(b, "FullChargedCapacity")
        for b in reading.get("BatteryFullCharge", [])
    }
    cycles = {
        text(b, "InstanceName"): count(b, "CycleCount") for b in reading.get("BatteryCycle", [])
    }
    win32 = reading.get("Battery", [])
    found = []
    for index, battery in enumerate(static):
        instance = text(battery, "InstanceName")
        entry = _from_static(battery, full.get(instance), cycles.get(instance))
        if entry["chemistry"] is None and len(win32) == len(static):
            entry["chemistry"] = _WIN32_CHEMISTRY.get(count(win32[index], "Chemistry") or 0)
        found.append(entry)
    return found


def _from_static(battery: JsonObject, full: int | None, cycles: int | None) -> dict[str, Any]:
    design = count(battery, "DesignedCapacity") or None
    full = full or None
    return {
        "name": clean_text(text(battery, "DeviceName")),
        "manufacturer": clean_text(text(battery, "ManufactureName")),
        "model": clean_text(text(battery, "DeviceName")),
        "serial": clean_text(text(battery, "SerialNumber")),
        "chemistry": decode_chemistry(battery.get("Chemistry")),
        "design_capacity_mwh": design,
        "full_charge_capacity_mwh": full,
        "cycle_count": cycles,
        "health_percent": round(full * 100 / design, 1) if full and design else None,
    }


def _from_win32(battery: JsonObject) -> dict[str, Any]:
    design = count(battery, "DesignCapacity") or None
    full = count(battery, "FullChargeCapacity") or None
    return {
        "name": clean_text(text(battery, "Name")),
        "manufacturer": None,
        "model": clean_text(text(battery, "Name")),
        "serial": None,
        "chemistry": _WIN32_CHEMISTRY.get(count(battery, "Chemistry") or 0),
        "design_capacity_mwh": design,
        "full_charge_capacity_mwh": full,
        "cycle_count": None,
        "health_percent": round(full * 100 / design, 1) if full and design else None,
    }


def collect_batteries(host: Host) -> list[dict[str, Any]] | None:
    """The batteries section; None when CIM cannot be read."""
    reading = collect_cim(host)
    return parse_batteries(reading) if reading else None
