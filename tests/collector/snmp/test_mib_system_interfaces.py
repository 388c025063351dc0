"""SNMPv2-MIB system group and IF-MIB parsers over hand-built varbinds."""

from __future__ import annotations

from collector.adapters.snmp.mibs.interfaces import parse_interfaces, port_speed
from collector.adapters.snmp.mibs.system import parse_system
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
IF = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)


def _view(*rows: tuple[Oid, Value]) -> MibView:
    return MibView(rows)


def test_system_group() -> None:
    view = _view(
        ((*SYSTEM, 1, 0), b"Cisco IOS Software, C2960X Software\r\nCopyright (c) 1986\x00"),
        ((*SYSTEM, 2, 0), (1, 3, 6, 1, 4, 1, 9, 1, 1208)),
        ((*SYSTEM, 3, 0), 718475737),
        ((*SYSTEM, 4, 0), b""),
        ((*SYSTEM, 5, 0), b"sw-core-01"),
        ((*SYSTEM, 6, 0), b"Lantai 2, Ruang Server"),
    )
    assert parse_system(view) == {
        "identity": {"hostname": "sw-core-01", "sys_object_id": "1.3.6.1.4.1.9.1.1208"},
        "device": {
            "description": "Cisco IOS Software, C2960X Software Copyright (c) 1986",
            "location": "Lantai 2, Ruang Server",
            "contact": None,
        },
        "status": {"uptime_seconds": 7184757},
    }


def test_system_group_with_garbage_types_gives_nones() -> None:
    view = _view(
        ((*SYSTEM, 1, 0), 12),
        ((*SYSTEM, 2, 0), b"1.3.6.1.4.1.9"),
        ((*SYSTEM, 3, 0), b"yesterday"),
        ((*SYSTEM, 5, 0), b"unknown"),
    )
    fragment = parse_system(view)
    assert fragment["identity"] == {"hostname": None, "sys_object_id": None}
    assert fragment["device"]["description"] is None
    assert fragment["status"] == {"uptime_seconds": None}


def test_interfaces_prefer_if_name_and_high_speed() -> None:
    view = _view(
        ((*IF, 2, 10101), b"GigabitEthernet1/0/1"),
        ((*IF, 3, 10101), 6),
        ((*IF, 5, 10101), 1_000_000_000),
        ((*IF, 6, 10101), bytes.fromhex("001b54aabb01")),
        ((*IF, 7, 10101), 1),
        ((*IF, 8, 10101), 1),
        ((*IFX, 1, 10101), b"Gi1/0/1"),
        ((*IFX, 15, 10101), 1000),
        ((*IFX, 18, 10101), b"Ruang Server"),
        ((*IF, 2, 1), b"Vlan1"),
        ((*IF, 3, 1), 53),
        ((*IF, 5, 1), 4_294_967_295),
        ((*IF, 6, 1), bytes.fromhex("001b54aabb02")),
        ((*IF, 7, 1), 2),
        ((*IF, 8, 1), 7),
    )
    fragment = parse_interfaces(view)
    assert fragment["ports"] == [
        {
            "index": 1,
            "name": "Vlan1",
            "description": None,
            "mac": "00:1b:54:aa:bb:02",
            "speed_mbps": None,
            "admin_up": False,
            "oper_up": False,
            "type": "propVirtual",
        },
        {
            "index": 10101,
            "name": "Gi1/0/1",
            "description": "Ruang Server",
            "mac": "00:1b:54:aa:bb:01",
            "speed_mbps": 1000,
            "admin_up": True,
            "oper_up": True,
            "type": "ethernetCsmacd",
        },
    ]
    # only the physical Ethernet port's MAC identifies the device
    assert fragment["identity"] == {"mac_addresses": ["00:1b:54:aa:bb:01"]}


def test_identity_macs_drop_junk_and_locally_administered_and_duplicates() -> None:
    view = _view(
        ((*IF, 3, 1), 6),
        ((*IF, 6, 1), bytes(6)),
        ((*IF, 3, 2), 6),
        ((*IF, 6, 2), bytes.fromhex("02005e001122")),  # locally administered
        ((*IF, 3, 3), 6),
        ((*IF, 6, 3), bytes.fromhex("3c52821a2b3c")),
        ((*IF, 6, 4), bytes.fromhex("3c52821a2b3c")),  # type not reported: still counted
    )
    fragment = parse_interfaces(view)
    assert fragment["identity"]["mac_addresses"] == ["3c:52:82:1a:2b:3c"]
    assert [p["name"] for p in fragment["ports"]] == ["if1", "if2", "if3", "if4"]
    assert fragment["ports"][0]["mac"] is None


def test_interfaces_skip_garbage_values() -> None:
    view = _view(
        ((*IF, 2, 7), b"eth0"),
        ((*IF, 3, 7), b"ethernet"),
        ((*IF, 5, 7), b"fast"),
        ((*IF, 6, 7), 42),
        ((*IF, 7, 7), (1, 3)),
        ((*IF, 8, 7), -5),
        ((*IF, 2, 7, 1), b"index with two sub-ids is not an ifIndex"),
    )
    assert parse_interfaces(view)["ports"] == [
        {
            "index": 7,
            "name": "eth0",
            "description": None,
            "mac": None,
            "speed_mbps": None,
            "admin_up": None,
            "oper_up": None,
            "type": None,
        }
    ]


def test_no_if_table_means_no_ports_section() -> None:
    assert parse_interfaces(_view(((*SYSTEM, 5, 0), b"x"))) == {}


def test_port_speed_fallbacks() -> None:
    assert port_speed(10_000, 4_294_967_295) == 10_000
    assert port_speed(0, 100_000_000) == 100
    assert port_speed(None, 64_000) == 0
    assert port_speed(0, 0) is None
    assert port_speed(None, None) is None
    assert port_speed(-1, b"100") is None
