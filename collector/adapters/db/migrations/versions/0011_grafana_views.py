"""grafana views

Read-only views for Grafana's PostgreSQL data source: one row per asset, disk, ticket or work
order that needs a person's eye, with the site code and the age in whole days already worked
out, so a dashboard panel is a plain SELECT. ``asetik-collector db grafana-role`` grants a
login role SELECT on these views only (the migration creates no role: the account that runs
migrations may not be allowed to).

The same views are made on SQLite (only the date arithmetic and the JSON accessor differ), so
the SQL is tested on both databases, though Grafana reads PostgreSQL only.

``grafana_stale_assets`` uses the rules file's default [presence] warning days (7 for agent
kinds, 2 for polled devices), the same numbers behind ``asetik_assets_stale`` by default; a
changed rules file is not followed by the view.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-28
"""

# The view bodies are put together from fixed fragments of this file only, never from input.
# ruff: noqa: S608
from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None

# Ticket statuses that no longer hold their key (collector/domain/tickets.py FINISHED).
_OPEN = "t.status NOT IN ('closed', 'auto_resolved')"
_ASSET = "COALESCE(a.name, '#' || CAST(a.id AS VARCHAR(20)))"


def _days_since(column: str, dialect: str) -> str:
    """Days (fractional) from ``column`` (a timestamp in UTC) to now."""
    if dialect == "postgresql":
        return f"(EXTRACT(EPOCH FROM (now() - {column})) / 86400.0)"
    return f"(julianday('now') - julianday({column}))"


def _whole_days_since(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"CAST(FLOOR({_days_since(column, dialect)}) AS INTEGER)"
    return f"CAST({_days_since(column, dialect)} AS INTEGER)"


def _days_before_today(column: str, dialect: str) -> str:
    """Whole days from the date ``column`` to today (positive when it lies in the past)."""
    if dialect == "postgresql":
        return f"(CURRENT_DATE - {column})"
    return f"CAST(julianday(date('now')) - julianday({column}) AS INTEGER)"


def _json_number(column: str, key: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"CAST(({column} ->> '{key}') AS DOUBLE PRECISION)"
    return f"CAST(json_extract({column}, '$.{key}') AS REAL)"


def _views(dialect: str) -> dict[str, str]:
    return {
        "grafana_stale_assets": f"""
            SELECT a.id AS asset_id, {_ASSET} AS asset, s.code AS site, a.kind,
                   a.last_source AS source, a.last_seen,
                   {_whole_days_since("a.last_seen", dialect)} AS days_unseen
            FROM assets a JOIN sites s ON s.id = a.site_id
            WHERE a.status = 'active'
              AND {_days_since("a.last_seen", dialect)}
                  >= CASE WHEN a.kind IN ('workstation', 'laptop', 'server') THEN 7 ELSE 2 END""",
        "grafana_failing_disks": f"""
            SELECT d.id AS disk_id, a.id AS asset_id, {_ASSET} AS asset, s.code AS site,
                   a.kind, d.name AS disk, d.model, d.serial,
                   COALESCE(d.health, 'unknown') AS health, d.temperature_c,
                   COALESCE(k.open_tickets, 0) AS open_tickets,
                   COALESCE(k.critical_tickets, 0) AS critical_tickets
            FROM disks d
            JOIN assets a ON a.id = d.asset_id
            JOIN sites s ON s.id = a.site_id
            LEFT JOIN (
                SELECT d2.id AS disk_id, COUNT(*) AS open_tickets,
                       SUM(CASE WHEN t.severity = 'critical' THEN 1 ELSE 0 END)
                           AS critical_tickets
                FROM disks d2
                JOIN tickets t ON t.asset_id = d2.asset_id AND t.rule LIKE 'disk.%'
                              AND (t.subject = d2.serial OR t.subject = d2.name)
                WHERE {_OPEN}
                GROUP BY d2.id
            ) k ON k.disk_id = d.id
            WHERE a.status = 'active' AND (d.health = 'failed' OR k.open_tickets > 0)""",
        "grafana_printer_supplies_low": f"""
            SELECT t.id AS ticket_id, a.id AS asset_id, {_ASSET} AS asset, s.code AS site,
                   a.vendor, a.model, t.subject AS supply,
                   {_json_number("t.evidence", "level_percent", dialect)} AS level_percent,
                   t.severity, t.status, t.first_seen,
                   {_whole_days_since("t.first_seen", dialect)} AS days_open
            FROM tickets t
            JOIN assets a ON a.id = t.asset_id
            JOIN sites s ON s.id = a.site_id
            WHERE t.rule = 'printer.supply_low' AND {_OPEN}""",
        "grafana_open_tickets": f"""
            SELECT t.id AS ticket_id, a.id AS asset_id, {_ASSET} AS asset, s.code AS site,
                   a.kind, t.rule, t.subject, t.severity, t.status, t.maintenance, t.pic,
                   t.message_id AS message, t.first_seen, t.last_seen,
                   {_whole_days_since("t.first_seen", dialect)} AS age_days
            FROM tickets t
            JOIN assets a ON a.id = t.asset_id
            JOIN sites s ON s.id = a.site_id
            WHERE {_OPEN}""",
        "grafana_overdue_work_orders": f"""
            SELECT w.id AS work_order_id, p.id AS plan_id, p.title AS plan, p.period,
                   s.code AS site, a.id AS asset_id, {_ASSET} AS asset, i.maintenance, i.pic,
                   i.executor, i.vendor, w.due_on,
                   {_days_before_today("w.due_on", dialect)} AS days_overdue
            FROM work_orders w
            JOIN plan_items i ON i.id = w.item_id
            JOIN plans p ON p.id = i.plan_id
            JOIN sites s ON s.id = p.site_id
            JOIN assets a ON a.id = i.asset_id
            WHERE w.status = 'open' AND {_days_before_today("w.due_on", dialect)} > 0""",
        "grafana_work_orders_done": """
            SELECT w.id AS work_order_id, p.id AS plan_id, p.period, s.code AS site,
                   i.maintenance, i.executor, w.due_on, e.done_on, e.outcome,
                   CASE WHEN e.done_on <= w.due_on THEN 1 ELSE 0 END AS on_time
            FROM work_orders w
            JOIN work_executions e ON e.work_order_id = w.id
            JOIN plan_items i ON i.id = w.item_id
            JOIN plans p ON p.id = i.plan_id
            JOIN sites s ON s.id = p.site_id""",
    }


def upgrade() -> None:
    for name, query in _views(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {query}")


def downgrade() -> None:
    for name in reversed(_views(op.get_bind().dialect.name)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
