"""ssh targets and poll findings

The pollers' stored plan gains SSH: a credential may be an SSH login (user name, and a key
file path on the poller or a password, sealed like the SNMP secrets; legacy algorithms as a
deliberate per-credential choice) and a target an SSH device type. ``poll_findings`` keeps what
the pollers meet that ops must act on, first a changed SSH host key: one open row per site,
address, protocol and kind, resolved when ops accept the new key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("poll_credentials") as table:
        table.add_column(sa.Column("key_file", sa.String(512)))
        table.add_column(
            sa.Column("legacy_algorithms", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("poll_targets") as table:
        table.add_column(sa.Column("device_type", sa.String(64)))
    op.create_table(
        "poll_findings",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("site_id", _ID, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("address", sa.String(80), nullable=False),
        sa.Column("protocol", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("pinned", sa.String(128)),
        sa.Column("seen", sa.String(128)),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("first_seen", _WHEN, nullable=False),
        sa.Column("last_seen", _WHEN, nullable=False),
        sa.Column("resolved_at", _WHEN),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("accepted", sa.String(128)),
    )
    op.create_index(
        "ix_poll_findings_open", "poll_findings", ["site_id", "address", "kind", "resolved_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_poll_findings_open", table_name="poll_findings")
    op.drop_table("poll_findings")
    with op.batch_alter_table("poll_targets") as table:
        table.drop_column("device_type")
    with op.batch_alter_table("poll_credentials") as table:
        table.drop_column("legacy_algorithms")
        table.drop_column("key_file")
