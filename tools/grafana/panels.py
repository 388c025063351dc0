"""Panel shapes the dashboards repeat: a stat, a time series, a bar gauge from Prometheus, a
table from the PostgreSQL views. Data sources are referred to by the stable uids the
provisioning file (deploy/grafana/provisioning/datasources.yml) gives them."""

from __future__ import annotations

from grafana_foundation_sdk.builders import bargauge, prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models.common import BigValueGraphMode, VizOrientation
from grafana_foundation_sdk.models.dashboard import DataSourceRef

PROMETHEUS = DataSourceRef(type_val="prometheus", uid="asetik-prometheus")
POSTGRES = DataSourceRef(type_val="grafana-postgresql-datasource", uid="asetik-postgres")


class SqlQuery(cogvariants.Dataquery):
    """A raw SQL query of Grafana's PostgreSQL data source (the SDK has no builder for it)."""

    def __init__(self, sql: str, ref_id: str = "A") -> None:
        self.sql, self.ref_id = sql, ref_id

    def to_json(self) -> dict[str, object]:
        return {
            "datasource": {"type": POSTGRES.type_val, "uid": POSTGRES.uid},
            "editorMode": "code",
            "format": "table",
            "rawQuery": True,
            "rawSql": self.sql,
            "refId": self.ref_id,
        }


class Sql(cogbuilder.Builder[cogvariants.Dataquery]):
    def __init__(self, sql: str) -> None:
        self._query = SqlQuery(" ".join(sql.split()))

    def build(self) -> cogvariants.Dataquery:
        return self._query


def promql(expr: str, legend: str = "", *, instant: bool = False) -> prometheus.Dataquery:
    """A Prometheus query; ``legend`` names each series by its labels ({{site}})."""
    query = prometheus.Dataquery().expr(expr).ref_id("A")
    if legend:
        query = query.legend_format(legend)
    return query.instant() if instant else query.range()


def stat_panel(title: str, expr: str, description: str, unit: str = "none") -> stat.Panel:
    """One number, now (an instant query)."""
    return (
        stat.Panel().title(title).description(description).datasource(PROMETHEUS)
        .with_target(promql(expr, instant=True)).unit(unit).graph_mode(BigValueGraphMode.NONE)
        .height(4).span(4)
    )  # fmt: skip


def bars(
    title: str, expr: str, legend: str, description: str, *, unit: str = "none", width: int = 12
) -> bargauge.Panel:
    """One bar per label value, now (sites, kinds, steps)."""
    return (
        bargauge.Panel().title(title).description(description).datasource(PROMETHEUS)
        .with_target(promql(expr, legend, instant=True)).unit(unit)
        .orientation(VizOrientation.HORIZONTAL).height(8).span(width)
    )  # fmt: skip


def trend(
    title: str, expr: str, legend: str, description: str, unit: str = "none"
) -> timeseries.Panel:
    """How a value moved over the dashboard's time range."""
    return (
        timeseries.Panel().title(title).description(description).datasource(PROMETHEUS)
        .with_target(promql(expr, legend)).unit(unit).height(8).span(12)
    )  # fmt: skip


def rows_of(title: str, sql: str, description: str, width: int = 24) -> table.Panel:
    """A table read from one of the grafana_* views (migration 0011)."""
    return (
        table.Panel().title(title).description(description).datasource(POSTGRES)
        .with_target(Sql(sql)).height(9).span(width)
    )  # fmt: skip
