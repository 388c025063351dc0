"""ticket notifications

Per-site notification settings (webhook URL, sealed webhook secret, e-mail recipients,
language) and the deliveries of new critical tickets. ``ux_notification_deliveries_key`` makes
one delivery per (ticket, occurrence, channel): two dispatchers (two collector replicas) that
find the same critical ticket both INSERT ... ON CONFLICT DO NOTHING and only one row exists;
who sends it is then decided by a guarded UPDATE of its ``next_attempt_at``. The tickets table
is not changed: pending notifications are derived from it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_settings",
        sa.Column("site_id", _ID, sa.ForeignKey("sites.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("webhook_url", sa.String(2000)),
        sa.Column("webhook_secret", sa.Text()),
        sa.Column("webhook_enabled", sa.Boolean(), nullable=False),
        sa.Column("webhook_since", _WHEN),
        sa.Column("email_to", sa.JSON()),
        sa.Column("email_enabled", sa.Boolean(), nullable=False),
        sa.Column("email_since", _WHEN),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("digest_sent_at", _WHEN),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )  # fmt: skip
    op.create_table(
        "notification_deliveries",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("ticket_id", _ID, sa.ForeignKey("tickets.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("site_id", _ID, sa.ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
        sa.Column("delivery_id", sa.String(36), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("delivered_at", _WHEN),
        sa.UniqueConstraint("ticket_id", "occurrence", "channel",
                            name="ux_notification_deliveries_key"),
    )  # fmt: skip
    op.create_index("ix_notification_deliveries_due", "notification_deliveries",
                    ["channel", "state", "next_attempt_at"])  # fmt: skip
    op.create_index("ix_notification_deliveries_site", "notification_deliveries",
                    ["site_id", "channel", "state"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_notification_deliveries_site", table_name="notification_deliveries")
    op.drop_index("ix_notification_deliveries_due", table_name="notification_deliveries")
    op.drop_table("notification_deliveries")
    op.drop_table("notification_settings")
