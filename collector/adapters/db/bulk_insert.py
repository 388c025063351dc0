"""Inserting many rows of one table at once, the cheapest way each database offers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Table, insert, text

from collector.adapters.db.models import Base


def insert_rows(
    connection: Connection, model: type[Base], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows`` (each with the same keys, column names of ``model``'s table).
    PostgreSQL: one statement over the rows sent as one JSON array (json_populate_recordset
    gives each value its column's type), not one INSERT per row for the server to plan and
    run; other databases: the driver's executemany (SQLite's loops in C)."""
    if not rows:
        return
    table = model.__table__
    if not isinstance(table, Table) or not set(rows[0]) <= set(table.columns.keys()):
        raise ValueError(f"rows do not fit the table of {model.__name__}")
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    quote = connection.dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in rows[0])
    name = quote.format_table(table)
    statement = text(
        f"INSERT INTO {name} ({columns}) SELECT {columns} "  # noqa: S608 - names of the model
        f"FROM json_populate_recordset(NULL::{name}, CAST(:rows AS json))"
    )
    connection.execute(statement, {"rows": orjson.dumps(list(rows)).decode("utf-8")})
