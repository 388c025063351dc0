"""Readings that change every run (uptime, battery charge): sent each time, kept tiny."""

from __future__ import annotations

import time
from typing import Any

from agent.probes.volumes import collect_volume_usage
from agent.sources.host import Host


def collect_status(host: Host) -> dict[str, Any]:
    """Uptime in seconds, volume usage, battery charge and whether the host runs on mains power."""
    status: dict[str, Any] = {
        "uptime_seconds": _uptime(host),
        "volumes": collect_volume_usage(host),
    }
    charge = host.stats.battery()
    if charge is not None:
        status["battery_percent"] = charge.percent
        status["on_ac_power"] = charge.plugged
    return status


def _uptime(host: Host) -> int | None:
    text = host.read_text("/proc/uptime") if host.platform == "linux" else None
    if text:
        try:
            return max(0, int(float(text.split()[0])))
        except (ValueError, IndexError, OverflowError):
            pass
    booted = host.stats.boot_time()
    return max(0, int(time.time() - booted)) if booted else None
