"""Trust on first use for SSH host keys, per site and address.

Before a poll authenticates, the server's host key is fetched with a bare paramiko Transport
(key exchange only, no authentication, no session) and compared with the SHA256 fingerprint
pinned for that site and address. Unknown: pinned now. Different: the poll is refused with
HostKeyChangedError, before any password is sent or command run; the caller records a finding.

The netmiko session that follows checks the key it negotiated against the same pin, so the
outputs are known to come from the pinned host. (A key swapped between the two connections
could still see a password attempt; the session's own check then refuses its outputs.)
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import paramiko

from collector.adapters.site_address_file import SiteAddressFile

Address = tuple[str, int]


class HostKeyError(RuntimeError):
    """The host key could not be fetched (no SSH server answering, key exchange failed)."""


class HostKeyChangedError(RuntimeError):
    """The device presented another host key than the pinned one: refuse, record a finding."""

    def __init__(self, site: str, address: Address, pinned: str, seen: str) -> None:
        self.site, self.address, self.pinned, self.seen = site, address, pinned, seen
        super().__init__(
            f"kunci host SSH {address[0]}:{address[1]} berubah (tercatat {pinned}, "
            f"sekarang {seen}); polling ditolak sampai kunci baru disetujui"
        )


class HostKeyPolicy(Protocol):
    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """Accept ``seen`` (True when newly pinned) or raise HostKeyChangedError/HostKeyError."""
        ...


@dataclass(frozen=True)
class HostKey:
    """A server's public host key: its type and SHA256 fingerprint (``SHA256:...``)."""

    key_type: str
    fingerprint: str


def key_of(key: paramiko.PKey) -> HostKey:
    """The HostKey of a paramiko key."""
    return HostKey(key.get_name(), key.fingerprint)


def fetch_host_key(
    address: Address, timeout: float, disabled: dict[str, Any] | None = None
) -> HostKey:
    """The host key the server at ``address`` presents (blocking; run it in a thread).

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


class HostKeyStore:
    """Site and address → pinned fingerprint, in a small JSON file (None: memory only)."""

    def __init__(self, path: Path | None) -> None:
        self._pinned = SiteAddressFile(path)

    def pinned(self, site: str, address: Address) -> str | None:
        """The fingerprint pinned for the address, None when never seen."""
        return self._pinned.get(site, address)

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """Pin an unknown key (True: it was new); raise HostKeyChangedError for a different one."""
        pinned = self.pinned(site, address)
        if pinned is None:
            self._pinned.put(site, address, seen.fingerprint)
            self._pinned.save()
            return True
        if pinned != seen.fingerprint:
            raise HostKeyChangedError(site, address, pinned, seen.fingerprint)
        return False

    def replace(self, site: str, address: Address, seen: HostKey) -> None:
        """Pin ``seen`` in place of the old key: only after ops accepted this very key."""
        self._pinned.put(site, address, seen.fingerprint)
        self._pinned.save()


class KnownHostsFile:
    """Host keys pinned by an OpenSSH known_hosts file instead of first use (``--known-hosts``):
    a host not listed there is refused, never added."""

    def __init__(self, path: Path) -> None:
        try:
            self._keys = paramiko.HostKeys(str(path))
        except (OSError, paramiko.SSHException) as exc:
            raise HostKeyError(f"berkas known_hosts {path} tidak terbaca: {exc}") from exc

    def verify(self, site: str, address: Address, seen: HostKey) -> bool:
        """False when the listed key matches; HostKeyChangedError when it differs, HostKeyError
        when the host (or a key of that type) is not listed."""
        host, port = address
        for name in (f"[{host}]:{port}", host) if port != 22 else (host,):
            entry = self._keys.lookup(name)
            if entry is not None and seen.key_type in entry:
                pinned = entry[seen.key_type].fingerprint
                if pinned != seen.fingerprint:
                    raise HostKeyChangedError(site, address, pinned, seen.fingerprint)
                return False
        raise HostKeyError(f"{host}:{port} ({seen.key_type}) tidak ada di berkas known_hosts")
