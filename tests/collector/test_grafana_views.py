"""The grafana_* views (migration 0011) on both databases, and the read-only PostgreSQL role
``asetik-collector db grafana-role`` makes for Grafana: it reads the views and nothing else."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url, text

from collector.adapters.db.engine import open_engine
from collector.adapters.db.grafana_role import GRAFANA_VIEWS
from collector.entrypoints.cli import main as collector_cli
from tests.collector.databases import PostgresDatabases, SqliteDatabases, fresh_database
from tests.collector.grafana_seed import SBY, seed_grafana_register


def _rows(url: str, view: str) -> list[dict[str, Any]]:
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {view}"))]  # noqa: S608
    finally:
        engine.dispose()


def test_the_views_list_what_needs_a_persons_eye(db_url: str) -> None:
    engine = open_engine(db_url)
    seeded = seed_grafana_register(engine)
    engine.dispose()

    stale = {r["asset_id"]: r for r in _rows(db_url, "grafana_stale_assets")}
    assert set(stale) == {seeded.stale_pc, seeded.stale_printer}  # the fresh switch is not
    assert stale[seeded.stale_pc]["days_unseen"] == 10
    assert stale[seeded.stale_printer]["days_unseen"] == 3  # a device: stale after 2 days
    assert stale[seeded.stale_pc]["site"] == SBY and stale[seeded.stale_pc]["asset"] == "pc-lama"

    disks = {r["disk_id"]: r for r in _rows(db_url, "grafana_failing_disks")}
    assert set(disks) == {seeded.failed_disk, seeded.ticketed_disk}  # not the healthy sdc
    assert disks[seeded.failed_disk]["health"] == "failed"
    assert disks[seeded.failed_disk]["temperature_c"] == 41.0
    assert disks[seeded.ticketed_disk]["critical_tickets"] == 1

    (toner,) = _rows(db_url, "grafana_printer_supplies_low")  # the closed Cyan one is gone
    assert (toner["ticket_id"], toner["site"], toner["supply"]) == (
        seeded.toner_ticket, SBY, "Black Toner")  # fmt: skip
    assert toner["level_percent"] == 4.0
    assert toner["days_open"] == 1

    tickets = {r["ticket_id"]: r for r in _rows(db_url, "grafana_open_tickets")}
    assert set(tickets) == seeded.open_tickets
    assert sorted(r["age_days"] for r in tickets.values()) == [1, 2, 3, 4, 5, 6, 8]

    (overdue,) = _rows(db_url, "grafana_overdue_work_orders")
    assert (overdue["work_order_id"], overdue["days_overdue"], overdue["site"]) == (
        seeded.overdue_order, 3, SBY)  # fmt: skip

    done = sorted(r["on_time"] for r in _rows(db_url, "grafana_work_orders_done"))
    assert done == [0, 1]


@pytest.fixture
def pg_url(
    _sqlite_databases: SqliteDatabases, _postgres_databases: PostgresDatabases
) -> Iterator[str]:
    yield from fresh_database("postgresql", _sqlite_databases, _postgres_databases)


def _dsn(url: str, user: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if user is not None:
        parsed = parsed.set(username=user, password="rahasia-grafana")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture
def role(pg_url: str) -> Iterator[str]:
    """A role name of this test; the role and its grants are dropped afterwards."""
    name = f"grafana_t_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(_dsn(pg_url), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
        if exists:
            admin.execute(f'DROP OWNED BY "{name}"')
            admin.execute(f'DROP ROLE "{name}"')


def _grafana_role(url: str, name: str, env: str = "GRAFANA_DB_PASSWORD") -> int:
    return collector_cli(["--db", url, "db", "grafana-role", "--name", name, "--password-env", env])


def _denied(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn) as connection, pytest.raises(psycopg.errors.Error) as caught:
        connection.execute(statement)
    assert isinstance(
        caught.value, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction
    ), f"{statement}: {caught.value!r}"


def test_the_role_reads_the_views_and_nothing_else(
    pg_url: str, role: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_engine(pg_url)
    seed_grafana_register(engine)
    engine.dispose()
    monkeypatch.setenv("GRAFANA_DB_PASSWORD", "rahasia-grafana")

    assert _grafana_role(pg_url, role) == 0
    assert "dibuat" in capsys.readouterr().out
    as_grafana = _dsn(pg_url, role)
    with psycopg.connect(as_grafana) as connection:
        counts = {view: connection.execute(f"SELECT count(*) FROM {view}").fetchone()  # noqa: S608
                  for view in GRAFANA_VIEWS}  # fmt: skip
        read_only = connection.execute("SHOW default_transaction_read_only").fetchone()
    assert read_only == ("on",)
    assert all(found is not None and found[0] > 0 for found in counts.values()), counts
    for statement in (
        "SELECT * FROM credentials",
        "SELECT * FROM assets",
        "SELECT * FROM users",
        "DELETE FROM sites",
        "UPDATE tickets SET status = 'closed'",
        "CREATE TABLE mine (x int)",
        "CREATE VIEW mine AS SELECT 1",
    ):
        _denied(as_grafana, statement)
    with psycopg.connect(_dsn(pg_url), autocommit=True) as admin:
        password = admin.execute(
            "SELECT rolpassword IS NOT NULL, rolcanlogin, rolsuper FROM pg_authid "
            "WHERE rolname = %s", [role]).fetchone()  # fmt: skip
        assert password == (True, True, False)
        # someone grants more by hand; running the command again takes it back
        admin.execute(f'GRANT SELECT, INSERT ON credentials TO "{role}"')

    assert _grafana_role(pg_url, role) == 0
    assert "diperbarui" in capsys.readouterr().out
    _denied(as_grafana, "SELECT * FROM credentials")


@pytest.mark.parametrize(
    ("name", "env_value"),
    [
        ("grafana'; DROP TABLE assets; --", "x"),
        ("Grafana", "x"),
        ("pg_grafana", "x"),
        ("postgres", "x"),
        ("grafana_ok", ""),
    ],
    ids=["injection", "upper-case", "pg-prefix", "superuser", "empty-password"],
)
def test_bad_input_is_refused_and_changes_nothing(
    pg_url: str, name: str, env_value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAFANA_DB_PASSWORD", env_value)
    assert _grafana_role(pg_url, name) == 2
    with psycopg.connect(_dsn(pg_url), autocommit=True) as admin:
        assert admin.execute("SELECT count(*) FROM assets").fetchone() == (0,)
        made = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'grafana_ok'").fetchone()
    assert made is None


def test_sqlite_has_no_roles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert collector_cli(["--db", url, "db", "upgrade"]) == 0
    monkeypatch.setenv("GRAFANA_DB_PASSWORD", "x")
    assert _grafana_role(url, "grafana_ro") == 2


def test_the_role_command_lists_every_grafana_view(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                query = "SELECT name FROM sqlite_master WHERE type = 'view'"
            else:
                query = "SELECT table_name FROM information_schema.views " \
                        "WHERE table_schema = current_schema()"  # fmt: skip
            names = {name for (name,) in connection.execute(text(query))}
    finally:
        engine.dispose()
    assert {n for n in names if n.startswith("grafana_")} == set(GRAFANA_VIEWS)
