"""The collector serves HTTPS with its own certificate; the real agent verifies it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from collector.config import ConfigError, load_config
from tests.collector.processes import AGENT, CollectorProcess, http_request, prepare_collector
from tests.fakes.collector import make_tls_files

pytestmark = pytest.mark.slow


def _agent(url: str, token: str, state: Path, ca: Path | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "ASETIK_COLLECTOR_URL": url,
           "ASETIK_ENROLL_TOKEN": token, "ASETIK_STATE_DIR": str(state)}  # fmt: skip
    if ca is not None:
        env["ASETIK_CA_BUNDLE"] = str(ca)
    return subprocess.run(
        [str(AGENT), "run", "--once"], env=env, capture_output=True, text=True, timeout=180,
        check=False,
    )  # fmt: skip


def test_agent_enrols_over_https_only_when_it_trusts_the_certificate(
    db_url: str, tmp_path: Path
) -> None:
    cert, key = make_tls_files(tmp_path)
    collector = CollectorProcess(db_url, tmp_path, tls=(cert, key))
    collector.cli("db", "upgrade")
    collector.launch()
    try:
        tokens = prepare_collector(collector)
        collector.wait_healthy()
        assert collector.url.startswith("https://")
        untrusted = _agent(collector.url, tokens.enrol, tmp_path / "untrusted", None)
        assert untrusted.returncode != 0
        assert "certificate" in untrusted.stderr.lower()
        trusted = _agent(collector.url, tokens.enrol, tmp_path / "trusted", cert)
        assert trusted.returncode == 0, trusted.stderr[-2000:]
        listed = http_request(f"{collector.url}/api/v1/assets", token=tokens.api, ca=cert)
        assert listed.status == 200
        assert listed.body["total"] == 1
    finally:
        collector.stop()


def test_tls_needs_both_files(tmp_path: Path) -> None:
    cert, _ = make_tls_files(tmp_path)
    with pytest.raises(ConfigError, match="keduanya"):
        load_config({}, data_dir=tmp_path, tls_cert=cert)
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        load_config({}, data_dir=tmp_path, tls_cert=cert, tls_key=tmp_path / "missing.pem")
