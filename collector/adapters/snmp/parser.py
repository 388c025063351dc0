"""The shape of a MIB parser: which subtrees it needs and the document fragment it makes.

A parser is pure: it reads a MibView and returns a fragment of the observation document, e.g.
``{"supplies": [...], "device": {"page_count": 48213}}``. The observation builder walks the
union of the bases its profile's parsers declare, then merges their fragments in profile
order: dict sections key by key (a later non-None value wins), list sections concatenated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from collector.adapters.snmp.values import Oid
from collector.adapters.snmp.view import MibView

Fragment = dict[str, Any]


@dataclass(frozen=True)
class MibParser:
    """A named parser; profiles refer to it by name."""

    name: str
    bases: tuple[Oid, ...]  # subtrees walked (or instances fetched) before it runs
    parse: Callable[[MibView], Fragment]
