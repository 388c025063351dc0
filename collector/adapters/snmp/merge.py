"""Merging the fragments parsers return into one document (the rules of parser.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from collector.adapters.snmp.parser import Fragment


def merge_fragments(fragments: Iterable[Fragment]) -> Fragment:
    """The fragments merged in order: dicts key by key (a later non-None value wins, nested
    dicts merged the same way), lists concatenated. A new dict or list is returned; the
    fragments are not changed."""
    merged: Fragment = {}
    for fragment in fragments:
        for key, value in fragment.items():
            merged[key] = merge_value(merged.get(key), value)
    return merged


def merge_value(earlier: Any, later: Any) -> Any:
    """One value of the merge: see merge_fragments."""
    if later is None:
        return _copy(earlier)
    if isinstance(earlier, dict) and isinstance(later, dict):
        combined = dict(earlier)
        for key, value in later.items():
            combined[key] = merge_value(earlier.get(key), value)
        return combined
    if isinstance(earlier, list) and isinstance(later, list):
        return [*earlier, *later]
    return _copy(later)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return list(value)
    return value
