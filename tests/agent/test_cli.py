"""``asetik-agent`` as a user runs it: a real process on this machine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.peers import dpkg_package_count
from tests.schema_check import schema_errors


def _agent(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


@pytest.mark.slow
def test_inventory_prints_a_valid_document_with_every_package(tmp_path: Path) -> None:
    before = dpkg_package_count()
    done = _agent("inventory", "--cache-dir", str(tmp_path / "cache"), cwd=Path.cwd())
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    assert schema_errors(document) == []
    assert document["source"]["full"] is True
    assert "errors" not in document["source"], document["source"]["errors"]
    assert len(document["softwares"]) == before == dpkg_package_count()
    assert document["identity"]["hostname"]
    assert document["operatingsystem"]["id"] == "debian"


def test_inventory_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "inventory.json"
    done = _agent("inventory", "--output", str(target), "--pretty", cwd=Path.cwd())
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert schema_errors(json.loads(target.read_text(encoding="utf-8"))) == []
    assert not list(tmp_path.glob("*.tmp"))


def test_unknown_command_and_bad_config_fail_clearly(tmp_path: Path) -> None:
    unknown = _agent("explode", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "invalid choice" in unknown.stderr
    config = tmp_path / "agent.toml"
    config.write_text('collector_url = "https://collector.invalid"\nbogus_key = 1\n')
    bad = _agent("run", "--once", "--config", str(config), cwd=Path.cwd())
    assert bad.returncode == 2
    assert "unknown setting 'bogus_key'" in bad.stderr
    config.write_text('collector_url = "http://192.0.2.1:8080"\n')  # plain http off loopback
    insecure = _agent("run", "--once", "--config", str(config), cwd=Path.cwd())
    assert insecure.returncode == 2
    assert "only https:// is allowed" in insecure.stderr
