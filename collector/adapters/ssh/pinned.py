"""SSH sessions with their host keys pinned: what SshPoller calls, over one HostKeyPolicy.

``check_host_key`` reads the pins (no connection, except once to upgrade an old
fingerprint-only pin); each session enforces them in its own key exchange; after a successful
session the key it saw is handed to the policy, which pins it on first contact. Blocking work
(netmiko, paramiko) runs in the threads of one SshSessions.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from collector.adapters.ssh.credentials import SshCredential
from collector.adapters.ssh.detect import detect_device_type
from collector.adapters.ssh.hostkeys import (
    Address,
    HostKey,
    HostKeyChangedError,
    HostKeyCheck,
    HostKeyPolicy,
    fetch_host_key,
)
from collector.adapters.ssh.linux import observe_linux_blocking
from collector.adapters.ssh.observe import SessionOutputs, Where
from collector.adapters.ssh.profile import SshProfile
from collector.adapters.ssh.session import SshSessions


class PinnedSessions:
    """Sessions whose host keys ``pins`` decides (TOFU store or known_hosts file)."""

    def __init__(
        self,
        sessions: SshSessions,
        pins: HostKeyPolicy,
        *,
        key_timeout: float = 10.0,
        linux_cache: Path | None = None,
    ) -> None:
        """``linux_cache``: where agentless Linux inventories keep results between polls
        (pending updates, per host); None keeps nothing."""
        self._sessions = sessions
        self._pins = pins
        self._key_timeout = key_timeout
        self._linux_cache = linux_cache

    async def check_host_key(self, site: str, address: Address) -> HostKeyCheck:
        """The keys the sessions with the address may accept. An old fingerprint-only pin is
        checked once over a bare key exchange (HostKeyChangedError before any login when it
        differs) and replaced by the whole key."""
        keys = self._pins.expected(site, address)
        if any(key.public is None for key in keys):
            seen = await self._sessions.blocking(
                address, fetch_host_key, address, self._key_timeout
            )
            self._pins.verify(site, address, seen)
            keys = self._pins.expected(site, address)
        return HostKeyCheck(site, address, keys)

    async def run_session(
        self, profile: SshProfile, address: Address, credential: SshCredential, check: HostKeyCheck
    ) -> SessionOutputs:
        """One netmiko session; its host key pinned when it was the first contact."""
        try:
            outputs = await self._sessions.run(profile, address, credential, check)
        except HostKeyChangedError as exc:
            check = self._accepted_change(check, exc)
            outputs = await self._sessions.run(profile, address, credential, check)
        self._record(check, outputs.host_key)
        return outputs

    async def detect(
        self, address: Address, credential: SshCredential, check: HostKeyCheck
    ) -> str | None:
        """netmiko's device type for the device (SSHDetect, once at onboarding)."""
        try:
            return await self._sessions.blocking(
                address, detect_device_type, address, credential, check
            )
        except HostKeyChangedError as exc:
            check = self._accepted_change(check, exc)
            return await self._sessions.blocking(
                address, detect_device_type, address, credential, check
            )

    async def observe_linux(
        self, address: Address, credential: SshCredential, check: HostKeyCheck, where: Where
    ) -> dict[str, Any]:
        """One agentless Linux inventory; its host key pinned when it was the first contact."""
        observe = functools.partial(observe_linux_blocking, cache_root=self._linux_cache)
        try:
            document, seen = await self._sessions.blocking(
                address, observe, address, credential, check, where
            )
        except HostKeyChangedError as exc:
            check = self._accepted_change(check, exc)
            document, seen = await self._sessions.blocking(
                address, observe, address, credential, check, where
            )
        self._record(check, seen)
        return document

    def _accepted_change(self, check: HostKeyCheck, change: HostKeyChangedError) -> HostKeyCheck:
        """The check for one more try with the key the session was refused, when the policy
        pins that key (ops accepted this very key); the refusal again otherwise."""
        if change.seen_key is None or change.seen_key.public is None:
            raise change
        self._pins.verify(check.site, check.address, change.seen_key)  # raises when not accepted
        return HostKeyCheck(check.site, check.address, (change.seen_key,))

    def _record(self, check: HostKeyCheck, seen: HostKey | None) -> None:
        if seen is not None:
            self._pins.verify(check.site, check.address, seen)
