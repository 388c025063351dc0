"""Vendor quirks read from sysDescr, with the sysDescr texts these devices really send."""

from __future__ import annotations

import pytest

from collector.adapters.snmp.mibs.system import SYS_DESCR
from collector.adapters.snmp.mibs.vendor_network import PARSERS
from collector.adapters.snmp.view import MibView

BY_NAME = {parser.name: parser for parser in PARSERS}


@pytest.mark.parametrize(
    ("parser", "sys_descr", "expected"),
    [
        (
            "cisco_version",
            b"Cisco IOS Software, C3750 Software (C3750-IPBASE-M), Version "
            b"12.2(50)SE5, RELEASE SOFTWARE (fc1)",
            {"firmware": "12.2(50)SE5"},
        ),
        (
            "cisco_version",
            b"Cisco NX-OS(tm) nxos.7.0.3.I7.8.bin, Software (nxos), Version "
            b"7.0(3)I7(8), RELEASE SOFTWARE",
            {"firmware": "7.0(3)I7(8)"},
        ),
        (
            "juniper_version",
            b"Juniper Networks, Inc. qfx5100-48s-6q Ethernet Switch, kernel "
            b"JUNOS 14.1X53-D40.8, Build date: 2016-11-09",
            {"firmware": "14.1X53-D40.8"},
        ),
        ("mikrotik_board", b"RouterOS RB750Gr3", {"model": "RB750Gr3"}),
        (
            "huawei_model",
            b"S5720-56C-PWR-EI-AC\nHuawei Versatile Routing Platform Software \r\n",
            {"model": "S5720-56C-PWR-EI-AC"},
        ),
        (
            "huawei_version",
            b"VRP (R) software,Version 5.170 (S5720 V200R010C00SPC600) \r\n",
            {"firmware": "5.170 (S5720 V200R010C00SPC600)"},
        ),
        (
            "linux_kernel",
            b"Linux web01 4.18.0-259.el8.x86_64 #1 SMP Mon Dec 21 x86_64",
            {"firmware": "4.18.0-259.el8.x86_64"},
        ),
        (
            "windows_version",
            b"Hardware: Intel64 Family 6 - Software: Windows Version 6.3 "
            b"(Build 17763 Multiprocessor Free)",
            {"firmware": "6.3.17763"},
        ),
    ],
)
def test_sysdescr_quirks(parser: str, sys_descr: bytes, expected: dict[str, str]) -> None:
    assert BY_NAME[parser].parse(MibView([(SYS_DESCR, sys_descr)])) == {"device": expected}


@pytest.mark.parametrize("parser", sorted(BY_NAME))
def test_quirks_say_nothing_about_other_devices(parser: str) -> None:
    assert BY_NAME[parser].parse(MibView([(SYS_DESCR, b"Huawei box, no version here")])) == {}
    assert BY_NAME[parser].parse(MibView([(SYS_DESCR, 42)])) == {}
    assert BY_NAME[parser].parse(MibView([])) == {}
