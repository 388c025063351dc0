"""Enrolment tokens and agent credentials: random, shown once, stored only as a hash.

Both are 256-bit random values, so a fast hash (SHA-256) is the right store: password hashes
(argon2) exist to slow down guessing of low-entropy secrets, which these are not.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "asetik-enr-"  # noqa: S105 - a prefix, not a secret
CREDENTIAL_PREFIX = "asetik-agt-"


def new_secret(prefix: str) -> str:
    """A fresh secret with a recognisable prefix (so a leaked one is easy to spot in logs)."""
    return prefix + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
