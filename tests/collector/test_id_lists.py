"""``among``: ids written into the statement as integers, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from collector.adapters.db.id_lists import among
from collector.adapters.db.models import SiteRow
from collector.bootstrap import Services


def test_among_selects_the_listed_ids(services: Services) -> None:
    for code in ("A", "B", "C"):
        services.enrolment.create_site(code, code)
    with services.engine.connect() as connection:
        ids = list(connection.scalars(select(SiteRow.id).order_by(SiteRow.id)))
        query = select(SiteRow.code).order_by(SiteRow.code)
        assert list(connection.scalars(query.where(among(SiteRow.id, ids[1:])))) == ["B", "C"]
        assert list(connection.scalars(query.where(among(SiteRow.id, [])))) == []
        statement = str(
            select(SiteRow.code)
            .where(among(SiteRow.id, ids[:2]))
            .compile(connection, compile_kwargs={"render_postcompile": True})
        )
    assert f"IN ({ids[0]}, {ids[1]})" in statement  # literals, no parameters


def test_among_takes_only_integers() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        among(SiteRow.id, [1, "2) OR (1=1"])  # type: ignore[list-item]
