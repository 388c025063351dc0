"""IF-MIB (RFC 2863) ifTable + ifXTable: the device's ports, and its MACs for identity."""

from __future__ import annotations

from typing import Any

from agent.junk import identity_mac
from collector.adapters.snmp.cells import count, enum_name, status_up
from collector.adapters.snmp.octets import TEXT, display_text, mac_address
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
IF_COLUMNS = {"descr": 2, "type": 3, "speed": 5, "mac": 6, "admin": 7, "oper": 8}
IFX_COLUMNS = {"name": 1, "high_speed": 15, "alias": 18}

# IANAifType-MIB names of the types seen on switches, routers, printers and servers.
IF_TYPES = {
    1: "other",
    6: "ethernetCsmacd",
    7: "iso88023Csmacd",
    23: "ppp",
    24: "softwareLoopback",
    32: "frameRelay",
    37: "atm",
    53: "propVirtual",
    54: "propMultiplexor",
    56: "fibreChannel",
    62: "fastEther",
    69: "fastEtherFX",
    71: "ieee80211",
    94: "adsl",
    104: "hdlc",
    117: "gigabitEthernet",
    131: "tunnel",
    135: "l2vlan",
    136: "l3ipvlan",
    142: "ipForward",
    150: "mplsTunnel",
    161: "ieee8023adLag",
    166: "mpls",
    209: "bridge",
    243: "wwanPP",
    244: "wwanPP2",
}
# Interfaces with a burnt-in MAC of their own: what identifies the hardware.
PHYSICAL_TYPES = frozenset({6, 7, 62, 69, 71, 117})
_UNKNOWN_SPEED = 4_294_967_295  # ifSpeed's "faster than a Gauge32" value


def _bases() -> tuple[Oid, ...]:
    return tuple(
        [(*IF_ENTRY, number) for number in IF_COLUMNS.values()]
        + [(*IFX_ENTRY, number) for number in IFX_COLUMNS.values()]
    )


def parse_interfaces(view: MibView) -> Fragment:
    """``ports`` (one per ifIndex, in index order) and identity.mac_addresses.

    Absent when the device has no ifTable. Identity MACs come from physical Ethernet/Wi-Fi
    ports (or ports of unknown type) and exclude zero, broadcast and locally administered ones.
    """
    rows = _rows(view)
    if not rows:
        return {}
    ports, macs = [], []
    for index, row in sorted(rows.items()):
        port = _port(index, row)
        ports.append(port)
        mac = identity_mac(port["mac"])
        if mac and _physical(row.get("type")):
            macs.append(mac)
    return {"ports": ports, "identity": {"mac_addresses": list(dict.fromkeys(macs))}}


def _rows(view: MibView) -> dict[int, dict[str, Value]]:
    rows: dict[int, dict[str, Value]] = {}
    for entry, columns in ((IF_ENTRY, IF_COLUMNS), (IFX_ENTRY, IFX_COLUMNS)):
        for index, row in view.table(entry, columns).items():
            if len(index) == 1:
                rows.setdefault(index[0], {}).update(row)
    return rows


def _port(index: int, row: dict[str, Value]) -> dict[str, Any]:
    name = display_text(row.get("name")) or display_text(row.get("descr")) or f"if{index}"
    return {
        "index": index,
        "name": name,
        "description": display_text(row.get("alias"), TEXT),
        "mac": mac_address(row.get("mac")),
        "speed_mbps": port_speed(row.get("high_speed"), row.get("speed")),
        "admin_up": status_up(row.get("admin")),
        "oper_up": status_up(row.get("oper")),
        "type": enum_name(row.get("type"), IF_TYPES),
    }


def port_speed(high_speed: Value, speed: Value) -> int | None:
    """Mbit/s: ifHighSpeed (already Mbit/s) when positive, else ifSpeed (bit/s); None if
    neither says anything (0, the Gauge32 ceiling, or garbage)."""
    high = count(high_speed)
    if high:
        return high
    bits = count(speed)
    if not bits or bits >= _UNKNOWN_SPEED:
        return None
    return bits // 1_000_000


def _physical(if_type: Value) -> bool:
    return if_type is None or if_type in PHYSICAL_TYPES


PARSERS = (MibParser("interfaces", _bases(), parse_interfaces),)
