"""The reports as HTML pages, from the Jinja2 templates shipped in this package."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from collector.adapters.reports.tables import Cell, CellValue
from collector.adapters.reports.wording import DASH, Wording


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("collector.adapters.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(template: str, words: Wording, values: Mapping[str, Any]) -> str:
    """The HTML of ``template`` with ``values``; ``t`` (the wording) and ``show`` (one cell as
    a reader sees it) are always there."""
    page = _environment().get_template(template)
    return page.render(t=words, show=lambda value, kind: show_cell(words, value, kind), **values)


def show_cell(words: Wording, value: CellValue, kind: Cell) -> str:
    """A table cell for a reader: dates spelled out, numbers and rupiah grouped."""
    if value is None:
        return DASH if kind in (Cell.NUMBER, Cell.MONEY) else ""
    if isinstance(value, date):
        return words.date(value)
    if isinstance(value, tuple):
        return ", ".join(value)
    if kind is Cell.MONEY and isinstance(value, int | float | Decimal):
        return words.rupiah(Decimal(value))
    if isinstance(value, int | float | Decimal):
        return words.number(value)
    return value


def css_string(text: str) -> str:
    """Text safe inside a double-quoted CSS string (page footers)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
