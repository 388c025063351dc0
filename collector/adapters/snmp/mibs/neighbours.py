"""LLDP-MIB (IEEE 802.1AB) and CISCO-CDP-MIB: the devices seen on each local port."""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Any

from collector.adapters.snmp.cells import integer
from collector.adapters.snmp.mibs import port_names
from collector.adapters.snmp.octets import TEXT, display_text, mac_address
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

LLDP_LOC_PORT_ENTRY = (1, 0, 8802, 1, 1, 2, 1, 3, 7, 1)
LLDP_LOC_PORT_COLUMNS = {"id_subtype": 2, "id": 3, "descr": 4}
LLDP_REM_ENTRY = (1, 0, 8802, 1, 1, 2, 1, 4, 1, 1)
LLDP_REM_COLUMNS = {
    "chassis_subtype": 4,
    "chassis": 5,
    "port_subtype": 6,
    "port": 7,
    "port_descr": 8,
    "name": 9,
    "descr": 10,
}
LLDP_REM_MAN_ADDR_IF_SUBTYPE = (1, 0, 8802, 1, 1, 2, 1, 4, 2, 1, 3)
CDP_CACHE_ENTRY = (1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1)
CDP_COLUMNS = {"address_type": 3, "address": 4, "device_id": 6, "port": 7, "platform": 8}
_MAC_SUBTYPES = {"chassis": 4, "port": 3}  # macAddress(4) / macAddress(3)
_NETWORK_ADDRESS = 5  # chassis id subtype networkAddress: IANA family octet + address


def _columns(entry: Oid, columns: dict[str, int]) -> tuple[Oid, ...]:
    return tuple((*entry, n) for n in columns.values())


def parse_lldp(view: MibView) -> Fragment:
    """``neighbors`` from lldpRemTable (protocol "lldp"); present, possibly empty, whenever the
    device serves LLDP-MIB (lldpLocPortTable), so a neighbour that left is seen to leave."""
    local = view.table(LLDP_LOC_PORT_ENTRY, LLDP_LOC_PORT_COLUMNS)
    remote = view.table(LLDP_REM_ENTRY, LLDP_REM_COLUMNS)
    if not local and not remote:
        return {}
    addresses = _lldp_addresses(view)
    neighbours = []
    for index, row in sorted(remote.items()):
        if len(index) != 3:
            continue
        local_port = _local_port(local.get(index[1:2], {}), index[1])
        neighbours.append(_lldp_neighbour(row, local_port, addresses.get(index)))
    return {"neighbors": neighbours}


def _lldp_neighbour(row: dict[str, Value], local_port: str, address: str | None) -> dict[str, Any]:
    return {
        "protocol": "lldp",
        "local_port": local_port,
        "remote_name": display_text(row.get("name")),
        "remote_port": _identifier(row.get("port_subtype"), row.get("port"), "port")
        or display_text(row.get("port_descr")),
        "remote_chassis_id": _identifier(row.get("chassis_subtype"), row.get("chassis"), "chassis"),
        "remote_platform": display_text(row.get("descr"), TEXT),
        "remote_address": address,
    }


def _identifier(subtype: Value, value: Value, kind: str) -> str | None:
    """A chassis or port id: a MAC when the subtype says so, an address, else its text."""
    number = integer(subtype)
    if number == _MAC_SUBTYPES[kind]:
        return mac_address(value)
    if kind == "chassis" and number == _NETWORK_ADDRESS and isinstance(value, bytes):
        return str(IPv4Address(value[1:])) if len(value) == 5 and value[0] == 1 else None
    return display_text(value)


def _local_port(row: dict[str, Value], number: int) -> str:
    """lldpLocPortId when it is a name (interfaceAlias 1, interfaceName 5, local 7), else the
    port description, else the port number."""
    if integer(row.get("id_subtype")) in (1, 5, 7) and (name := display_text(row.get("id"))):
        return name
    return display_text(row.get("descr")) or display_text(row.get("id")) or str(number)


def _lldp_addresses(view: MibView) -> dict[Oid, str]:
    """(time mark, local port, remote index) → the first IPv4 management address."""
    found: dict[Oid, str] = {}
    for index in view.column(LLDP_REM_MAN_ADDR_IF_SUBTYPE):
        key, family, rest = index[:3], index[3:4], index[4:]
        if family == (1,) and len(rest) == 5 and rest[0] == 4 and all(b < 256 for b in rest[1:]):
            found.setdefault(key, str(IPv4Address(bytes(rest[1:]))))
    return found


def parse_cdp(view: MibView) -> Fragment:
    """``neighbors`` from cdpCacheTable (protocol "cdp"), local ports named from IF-MIB;
    absent when the device has no CDP cache."""
    rows = view.table(CDP_CACHE_ENTRY, CDP_COLUMNS)
    if not rows:
        return {}
    names = port_names.port_names(view)
    neighbours = [
        {
            "protocol": "cdp",
            "local_port": names.get(index[0], str(index[0])),
            "remote_name": display_text(row.get("device_id")),
            "remote_port": display_text(row.get("port")),
            "remote_chassis_id": None,
            "remote_platform": display_text(row.get("platform"), TEXT),
            "remote_address": _cdp_address(row.get("address_type"), row.get("address")),
        }
        for index, row in sorted(rows.items())
        if len(index) == 2
    ]
    return {"neighbors": neighbours}


def _cdp_address(kind: Value, address: Value) -> str | None:
    if integer(kind) == 1 and isinstance(address, bytes) and len(address) == 4:  # ip(1)
        return str(IPv4Address(address))
    return None


PARSERS = (
    MibParser(
        "lldp",
        (LLDP_LOC_PORT_ENTRY, LLDP_REM_ENTRY, LLDP_REM_MAN_ADDR_IF_SUBTYPE),
        parse_lldp,
    ),
    MibParser("cdp", _columns(CDP_CACHE_ENTRY, CDP_COLUMNS) + port_names.BASES, parse_cdp),
)
