"""Trust on first use for SSH host keys, per site and address, enforced by the session itself.

One SSH connection per poll: the session that logs in is the one whose host key is checked.
Before a poll, ``HostKeyCheck`` says which keys that session may accept: the key pinned for
the site and address (or the keys a known_hosts file lists). paramiko compares the key the
server proves during key exchange with them *before* authentication, so a different key never
sees a password: the session raises HostKeyChangedError and the caller records a finding.
With nothing pinned (first contact) the session accepts the key it negotiated, and the poller
pins it once the poll succeeded.

The store keeps the whole public key (type and base64, as in known_hosts), because a session
can only be told to refuse other keys by being given the right one. A pin file from before
(fingerprint only, ``SHA256:...``) still enforces that fingerprint: the first poll after the
upgrade fetches the key with a bare key exchange (no authentication), checks its fingerprint
against the old pin and, when it matches, pins the whole key; from then on one connection.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import paramiko

from collector.adapters.site_address_file import SiteAddressFile

Address = tuple[str, int]
FINGERPRINT_PREFIX = "SHA256:"
SSH_PORT = 22


class HostKeyError(RuntimeError):
    """The host key could not be fetched or checked (nothing answers, key exchange failed, the
    host is not in the known_hosts file, the pin is damaged)."""


class HostKeyChangedError(RuntimeError):
    """The device presented another host key than the pinned one: refuse, record a finding.

    ``pinned`` and ``seen`` are SHA256 fingerprints; ``seen_key`` is the presented key in full
    when the session saw it (what a deliberate re-pin would pin).
    """

    def __init__(
        self, site: str, address: Address, pinned: str, seen: str, seen_key: HostKey | None = None
    ) -> None:
        self.site, self.address, self.pinned, self.seen = site, address, pinned, seen
        self.seen_key = seen_key
        super().__init__(
            f"kunci host SSH {address[0]}:{address[1]} berubah (tercatat {pinned}, "
            f"sekarang {seen}); polling ditolak sampai kunci baru disetujui"
        )


@dataclass(frozen=True)
class HostKey:
    """A server's public host key: type, SHA256 fingerprint (``SHA256:...``) and the key itself
    in base64 (``public``, None for a pin kept before whole keys were: fingerprint only)."""

    key_type: str
    fingerprint: str
    public: str | None = None

    @property
    def openssh(self) -> str:
        """``ssh-ed25519 AAAA...`` as in known_hosts and authorized_keys (ValueError without
        the key itself)."""
        if self.public is None:
            raise ValueError(f"kunci {self.fingerprint} hanya dikenal sidik jarinya")
        return f"{self.key_type} {self.public}"


def key_of(key: paramiko.PKey) -> HostKey:
    """The HostKey of a paramiko key."""
    return HostKey(key.get_name(), key.fingerprint, key.get_base64())


def fingerprint_of(blob: bytes) -> str:
    """The SHA256 fingerprint OpenSSH prints for a public key blob."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")
    return FINGERPRINT_PREFIX + digest.rstrip("=")


def parse_host_key(text: str) -> HostKey:
    """A pin as stored: ``TYPE BASE64`` (whole key) or ``SHA256:...`` (an old pin). ValueError
    for anything else, so a damaged pin file refuses polls instead of re-pinning silently."""
    words = text.split()
    if len(words) == 1 and words[0].startswith(FINGERPRINT_PREFIX) and len(words[0]) > 7:
        return HostKey("", words[0])
    if len(words) != 2 or not words[0].isprintable():
        raise ValueError("bukan 'TIPE BASE64' atau 'SHA256:...'")
    try:
        blob = base64.b64decode(words[1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"base64 rusak: {exc}") from exc
    return HostKey(words[0], fingerprint_of(blob), words[1])


def fetch_host_key(
    address: Address, timeout: float, disabled: dict[str, Any] | None = None
) -> HostKey:
    """The host key the server at ``address`` presents, from a bare key exchange without
    authentication (blocking). Only used to upgrade an old fingerprint-only pin.

    Raises HostKeyError when nothing answers in ``timeout`` seconds or key exchange fails.
    """
    try:
        sock = socket.create_connection(address, timeout=timeout)
    except OSError as exc:
        raise HostKeyError(f"{address[0]}:{address[1]} tidak dapat dihubungi: {exc}") from exc
    transport = paramiko.Transport(sock, disabled_algorithms=disabled)
    try:
        transport.banner_timeout = timeout
        transport.start_client(timeout=timeout)
        return key_of(transport.get_remote_server_key())
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise HostKeyError(f"{address[0]}:{address[1]}: pertukaran kunci gagal: {exc}") from exc
    finally:
        transport.close()


def known_hosts_name(address: Address) -> str:
    """The host name known_hosts files and paramiko use for an address (``[h]:port`` off 22)."""
    host, port = address
    return host if port == SSH_PORT else f"[{host}]:{port}"


@dataclass(frozen=True)
class HostKeyCheck:
    """What one poll's sessions must enforce: the keys they may accept for the address, empty
    on first contact (any key, pinned after a successful poll)."""

    site: str
    address: Address
    keys: tuple[HostKey, ...] = ()

    def __post_init__(self) -> None:
        if any(key.public is None for key in self.keys):
            raise ValueError("pemeriksaan sesi perlu kunci utuh, bukan hanya sidik jari")

    def known_hosts(self) -> str:
        """The keys as known_hosts lines for the address ('' on first contact)."""
        name = known_hosts_name(self.address)
        return "".join(f"{name} {key.openssh}\n" for key in self.keys)

    def accepts(self, seen: HostKey) -> bool:
        """Whether a session may go on with a server that proved ``seen``."""
        return not self.keys or any(k.fingerprint == seen.fingerprint for k in self.keys)

    def refused(self, seen: HostKey) -> HostKeyChangedError:
        """The error for a server that proved another key than the pinned ones."""
        pinned = ", ".join(key.fingerprint for key in self.keys)
        return HostKeyChangedError(self.site, self.address, pinned, seen.fingerprint, seen)


class HostKeyPolicy(Protocol):
    def expected(self, site: str, address: Address) -> tuple[HostKey, ...]:
        """The keys a session with the address may accept (empty: first contact; a key whose
        ``public`` is None is an old fingerprint-only pin); HostKeyError when none may be."""
        ...

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """Accept ``seen`` (True when newly pinned) or raise HostKeyChangedError/HostKeyError."""
        ...


class HostKeyStore:
    """Site and address → pinned public key, in a small JSON file (None: memory only)."""

    def __init__(self, path: Path | None) -> None:
        self._pinned = SiteAddressFile(path)

    def pinned_key(self, site: str, address: Address) -> HostKey | None:
        """The key pinned for the address, None when never seen; HostKeyError when the pin
        cannot be read (a damaged file is never taken for "never seen")."""
        text = self._pinned.get(site, address)
        if text is None:
            return None
        try:
            return parse_host_key(text)
        except ValueError as exc:
            where = f"{address[0]}:{address[1]}"
            raise HostKeyError(f"kunci host tersimpan untuk {where} rusak: {exc}") from exc

    def pinned(self, site: str, address: Address) -> str | None:
        """The fingerprint pinned for the address, None when never seen."""
        key = self.pinned_key(site, address)
        return key.fingerprint if key else None

    def expected(self, site: str, address: Address) -> tuple[HostKey, ...]:
        """The pinned key (nothing on first contact)."""
        key = self.pinned_key(site, address)
        return (key,) if key else ()

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """Pin an unknown key (True: it was new); raise HostKeyChangedError for a different one.
        An old fingerprint-only pin that matches is replaced by the whole key."""
        pinned = self.pinned_key(site, address)
        if pinned is not None and pinned.fingerprint != seen.fingerprint:
            raise HostKeyChangedError(site, address, pinned.fingerprint, seen.fingerprint, seen)
        if seen.public is not None and (pinned is None or pinned.public is None):
            self._pinned.put(site, address, seen.openssh)
            self._pinned.save()
        return pinned is None

    def replace(self, site: str, address: Address, seen: HostKey) -> None:
        """Pin ``seen`` in place of the old key: only after ops accepted this very key."""
        self._pinned.put(
            site, address, seen.openssh if seen.public is not None else seen.fingerprint
        )
        self._pinned.save()


class KnownHostsFile:
    """Host keys pinned by an OpenSSH known_hosts file instead of first use (``--known-hosts``):
    a host not listed there is refused, never added."""

    def __init__(self, path: Path) -> None:
        try:
            self._keys = paramiko.HostKeys(str(path))
        except (OSError, paramiko.SSHException) as exc:
            raise HostKeyError(f"berkas known_hosts {path} tidak terbaca: {exc}") from exc

    def _listed(self, address: Address) -> list[HostKey]:
        host, port = address
        for name in (f"[{host}]:{port}", host) if port != SSH_PORT else (host,):
            entry = self._keys.lookup(name)
            if entry:
                return [key_of(key) for key in entry.values()]
        return []

    def expected(self, site: str, address: Address) -> tuple[HostKey, ...]:
        """Every key listed for the address; HostKeyError (before any connection) when the
        host is not listed."""
        listed = self._listed(address)
        if not listed:
            raise HostKeyError(f"{address[0]}:{address[1]} tidak ada di berkas known_hosts")
        return tuple(listed)

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """False when a listed key matches; HostKeyChangedError when the host is listed with
        other keys, HostKeyError when it is not listed."""
        listed = self.expected(site, address)
        if any(key.fingerprint == seen.fingerprint for key in listed):
            return False
        pinned = ", ".join(key.fingerprint for key in listed)
        raise HostKeyChangedError(site, address, pinned, seen.fingerprint, seen)
