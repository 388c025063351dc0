"""Vendor quirks of network gear and servers: facts the standard MIBs leave empty or get wrong.

Most vendor facts are single instances and live in the profiles' ``[fields]`` (Juniper
jnxBoxSerialNo, MikroTik mtxrSerialNumber, TP-Link tpSysInfo*, HPE hpHttpMgSerialNumber,
Fortinet fgSysVersion). What needs a pattern is here, one small named parser each, most of
them reading sysDescr, where these vendors put the software version.
"""

from __future__ import annotations

import re

from collector.adapters.snmp.mibs.system import SYS_DESCR
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.view import MibView


def sysdescr_parser(name: str, field: str, pattern: str, template: str = "{0}") -> MibParser:
    """A parser setting one device field to template filled with the groups of pattern
    searched in sysDescr (nothing when sysDescr is absent or does not match)."""
    compiled = re.compile(pattern)

    def parse(view: MibView) -> Fragment:
        text = display_text(view.scalar(SYS_DESCR), TEXT)
        found = compiled.search(text) if text else None
        return {"device": {field: template.format(*found.groups())}} if found else {}

    return MibParser(name, (SYS_DESCR,), parse)


PARSERS = (
    # "Cisco IOS Software, C2960X Software (...), Version 15.0(2a)EX5, RELEASE SOFTWARE";
    # IOS-XE and NX-OS say "Version 16.6.7," / "Version 7.0(3)I7(8)," the same way.
    sysdescr_parser("cisco_version", "firmware", r"\bVersion ([0-9][0-9A-Za-z.()]*)"),
    # "Juniper Networks, Inc. qfx5100-48s-6q Ethernet Switch, kernel JUNOS 14.1X53-D40.8, ..."
    sysdescr_parser("juniper_version", "firmware", r"\bJUNOS ([0-9][0-9A-Za-z.\-]*)"),
    # "RouterOS RB750Gr3": the board, where mtxrBoardName is not served.
    sysdescr_parser("mikrotik_board", "model", r"^RouterOS (\S+)"),
    # "S5720-56C-PWR-EI-AC\nHuawei Versatile Routing Platform Software ... Version 5.170
    # (S5720 V200R010C00SPC600)": the model is the first line, the version in the VRP line.
    sysdescr_parser("huawei_model", "model", r"^(?!Huawei)(\S+) Huawei Versatile Routing"),
    sysdescr_parser("huawei_version", "firmware", r"\bVersion ([0-9.]+ \([^)]*\))"),
    # "Linux host 4.18.0-259.el8.x86_64 #1 SMP ...": the running kernel.
    sysdescr_parser("linux_kernel", "firmware", r"^Linux \S+ (\S+)"),
    # "... Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)"
    sysdescr_parser(
        "windows_version", "firmware", r"Windows Version ([0-9.]+) \(Build ([0-9]+)", "{0}.{1}"
    ),
)
