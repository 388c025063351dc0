"""``asetik-collector explain-smart`` on real corpus files, a garbage file and a missing one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collector.entrypoints.cli import main
from tests.peers import corpus_dir

FAILING = "usb-jmicron-hdd-wd3200bevt-failed-realloc-now.json"
HEALTHY = "ata-hdd-wd-red-wd20efrx-healthy.json"
PACKED = "ata-hdd-seagate-st2000nm0008-packed-raw.json"


def lines(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines()]


def test_one_line_per_file_in_order_with_indonesian_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xff{not json")
    other_json = tmp_path / "other.json"
    other_json.write_text('{"hello": "world"}')
    smart = corpus_dir("smart")
    files = [str(smart / FAILING), str(smart / HEALTHY), str(garbage), str(other_json)]
    status = main(["--data-dir", str(tmp_path / "data"), "explain-smart", *files])
    rows = lines(capsys.readouterr().out)
    assert status == 0
    assert [(row[0], row[1]) for row in rows] == list(
        zip(files, ["CRIT", "OK", "UNKNOWN", "UNKNOWN"], strict=True)
    )
    assert rows[0][2].startswith("Penilaian kesehatan SMART: GAGAL (FAILED)")
    assert "; Sektor dialokasikan ulang (ATA 5) = 535:" in rows[0][2]
    assert rows[2][2] == "bukan JSON (keluaran smartctl --json diharapkan)"
    assert rows[3][2] == "JSON ini bukan keluaran smartctl --json"
    assert not (tmp_path / "data").exists()  # no database, no data directory


def test_english_reasons_and_unreadable_file_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    files = [str(corpus_dir("smart") / PACKED), str(missing), str(tmp_path)]
    status = main(["explain-smart", "--lang", "en", *files])
    rows = lines(capsys.readouterr().out)
    assert status == 1
    assert rows[0] == [
        files[0],
        "WARN",
        "Command timeouts (ATA 188) = 2: the disk is wearing out, plan a replacement",
    ]
    assert rows[1] == [str(missing), "UNKNOWN", "file cannot be read: No such file or directory"]
    assert rows[2][:2] == [str(tmp_path), "UNKNOWN"]


def test_installed_command_runs_as_a_process_and_documents_its_exit_rule() -> None:
    env = {**os.environ, "ASETIK_DB": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "collector.entrypoints.cli",
            "explain-smart",
            str(corpus_dir("smart") / "nvme-samsung-mzwll3t2-failed-critical-warning-0x10.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert (result.returncode, lines(result.stdout)[0][1]) == (0, "CRIT"), result.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "collector.entrypoints.cli", "explain-smart", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "1 bila ada berkas yang tidak dapat dibaca" in " ".join(helped.stdout.split())
