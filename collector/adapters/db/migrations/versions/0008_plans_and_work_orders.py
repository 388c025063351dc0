"""plans and work orders

The working-day calendar's override table, maintenance plans and their items (SOP step 2),
work orders, their execution records, replaced parts and attachments (SOP step 3). The meaning
of every status and date is written above the models (collector/adapters/db/models.py).
``uq_work_orders_item_occurs_on`` is what keeps two generator runs, at once or one after the
other, from making an occurrence's work order twice.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_WHEN = sa.DateTime(timezone=True)


def _fk(target: str, *, cascade: bool = False) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE" if cascade else None)


def upgrade() -> None:
    op.create_table(
        "calendar_overrides",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    _plans()
    _work_orders()


def _plans() -> None:
    moves = ("submitted", "approved", "activated", "closed")
    op.create_table(
        "plans",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("site_id", _ID, _fk("sites.id"), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        *[sa.Column(f"{move}_by", sa.String(64)) for move in moves],
        *[sa.Column(f"{move}_at", _WHEN) for move in moves],
    )
    op.create_index("ix_plans_site_period", "plans", ["site_id", "period"])
    op.create_index("ix_plans_state", "plans", ["state"])
    op.create_table(
        "plan_items",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("plan_id", _ID, _fk("plans.id", cascade=True), nullable=False),
        sa.Column("asset_id", _ID, _fk("assets.id"), nullable=False),
        sa.Column("ticket_id", _ID, _fk("tickets.id")),
        sa.Column("maintenance", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("every", sa.Integer()),
        sa.Column("unit", sa.String(8)),
        sa.Column("repeat_until", sa.Date()),
        sa.Column("on_non_working", sa.String(8), nullable=False),
        sa.Column("pic", sa.String(256), nullable=False),
        sa.Column("executor", sa.String(8), nullable=False),
        sa.Column("vendor", sa.String(256)),
        sa.Column("contract_ref", sa.String(128)),
        sa.Column("estimated_cost", sa.BigInteger(), nullable=False),
        sa.Column("kode_barang", sa.String(64)),
        sa.Column("nup", sa.String(32)),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    for column in ("plan_id", "asset_id", "ticket_id"):
        op.create_index(f"ix_plan_items_{column}", "plan_items", [column])


def _work_orders() -> None:
    op.create_table(
        "work_orders",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("item_id", _ID, _fk("plan_items.id", cascade=True), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("done_at", _WHEN),
        sa.UniqueConstraint("item_id", "occurs_on", name="uq_work_orders_item_occurs_on"),
    )
    op.create_index("ix_work_orders_status_due_on", "work_orders", ["status", "due_on"])
    op.create_table(
        "work_executions",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("work_order_id", _ID, _fk("work_orders.id", cascade=True), nullable=False,
                  unique=True),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("kondisi_after", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text()),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", _WHEN, nullable=False),
    )  # fmt: skip
    op.create_table(
        "work_parts",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("execution_id", _ID, _fk("work_executions.id", cascade=True), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("serial_removed", sa.String(256)),
        sa.Column("serial_installed", sa.String(256)),
    )
    op.create_index("ix_work_parts_execution_id", "work_parts", ["execution_id"])
    op.create_table(
        "work_attachments",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("work_order_id", _ID, _fk("work_orders.id", cascade=True), nullable=False),
        sa.Column("file_name", sa.String(256), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", _WHEN, nullable=False),
    )
    op.create_index("ix_work_attachments_work_order_id", "work_attachments", ["work_order_id"])


def downgrade() -> None:
    op.drop_index("ix_work_attachments_work_order_id", table_name="work_attachments")
    op.drop_table("work_attachments")
    op.drop_index("ix_work_parts_execution_id", table_name="work_parts")
    op.drop_table("work_parts")
    op.drop_table("work_executions")
    op.drop_index("ix_work_orders_status_due_on", table_name="work_orders")
    op.drop_table("work_orders")
    for column in ("plan_id", "asset_id", "ticket_id"):
        op.drop_index(f"ix_plan_items_{column}", table_name="plan_items")
    op.drop_table("plan_items")
    op.drop_index("ix_plans_state", table_name="plans")
    op.drop_index("ix_plans_site_period", table_name="plans")
    op.drop_table("plans")
    op.drop_table("calendar_overrides")
