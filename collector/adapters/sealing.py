"""Secrets at rest: SNMP communities and v3 keys (later SSH passwords) sealed with one key.

A sealed secret is ``enc:`` followed by a Fernet token (AES-128-CBC + HMAC-SHA256, from the
``cryptography`` package). The key comes from ASETIK_SECRET_KEY or, failing that, from
``secret.key`` in the data directory, created once with mode 0600. Whoever can read the targets
file sees only tokens; whoever can also read the key can unseal them, so the key belongs to the
collector's service user alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "enc:"


class SealError(ValueError):
    """A sealed value that cannot be opened with this collector's key, or a bad key."""


class SecretBox:
    """Seals and unseals short secrets with the collector's key."""

    def __init__(self, key: bytes):
        try:
            self._fernet = Fernet(key)
        except ValueError as exc:
            raise SealError("kunci rahasia tidak sah (harus 32 bita base64 url-safe)") from exc

    def seal(self, secret: str) -> str:
        return PREFIX + self._fernet.encrypt(secret.encode()).decode()

    def unseal(self, sealed: str) -> str:
        if not sealed.startswith(PREFIX):
            raise SealError(
                "nilai rahasia harus tersegel (enc:...); pakai 'asetik-collector secret seal'"
            )
        try:
            return self._fernet.decrypt(sealed[len(PREFIX) :].encode()).decode()
        except (InvalidToken, UnicodeDecodeError) as exc:
            raise SealError("nilai tersegel tidak dapat dibuka dengan kunci collector ini") from exc


def load_key(explicit: str | None, data_dir: Path) -> bytes:
    """The key from ASETIK_SECRET_KEY (passed in as explicit), else data_dir/secret.key,
    created on first use readable by its owner only."""
    if explicit:
        return explicit.strip().encode()
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".secret.key.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
        try:  # link, not rename: a key another process made first is kept, never replaced
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes().strip()
