"""The queries of the committed dashboards (deploy/grafana/dashboards/*.json), read from the
JSON Grafana loads, not from the code that made it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tests.peers import REPO

DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
LABEL_VALUES = re.compile(r"^label_values\((?P<metric>[^,]+),\s*(?P<label>\w+)\)$")


@dataclass(frozen=True)
class Query:
    """One panel target: PromQL for the Prometheus data source, SQL for PostgreSQL."""

    dashboard: str
    panel: str
    language: str  # "promql" or "sql"
    text: str


def boards() -> dict[str, dict[str, Any]]:
    """File name → the dashboard's JSON model."""
    return {path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(DASHBOARDS.glob("*.json"))}  # fmt: skip


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, those inside collapsed rows included."""
    for panel in board.get("panels") or ():
        yield panel
        yield from panel.get("panels") or ()


def queries() -> Iterator[Query]:
    for name, board in boards().items():
        for panel in panels(board):
            for target in panel.get("targets") or ():
                if "expr" in target:
                    yield Query(name, panel["title"], "promql", target["expr"])
                elif "rawSql" in target:
                    yield Query(name, panel["title"], "sql", target["rawSql"])
                else:
                    raise AssertionError(f"{name} {panel['title']}: unknown target {target}")


def variable_queries() -> Iterator[tuple[str, str, str]]:
    """(dashboard, variable name, query) of every query variable."""
    for name, board in boards().items():
        for variable in (board.get("templating") or {}).get("list") or ():
            if variable.get("type") == "query":
                yield name, variable["name"], variable["query"]


def substitute(text: str, values: dict[str, str]) -> str:
    """Grafana's variables replaced as Grafana would (longest names first)."""
    for name in sorted(values, key=len, reverse=True):
        text = text.replace(f"${{{name}}}", values[name]).replace(f"${name}", values[name])
    assert "$" not in text, f"a variable left unreplaced in {text!r}"
    return text
