"""Migrations: `db upgrade` brings an empty database to the models; `serve` refuses until then."""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from sqlalchemy import inspect

from collector.adapters.db.engine import open_engine
from collector.adapters.db.migrate import OutdatedSchemaError, current_revision, head_revision
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
