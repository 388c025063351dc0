"""Schema migrations with Alembic, driven from code (no alembic.ini to ship or find)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every pending migration (up to ``revision``, the newest by default)."""
    command.upgrade(_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo the migrations after ``revision``."""
    command.downgrade(_config(engine), revision)


class OutdatedSchemaError(RuntimeError):
    """The database is not at the schema this code expects."""


def require_current(engine: Engine) -> None:
    """Raise OutdatedSchemaError, with the command that fixes it, unless the schema is current."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise OutdatedSchemaError(
            f"skema basis data {current or 'kosong'} belum sesuai versi {head}; "
            "jalankan 'asetik-collector db upgrade' (database schema is outdated)"
        )
