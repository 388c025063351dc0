"""leaner installations

A first inventory writes ~800 installation rows; what each row costs PostgreSQL was measured
with COPY of 771 rows per asset (300 assets, backend CPU): 4.8 ms per inventory as 0001 left
the table, 2.0 ms without the two things this migration removes.

- The foreign key to assets (2.1 ms of the 4.8: a ``SELECT ... FOR KEY SHARE`` on the asset row
  per installation row). Installations are written only by ingest, in the transaction that
  creates or updates their asset, and assets are never deleted; the asset's other tables keep
  their foreign keys (a few rows each).
- The surrogate ``id`` with its sequence and index (0.7 ms). The key is now what identifies an
  installation: (asset_id, software_id, seq), seq numbering the versions one asset has of one
  product (several kernels are real). Its index serves look-ups by asset, so the separate
  asset_id index goes too.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names; batch mode names the reflected ones with this.
_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _asset_fk() -> str:
    """The foreign key's name as 0001 left it on this database."""
    if op.get_bind().dialect.name == "postgresql":
        return "installations_asset_id_fkey"
    return "fk_installations_asset_id_assets"


def upgrade() -> None:
    op.add_column("installations", sa.Column("seq", sa.SmallInteger(), nullable=True))
    op.execute(
        "UPDATE installations SET seq = numbered.n FROM ("
        " SELECT id, row_number() OVER (PARTITION BY asset_id, software_id ORDER BY id) - 1 AS n"
        " FROM installations) AS numbered WHERE installations.id = numbered.id"
    )
    with op.batch_alter_table(
        "installations", naming_convention=_NAMING, recreate="auto"
    ) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.SmallInteger(), nullable=False)
        batch_op.drop_constraint(_asset_fk(), type_="foreignkey")
        batch_op.drop_index("ix_installations_asset_id")
        batch_op.drop_column("id")
        batch_op.create_primary_key("pk_installations", ["asset_id", "software_id", "seq"])


def downgrade() -> None:
    # The table as 0003 left it, rebuilt: an identity column cannot be added in place on
    # SQLite, and PostgreSQL would number the rows in no particular order.
    op.create_table(
        "installations_0003",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("asset_id", _ID, nullable=False),
        sa.Column("software_id", _ID, nullable=False),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("version", sa.String(256)),
        sa.Column("arch", sa.String(64)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("install_date", sa.Date()),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=_asset_fk(), ondelete="CASCADE"),
    )
    op.execute(
        "INSERT INTO installations_0003"
        " (asset_id, software_id, display_name, version, arch, source, install_date)"
        " SELECT asset_id, software_id, display_name, version, arch, source, install_date"
        " FROM installations ORDER BY asset_id, software_id, seq"
    )
    op.drop_table("installations")
    op.rename_table("installations_0003", "installations")
    op.create_index("ix_installations_asset_id", "installations", ["asset_id"])
    op.create_index("ix_installations_software_id", "installations", ["software_id"])
