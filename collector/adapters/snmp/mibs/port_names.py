"""ifIndex → port name (ifName, else ifDescr), for tables that point at interfaces by index."""

from __future__ import annotations

from collector.adapters.snmp.octets import display_text
from collector.adapters.snmp.values import Oid
from collector.adapters.snmp.view import MibView

IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
BASES: tuple[Oid, ...] = (IF_DESCR, IF_NAME)


def port_names(view: MibView) -> dict[int, str]:
    """The name of each interface by ifIndex: ifName where set, else ifDescr."""
    names: dict[int, str] = {}
    for column in (IF_DESCR, IF_NAME):
        for index, value in view.column(column).items():
            text = display_text(value)
            if len(index) == 1 and text:
                names[index[0]] = text
    return names
