"""Switch ports from ``show interfaces status`` (Cisco IOS/IOS-XE): the ``ports`` section.

One row per port: ``Port Name Status Vlan Duplex Speed Type``. The Status column is the
device's own word (connected, notconnect, disabled, err-disabled, monitoring, ...), kept as
``status`` and read into admin/oper state where its meaning is plain; the Vlan column is an
access VLAN number or a mode (trunk, routed); Duplex and Speed carry an ``a-`` prefix when
negotiated (``a-full``, ``a-1000``) and read ``auto`` while nothing is negotiated yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from collector.adapters.ssh.fields import first_text
from collector.adapters.ssh.parser import CommandOutput, Fragment

MAX_PORTS = 4096
# Status word -> (admin_up, oper_up); a word not listed leaves both unknown.
_STATES = {
    "connected": (True, True),
    "notconnect": (True, False),
    "disabled": (False, False),
    "err-disabled": (True, False),
    "suspended": (True, False),
    "inactive": (True, False),
    "sfpabsent": (True, False),
    "xcvrabsen": (True, False),
}
_MODES = {"trunk": "trunk", "routed": "routed"}
_SPEED = re.compile(r"^(?:a-)?(?P<number>\d+(?:\.\d+)?)(?P<unit>[GM]?)$", re.IGNORECASE)
_NO_TYPE = frozenset({"not present", "--"})


def port_speed_mbps(text: str | None) -> int | None:
    """``a-1000`` / ``100`` / ``10G`` / ``a-2.5G`` in Mbit/s; None for ``auto`` and the like."""
    match = _SPEED.match((text or "").strip())
    if match is None:
        return None
    number = float(match["number"]) * (1000 if match["unit"].upper() == "G" else 1)
    return int(number) if 0 < number < 10**7 else None


def port_duplex(text: str | None) -> str | None:
    """``full`` or ``half`` (negotiated or set); None while nothing is negotiated."""
    word = (text or "").strip().lower().removeprefix("a-")
    return word if word in ("full", "half") else None


def vlan_and_mode(text: str | None) -> tuple[int | None, str | None]:
    """An access VLAN number (mode ``access``), or the mode a word names (trunk, routed)."""
    word = (text or "").strip().lower()
    if word.isdecimal() and 1 <= int(word) <= 4094:
        return int(word), "access"
    return None, _MODES.get(word)


def _column(row: Mapping[str, Any], key: str) -> str:
    """A column's text as printed ('' when absent). Not cleaned of placeholders: a VLAN "1"
    or a speed "10" is a value here, not junk."""
    value = row.get(key)
    return value.strip()[:256] if isinstance(value, str) else ""


def _port(row: Mapping[str, Any]) -> Fragment | None:
    name = _column(row, "port")
    if not name:
        return None
    status = _column(row, "status").split(":", 1)[0].strip() or None
    admin_up, oper_up = _STATES.get((status or "").lower(), (None, None))
    vlan, mode = vlan_and_mode(_column(row, "vlan_id"))
    kind = first_text(row.get("type"))
    return {
        "name": name,
        "description": first_text(row.get("name")),
        "status": status,
        "admin_up": admin_up,
        "oper_up": oper_up,
        "vlan": vlan,
        "mode": mode,
        "duplex": port_duplex(_column(row, "duplex")),
        "speed_mbps": port_speed_mbps(_column(row, "speed")),
        "type": kind if kind and kind.lower() not in _NO_TYPE else None,
    }


def parse_interfaces_status(output: CommandOutput) -> Fragment:
    """``ports``: one per row the template found, in the device's order."""
    ports = [port for port in map(_port, output.rows[:MAX_PORTS]) if port is not None]
    return {"ports": ports} if ports else {}
