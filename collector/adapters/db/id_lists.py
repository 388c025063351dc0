"""Conditions on a list of row ids, for the bulk reads and writes of a batch of assets."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, bindparam
from sqlalchemy.orm import QueryableAttribute


def among(column: QueryableAttribute[int], ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN (...)`` with the ids written into the statement as integer literals: as
    hundreds of bound parameters, a batch's ids cost PostgreSQL's driver more to parse into
    its own placeholders than the query takes to run. Only integers are written (``int``
    refuses anything else), so nothing from outside reaches the SQL text."""
    values = [int(i) for i in ids]
    return column.in_(bindparam(None, values, literal_execute=True, expanding=True))
