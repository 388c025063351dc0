"""INSERT ... ON CONFLICT DO NOTHING for whichever of SQLite and PostgreSQL the session uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_row(
    session: Session, table: Any, values: dict[str, Any], conflict: Sequence[str]
) -> None:
    """Insert the row, or update its other columns where it collides on ``conflict``."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(values)
    updates = {k: statement.excluded[k] for k in values if k not in conflict}
    session.execute(statement.on_conflict_do_update(index_elements=list(conflict), set_=updates))


def insert_ignoring_conflicts(
    session: Session, table: Any, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> None:
    """Insert the rows, skipping those that collide on the ``conflict`` columns."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    session.execute(statement, list(rows))
