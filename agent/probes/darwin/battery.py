"""A MacBook's battery: health from system_profiler, capacities from the AppleSmartBattery entry.

system_profiler gives Apple's own figures (cycle count, "Maximum Capacity" percentage, serial);
``ioreg -r -c AppleSmartBattery -a`` gives the capacities in mAh. The schema wants mWh, so mAh
are multiplied by the pack's nominal voltage: 3.8 V per cell (the rating printed on Mac
batteries, e.g. 11.4 V for three cells), counting cells from ``BatteryData.CellVoltage``. Only
when the cell count is missing is the present ``Voltage`` used; it moves with the charge, so the
figures would then change from run to run. A Mac without a battery gives an empty list.
"""

from __future__ import annotations

import re
from typing import Any

from agent.junk import clean_text
from agent.probes.darwin.plist import plist_dicts
from agent.probes.darwin.profile import ProfileCache, read_profile, text_value
from agent.sources.host import Host

IOREG_BATTERY_ARGV = ("ioreg", "-r", "-c", "AppleSmartBattery", "-a")
CELL_VOLTS = 3.8

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _percent(value: Any) -> float | None:
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if match is not None:
        return float(match.group(1))
    number = _int(value)
    return float(number) if number is not None else None


def parse_power_battery(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Cycle count, health percentage and serial from SPPowerDataType (None: no battery)."""
    for item in items:
        health = item.get("sppower_battery_health_info")
        if not isinstance(health, dict):
            continue
        model = item.get("sppower_battery_model_info")
        model = model if isinstance(model, dict) else {}
        return {
            "name": text_value(model, "sppower_battery_device_name"),
            "manufacturer": clean_text(text_value(model, "sppower_battery_manufacturer")),
            "serial": clean_text(text_value(model, "sppower_battery_serial_number")),
            "cycle_count": _int(health.get("sppower_battery_cycle_count")),
            "health_percent": _percent(health.get("sppower_battery_health_maximum_capacity")),
        }
    return None


def _volts(entry: dict[str, Any]) -> float | None:
    data = entry.get("BatteryData")
    cells = data.get("CellVoltage") if isinstance(data, dict) else None
    if isinstance(cells, list) and cells:
        return CELL_VOLTS * len(cells)
    millivolts = _int(entry.get("Voltage"))
    return millivolts / 1000 if millivolts else None


def _full_charge_mah(entry: dict[str, Any]) -> int | None:
    """AppleRawMaxCapacity, else NominalChargeCapacity, else an mAh MaxCapacity (old Intel)."""
    for key in ("AppleRawMaxCapacity", "NominalChargeCapacity", "MaxCapacity"):
        value = _int(entry.get(key))
        if value is not None and value > 100:  # MaxCapacity is a percentage on Apple silicon
            return value
    return None


def parse_smart_battery(data: bytes) -> dict[str, Any] | None:
    """Capacities (mWh), cycle count and serial from ``ioreg -r -c AppleSmartBattery -a``."""
    entries = plist_dicts(data)
    if not entries:
        return None
    entry = entries[0]
    volts = _volts(entry)
    design, full = _int(entry.get("DesignCapacity")), _full_charge_mah(entry)
    return {
        "name": text_value(entry, "DeviceName"),
        "manufacturer": clean_text(text_value(entry, "Manufacturer")),
        "serial": clean_text(text_value(entry, "Serial")),
        "cycle_count": _int(entry.get("CycleCount")),
        "design_capacity_mwh": round(design * volts) if design and volts else None,
        "full_charge_capacity_mwh": round(full * volts) if full and volts else None,
    }


def merge_battery(
    power: dict[str, Any] | None, smart: dict[str, Any] | None
) -> dict[str, Any] | None:
    """One ``battery`` item: system_profiler's figures first, ioreg's to fill the gaps."""
    if power is None and smart is None:
        return None
    first, second = power or {}, smart or {}
    keys = ("name", "manufacturer", "serial", "cycle_count")
    battery: dict[str, Any] = {
        k: first.get(k) if first.get(k) is not None else second.get(k) for k in keys
    }
    battery["model"] = None
    battery["chemistry"] = None
    battery["design_capacity_mwh"] = second.get("design_capacity_mwh")
    battery["full_charge_capacity_mwh"] = second.get("full_charge_capacity_mwh")
    health = first.get("health_percent")
    design, full = battery["design_capacity_mwh"], battery["full_charge_capacity_mwh"]
    if health is None and design and full:
        health = round(full * 100 / design, 1)
    battery["health_percent"] = health
    return battery


def collect_batteries(
    host: Host, profiles: ProfileCache | None = None
) -> list[dict[str, Any]] | None:
    """The internal battery (a one-item list), [] on desktops, None when nothing can be read."""
    profile = read_profile(host, profiles)
    power_items = profile.get("SPPowerDataType") if profile else None
    result = host.commands.run(IOREG_BATTERY_ARGV, timeout=15)
    if power_items is None and not result.ok:
        return None
    smart = parse_smart_battery(result.stdout.encode()) if result.ok else None
    power = parse_power_battery(power_items or [])
    battery = merge_battery(power, smart)
    return [battery] if battery is not None else []
