"""cheaper inventory writes

Two changes to what a full inventory costs PostgreSQL, measured on the collector bench (400
agents, ~770 packages each): about 13 ms of PostgreSQL CPU per full inventory before, 9 after.

- installations.software_id loses its foreign key. The catalogue is append-only (ingest adds
  products, nothing deletes them) and ingest takes every id from it, so the key guarded nothing
  the code can break; its per-row check (a ``SELECT ... FOR KEY SHARE`` on the shared catalogue
  row, 800 per inventory) was a third of the database time, and concurrent agents locking the
  same catalogue rows turned those locks into multixacts. The index on software_id stays.
- asset_sections.content is compressed with lz4 instead of pglz on PostgreSQL builds that have
  it: the 100+ KB software section costs a third of the CPU to store and to read back.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# SQLite's foreign keys have no names; batch mode names the reflected ones with this.
_NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _software_fk() -> str:
    """The foreign key's name as 0001 left it on this database."""
    if op.get_bind().dialect.name == "postgresql":
        return "installations_software_id_fkey"
    return "fk_installations_software_id_software"


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.execute(
        sa.text(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
            " AND 'lz4' = ANY(enumvals)"
        )
    ).first()
    return found is not None


def upgrade() -> None:
    with op.batch_alter_table("installations", naming_convention=_NAMING) as batch_op:
        batch_op.drop_constraint(_software_fk(), type_="foreignkey")
    if _lz4_available():
        op.execute("ALTER TABLE asset_sections ALTER COLUMN content SET COMPRESSION lz4")


def downgrade() -> None:
    if _lz4_available():
        op.execute("ALTER TABLE asset_sections ALTER COLUMN content SET COMPRESSION DEFAULT")
    with op.batch_alter_table("installations", naming_convention=_NAMING) as batch_op:
        batch_op.create_foreign_key(_software_fk(), "software", ["software_id"], ["id"])
