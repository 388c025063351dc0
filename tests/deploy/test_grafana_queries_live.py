"""Every query of every committed dashboard, run for real: Debian's Prometheus scrapes a real
collector (seeded register on PostgreSQL, one accepted and one refused observation) and a real
poll process (one dead SNMP device), then each PromQL expression and template variable must
return at least one series; each SQL panel runs on PostgreSQL as the read-only Grafana role
and must return rows (the seed puts a row behind every panel for its site)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from collector.adapters.db.engine import open_engine
from tests.collector.databases import PostgresDatabases
from tests.collector.documents import observation
from tests.collector.grafana_seed import SBY, seed_grafana_register
from tests.collector.processes import (
    CollectorProcess,
    free_port,
    gzip_json,
    http_request,
    prepare_collector,
)
from tests.deploy.grafana_queries import LABEL_VALUES, queries, substitute, variable_queries
from tests.peers import require_command
from tests.snmp_peers import free_udp_port

pytestmark = [pytest.mark.slow, pytest.mark.peer]
VALUES = {"site": SBY, "__rate_interval": "1m", "__interval": "1m", "__range": "1h"}
PASSWORD = "grafana-uji"  # a throw-away role on the test database
WAIT_S = 90.0


def _prometheus_query(base: str, path: str, **params: str) -> Any:
    reply = http_request(f"{base}{path}?{urllib.parse.urlencode(params)}", timeout=10)
    assert reply.status == 200 and reply.body["status"] == "success", reply.text
    return reply.body["data"]


@contextmanager
def _process(argv: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A background process, stopped by its pid on the way out."""
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _poller_targets(collector: CollectorProcess) -> Path:
    sealed = collector.cli("secret", "seal", "--env", "ASETIK_TEST_COMMUNITY")
    path = collector.data_dir / "targets.toml"
    path.write_text(
        f'[defaults]\ntimeout = 0.5\nretries = 0\n\n[[credentials]]\nname = "publik"\n'
        f'community = "{sealed}"\n\n[[sites]]\ncode = "{SBY}"\n'
        f'targets = ["127.0.0.1:{free_udp_port()}"]\ncredentials = ["publik"]\n'
    )
    return path


def _prometheus_config(folder: Path, collector: CollectorProcess, poller_port: int) -> Path:
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {"job_name": "asetik-collector",
             "static_configs": [{"targets": [f"127.0.0.1:{collector.port}"]}]},
            {"job_name": "asetik-poller",
             "static_configs": [{"targets": [f"127.0.0.1:{poller_port}"]}]},
        ],
    }  # fmt: skip
    path = folder / "prometheus.yml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


def _ingest(collector: CollectorProcess) -> None:
    """One accepted observation and one refused (schema) one: both ingest results exist."""
    tokens = prepare_collector(collector)
    collector.wait_healthy()
    credential = collector.enrol(tokens.enrol, "pc-uji")
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    url = f"{collector.url}/api/v1/observations"
    accepted = http_request(url, token=credential, headers=headers,
                            payload=gzip_json(observation("linux", hostname="pc-uji")))  # fmt: skip
    assert accepted.status == 202 and accepted.body["status"] == "accepted", accepted.text
    broken = observation("linux", hostname="pc-uji")
    broken["schema_version"] = "bukan-versi"
    refused = http_request(url, token=credential, headers=headers, payload=gzip_json(broken))
    assert 400 <= refused.status < 500, refused.text


def _wait_for_scrapes(base: str) -> None:
    """Until both targets are up, the register gauges and a finished poll round are in, and a
    few more scrapes have landed (rate() needs two samples in its window)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with_data = _prometheus_query(base, "/api/v1/query", query=(
            "count(up == 1) == 2 and on() count(asetik_assets) > 0 and on() "
            "count(asetik_poll_round_end_timestamp_seconds) > 0"))  # fmt: skip
        if with_data["result"]:
            time.sleep(4)
            return
        time.sleep(0.5)
    raise AssertionError(f"Prometheus had no complete scrape within {WAIT_S} s")


def test_every_dashboard_query_returns_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prometheus = require_command("prometheus")
    databases = PostgresDatabases()
    db_url = databases.new()
    role = f"grafana_t_{uuid.uuid4().hex[:10]}"
    admin_dsn = make_url(db_url).set(drivername="postgresql").render_as_string(False)
    monkeypatch.setenv("ASETIK_GRAFANA_DB_PASSWORD", PASSWORD)
    monkeypatch.setenv("ASETIK_TEST_COMMUNITY", "publik-uji")
    collector = CollectorProcess(db_url, tmp_path)
    try:
        engine = open_engine(db_url)
        seed_grafana_register(engine)
        engine.dispose()
        collector.cli("db", "grafana-role", "--name", role, "--password-env",
                      "ASETIK_GRAFANA_DB_PASSWORD")  # fmt: skip
        poller_port, prometheus_port = free_port(), free_port()
        targets = _poller_targets(collector)
        collector.launch()
        _ingest(collector)
        with ExitStack() as running:
            running.enter_context(_process(collector.argv(
                ["poll", "--targets", str(targets), "--metrics-listen",
                 f"127.0.0.1:{poller_port}"]), tmp_path / "poll.log"))  # fmt: skip
            config = _prometheus_config(tmp_path, collector, poller_port)
            running.enter_context(_process(
                [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                 f"--web.listen-address=127.0.0.1:{prometheus_port}"],
                tmp_path / "prometheus.log"))  # fmt: skip
            base = f"http://127.0.0.1:{prometheus_port}"
            _wait_until_ready(base)
            _wait_for_scrapes(base)
            _check_promql(base)
        as_role = make_url(db_url).set(drivername="postgresql", username=role, password=PASSWORD)
        _check_sql(as_role.render_as_string(False), role)
    finally:
        collector.stop()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                admin.execute(f'DROP OWNED BY "{role}"')
                admin.execute(f'DROP ROLE "{role}"')
        databases.drop(db_url)


def _wait_until_ready(base: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            if http_request(f"{base}/-/ready", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("Prometheus did not become ready")


def _check_promql(base: str) -> None:
    empty = []
    promql = [q for q in queries() if q.language == "promql"]
    assert len(promql) >= 30
    for query in promql:
        expr = substitute(query.text, VALUES)
        result = _prometheus_query(base, "/api/v1/query", query=expr)["result"]
        if not result:
            empty.append(f"{query.dashboard} / {query.panel}: {expr}")
    for board, name, text in variable_queries():
        found = LABEL_VALUES.match(text)
        assert found, f"{board} ${name}: not label_values(metric, label): {text}"
        values = _prometheus_query(base, f"/api/v1/label/{found['label']}/values",
                                   **{"match[]": found["metric"]})  # fmt: skip
        if SBY not in values:
            empty.append(f"{board} ${name}: {text} gave {values}")
    assert not empty, "queries without a series:\n" + "\n".join(empty)


def _check_sql(dsn: str, role: str) -> None:
    sql = [q for q in queries() if q.language == "sql"]
    assert sql
    without_rows = []
    with psycopg.connect(dsn) as connection:
        for query in sql:
            rows = connection.execute(substitute(query.text, VALUES)).fetchall()
            if not rows:
                without_rows.append(f"{query.dashboard} / {query.panel}")
        assert connection.info.parameter_status("session_authorization") == role
    assert not without_rows, "SQL panels without rows:\n" + "\n".join(without_rows)
