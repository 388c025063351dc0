"""Fixtures for collector tests: every test that takes ``db_url`` runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.bootstrap import Services, build_services
from collector.config import load_config
from tests.collector.databases import PostgresDatabases, SqliteDatabases, fresh_database


@pytest.fixture(scope="session")
def _sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def _postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    _sqlite_databases: SqliteDatabases,
    _postgres_databases: PostgresDatabases,
) -> Iterator[str]:
    """An empty database at the current schema, once per database kind."""
    yield from fresh_database(request.param, _sqlite_databases, _postgres_databases)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def services(db_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Services]:
    """The collector's services over a fresh database, with a hand-moved clock."""
    config = load_config({}, db=db_url, data_dir=tmp_path / "data")
    built = build_services(config, clock)
    yield built
    built.close()
