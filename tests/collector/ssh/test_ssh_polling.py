"""The SSH poller end to end against replaying devices (real netmiko, real SSH on loopback):
every recorded platform's facts reach the observation, and the faults are handled."""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.profile import PROFILES as SSH_PROFILES
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.polling import PollOutcome
from collector.services.ssh_polling import HOST_KEY_CHANGED, SshPoller, SshSite, SshTarget
from tests.collector.ssh.conftest import StartReplayDevice
from tests.collector.ssh.expectations import EXPECTED, Expected, check_document
from tests.schema_check import schema_errors
from tests.ssh_device import ReplayDevice

pytestmark = pytest.mark.peer


def poller(data_dir: Path) -> SshPoller:
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, data_dir)
    return build_ssh_poller(config, lambda: datetime.now(UTC))


def login(device: ReplayDevice, name: str = "benar") -> SshCredential:
    return SshCredential(name, device.username, password=device.password)


def poll(
    ssh: SshPoller, device: ReplayDevice, *credentials: SshCredential
) -> tuple[PollOutcome, list[dict[str, Any]]]:
    """One poll of one device; the outcome and the documents delivered."""
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return len(delivered)

    target = SshTarget((device.host, device.port), device.device_type)
    site = SshSite("PUSDATIN", (target,), credentials or (login(device),))
    return asyncio.run(ssh.poll_site(site, deliver))[0], delivered


@pytest.mark.slow
@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.platform)
def test_every_platform_polled_through_netmiko(
    tmp_path: Path, replay_device: StartReplayDevice, expected: Expected
) -> None:
    device = replay_device(expected.platform)
    outcome, documents = poll(poller(tmp_path), device)
    assert (outcome.result, outcome.message) == ("ok", None)
    [document] = documents
    assert check_document(document, expected) == []
    assert document["device"]["ssh_host_key"] == device.host_key_fingerprint
    assert document["source"]["kind"] == "ssh"
    assert "unparsed" not in document["source"]
    assert schema_errors(document) == []


def test_wrong_password_then_right_one_each_tried_once(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    wrong = SshCredential("salah", device.username, password="bukan-ini")
    ssh = poller(tmp_path)
    outcome, documents = poll(ssh, device, wrong, login(device))
    assert (outcome.result, outcome.credential) == ("ok", "benar")
    assert (device.auth_failures, device.auth_attempts) == (1, 2)
    assert documents[0]["device"]["serial"] == "CAT1451S15C"
    # remembered: the next poll starts with the working credential, the wrong one is not tried
    outcome, _ = poll(poller(tmp_path), device, wrong, login(device))
    assert outcome.result == "ok"
    assert (device.auth_failures, device.auth_attempts) == (1, 3)


def test_only_wrong_passwords_is_dead_after_one_try_each(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("arista_eos")
    wrongs = [SshCredential(f"salah{i}", device.username, password=f"x{i}") for i in range(3)]
    outcome, documents = poll(poller(tmp_path), device, *wrongs)
    assert outcome.result == "dead"
    assert documents == []
    assert device.auth_attempts == 3


def test_changed_host_key_refuses_before_any_login(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    first, _ = poll(poller(tmp_path), device)
    assert first.result == "ok"
    attempts, sessions = device.auth_attempts, device.sessions
    old = device.host_key_fingerprint
    device.rotate_host_key()
    outcome, documents = poll(poller(tmp_path), device)
    assert outcome.result == HOST_KEY_CHANGED
    assert old in (outcome.message or "")
    assert device.host_key_fingerprint in (outcome.message or "")
    assert documents == []
    assert (device.auth_attempts, device.sessions) == (attempts, sessions)


def test_closed_port_fails_fast(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: connections are refused
        ssh = poller(tmp_path)
        started = time.monotonic()
        target = SshTarget(("127.0.0.1", port), "cisco_ios")
        credential = SshCredential("x", "netops", password="y")
        site = SshSite("PUSDATIN", (target,), (credential,))

        async def deliver(document: dict[str, Any]) -> int:
            raise AssertionError("nothing may be delivered")

        [outcome] = asyncio.run(ssh.poll_site(site, deliver))
    assert outcome.result == "failed"
    assert "tidak dapat dihubungi" in (outcome.message or "")
    assert time.monotonic() - started < 3


@pytest.mark.slow
def test_device_stalling_mid_command_times_out(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios", stall_on=["show version"])
    profiles = tmp_path / "profiles"
    shutil.copytree(SSH_PROFILES, profiles)
    shipped = (profiles / "cisco_ios.toml").read_text()
    (profiles / "cisco_ios.toml").write_text("command_timeout = 3.0\n" + shipped)
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, tmp_path)
    ssh = build_ssh_poller(config, lambda: datetime.now(UTC), profiles=profiles)
    started = time.monotonic()
    outcome, documents = poll(ssh, device)
    elapsed = time.monotonic() - started
    # the inventory was read; show version timed out (the profile's command_timeout, 3 s here
    # instead of 30) and the command after it was not sent to the silent device
    assert outcome.result == "ok"
    errors = documents[0]["source"]["errors"]
    assert [e["section"] for e in errors] == ["show version", "show interfaces status"]
    assert "tidak dijalankan" in errors[1]["message"]
    assert documents[0]["modules"]
    assert elapsed < 30
    assert schema_errors(documents[0]) == []
