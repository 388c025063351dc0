"""Junos ``show system uptime``: seconds between "System booted" and "Current time"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from collector.adapters.ssh.parser import CommandOutput, Fragment


def _moment(row: Mapping[str, Any], prefix: str) -> datetime | None:
    parts = [str(row.get(f"{prefix}{key}", "")) for key in ("year", "month", "day", "time")]
    try:
        return datetime.strptime(" ".join(parts), "%Y %m %d %H:%M:%S")
    except ValueError:
        return None


def parse_junos_uptime(output: CommandOutput) -> Fragment:
    """Uptime from the boot and current times (both in the device's own time zone)."""
    if not output.rows:
        return {}
    row = output.rows[0]
    now, booted = _moment(row, ""), _moment(row, "boot_")
    if now is None or booted is None or booted > now:
        return {}
    return {"status": {"uptime_seconds": int((now - booted).total_seconds())}}
