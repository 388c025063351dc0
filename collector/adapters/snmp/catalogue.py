"""The parser catalogue: every MibParser the profiles may name, by name.

Built by a function from the ``PARSERS`` of each MIB module (no registry at import time);
``load_profiles`` checks profile files against it.
"""

from __future__ import annotations

from collections.abc import Iterable

from collector.adapters.snmp.mibs import (
    bridge,
    entity,
    host_resources,
    interfaces,
    neighbours,
    printer,
    system,
    ups,
    vendor_network,
)
from collector.adapters.snmp.parser import MibParser

MODULES = (
    system,
    interfaces,
    entity,
    host_resources,
    neighbours,
    bridge,
    vendor_network,
    printer,
    ups,
)


def parser_catalogue(groups: Iterable[tuple[MibParser, ...]] | None = None) -> dict[str, MibParser]:
    """Name → parser over the given PARSERS tuples (default: every MIB module's).

    Two parsers with one name are a programming error: ValueError names it.
    """
    catalogue: dict[str, MibParser] = {}
    for parsers in groups if groups is not None else (m.PARSERS for m in MODULES):
        for parser in parsers:
            if parser.name in catalogue:
                raise ValueError(f"nama parser ganda: {parser.name}")
            catalogue[parser.name] = parser
    return catalogue
