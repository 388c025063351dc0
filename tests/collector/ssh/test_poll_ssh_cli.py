"""``asetik-collector poll --ssh ... --print`` as a user runs it: one device's document without
a database; a host key that differs from --known-hosts and wrong use are refused (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.collector.processes import CLI_TIMEOUT_S, COLLECTOR
from tests.collector.ssh.conftest import StartReplayDevice
from tests.schema_check import schema_errors

pytestmark = pytest.mark.peer


def _run(tmp_path: Path, *args: str, password: str = "") -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ASETIK_TEST_SSH_PASSWORD": password}
    return subprocess.run(
        [str(COLLECTOR), "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True, text=True, timeout=CLI_TIMEOUT_S, check=False, env=environ,
    )  # fmt: skip


def _poll_args(where: str, *extra: str) -> list[str]:
    return ["poll", "--ssh", where, "--device-type", "cisco_ios", "--username", "netops",
            "--password-env", "ASETIK_TEST_SSH_PASSWORD", "--print", *extra]  # fmt: skip


def test_print_one_ssh_device(tmp_path: Path, replay_device: StartReplayDevice) -> None:
    device = replay_device("cisco_ios")
    done = _run(tmp_path, *_poll_args(f"{device.host}:{device.port}"), password=device.password)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["device"]["serial"] == "CAT1451S15C"
    assert document["device"]["ssh_host_key"] == device.host_key_fingerprint
    assert schema_errors(document) == []
    assert device.password not in done.stdout + done.stderr


def test_host_key_not_in_known_hosts_file_is_refused(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    known = tmp_path / "known_hosts"
    known.write_text("\n".join(device.known_hosts_lines()) + "\n")
    device.rotate_host_key()
    where = f"{device.host}:{device.port}"
    done = _run(tmp_path, *_poll_args(where, "--known-hosts", str(known)), password="x")
    assert done.returncode == 2, done.stderr
    assert "berubah" in done.stderr
    assert device.auth_attempts == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["poll", "--ssh", "127.0.0.1", "--device-type", "cisco_ios"], "--ssh hanya bersama"),
        (["poll", "--ssh", "127.0.0.1", "--print"], "--device-type"),
        (["poll", "--ssh", "127.0.0.1", "--device-type", "toaster", "--print"], "tidak dikenal"),
        (["poll", "--ssh", "127.0.0.0/30", "--device-type", "cisco_ios", "--print"], "rentang"),
        (
            ["poll", "--ssh", "127.0.0.1", "--device-type", "cisco_ios", "--username", "u",
             "--print"],
            "--password-env",
        ),
    ],
)  # fmt: skip
def test_wrong_ssh_use_is_refused(tmp_path: Path, args: list[str], message: str) -> None:
    done = _run(tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
