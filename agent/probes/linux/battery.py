"""Linux batteries from /sys/class/power_supply: design vs full-charge capacity, cycles."""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from agent.sources.host import Host

_SUPPLIES = "/sys/class/power_supply"


def _number(host: Host, path: str) -> int | None:
    text = host.read_text(path)
    return int(text) if text and text.isdecimal() else None


def _capacity_mwh(host: Host, base: str, kind: str) -> int | None:
    """energy_<kind> (µWh), or charge_<kind> (µAh) times design voltage (µV), in mWh."""
    energy = _number(host, f"{base}/energy_{kind}")
    if energy is not None:
        return energy // 1000
    charge = _number(host, f"{base}/charge_{kind}")
    volts = _number(host, f"{base}/voltage_min_design")
    if charge is None or volts is None:
        return None
    return charge * volts // 10**9


def collect_batteries(host: Host) -> list[dict[str, Any]] | None:
    """System batteries (not those of wireless mice and the like); None when there are none."""
    try:
        names = sorted(p.name for p in host.path(_SUPPLIES).iterdir())
    except OSError:
        return None
    found = [_battery(host, f"{_SUPPLIES}/{name}", name) for name in names]
    batteries = [b for b in found if b is not None]
    return batteries or None


def _battery(host: Host, base: str, name: str) -> dict[str, Any] | None:
    if host.read_text(f"{base}/type") != "Battery" or host.read_text(f"{base}/scope") == "Device":
        return None
    design = _capacity_mwh(host, base, "full_design")
    full = _capacity_mwh(host, base, "full")
    return {
        "name": name,
        "manufacturer": clean_text(host.read_text(f"{base}/manufacturer")),
        "model": clean_text(host.read_text(f"{base}/model_name")),
        "serial": clean_text(host.read_text(f"{base}/serial_number")),
        "chemistry": clean_text(host.read_text(f"{base}/technology")),
        "design_capacity_mwh": design,
        "full_charge_capacity_mwh": full,
        "cycle_count": _number(host, f"{base}/cycle_count"),
        "health_percent": round(100 * full / design, 1) if design and full is not None else None,
    }
