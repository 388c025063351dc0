"""``device_type = "autodetect"`` in the SSH poller: detected once per device with the credential
being tried, the type remembered per site and address (in the JSON file), never detected again;
a device that cannot be told, or told as a type without a profile, fails with a clear message.

The poller's own seams (RunSession, CheckHostKey, DetectDeviceType) are played by fakes here;
the real SSHDetect against a replaying device is in test_poll_ssh_end_to_end.py."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collector.adapters.ssh.catalogue import cli_parsers
from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.detect import DeviceTypeMemory
from collector.adapters.ssh.hostkeys import Address, HostKey, HostKeyCheck
from collector.adapters.ssh.observe import SessionOutputs, Where
from collector.adapters.ssh.profile import PROFILES, SshProfile, load_ssh_profiles
from collector.adapters.ssh.session import SshAuthError
from collector.services.polling import CredentialMemory, PollOutcome
from collector.services.ssh_polling import AUTODETECT, SshPoller, SshSite, SshTarget
from tests.collector.ssh.expectations import recorded_outputs

DEVICE = ("127.0.0.1", 2201)
KEY = HostKey("ssh-ed25519", "SHA256:perangkat", "AAAAC3NzaC1lZDI1NTE5AAAAIPerangkat")
RIGHT = SshCredential("benar", "netops", password="benar")
WRONG = SshCredential("salah", "netops", password="salah")


@dataclass
class FakeFleet:
    """One device that answers as ``answers`` says and counts what was asked of it."""

    answers: str | None  # what detection finds
    detections: list[str] = field(default_factory=list)  # credential label per detection
    sessions: list[str] = field(default_factory=list)  # profile id per session

    async def detect(
        self, address: Address, credential: SshCredential, check: HostKeyCheck
    ) -> str | None:
        assert check.keys == (KEY,)  # detection enforces the pinned host key
        if credential.password != RIGHT.password:
            raise SshAuthError(f"kredensial {credential.label} ditolak")
        self.detections.append(credential.label)
        return self.answers

    async def run(
        self,
        profile: SshProfile,
        address: Address,
        credential: SshCredential,
        check: HostKeyCheck,
    ) -> SessionOutputs:
        self.sessions.append(profile.id)
        return SessionOutputs(recorded_outputs(profile.id), host_key=KEY)

    async def check(self, site: str, address: Address) -> HostKeyCheck:
        return HostKeyCheck(site, address, (KEY,))

    async def linux(
        self, address: Address, credential: SshCredential, check: HostKeyCheck, where: Where
    ) -> dict[str, Any]:
        raise AssertionError("no Linux host here")


def _poller(fleet: FakeFleet, data: Path) -> SshPoller:
    return SshPoller(
        load_ssh_profiles(PROFILES, cli_parsers()), fleet.run, fleet.check,
        observe_linux=fleet.linux, memory=CredentialMemory(data / "credentials.json"),
        clock=lambda: datetime.now(UTC), detect=fleet.detect,
        device_types=DeviceTypeMemory(data / "types.json"),
    )  # fmt: skip


def _poll(poller: SshPoller) -> tuple[PollOutcome, list[dict[str, Any]]]:
    delivered: list[dict[str, Any]] = []

    async def deliver(document: dict[str, Any]) -> int:
        delivered.append(document)
        return len(delivered)

    site = SshSite("BBPOM-SBY", (SshTarget(DEVICE, AUTODETECT),), (WRONG, RIGHT))
    return asyncio.run(poller.poll_site(site, deliver))[0], delivered


def test_detected_once_then_the_stored_type_is_used(tmp_path: Path) -> None:
    fleet = FakeFleet("juniper_junos")
    outcome, documents = _poll(_poller(fleet, tmp_path))
    assert (outcome.result, outcome.credential) == ("ok", "benar")
    assert fleet.detections == ["benar"]  # the wrong credential failed detection, once
    assert fleet.sessions == ["juniper_junos"]
    assert documents[0]["device"]["vendor"] == "Juniper"
    assert DeviceTypeMemory(tmp_path / "types.json").get("BBPOM-SBY", DEVICE) == "juniper_junos"

    outcome, _ = _poll(_poller(fleet, tmp_path))  # a new poller: the file is what remembers
    assert outcome.result == "ok"
    assert fleet.detections == ["benar"]
    assert fleet.sessions == ["juniper_junos", "juniper_junos"]


def test_an_undetectable_device_fails_and_is_tried_again_next_time(tmp_path: Path) -> None:
    fleet = FakeFleet(None)
    outcome, documents = _poll(_poller(fleet, tmp_path))
    assert outcome.result == "failed"
    assert "tidak dikenali" in (outcome.message or "")
    assert (documents, fleet.sessions) == ([], [])
    assert DeviceTypeMemory(tmp_path / "types.json").get("BBPOM-SBY", DEVICE) is None
    _poll(_poller(fleet, tmp_path))
    assert fleet.detections == ["benar", "benar"]


def test_a_type_without_a_profile_is_kept_and_named_in_the_failure(tmp_path: Path) -> None:
    fleet = FakeFleet("extreme_exos")
    outcome, _ = _poll(_poller(fleet, tmp_path))
    assert outcome.result == "failed"
    assert "extreme_exos" in (outcome.message or "")
    outcome, _ = _poll(_poller(fleet, tmp_path))
    assert "extreme_exos" in (outcome.message or "")
    assert (fleet.detections, fleet.sessions) == (["benar"], [])
