"""Signatures of outbound webhooks, in the Stripe/GitHub style.

The header ``X-Asetik-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``
binds the body to the moment it was signed: a receiver that checks the HMAC *and* that ``t`` is
recent refuses a captured request replayed later. ``verify_signature`` is what a receiver runs
(the tests use it exactly so); it compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Asetik-Signature value for ``body`` signed at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},{SCHEME}={_digest(secret, body, timestamp)}"


def verify_signature(
    secret: str, header: str, body: bytes, now: float, tolerance: float = 300.0
) -> bool:
    """True when ``header`` carries a v1 signature of ``body`` by ``secret`` made no more than
    ``tolerance`` seconds from ``now`` (unix seconds); False for anything else, malformed
    headers included."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields.setdefault(key, []).append(value)
    stamps = fields.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdecimal() or len(stamps[0]) > 12:
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp)
    return any(hmac.compare_digest(expected, given) for given in fields.get(SCHEME, []))


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
