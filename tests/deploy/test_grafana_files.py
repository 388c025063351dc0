"""deploy/grafana/: the committed dashboards are exactly what tools/grafana makes, they parse as
Grafana dashboards (the SDK's models, generated from Grafana's dashboard schema), they use only
the provisioned data sources, and their SQL reads only the grafana_* views.

Validation against the schema is strict (tests/deploy/grafana_schema.py): every key, type, enum
value and required field is checked against grafana-foundation-sdk's generated model classes,
with the panel plugin's own Options/FieldConfig models and the data source's query model. The
published dashboard JSON Schema file is not used: no installable package ships it and GitHub is
not reachable from CI, and we do not copy third-party schema files into the repo."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard

from collector.adapters.db.grafana_role import GRAFANA_VIEWS
from tests.deploy.grafana_queries import DASHBOARDS, boards, panels, queries, variable_queries
from tests.deploy.grafana_schema import violations
from tools.grafana.generate import rendered

PROVISIONING = DASHBOARDS.parent / "provisioning"


def test_regenerating_gives_the_committed_files_byte_for_byte() -> None:
    made = rendered()
    assert sorted(made) == sorted(p.name for p in DASHBOARDS.glob("*.json"))
    for name, text in made.items():
        assert (DASHBOARDS / name).read_bytes() == text.encode("utf-8"), (
            f"{name} differs: run python -m tools.grafana.generate"
        )


@pytest.mark.parametrize("name", sorted(boards()))
def test_each_dashboard_reads_back_through_grafanas_model(name: str) -> None:
    """Decoded into the SDK's typed Dashboard (cog-generated from Grafana 11.6's dashboard
    kind) and encoded again, nothing is lost or changed: no unknown field, no wrong type."""
    raw = boards()[name]
    again = json.loads(json.dumps(Dashboard.from_json(raw), cls=JSONEncoder))
    assert again == raw
    assert raw["schemaVersion"] >= 39 and raw["uid"].startswith("asetik-")  # Grafana 11


def test_uids_panels_and_data_sources_are_consistent() -> None:
    provisioned = yaml.safe_load((PROVISIONING / "datasources.yml").read_text())
    uids = {source["uid"]: source["type"] for source in provisioned["datasources"]}
    assert uids == {"asetik-prometheus": "prometheus",
                    "asetik-postgres": "grafana-postgresql-datasource"}  # fmt: skip
    assert len({board["uid"] for board in boards().values()}) == len(boards())
    for name, board in boards().items():
        ids = [panel["id"] for panel in panels(board)]
        assert len(ids) == len(set(ids)), f"{name}: panel ids repeat"
        for panel in panels(board):
            if panel["type"] == "row":
                continue
            assert panel.get("description"), f"{name} {panel['title']}: no description"
            source = panel["datasource"]
            assert uids.get(source["uid"]) == source["type"], f"{name} {panel['title']}"
    providers = yaml.safe_load((PROVISIONING / "dashboards.yml").read_text())["providers"]
    assert [p["type"] for p in providers] == ["file"]


def test_sql_panels_read_only_the_grafana_views() -> None:
    sql = [q for q in queries() if q.language == "sql"]
    assert len(sql) >= 8
    for query in sql:
        tables = set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", query.text, flags=re.IGNORECASE))
        assert tables and tables <= set(GRAFANA_VIEWS), f"{query.panel}: {tables}"


def test_every_dashboard_has_queries_and_the_site_one_a_site_variable() -> None:
    by_board = {q.dashboard for q in queries()}
    assert by_board == {"overview.json", "site.json", "maintenance.json", "collector.json"}
    assert list(variable_queries()) == [("site.json", "site", "label_values(asetik_assets, site)")]


@pytest.mark.parametrize("name", sorted(boards()))
def test_each_dashboard_has_no_schema_violation(name: str) -> None:
    assert violations(boards()[name]) == []


def _first(board: dict[str, Any], kind: str) -> tuple[int, dict[str, Any]]:
    return next((i, p) for i, p in enumerate(board["panels"]) if p["type"] == kind)


def _grid_w_as_text(board: dict[str, Any]) -> str:
    index, panel = _first(board, "stat")
    panel["gridPos"]["w"] = str(panel["gridPos"]["w"])
    return f"$.panels[{index}].gridPos.w"


def _unknown_panel_key(board: dict[str, Any]) -> str:
    index, panel = _first(board, "timeseries")
    panel["colour"] = "red"
    return f"$.panels[{index}].colour"


def _no_such_enum_value(board: dict[str, Any]) -> str:
    index, panel = _first(board, "stat")
    panel["options"]["colorMode"] = "rainbow"
    return f"$.panels[{index}].options.colorMode"


def _string_for_templating_list(board: dict[str, Any]) -> str:
    board["templating"]["list"] = "site"
    return "$.templating.list"


def _unknown_stat_option(board: dict[str, Any]) -> str:
    index, panel = _first(board, "stat")
    panel["options"]["sparkle"] = True
    return f"$.panels[{index}].options.sparkle"


def _panel_without_grid_h(board: dict[str, Any]) -> str:
    index, panel = _first(board, "table")
    del panel["gridPos"]["h"]
    return f"$.panels[{index}].gridPos.h"


def _prometheus_target_expr_as_number(board: dict[str, Any]) -> str:
    index, panel = _first(board, "stat")
    panel["targets"][0]["expr"] = 1
    return f"$.panels[{index}].targets[0].expr"


def _unknown_sql_target_key(board: dict[str, Any]) -> str:
    index, panel = next(
        (i, p)
        for i, p in enumerate(board["panels"])
        if p.get("datasource", {}).get("type") == "grafana-postgresql-datasource"
    )
    panel["targets"][0]["sql"] = "SELECT 1"
    return f"$.panels[{index}].targets[0].sql"


def _timeseries_line_width_as_text(board: dict[str, Any]) -> str:
    index, panel = _first(board, "timeseries")
    panel["fieldConfig"]["defaults"].setdefault("custom", {})["lineWidth"] = "thick"
    return f"$.panels[{index}].fieldConfig.defaults.custom.lineWidth"


MUTATIONS: list[Callable[[dict[str, Any]], str]] = [
    _grid_w_as_text,
    _unknown_panel_key,
    _no_such_enum_value,
    _string_for_templating_list,
    _unknown_stat_option,
    _panel_without_grid_h,
    _prometheus_target_expr_as_number,
    _unknown_sql_target_key,
    _timeseries_line_width_as_text,
]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda m: m.__name__.strip("_"))
def test_a_broken_copy_yields_a_violation_naming_the_path(
    mutate: Callable[[dict[str, Any]], str],
) -> None:
    board = copy.deepcopy(boards()["site.json"])
    assert violations(board) == []
    path = mutate(board)
    found = violations(board)
    assert any(v.startswith(path + ":") for v in found), found
