"""LLDP-MIB, CISCO-CDP-MIB, BRIDGE-MIB and Q-BRIDGE-MIB parsers over hand-built varbinds."""

from __future__ import annotations

from collector.adapters.snmp.mibs.bridge import parse_forwarding
from collector.adapters.snmp.mibs.neighbours import parse_cdp, parse_lldp
from collector.adapters.snmp.values import Oid, Value
from collector.adapters.snmp.view import MibView

LOC = (1, 0, 8802, 1, 1, 2, 1, 3, 7, 1)
REM = (1, 0, 8802, 1, 1, 2, 1, 4, 1, 1)
MAN = (1, 0, 8802, 1, 1, 2, 1, 4, 2, 1, 3)
CDP = (1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1)
IF_NAME = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
BASE_PORT = (1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2)
FDB = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1)
Q_FDB = (1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1)
MAC_A = (0, 27, 84, 170, 187, 1)  # 00:1b:54:aa:bb:01
MAC_B = (60, 82, 130, 26, 43, 60)  # 3c:52:82:1a:2b:3c


def test_lldp_neighbours_with_local_port_names_and_addresses() -> None:
    rows: list[tuple[Oid, Value]] = [
        ((*LOC, 2, 3), 5),
        ((*LOC, 3, 3), b"Gi1/0/3"),
        ((*LOC, 4, 3), b"GigabitEthernet1/0/3"),
        ((*LOC, 2, 4), 3),
        ((*LOC, 3, 4), bytes.fromhex("001b54aabb04")),
        ((*LOC, 4, 4), b"port 4"),
        ((*REM, 4, 0, 3, 1), 4),
        ((*REM, 5, 0, 3, 1), bytes.fromhex("3c52821a2b3c")),
        ((*REM, 6, 0, 3, 1), 5),
        ((*REM, 7, 0, 3, 1), b"ge-0/0/1"),
        ((*REM, 9, 0, 3, 1), b"core-jnpr"),
        ((*REM, 10, 0, 3, 1), b"Juniper Networks, Inc. qfx5100"),
        ((*MAN, 0, 3, 1, 1, 4, 192, 0, 2, 7), 2),
        ((*REM, 4, 0, 4, 2), 5),
        ((*REM, 5, 0, 4, 2), bytes([1, 192, 0, 2, 9])),
        ((*REM, 6, 0, 4, 2), 3),
        ((*REM, 7, 0, 4, 2), bytes.fromhex("3c52821a2b40")),
        ((*REM, 9, 0, 4, 2), 77),  # garbage: a number for a name
    ]
    assert parse_lldp(MibView(rows)) == {
        "neighbors": [
            {
                "protocol": "lldp",
                "local_port": "Gi1/0/3",
                "remote_name": "core-jnpr",
                "remote_port": "ge-0/0/1",
                "remote_chassis_id": "3c:52:82:1a:2b:3c",
                "remote_platform": "Juniper Networks, Inc. qfx5100",
                "remote_address": "192.0.2.7",
            },
            {
                "protocol": "lldp",
                "local_port": "port 4",
                "remote_name": None,
                "remote_port": "3c:52:82:1a:2b:40",
                "remote_chassis_id": "192.0.2.9",
                "remote_platform": None,
                "remote_address": None,
            },
        ]
    }


def test_lldp_without_neighbours_is_an_empty_list_and_without_lldp_nothing() -> None:
    assert parse_lldp(MibView([((*LOC, 3, 1), b"eth0")])) == {"neighbors": []}
    assert parse_lldp(MibView([])) == {}


def test_cdp_neighbours_named_through_if_mib() -> None:
    rows: list[tuple[Oid, Value]] = [
        ((*IF_DESCR, 10103), b"GigabitEthernet1/0/3"),
        ((*IF_NAME, 10103), b"Gi1/0/3"),
        ((*CDP, 3, 10103, 5), 1),
        ((*CDP, 4, 10103, 5), bytes([192, 0, 2, 20])),
        ((*CDP, 6, 10103, 5), b"sw-lt2.bpom.local"),
        ((*CDP, 7, 10103, 5), b"GigabitEthernet0/1"),
        ((*CDP, 8, 10103, 5), b"cisco WS-C2960X-24PS-L"),
        ((*CDP, 6, 99, 1), b"phone"),
        ((*CDP, 4, 99, 1), b"\x01\x02"),
    ]
    assert parse_cdp(MibView(rows))["neighbors"] == [
        {
            "protocol": "cdp",
            "local_port": "99",
            "remote_name": "phone",
            "remote_port": None,
            "remote_chassis_id": None,
            "remote_platform": None,
            "remote_address": None,
        },
        {
            "protocol": "cdp",
            "local_port": "Gi1/0/3",
            "remote_name": "sw-lt2.bpom.local",
            "remote_port": "GigabitEthernet0/1",
            "remote_chassis_id": None,
            "remote_platform": "cisco WS-C2960X-24PS-L",
            "remote_address": "192.0.2.20",
        },
    ]
    assert parse_cdp(MibView([])) == {}


def test_q_bridge_entries_learned_only_with_vlan_and_port_names() -> None:
    rows: list[tuple[Oid, Value]] = [
        ((*IF_NAME, 10101), b"Gi1/0/1"),
        ((*BASE_PORT, 1), 10101),
        ((*Q_FDB, 2, 20, *MAC_A), 1),
        ((*Q_FDB, 3, 20, *MAC_A), 3),  # learned
        ((*Q_FDB, 2, 20, *MAC_B), 1),
        ((*Q_FDB, 3, 20, *MAC_B), 4),  # self: the switch's own MAC
        ((*Q_FDB, 2, 30, *MAC_B), 7),  # bridge port 7 has no ifIndex mapping
        ((*Q_FDB, 3, 30, *MAC_B), 3),
        ((*Q_FDB, 3, 40, 0, 0, 0, 0, 0, 0), 3),  # zero MAC: dropped
    ]
    assert parse_forwarding(MibView(rows)) == {
        "forwarding": [
            {"mac": "00:1b:54:aa:bb:01", "port": "Gi1/0/1", "vlan": 20},
            {"mac": "3c:52:82:1a:2b:3c", "port": "7", "vlan": 30},
        ]
    }


def test_plain_bridge_entries_have_no_vlan_and_a_bridge_without_entries_is_empty() -> None:
    rows: list[tuple[Oid, Value]] = [
        ((*IF_DESCR, 3), b"eth3"),
        ((*BASE_PORT, 3), 3),
        ((*FDB, 2, *MAC_B), 3),
        ((*FDB, 3, *MAC_B), 3),
        ((*FDB, 2, *MAC_A), b"garbage"),
        ((*FDB, 3, *MAC_A), 3),
    ]
    assert parse_forwarding(MibView(rows))["forwarding"] == [
        {"mac": "00:1b:54:aa:bb:01", "port": None, "vlan": None},
        {"mac": "3c:52:82:1a:2b:3c", "port": "eth3", "vlan": None},
    ]
    assert parse_forwarding(MibView([((*BASE_PORT, 1), 1)])) == {"forwarding": []}
    assert parse_forwarding(MibView([])) == {}
