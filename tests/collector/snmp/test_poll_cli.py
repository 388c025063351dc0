"""``asetik-collector poll --snmp ... --print`` and ``secret seal`` as a user runs them: one
device's document without a database, and clear refusals (exit 2) for wrong use."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.collector.processes import CLI_TIMEOUT_S, COLLECTOR
from tests.schema_check import schema_errors
from tests.snmp_peers import SnmpSim

pytestmark = pytest.mark.peer


def _run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COLLECTOR), "--data-dir", str(tmp_path / "data"), *args],
        input=stdin, capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False,
    )  # fmt: skip


def test_print_one_device_without_a_database(tmp_path: Path, snmpsim_corpus: SnmpSim) -> None:
    where = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
    done = _run(tmp_path, "poll", "--snmp", where, "--community", "apc_smart-ups-x-750", "--print")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert schema_errors(document) == []
    assert document["device"]["kind"] == "ups"
    assert document["source"]["target"] == where
    assert not (tmp_path / "data" / "asetik.db").exists()


def test_a_device_that_does_not_answer_exits_1(tmp_path: Path, snmpsim_corpus: SnmpSim) -> None:
    where = f"{snmpsim_corpus.host}:{snmpsim_corpus.port}"
    done = _run(tmp_path, "poll", "--snmp", where, "--community", "salah", "--print",
                "--timeout", "0.3")  # fmt: skip
    assert done.returncode == 1
    assert "tidak ada kredensial yang dijawab" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["poll", "--snmp", "127.0.0.1", "--community", "c"], "--snmp hanya bersama --print"),
        (["poll", "--print"], "--print perlu --snmp"),
        (["poll", "--snmp", "127.0.0.0/30", "--community", "c", "--print"], "bukan rentang"),
        (["poll", "--snmp", "127.0.0.1", "--print"], "--community"),
        (["poll", "--snmp", "127.0.0.1:x", "--community", "c", "--print"], "port tidak sah"),
        (["poll", "--snmp", "127.0.0.1", "--v3-user", "u", "--print"], "kosong"),
        (["poll", "--once", "--targets", "/nonexistent/targets.toml"], "tidak terbaca"),
        (["poll", "--once", "--concurrency", "0"], "--concurrency"),
        (["secret", "seal"], "rahasia kosong"),
    ],
)
def test_wrong_use_is_refused_with_the_reason(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = _run(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_secret_seal_reads_stdin_and_prints_a_sealed_token(tmp_path: Path) -> None:
    done = _run(tmp_path, "secret", "seal", stdin="komunitas-rahasia\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("enc:") and "komunitas" not in done.stdout
    assert (tmp_path / "data" / "secret.key").is_file()
