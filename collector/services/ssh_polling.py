"""SSH polling: find the credential a device takes, observe it with its host key enforced, hand
the document on.

Like the SNMP poller (polling.py) the SSH poller neither parses nor stores: sessions come from
``run_session`` (netmiko, collector/adapters/ssh/session.py) or ``observe_linux`` (paramiko,
agentless Linux), the document from ``observe_outputs``, and ``deliver`` hands it to the one
ingest path. Per device and poll: ``check_host_key`` says which host keys the sessions may
accept (the pinned one; any on first contact), and each session enforces that in its own key
exchange, so a changed key refuses the poll before any password is sent (outcome
``host_key_changed``, handed to ``on_key_change`` to be recorded as a finding). The credentials
are tried in order, the one that worked last time first, each wrong one once; the one that works
is remembered per site and address. A target of device type ``autodetect`` is detected once
(netmiko's SSHDetect, with the credential being tried) and the type found is remembered per site
and address; later polls use it without detecting.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.detect import DeviceTypeMemory
from collector.adapters.ssh.hostkeys import (
    Address,
    HostKeyChangedError,
    HostKeyCheck,
    HostKeyError,
)
from collector.adapters.ssh.observe import SessionOutputs, Where, observe_outputs
from collector.adapters.ssh.profile import SshProfile, SshProfileError, SshProfileRegistry
from collector.adapters.ssh.session import SshAuthError, SshSessionError
from collector.adapters.ssh.targets import AGENTLESS_LINUX, AUTODETECT
from collector.services.polling import CredentialMemory, Deliver, PollOutcome, timed

__all__ = [
    "AGENTLESS_LINUX", "AUTODETECT", "HOST_KEY_CHANGED", "CheckHostKey", "DetectDeviceType",
    "KeyChangeRecorder", "ObserveLinux", "RunSession", "SshPoller", "SshSite", "SshTarget",
]  # fmt: skip
log = logging.getLogger(__name__)

HOST_KEY_CHANGED = "host_key_changed"


class RunSession(Protocol):
    async def __call__(
        self,
        profile: SshProfile,
        address: Address,
        credential: SshCredential,
        check: HostKeyCheck,
    ) -> SessionOutputs: ...


class CheckHostKey(Protocol):
    async def __call__(self, site: str, address: Address) -> HostKeyCheck:
        """The host keys the sessions with the address may accept (HostKeyChangedError or
        HostKeyError when none may be)."""
        ...


class DetectDeviceType(Protocol):
    async def __call__(
        self, address: Address, credential: SshCredential, check: HostKeyCheck
    ) -> str | None:
        """netmiko's device_type for the device, None when it cannot be told."""
        ...


KeyChangeRecorder = Callable[[HostKeyChangedError], Awaitable[None]]


class ObserveLinux(Protocol):
    async def __call__(
        self, address: Address, credential: SshCredential, check: HostKeyCheck, where: Where
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class SshTarget:
    """A device to poll and how to talk to it (a netmiko device_type or AGENTLESS_LINUX)."""

    address: Address
    device_type: str


@dataclass(frozen=True)
class SshSite:
    """One site's SSH targets and the credentials to try, in order."""

    code: str
    targets: tuple[SshTarget, ...]
    credentials: tuple[SshCredential, ...]


class SshPoller:
    """Polls the SSH targets of a site with bounded concurrency and a time budget per device."""

    def __init__(
        self,
        registry: SshProfileRegistry,
        run_session: RunSession,
        check_host_key: CheckHostKey,
        *,
        observe_linux: ObserveLinux,
        memory: CredentialMemory,
        clock: Callable[[], datetime],
        concurrency: int = 32,
        device_budget: float = 180.0,
        poller_version: str | None = None,
        detect: DetectDeviceType | None = None,
        device_types: DeviceTypeMemory | None = None,
        on_key_change: KeyChangeRecorder | None = None,
    ):
        self._registry = registry
        self._run = run_session
        self._check = check_host_key
        self._linux = observe_linux
        self._memory = memory
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._budget = device_budget
        self._version = poller_version
        self._detect = detect
        self._types = device_types or DeviceTypeMemory(None)
        self._on_key_change = on_key_change

    async def poll_site(self, site: SshSite, deliver: Deliver) -> list[PollOutcome]:
        """Poll every target of the site; one outcome per target, in target order."""
        jobs = [self._poll_one(target, site, deliver) for target in site.targets]
        outcomes = list(await asyncio.gather(*jobs))
        self._memory.save()
        return outcomes

    async def _poll_one(self, target: SshTarget, site: SshSite, deliver: Deliver) -> PollOutcome:
        async with self._slots:
            return await timed(self._attempt(target, site, deliver))

    async def _attempt(self, target: SshTarget, site: SshSite, deliver: Deliver) -> PollOutcome:
        address = target.address
        try:
            async with asyncio.timeout(self._budget):
                return await self._observe_and_deliver(target, site, deliver)
        except TimeoutError:
            return PollOutcome(address, "failed", message="melebihi batas waktu perangkat")
        except HostKeyChangedError as exc:
            await self._record_key_change(exc)
            return PollOutcome(address, HOST_KEY_CHANGED, message=str(exc))
        except (HostKeyError, SshSessionError, SshProfileError) as exc:
            return PollOutcome(address, "failed", message=str(exc)[:300])
        except Exception as exc:  # one device's fault must not end the round
            log.exception("%s:%s: ssh poll failed", *address)
            return PollOutcome(address, "failed", message=f"{type(exc).__name__}: {exc}"[:300])

    async def _observe_and_deliver(
        self, target: SshTarget, site: SshSite, deliver: Deliver
    ) -> PollOutcome:
        check = await self._check(site.code, target.address)
        for credential in self.credential_order(site.code, target.address, site.credentials):
            where = self._where(target.address, site.code)
            try:
                typed = await self._typed(target, site.code, credential, check)
                document = await self._observe(typed, credential, check, where)
            except SshAuthError as exc:
                log.info("%s", exc)
                continue
            self._memory.remember(site.code, target.address, credential)
            asset_id = await deliver(document)
            return PollOutcome(target.address, "ok", credential.label, asset_id)
        return PollOutcome(target.address, "dead", message="tidak ada kredensial yang diterima")

    async def _record_key_change(self, change: HostKeyChangedError) -> None:
        if self._on_key_change is None:
            return
        try:
            await self._on_key_change(change)
        except Exception:  # the refusal stands even when the finding cannot be stored
            log.exception("%s:%s: host key change not recorded", *change.address)

    async def _typed(
        self, target: SshTarget, site: str, credential: SshCredential, check: HostKeyCheck
    ) -> SshTarget:
        """The target with its device type: as written, or the one found at onboarding
        (detected now with ``credential`` when never found before)."""
        if target.device_type != AUTODETECT:
            return target
        known = self._types.get(site, target.address)
        if known is None:
            if self._detect is None:
                raise SshProfileError("device_type autodetect tidak tersedia di poller ini")
            known = await self._detect(target.address, credential, check)
            if known is None:
                raise SshSessionError(
                    f"{target.address[0]}:{target.address[1]}: jenis perangkat tidak dikenali "
                    "SSHDetect; tulis device_type-nya"
                )
            log.info("%s %s:%s: device_type %s", site, *target.address, known)
            self._types.put(site, target.address, known)
        return replace(target, device_type=known)

    def profile_for(self, target: SshTarget) -> SshProfile | None:
        """The profile a target is polled with (None: agentless Linux, or not known before
        autodetection); SshProfileError for an unknown device_type."""
        if target.device_type in (AGENTLESS_LINUX, AUTODETECT):
            return None
        return self._registry.for_device_type(target.device_type)

    def credential_order(
        self, site: str, address: Address, credentials: Sequence[SshCredential]
    ) -> list[SshCredential]:
        """The credentials to try, the remembered one first."""
        return self._memory.order(site, address, credentials)

    async def _observe(
        self, target: SshTarget, credential: SshCredential, check: HostKeyCheck, where: Where
    ) -> dict[str, Any]:
        if target.device_type == AGENTLESS_LINUX:
            return await self._linux(target.address, credential, check, where)
        profile = self._registry.for_device_type(target.device_type)
        outputs = await self._run(profile, target.address, credential, check)
        return observe_outputs(profile, self._registry.catalogue, outputs, where)

    def _where(self, address: Address, site: str) -> Where:
        return Where(
            target=f"{address[0]}:{address[1]}",
            site=site,
            collected_at=self._clock(),
            submission_id=str(uuid.uuid4()),
            poller_version=self._version,
        )
