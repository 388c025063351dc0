"""Printer-MIB (RFC 3805): consumables, paper trays, the page counter and the printer's serial.

Supplies come from prtMarkerSuppliesTable; each gets its colour from prtMarkerColorantTable
when the supply names a colorant, else from a colour word in its description. Paper trays
(prtInputTable) are listed among the supplies too, with type "input": paper runs out like toner
does, and LibreNMS lists them the same way, so an operator sees one list of what to refill.

Levels follow the MIB's special values: a maximum of -1 (other) or -2 (unknown) leaves the
percentage unknown; a level of -1 (other) or -2 (unknown) is no level at all; a level of -3
means "some remaining, amount unknown" and is kept as -3 (so a rule can say so) with no
percentage. The status, error bits and alerts of the printer are in ``printer_status``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent.junk import clean_text
from collector.adapters.snmp.cells import count, integer
from collector.adapters.snmp.mibs.printer_codes import SUPPLY_TYPES, code_name
from collector.adapters.snmp.mibs.printer_status import PARSERS as STATUS_PARSERS
from collector.adapters.snmp.mibs.vendor_printer import PARSERS as VENDOR_PARSERS
from collector.adapters.snmp.octets import display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

PRINTER_MIB = (1, 3, 6, 1, 2, 1, 43)
GENERAL_SERIAL = (*PRINTER_MIB, 5, 1, 1, 17)  # prtGeneralSerialNumber
INPUT_ENTRY = (*PRINTER_MIB, 8, 2, 1)  # prtInputEntry
MARKER_ENTRY = (*PRINTER_MIB, 10, 2, 1)  # prtMarkerEntry
SUPPLIES_ENTRY = (*PRINTER_MIB, 11, 1, 1)  # prtMarkerSuppliesEntry
COLORANT_ENTRY = (*PRINTER_MIB, 12, 1, 1)  # prtMarkerColorantEntry

DEVICE_ENTRY = (1, 3, 6, 1, 2, 1, 25, 3, 2, 1)  # hrDeviceEntry (HOST-RESOURCES-MIB)
DEVICE_TYPE = (*DEVICE_ENTRY, 2)
DEVICE_DESCR = (*DEVICE_ENTRY, 3)
DEVICE_PRINTER = (1, 3, 6, 1, 2, 1, 25, 3, 1, 5)  # hrDevicePrinter

SUPPLY_COLUMNS = {"colorant": 3, "type": 5, "description": 6, "max": 8, "level": 9}
INPUT_COLUMNS = {"max": 9, "level": 10, "name": 13, "description": 18}
COLORANT_VALUE = 4
MARKER_COUNTER_UNIT = 3
MARKER_LIFE_COUNT = 4

SOME_REMAINING = -3  # prtMarkerSuppliesLevel / prtInputCurrentLevel "at least one unit"
MAX_SUPPLIES = 256  # the schema's limit
# prtMarkerCounterUnit values that count pages: impressions(7), sheets(8). A life count in
# meters or hours is no page count.
PAGE_UNITS = frozenset({7, 8})

_COLOUR_WORD = re.compile(
    r"\b(photo black|matte black|light cyan|light magenta|light black|light gr[ae]y"
    r"|black|cyan|magenta|yellow|red|green|blue|gr[ae]y)\b",
    re.IGNORECASE,
)
_NO_COLOUR = frozenset({"other", "unknown", "none"})
# hrDeviceDescr of a printer starts with the maker's name ("HP Color LaserJet Pro M252dw");
# the document has the vendor apart, so the model is what follows it.
_MAKER_PREFIX = re.compile(
    r"^(?:hewlett-packard|hp|brother|canon|epson|konica minolta|ricoh|samsung|sharp"
    r"|fuji xerox|fujifilm|xerox|kyocera|lexmark|oki|dell|toshiba|pantum)\s+",
    re.IGNORECASE,
)


def supply_level(level_value: Value, max_value: Value) -> dict[str, int | float | None]:
    """level, max_capacity and level_percent (to 1 decimal) under the MIB's special values.

    Negative maxima are unknown (max_capacity None); levels -1/-2 are None, -3 stays -3; the
    percentage needs a known level and a positive maximum.
    """
    level = integer(level_value)
    maximum = integer(max_value)
    if level is not None and level < 0 and level != SOME_REMAINING:
        level = None
    if maximum is not None and maximum < 0:
        maximum = None
    percent = None
    if level is not None and level >= 0 and maximum:
        percent = round(level * 100 / maximum, 1)
    return {"level_percent": percent, "level": level, "max_capacity": maximum}


def colour_from_description(description: str | None) -> str | None:
    """The first colour word of a supply description ("Toner (Cyan)" -> "cyan"), else None."""
    match = _COLOUR_WORD.search(description or "")
    return match.group(1).lower() if match else None


def parse_supplies(view: MibView) -> Fragment:
    """``supplies``: marker supplies in index order, then paper trays; empty when the printer
    has neither table (the section is then left out)."""
    colorants = view.column((*COLORANT_ENTRY, COLORANT_VALUE))
    supplies = [
        _marker_supply(index, row, colorants)
        for index, row in sorted(view.table(SUPPLIES_ENTRY, SUPPLY_COLUMNS).items())
    ]
    supplies += [
        _tray(index, row) for index, row in sorted(view.table(INPUT_ENTRY, INPUT_COLUMNS).items())
    ]
    return {"supplies": supplies[:MAX_SUPPLIES]} if supplies else {}


def _marker_supply(
    index: Oid, row: Mapping[str, Value], colorants: Mapping[Oid, Value]
) -> dict[str, Any]:
    kind = code_name(integer(row.get("type")), SUPPLY_TYPES)
    description = display_text(row.get("description"))
    return {
        "description": description or kind or f"supply {_last(index)}",
        "type": kind,
        "color": _colorant(index, row.get("colorant"), colorants)
        or colour_from_description(description),
        **supply_level(row.get("level"), row.get("max")),
    }


def _colorant(index: Oid, colorant: Value, colorants: Mapping[Oid, Value]) -> str | None:
    """The prtMarkerColorantValue the supply points at (same hrDeviceIndex), lower-cased."""
    number = integer(colorant)
    if not number or number < 0 or len(index) < 2:
        return None
    text = display_text(colorants.get((*index[:-1], number)))
    return None if text is None or text.lower() in _NO_COLOUR else text.lower()


def _tray(index: Oid, row: Mapping[str, Value]) -> dict[str, Any]:
    name = display_text(row.get("name")) or display_text(row.get("description"))
    return {
        "description": name or f"tray {_last(index)}",
        "type": "input",
        "color": None,
        **supply_level(row.get("level"), row.get("max")),
    }


def _last(index: Oid) -> int:
    return index[-1] if index else 0


def parse_general(view: MibView) -> Fragment:
    """device.model from the printer's hrDeviceDescr (maker's name taken off), device.serial
    from prtGeneralSerialNumber and device.page_count from the first marker's
    prtMarkerLifeCount (only when it counts impressions or sheets)."""
    serials = [clean_text(display_text(v)) for _, v in sorted(view.column(GENERAL_SERIAL).items())]
    device = {
        "model": printer_model(view),
        "serial": next((s for s in serials if s), None),
        "page_count": _page_count(view),
    }
    return {"device": device} if any(v is not None for v in device.values()) else {}


def printer_model(view: MibView) -> str | None:
    """The hrDeviceDescr of the first device whose hrDeviceType is hrDevicePrinter, without
    the maker's name; None when the device table has no printer."""
    types = view.column(DEVICE_TYPE)
    printers = sorted(index for index, kind in types.items() if kind == DEVICE_PRINTER)
    if not printers:
        return None
    text = clean_text(display_text(view.scalar((*DEVICE_DESCR, *printers[0]))))
    return clean_text(_MAKER_PREFIX.sub("", text)) if text else None


def _page_count(view: MibView) -> int | None:
    counts = view.column((*MARKER_ENTRY, MARKER_LIFE_COUNT))
    if not counts:
        return None
    first = min(counts)
    unit = integer(view.scalar((*MARKER_ENTRY, MARKER_COUNTER_UNIT, *first)))
    return count(counts[first]) if unit is None or unit in PAGE_UNITS else None


# Every printer parser, status and vendor quirks included, for the parser catalogue.
PARSERS: tuple[MibParser, ...] = (
    MibParser(
        "printer_supplies",
        (
            *((*SUPPLIES_ENTRY, column) for column in SUPPLY_COLUMNS.values()),
            (*COLORANT_ENTRY, COLORANT_VALUE),
            *((*INPUT_ENTRY, column) for column in INPUT_COLUMNS.values()),
        ),
        parse_supplies,
    ),
    MibParser(
        "printer_general",
        (
            DEVICE_TYPE,
            DEVICE_DESCR,
            GENERAL_SERIAL,
            (*MARKER_ENTRY, MARKER_COUNTER_UNIT),
            (*MARKER_ENTRY, MARKER_LIFE_COUNT),
        ),
        parse_general,
    ),
    *STATUS_PARSERS,
    *VENDOR_PARSERS,
)
