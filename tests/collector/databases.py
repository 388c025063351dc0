"""Fresh, migrated databases for collector tests: a SQLite file and a PostgreSQL database.

The migrations run once per test session into a template (a SQLite file copied per test; a
PostgreSQL template database cloned with CREATE DATABASE ... TEMPLATE), so each test starts
from an empty, current schema in well under a second.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from collector.adapters.db.engine import open_engine
from collector.adapters.db.migrate import upgrade
from tests.peers import missing_peer

POSTGRES_ADMIN = os.environ.get(
    "ASETIK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEMPLATE = f"asetik_tmpl_{os.getpid()}"


def _admin_dsn() -> str:
    return (
        make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(hide_password=False)
    )


def postgres_available() -> bool:
    try:
        with psycopg.connect(_admin_dsn(), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


class PostgresDatabases:
    """Creates a migrated template once, then one throw-away database per test."""

    def __init__(self) -> None:
        self._ready = False

    def _execute(self, statement: str) -> None:
        with psycopg.connect(_admin_dsn(), autocommit=True) as connection:
            connection.execute(statement)

    def _url(self, name: str) -> str:
        return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)

    def new(self) -> str:
        if not postgres_available():
            missing_peer("PostgreSQL is not reachable at " + POSTGRES_ADMIN)
        if not self._ready:
            self._execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            self._execute(f"CREATE DATABASE {TEMPLATE}")
            engine = open_engine(self._url(TEMPLATE))
            upgrade(engine)
            engine.dispose()
            self._ready = True
        name = f"asetik_t_{uuid.uuid4().hex[:12]}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self._url(name)

    def new_empty(self) -> str:
        """A database with no tables at all (for migration tests)."""
        if not postgres_available():
            missing_peer("PostgreSQL is not reachable at " + POSTGRES_ADMIN)
        name = f"asetik_e_{uuid.uuid4().hex[:12]}"
        self._execute(f"CREATE DATABASE {name}")
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        if self._ready:
            self._execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")


class SqliteDatabases:
    """A migrated SQLite file made once and copied for each test."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._template: Path | None = None

    def new(self) -> str:
        if self._template is None:
            self._template = self._folder / "template.db"
            engine = open_engine(f"sqlite:///{self._template}")
            upgrade(engine)
            engine.dispose()
        copy = self._folder / f"{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(self._template, copy)
        return f"sqlite:///{copy}"


def fresh_database(
    kind: str, sqlite: SqliteDatabases, postgres: PostgresDatabases
) -> Iterator[str]:
    """Yield the URL of an empty, migrated database of that kind; drop it afterwards."""
    if kind == "sqlite":
        yield sqlite.new()
        return
    url = postgres.new()
    try:
        yield url
    finally:
        postgres.drop(url)
