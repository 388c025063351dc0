"""deploy/prometheus/ checked by Prometheus' own promtool: the scrape configuration, the alert
rules, and their unit tests (alerts_test.yml: each alert firing, and near misses)."""

from __future__ import annotations

import subprocess

import pytest

from tests.peers import REPO, require_command

PROMETHEUS = REPO / "deploy" / "prometheus"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "config", "prometheus.yml"],
        ["check", "rules", "alerts.yml"],
        ["test", "rules", "alerts_test.yml"],
    ],
    ids=["config", "rules", "rule-tests"],
)
def test_promtool_accepts(args: list[str]) -> None:
    promtool = require_command("promtool")
    done = subprocess.run([promtool, *args], cwd=PROMETHEUS, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_every_alert_has_a_unit_test() -> None:
    alerts = (PROMETHEUS / "alerts.yml").read_text()
    tests = (PROMETHEUS / "alerts_test.yml").read_text()
    names = [line.split(":", 1)[1].strip() for line in alerts.splitlines()
             if line.strip().startswith("- alert:")]  # fmt: skip
    assert len(names) >= 6
    for name in names:
        assert f"alertname: {name}" in tests, f"{name} has no case in alerts_test.yml"
