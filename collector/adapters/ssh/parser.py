"""The shape of a CLI parser: what one command printed in, a document fragment out.

A parser is pure. It gets the command's text, the rows ntc-templates made of it (when the
parser wants them) and the profile's field map for that command, and returns a fragment such
as ``{"device": {"model": "WS-C4948E"}, "status": {"uptime_seconds": 42}}``. An empty
fragment means "nothing here I recognise": the observation then keeps the raw text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Fragment = dict[str, Any]
Row = dict[str, Any]


@dataclass(frozen=True)
class CommandOutput:
    """One command's output as parsers see it."""

    command: str
    text: str
    rows: list[Row] = field(default_factory=list)
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CliParser:
    """A named parser; profiles refer to it by name. ``template``: it reads ntc-templates rows
    (so a command without a template or whose template fails gives it nothing to read)."""

    name: str
    template: bool
    parse: Callable[[CommandOutput], Fragment]
