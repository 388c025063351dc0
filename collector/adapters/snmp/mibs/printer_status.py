"""What a printer says is wrong with it: hrPrinterStatus and hrPrinterDetectedErrorState
(HOST-RESOURCES-MIB, RFC 2790) and the Printer-MIB alert table (RFC 3805 prtAlertTable).

These drive maintenance tickets (a jam, an empty toner, an open cover), so names follow the
MIBs exactly, in snake_case; numbers the MIB tables do not know are kept as "code_<n>".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.adapters.snmp.cells import integer
from collector.adapters.snmp.mibs.printer_codes import (
    ALERT_CODES,
    ALERT_GROUPS,
    ALERT_SEVERITIES,
    PRINTER_ERROR_BITS,
    PRINTER_STATUSES,
    code_name,
    snake_case,
)
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Value
from collector.adapters.snmp.view import MibView

PRINTER_ENTRY = (1, 3, 6, 1, 2, 1, 25, 3, 5, 1)  # hrPrinterEntry
PRINTER_STATUS = (*PRINTER_ENTRY, 1)
PRINTER_ERRORS = (*PRINTER_ENTRY, 2)
ALERT_ENTRY = (1, 3, 6, 1, 2, 1, 43, 18, 1, 1)  # prtAlertEntry
ALERT_COLUMNS = {"severity": 2, "group": 4, "group_index": 5, "code": 7, "description": 8}
MAX_ALERTS = 256  # the schema's limit


def detected_errors(value: Value) -> list[str]:
    """The names of the set bits of hrPrinterDetectedErrorState, bit 0 being the most
    significant bit of the first octet; bits the MIBs do not define are ignored. A value that
    is not an octet string gives no errors."""
    if not isinstance(value, bytes):
        return []
    names = []
    for bit, label in enumerate(PRINTER_ERROR_BITS):
        octet = bit // 8
        if octet < len(value) and value[octet] & (0x80 >> (bit % 8)):
            names.append(snake_case(label))
    return names


def parse_printer_status(view: MibView) -> Fragment:
    """``printer``: status and detected errors of the first printer device, plus every alert
    row; left out when the device has none of these objects."""
    statuses = view.column(PRINTER_STATUS)
    errors = view.column(PRINTER_ERRORS)
    alerts = [_alert(row) for _, row in sorted(view.table(ALERT_ENTRY, ALERT_COLUMNS).items())]
    if not (statuses or errors or alerts):
        return {}
    status = integer(statuses[min(statuses)]) if statuses else None
    return {
        "printer": {
            "status": code_name(status, PRINTER_STATUSES),
            "detected_errors": detected_errors(errors[min(errors)]) if errors else [],
            "alerts": alerts[:MAX_ALERTS],
        }
    }


def _alert(row: Mapping[str, Value]) -> dict[str, Any]:
    group_index = integer(row.get("group_index"))
    return {
        "severity": code_name(integer(row.get("severity")), ALERT_SEVERITIES),
        "group": code_name(integer(row.get("group")), ALERT_GROUPS),
        "group_index": group_index if group_index is not None and group_index >= 0 else None,
        "code": code_name(integer(row.get("code")), ALERT_CODES),
        "description": display_text(row.get("description"), TEXT),
    }


PARSERS: tuple[MibParser, ...] = (
    MibParser(
        "printer_status",
        (PRINTER_STATUS, PRINTER_ERRORS, *((*ALERT_ENTRY, c) for c in ALERT_COLUMNS.values())),
        parse_printer_status,
    ),
)
