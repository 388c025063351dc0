"""Every CLI parser a profile may name, built on request (nothing at import time)."""

from __future__ import annotations

from collector.adapters.ssh.fields import parse_fields, parse_fortios_status
from collector.adapters.ssh.inventory import (
    parse_huawei_device,
    parse_inventory,
    parse_junos_chassis,
)
from collector.adapters.ssh.junos import parse_junos_uptime
from collector.adapters.ssh.parser import CliParser
from collector.adapters.ssh.ports import parse_interfaces_status


def cli_parsers() -> dict[str, CliParser]:
    """Parser name → parser."""
    parsers = (
        CliParser("fields", True, parse_fields),
        CliParser("fortios_status", True, parse_fortios_status),
        CliParser("inventory", True, parse_inventory),
        CliParser("huawei_device", True, parse_huawei_device),
        CliParser("junos_chassis", True, parse_junos_chassis),
        CliParser("junos_uptime", True, parse_junos_uptime),
        CliParser("interfaces_status", True, parse_interfaces_status),
    )
    return {parser.name: parser for parser in parsers}
