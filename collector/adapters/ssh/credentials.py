"""SSH credentials: a user with a password or a private key file, tried in order per site.

They are secrets: ``repr`` never shows the password or the key passphrase, so a credential in
a log line or a traceback leaks nothing.

Legacy crypto is a deliberate per-credential choice, never a silent downgrade. By default the
CBC ciphers (aes*-cbc, 3des-cbc) and the SHA-1/MD5 MACs that paramiko still offers are turned
off; ``legacy_algorithms = true`` turns them back on for old switches that know nothing better.
paramiko 5 no longer implements SHA-1 key exchange (diffie-hellman-group1/group14-sha1,
group-exchange-sha1) nor ``ssh-rsa`` (SHA-1) signatures at all: a device that offers only those
cannot be polled by this collector, whatever the setting; its firmware must be upgraded (or
it stays on SNMP).

The SHA-1 key exchanges are listed as disabled all the same, and that matters: netmiko's
FortiOS driver, when it is given no key-exchange choice, narrows the key exchange to the
finite-field Diffie-Hellman methods old FortiOS needed (with paramiko 5 that leaves only
group-exchange: a 2048-bit or larger modular exponentiation on both sides and an extra round
trip, ~40 ms of CPU per login). With the choice made here, FortiOS negotiates curve25519 or
ECDH like every other device; ``legacy_algorithms`` restores netmiko's narrowing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# What stays off unless a credential asks for legacy algorithms.
LEGACY_CIPHERS = ("aes128-cbc", "aes192-cbc", "aes256-cbc", "3des-cbc")
LEGACY_MACS = ("hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96")
LEGACY_KEX = (
    "diffie-hellman-group1-sha1",
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1",
)


@dataclass(frozen=True)
class SshCredential:
    """A login: user name and a password or a key file (with an optional passphrase)."""

    name: str
    username: str
    password: str | None = field(default=None, repr=False)
    key_file: Path | None = None
    passphrase: str | None = field(default=None, repr=False)
    legacy_algorithms: bool = False

    def __post_init__(self) -> None:
        if not self.username:
            raise ValueError(f"kredensial SSH {self.name}: 'username' wajib")
        if (self.password is None) == (self.key_file is None):
            raise ValueError(f"kredensial SSH {self.name}: perlu tepat satu: password atau key")

    @property
    def label(self) -> str:
        """How targets files, logs and the credential memory refer to it."""
        return self.name


def disabled_algorithms(credential: SshCredential) -> dict[str, Any]:
    """paramiko's ``disabled_algorithms`` for the credential (see the module docstring)."""
    if credential.legacy_algorithms:
        return {}
    return {"ciphers": list(LEGACY_CIPHERS), "macs": list(LEGACY_MACS), "kex": list(LEGACY_KEX)}
