"""poll targets and credentials

What the SNMP pollers poll, kept in the register so it can be managed over the API (the
targets file stays as the other way): named credentials with their secrets sealed, and per
site the hosts, HOST:PORT entries and ranges with the credential names to try, in order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "poll_credentials",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("protocol", sa.String(8), nullable=False),
        sa.Column("version", sa.String(8), nullable=False),
        sa.Column("user", sa.String(64)),
        sa.Column("auth_protocol", sa.String(16)),
        sa.Column("priv_protocol", sa.String(16)),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )
    op.create_table(
        "poll_targets",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("site_id", _ID, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("protocol", sa.String(8), nullable=False),
        sa.Column("spec", sa.String(128), nullable=False),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.UniqueConstraint("site_id", "protocol", "spec"),
    )


def downgrade() -> None:
    op.drop_table("poll_targets")
    op.drop_table("poll_credentials")
