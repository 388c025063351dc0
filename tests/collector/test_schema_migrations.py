"""Migrations: `db upgrade` brings an empty database to the models; `serve` refuses until then."""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from collector.adapters.db.engine import open_engine
from collector.adapters.db.migrate import (
    OutdatedSchemaError,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from collector.adapters.db.models import Base
from collector.bootstrap import build_services
from collector.config import load_config
from collector.entrypoints.cli import main as collector_cli
from tests.collector.databases import PostgresDatabases


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    databases = PostgresDatabases()
    url = databases.new_empty()
    request.addfinalizer(lambda: databases.drop(url))
    return url


def test_serve_refuses_an_empty_database_until_upgraded(empty_url: str, tmp_path: Path) -> None:
    config = load_config({}, db=empty_url, data_dir=tmp_path / "data")
    with pytest.raises(OutdatedSchemaError, match="db upgrade"):
        build_services(config)
    errors = io.StringIO()
    with redirect_stderr(errors):
        status = collector_cli(["--db", empty_url, "--data-dir", str(tmp_path), "serve"])
    assert status == 2
    assert "asetik-collector db upgrade" in errors.getvalue()
    assert collector_cli(["--db", empty_url, "--data-dir", str(tmp_path), "db", "upgrade"]) == 0
    engine = open_engine(empty_url)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()
    build_services(config).close()


def _software_foreign_keys(engine: Engine) -> list[list[str]]:
    return [
        fk["constrained_columns"]
        for fk in inspect(engine).get_foreign_keys("installations")
        if fk["referred_table"] == "software"
    ]


def _content_compression(engine: Engine) -> str:
    """asset_sections.content's column compression on PostgreSQL ('l' lz4, '' default)."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'asset_sections'::regclass AND attname = 'content'"
            )
        ).scalar_one()
    return str(found)


def _seed_installation(engine: Engine) -> None:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO sites (id, code, name, created_at) VALUES (1, 'S', 's', :now)"),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO assets (id, site_id, kind, status, needs_review, first_seen,"
                " last_seen, last_source) VALUES (1, 1, 'pc', 'active', false, :now, :now, 'agent')"
            ),
            {"now": now},
        )
        connection.execute(
            text("INSERT INTO software (id, key, name) VALUES (7, 'vim\x1f', 'vim')")
        )
        connection.execute(
            text(
                "INSERT INTO installations (asset_id, software_id, display_name, source)"
                " VALUES (1, 7, 'vim', 'dpkg')"
            )
        )


def test_0002_drops_the_catalogue_key_and_keeps_the_rows(empty_url: str) -> None:
    engine = open_engine(empty_url)
    try:
        upgrade(engine, "0001")
        _seed_installation(engine)
        assert _software_foreign_keys(engine) == [["software_id"]]
        upgrade(engine)
        assert _software_foreign_keys(engine) == []
        assert "ix_installations_software_id" in {
            index["name"] for index in inspect(engine).get_indexes("installations")
        }
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT asset_id, software_id, display_name FROM installations")
            ).all()
        assert [tuple(row) for row in rows] == [(1, 7, "vim")]
        if engine.dialect.name == "postgresql":
            assert _content_compression(engine) == "l"
        downgrade(engine, "0001")
        assert _software_foreign_keys(engine) == [["software_id"]]
        if engine.dialect.name == "postgresql":
            assert _content_compression(engine) == ""
    finally:
        engine.dispose()


def test_the_migrations_build_what_the_models_describe(empty_url: str) -> None:
    engine = open_engine(empty_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            drift = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    # Tables and columns only: index and constraint naming differs per database by design.
    assert [
        d for d in drift if d[0] in ("add_table", "remove_table", "add_column", "remove_column")
    ] == []


def test_0004_keeps_snmp_credentials_and_targets_and_goes_back(empty_url: str) -> None:
    engine = open_engine(empty_url)
    now = datetime(2026, 11, 28, tzinfo=UTC)
    try:
        upgrade(engine, "0003")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO sites (id, code, name, created_at) VALUES (1, 'S', 's', :now)"),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO poll_credentials (name, protocol, version, sealed, updated_at)"
                    " VALUES ('printer', 'snmp', 'v2c', 'enc:x', :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO poll_targets (site_id, protocol, spec, credentials, updated_at)"
                    " VALUES (1, 'snmp', '127.0.0.1', '[\"printer\"]', :now)"
                ),
                {"now": now},
            )
        upgrade(engine)
        with engine.connect() as connection:
            credential = connection.execute(
                text("SELECT name, key_file, legacy_algorithms FROM poll_credentials")
            ).one()
            target = connection.execute(text("SELECT spec, device_type FROM poll_targets")).one()
        assert (credential.name, credential.key_file, bool(credential.legacy_algorithms)) == (
            "printer", None, False,
        )  # fmt: skip
        assert tuple(target) == ("127.0.0.1", None)
        assert "poll_findings" in inspect(engine).get_table_names()
        downgrade(engine, "0003")
        assert "poll_findings" not in inspect(engine).get_table_names()
        columns = {c["name"] for c in inspect(engine).get_columns("poll_credentials")}
        assert "legacy_algorithms" not in columns and "name" in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM poll_targets")).scalar() == 1
    finally:
        engine.dispose()


def _asset_foreign_keys(engine: Engine) -> list[list[str]]:
    return [
        fk["constrained_columns"]
        for fk in inspect(engine).get_foreign_keys("installations")
        if fk["referred_table"] == "assets"
    ]


def test_0005_numbers_versions_and_drops_the_asset_key(empty_url: str) -> None:
    engine = open_engine(empty_url)
    try:
        upgrade(engine, "0004")
        _seed_installation(engine)
        with engine.begin() as connection:  # a second kernel-like version of the same product
            connection.execute(
                text(
                    "INSERT INTO installations (asset_id, software_id, display_name, version,"
                    " source) VALUES (1, 7, 'vim', '9.1', 'dpkg')"
                )
            )
        assert _asset_foreign_keys(engine) == [["asset_id"]]
        upgrade(engine, "0005")
        assert _asset_foreign_keys(engine) == []
        assert inspect(engine).get_pk_constraint("installations")["constrained_columns"] == [
            "asset_id", "software_id", "seq"
        ]  # fmt: skip
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT software_id, seq, version FROM installations ORDER BY seq")
            ).all()
        assert [tuple(row) for row in rows] == [(7, 0, None), (7, 1, "9.1")]
        downgrade(engine, "0004")
        assert _asset_foreign_keys(engine) == [["asset_id"]]
        assert "id" in {c["name"] for c in inspect(engine).get_columns("installations")}
        with engine.connect() as connection:
            versions = connection.execute(
                text("SELECT version FROM installations ORDER BY id")
            ).all()
        assert [row[0] for row in versions] == [None, "9.1"]
        upgrade(engine)  # and up again over the rebuilt table
        assert _asset_foreign_keys(engine) == []
    finally:
        engine.dispose()
