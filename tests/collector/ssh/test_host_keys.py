"""Host keys enforced by the polling session itself: one SSH connection per poll, a changed key
refused before any password (netmiko and paramiko paths, replaying device and Debian's sshd),
old fingerprint-only pins still enforced and upgraded, known_hosts files, damaged pins."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.hostkeys import (
    HostKey,
    HostKeyChangedError,
    HostKeyCheck,
    HostKeyError,
    HostKeyStore,
    KnownHostsFile,
    fingerprint_of,
    parse_host_key,
)
from collector.bootstrap import build_ssh_poller
from collector.config import CollectorConfig
from collector.services.polling import PollOutcome
from collector.services.ssh_polling import (
    AGENTLESS_LINUX,
    HOST_KEY_CHANGED,
    SshPoller,
    SshSite,
    SshTarget,
)
from tests.collector.ssh.conftest import StartReplayDevice
from tests.ssh_device import ReplayDevice
from tests.sshd_peer import SshdPeer

SITE = "PUSDATIN"
PINS = "ssh-host-keys.json"


def poller(data_dir: Path, known_hosts: Path | None = None) -> SshPoller:
    config = CollectorConfig("sqlite://", "127.0.0.1", 0, data_dir)
    pins = KnownHostsFile(known_hosts) if known_hosts else None
    return build_ssh_poller(config, lambda: datetime.now(UTC), host_keys=pins)


def poll_target(
    ssh: SshPoller, target: SshTarget, credential: SshCredential
) -> tuple[PollOutcome, list[dict[str, Any]]]:
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return len(delivered)

    site = SshSite(SITE, (target,), (credential,))
    return asyncio.run(ssh.poll_site(site, deliver))[0], delivered


def poll_device(
    ssh: SshPoller, device: ReplayDevice, device_type: str | None = None
) -> tuple[PollOutcome, list[dict[str, Any]]]:
    target = SshTarget((device.host, device.port), device_type or device.device_type)
    credential = SshCredential("benar", device.username, password=device.password)
    return poll_target(ssh, target, credential)


def pin_file(data_dir: Path) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((data_dir / PINS).read_text(encoding="utf-8"))
    return loaded


def other_key() -> str:
    """A valid Ed25519 public key that no peer uses (``ssh-ed25519 AAAA...``)."""
    key = asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh")
    return " ".join(key.decode().split()[:2])


def test_whole_keys_and_old_fingerprints_are_read_and_garbage_is_refused() -> None:
    blob = b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + bytes(range(32))
    text = "ssh-ed25519 " + base64.b64encode(blob).decode()
    key = parse_host_key(text)
    assert (key.key_type, key.fingerprint, key.openssh) == (
        "ssh-ed25519",
        fingerprint_of(blob),
        text,
    )
    old = parse_host_key("SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    assert (old.public, old.fingerprint[:7]) == (None, "SHA256:")
    for garbage in ("", "SHA256:", "ssh-ed25519 ***", "a b c", "ssh-ed25519"):
        with pytest.raises(ValueError):
            parse_host_key(garbage)
    with pytest.raises(ValueError, match="sidik jari"):
        HostKeyCheck(SITE, ("127.0.0.1", 22), (old,))


def test_known_hosts_lines_name_the_port_as_openssh_does() -> None:
    key = parse_host_key(other_key())
    assert (
        HostKeyCheck(SITE, ("192.0.2.1", 22), (key,)).known_hosts() == f"192.0.2.1 {key.openssh}\n"
    )
    assert HostKeyCheck(SITE, ("::1", 2222), (key,)).known_hosts() == f"[::1]:2222 {key.openssh}\n"
    assert HostKeyCheck(SITE, ("192.0.2.1", 22)).known_hosts() == ""


def test_store_pins_whole_keys_upgrades_old_pins_and_refuses_changes(tmp_path: Path) -> None:
    address, new = ("127.0.0.1", 2222), parse_host_key(other_key())
    path = tmp_path / PINS
    path.write_text(json.dumps({f"{SITE}/127.0.0.1:2222": new.fingerprint}))
    store = HostKeyStore(path)
    assert store.pinned(SITE, address) == new.fingerprint
    assert store.verify(SITE, address, new) is False  # the old pin matched: upgraded
    assert pin_file(tmp_path) == {f"{SITE}/127.0.0.1:2222": new.openssh}
    assert HostKeyStore(path).expected(SITE, address) == (new,)
    changed = parse_host_key(other_key())
    with pytest.raises(HostKeyChangedError) as refused:
        store.verify(SITE, address, changed)
    assert (refused.value.pinned, refused.value.seen_key) == (new.fingerprint, changed)
    assert store.verify("UPT-1", address, changed) is True  # another site: its own pin
    assert pin_file(tmp_path)[f"{SITE}/127.0.0.1:2222"] == new.openssh


@pytest.mark.peer
def test_one_ssh_connection_per_poll_and_the_key_pinned_whole(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    first, _ = poll_device(poller(tmp_path), device)
    assert first.result == "ok"
    assert device.connections_made == 1
    assert pin_file(tmp_path) == {f"{SITE}/{device.host}:{device.port}": device.host_public_keys[0]}
    again, documents = poll_device(poller(tmp_path), device)
    assert again.result == "ok"
    assert device.connections_made == 2
    assert documents[0]["device"]["ssh_host_key"] == device.host_key_fingerprint


@pytest.mark.peer
def test_an_old_fingerprint_pin_is_checked_then_upgraded(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("arista_eos")
    key = f"{SITE}/{device.host}:{device.port}"
    (tmp_path / PINS).write_text(json.dumps({key: device.host_key_fingerprint}))
    outcome, _ = poll_device(poller(tmp_path), device)
    assert outcome.result == "ok"
    assert device.connections_made == 2  # the one-time check of the old pin, then the session
    assert pin_file(tmp_path) == {key: device.host_public_keys[0]}
    outcome, _ = poll_device(poller(tmp_path), device)
    assert (outcome.result, device.connections_made) == ("ok", 3)


@pytest.mark.peer
def test_an_old_fingerprint_pin_that_differs_refuses_before_login(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    old = parse_host_key(other_key()).fingerprint
    (tmp_path / PINS).write_text(json.dumps({f"{SITE}/{device.host}:{device.port}": old}))
    outcome, documents = poll_device(poller(tmp_path), device)
    assert outcome.result == HOST_KEY_CHANGED
    assert old in (outcome.message or "") and device.host_key_fingerprint in (outcome.message or "")
    assert (documents, device.auth_attempts, device.sessions) == ([], 0, 0)


@pytest.mark.peer
def test_a_damaged_pin_refuses_without_connecting(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("cisco_ios")
    (tmp_path / PINS).write_text(json.dumps({f"{SITE}/{device.host}:{device.port}": "rusak"}))
    outcome, _ = poll_device(poller(tmp_path), device)
    assert outcome.result == "failed"
    assert "rusak" in (outcome.message or "")
    assert device.connections_made == 0


@pytest.mark.peer
def test_rotated_key_on_the_agentless_path_is_refused_before_login(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device = replay_device("linux")
    pinned = {f"{SITE}/{device.host}:{device.port}": device.host_public_keys[0]}
    (tmp_path / PINS).write_text(json.dumps(pinned))  # as a first contact leaves it
    device.rotate_host_key()
    attempts, sessions = device.auth_attempts, device.sessions
    outcome, documents = poll_device(poller(tmp_path), device, AGENTLESS_LINUX)
    assert outcome.result == HOST_KEY_CHANGED
    assert device.host_key_fingerprint in (outcome.message or "")
    assert (documents, device.auth_attempts, device.sessions) == ([], attempts, sessions)


@pytest.mark.peer
def test_sshd_with_another_pinned_key_is_refused_before_login(
    tmp_path: Path, sshd_peer: SshdPeer
) -> None:
    pinned = other_key()
    address = f"{sshd_peer.host}:{sshd_peer.port}"
    (tmp_path / PINS).write_text(json.dumps({f"{SITE}/{address}": pinned}))
    log_before = sshd_peer.log_path.read_text(errors="replace")
    target = SshTarget((sshd_peer.host, sshd_peer.port), AGENTLESS_LINUX)
    credential = SshCredential("kunci", sshd_peer.user, key_file=sshd_peer.client_key_path)
    outcome, documents = poll_target(poller(tmp_path), target, credential)
    assert outcome.result == HOST_KEY_CHANGED
    assert parse_host_key(pinned).fingerprint in (outcome.message or "")
    assert documents == []
    new_log = sshd_peer.log_path.read_text(errors="replace")[len(log_before) :]
    assert "Accepted publickey" not in new_log and "Failed" not in new_log
    assert pin_file(tmp_path) == {f"{SITE}/{address}": pinned}


@pytest.mark.peer
def test_known_hosts_file_lets_the_listed_key_in_and_refuses_unlisted_hosts(
    tmp_path: Path, replay_device: StartReplayDevice
) -> None:
    device, stranger = replay_device("cisco_ios"), replay_device("cisco_ios")
    known = tmp_path / "known_hosts"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    known.write_text("\n".join(device.known_hosts_lines()) + "\n")
    outcome, _ = poll_device(poller(tmp_path / "a", known), device)
    assert (outcome.result, device.connections_made) == ("ok", 1)
    outcome, _ = poll_device(poller(tmp_path / "b", known), stranger)
    assert outcome.result == "failed"
    assert "known_hosts" in (outcome.message or "")
    assert stranger.connections_made == 0
    with pytest.raises(HostKeyError):
        KnownHostsFile(known).expected(SITE, (stranger.host, stranger.port))
    listed = KnownHostsFile(known).expected(SITE, (device.host, device.port))
    assert {key.openssh for key in listed} == set(device.host_public_keys)
    assert isinstance(listed[0], HostKey)
