"""Real SSH peers for the SSH poller tests: replaying network devices (asyncssh, one per test,
any recorded platform) and Debian's sshd (one per session). Each is stopped at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import pytest

from tests.peers import corpus_dir, require_command
from tests.ssh_device import ReplayDevice, start_device
from tests.sshd_peer import SshdPeer, start_sshd


class StartReplayDevice(Protocol):
    """Start a replaying device of a corpus platform (``start_device`` keyword options)."""

    def __call__(self, platform: str, **options: Any) -> ReplayDevice: ...


@pytest.fixture
def replay_device() -> Iterator[StartReplayDevice]:
    """A factory: ``replay_device("cisco_ios")`` -> a running device, stopped after the test."""
    cli_corpus = corpus_dir("cli")
    started: list[ReplayDevice] = []

    def start(platform: str, **options: Any) -> ReplayDevice:
        device = start_device(cli_corpus, platform, **options)
        started.append(device)
        return device

    try:
        yield start
    finally:
        for device in started:
            device.stop()


@pytest.fixture(scope="session")
def sshd_peer() -> Iterator[SshdPeer]:
    """Debian's sshd on loopback, key-only login for the current user, for the whole session."""
    sshd = require_command("sshd")
    ssh_keygen = require_command("ssh-keygen")
    peer = start_sshd(sshd, ssh_keygen)
    try:
        yield peer
    finally:
        peer.stop()
