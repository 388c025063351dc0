"""Placeholder: ups parsers (being written)."""

from collector.adapters.snmp.parser import MibParser

PARSERS: tuple[MibParser, ...] = ()
