"""deploy/grafana/: the committed dashboards are exactly what tools/grafana makes, they parse as
Grafana dashboards (the SDK's models, generated from Grafana's dashboard schema), they use only
the provisioned data sources, and their SQL reads only the grafana_* views."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard

from collector.adapters.db.grafana_role import GRAFANA_VIEWS
from tests.deploy.grafana_queries import DASHBOARDS, boards, panels, queries, variable_queries
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
