"""M&E records

The monitoring & evaluation record (SOP step 4) of a site and reporting period: the evaluator,
the date, conclusions and follow-ups. One per site and period (a rewrite replaces it). The
meaning of every column is written above the models (collector/adapters/db/models.py).

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("site_id", _ID, sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("evaluator", sa.String(256), nullable=False),
        sa.Column("evaluator_nip", sa.String(32)),
        sa.Column("evaluator_title", sa.String(256)),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("conclusions", sa.Text(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
        sa.UniqueConstraint("site_id", "period", name="uq_evaluations_site_period"),
    )


def downgrade() -> None:
    op.drop_table("evaluations")
