"""Reading Apple property lists (XML or binary) without letting a damaged one stop a probe."""

from __future__ import annotations

import plistlib
from typing import Any
from xml.parsers.expat import ExpatError

# What plistlib raises on truncated, hand-edited or non-plist input: malformed XML (ExpatError),
# bad headers and values (InvalidFileException is a ValueError), a broken <date> (AttributeError),
# and out-of-range offsets in binary plists (IndexError, KeyError, OverflowError, TypeError).
_DAMAGED = (ExpatError, ValueError, AttributeError, IndexError, KeyError, OverflowError, TypeError)


def parse_plist(data: bytes) -> Any | None:
    """The decoded property list (XML or binary format), or None when it is empty or damaged."""
    if not data.strip():
        return None
    try:
        return plistlib.loads(data)
    except _DAMAGED:
        return None


def plist_dict(data: bytes) -> dict[str, Any] | None:
    """The property list when its top level is a dictionary (Info.plist, receipts), else None."""
    value = parse_plist(data)
    return value if isinstance(value, dict) else None


def plist_dicts(data: bytes) -> list[dict[str, Any]]:
    """The dictionaries at the top of an ``ioreg -a`` answer (an array of registry entries)."""
    value = parse_plist(data)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []
