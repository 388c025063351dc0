"""INSERT ... ON CONFLICT for whichever of SQLite and PostgreSQL the connection speaks."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert_row(
    connection: Connection, table: Table, values: dict[str, Any], conflict: Sequence[str]
) -> None:
    """Insert the row, or update its other columns where it collides on ``conflict``."""
    statement = _upsert(connection.dialect.name, table, tuple(values), tuple(conflict))
    connection.execute(statement, values)


@functools.cache
def _upsert(dialect: str, table: Table, columns: tuple[str, ...], conflict: tuple[str, ...]) -> Any:
    """The upsert of those columns, built once per shape (the values are bound at execution)."""
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    updates = {k: statement.excluded[k] for k in columns if k not in conflict}
    return statement.on_conflict_do_update(index_elements=list(conflict), set_=updates)


def insert_ignoring_conflicts(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> None:
    """Insert the rows, skipping those that collide on the ``conflict`` columns."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    connection.execute(statement, list(rows))
