"""ENTITY-MIB (RFC 6933) entPhysicalTable: the device's physical components, and its chassis."""

from __future__ import annotations

from typing import Any

from agent.junk import clean_text
from collector.adapters.snmp.cells import count, enum_name, truth
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Value
from collector.adapters.snmp.view import MibView

PHYSICAL_ENTRY = (1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1)
COLUMNS = {
    "description": 2,
    "contained_in": 4,
    "class": 5,
    "name": 7,
    "hardware_revision": 8,
    "firmware_revision": 9,
    "software_revision": 10,
    "serial": 11,
    "manufacturer": 12,
    "model": 13,
    "field_replaceable": 16,
}
CLASSES = {
    1: "other",
    2: "unknown",
    3: "chassis",
    4: "backplane",
    5: "container",
    6: "power_supply",
    7: "fan",
    8: "sensor",
    9: "module",
    10: "port",
    11: "stack",
    12: "cpu",
    13: "energy_object",
    14: "battery",
    15: "storage_drive",
}


def parse_entity(view: MibView) -> Fragment:
    """``modules`` (one per entPhysicalIndex) and, from the first chassis, device serial, model,
    hardware revision and firmware (software revision, else firmware revision).

    Absent when the device has no entPhysicalTable. Vendor parsers and profile fields run later
    and win where they know better.
    """
    rows = {index[0]: row for index, row in _table(view).items() if len(index) == 1}
    if not rows:
        return {}
    modules = [_module(index, row) for index, row in sorted(rows.items())]
    chassis = next((m for m in modules if m["class"] == "chassis"), None)
    fragment: Fragment = {"modules": modules}
    if chassis is not None:
        fragment["device"] = {
            "serial": chassis["serial"],
            "model": chassis["model"],
            "hardware_revision": chassis["hardware_revision"],
            "firmware": chassis["software_revision"] or chassis["firmware_revision"],
        }
    return fragment


def _table(view: MibView) -> dict[tuple[int, ...], dict[str, Value]]:
    return view.table(PHYSICAL_ENTRY, COLUMNS)


def _module(index: int, row: dict[str, Value]) -> dict[str, Any]:
    parent = count(row.get("contained_in"))
    return {
        "index": index,
        "parent": parent or None,
        "class": enum_name(row.get("class"), CLASSES) or "unknown",
        "name": display_text(row.get("name")),
        "description": display_text(row.get("description"), TEXT),
        "model": clean_text(display_text(row.get("model"))),
        "serial": clean_text(display_text(row.get("serial"))),
        "manufacturer": clean_text(display_text(row.get("manufacturer"))),
        "hardware_revision": clean_text(display_text(row.get("hardware_revision"))),
        "firmware_revision": clean_text(display_text(row.get("firmware_revision"))),
        "software_revision": clean_text(display_text(row.get("software_revision"))),
        "field_replaceable": truth(row.get("field_replaceable")),
    }


# The whole entry in one walk: one round trip on the many devices without ENTITY-MIB.
PARSERS = (MibParser("entity", (PHYSICAL_ENTRY,), parse_entity),)
