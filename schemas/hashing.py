"""The content hash of a section, as the wire contract defines it (both sides must agree)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def section_hash(value: Any) -> str:
    """The first 128 bits of SHA-256 over the section's canonical JSON, as 32 hex digits."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
