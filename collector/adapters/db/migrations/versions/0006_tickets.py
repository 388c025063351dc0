"""tickets

Maintenance tickets made from rule findings, their append-only events, and the trend readings
rules compare against. ``ux_tickets_open_key`` is a partial unique index: at most one ticket
per (asset, rule, subject) in a status other than closed or auto-resolved, so two evaluations
of one asset at the same moment cannot both open a ticket (the loser's insert is refused and
it retries). Partial indexes exist on both PostgreSQL and SQLite.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)
_OPEN = sa.text("status NOT IN ('closed', 'auto_resolved')")


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("asset_id", _ID, sa.ForeignKey("assets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("maintenance", sa.String(32), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("first_seen", _WHEN, nullable=False),
        sa.Column("last_seen", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("resolved_at", _WHEN),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("pic", sa.String(256)),
        sa.Column("reason", sa.Text()),
        sa.Column("merged_into", _ID, sa.ForeignKey("tickets.id")),
    )  # fmt: skip
    op.create_index("ux_tickets_open_key", "tickets", ["asset_id", "rule", "subject"],
                    unique=True, postgresql_where=_OPEN, sqlite_where=_OPEN)  # fmt: skip
    op.create_index("ix_tickets_key", "tickets", ["asset_id", "rule", "subject"])
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_table(
        "ticket_events",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("ticket_id", _ID, sa.ForeignKey("tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("changes", sa.JSON()),
    )  # fmt: skip
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id"])
    op.create_table(
        "asset_trends",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("asset_id", _ID, sa.ForeignKey("assets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("metric", sa.String(300), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
    )  # fmt: skip
    op.create_index("ix_asset_trends_asset_metric_at", "asset_trends", ["asset_id", "metric", "at"])


def downgrade() -> None:
    op.drop_index("ix_asset_trends_asset_metric_at", table_name="asset_trends")
    op.drop_table("asset_trends")
    op.drop_index("ix_ticket_events_ticket_id", table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_tickets_status", table_name="tickets")
    op.drop_index("ix_tickets_key", table_name="tickets")
    op.drop_index("ux_tickets_open_key", table_name="tickets")
    op.drop_table("tickets")
