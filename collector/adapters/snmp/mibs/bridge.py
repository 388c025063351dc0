"""BRIDGE-MIB (RFC 4188) and Q-BRIDGE-MIB (RFC 4363): the MAC addresses learned on each port."""

from __future__ import annotations

from typing import Any

from collector.adapters.snmp.cells import integer
from collector.adapters.snmp.mibs import port_names
from collector.adapters.snmp.octets import mac_address
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

BASE_PORT_IF_INDEX = (1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2)
TP_FDB_ENTRY = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1)
Q_TP_FDB_ENTRY = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1)
VLAN_FDB_ID = (1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 3)  # dot1qVlanFdbId, index (time mark, vlan)
FDB_COLUMNS = {"port": 2, "status": 3}
LEARNED = 3  # dot1dTpFdbStatus / dot1qTpFdbStatus learned(3)


def parse_forwarding(view: MibView) -> Fragment:
    """``forwarding``: learned entries of dot1qTpFdbTable (with their VLAN) or, on bridges
    without Q-BRIDGE, of dot1dTpFdbTable. Ports are named through dot1dBasePortIfIndex and
    IF-MIB. Present, possibly empty, whenever the device is a bridge (dot1dBasePortTable)."""
    bridge_ports = {
        index[0]: number
        for index, value in view.column(BASE_PORT_IF_INDEX).items()
        if len(index) == 1 and (number := integer(value)) is not None
    }
    q_rows = view.table(Q_TP_FDB_ENTRY, FDB_COLUMNS)
    rows = q_rows or view.table(TP_FDB_ENTRY, FDB_COLUMNS)
    if not bridge_ports and not rows:
        return {}
    names = port_names.port_names(view)
    vlans = _vlans_by_fdb(view)
    entries = []
    for index, row in sorted(rows.items()):
        fdb, mac_oid = (index[0], index[1:]) if q_rows else (None, index)
        entry = _entry(mac_oid, row.get("port"), row.get("status"), bridge_ports, names)
        if entry is not None:
            entry["vlan"] = None if fdb is None else vlans.get(fdb, fdb if 0 < fdb < 4095 else None)
            entries.append(entry)
    return {"forwarding": entries}


def _entry(
    mac_oid: Oid,
    port: Value,
    status: Value,
    bridge_ports: dict[int, int],
    names: dict[int, str],
) -> dict[str, Any] | None:
    if integer(status) != LEARNED or len(mac_oid) != 6 or any(b > 255 for b in mac_oid):
        return None
    mac = mac_address(bytes(mac_oid))
    if mac is None:
        return None
    number = integer(port)
    if_index = bridge_ports.get(number) if number is not None else None
    name = names.get(if_index) if if_index is not None else None
    return {"mac": mac, "port": name or (str(number) if number else None)}


def _vlans_by_fdb(view: MibView) -> dict[int, int]:
    """Filtering database id → VLAN id, where the device maps them (often they are equal)."""
    mapping: dict[int, int] = {}
    for index, value in view.column(VLAN_FDB_ID).items():
        fdb = integer(value)
        if fdb is not None and len(index) == 2 and 0 < index[1] < 4095:
            mapping.setdefault(fdb, index[1])
    return mapping


PARSERS = (
    MibParser(
        "forwarding",
        (
            BASE_PORT_IF_INDEX,
            *((*TP_FDB_ENTRY, n) for n in FDB_COLUMNS.values()),
            *((*Q_TP_FDB_ENTRY, n) for n in FDB_COLUMNS.values()),
            VLAN_FDB_ID,
            *port_names.BASES,
        ),
        parse_forwarding,
    ),
)
