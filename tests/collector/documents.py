"""Valid observation documents for collector tests, built from the schema's example documents.

Tests need many machines that differ in one identity key at a time. Every builder here starts
from an example in ``schemas/examples/``, gives the document a fresh submission id, keeps the
sections that mirror an identity key (``hardware.serial``, ``networks[].mac``...) in step with
it, recomputes the section hashes of the sections it carries, and refuses to return a document
that the observation schema rejects — so a test failure is about the collector, never about a
malformed fixture.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from schemas import EXAMPLES_DIR
from schemas.hashing import section_hash
from tests.schema_check import schema_errors

EXAMPLES = {
    "linux": "agent-linux-laptop.json",
    "windows": "agent-windows-desktop.json",
    "printer": "snmp-printer.json",
}
NOT_SECTIONS = frozenset({"schema_version", "source", "identity"})
# Identity keys that sections repeat: (section, field) for single values, the list's field
# (position by position) for the multi-valued ones.
_SINGLE_MIRRORS = {
    "system_serial": (("hardware", "serial"), ("device", "serial")),
    "system_uuid": (("hardware", "uuid"),),
}
_LIST_MIRRORS = {"mac_addresses": ("networks", "mac"), "disk_serials": ("storages", "serial")}
# Identity keywords that strip every identity key but the hostname from an observation.
WITHOUT_KEYS: dict[str, Any] = {
    "system_uuid": None,
    "system_serial": None,
    "machine_id": None,
    "mac_addresses": None,
    "disk_serials": None,
}


@cache
def _example_text(name: str) -> str:
    return (EXAMPLES_DIR / EXAMPLES[name]).read_text(encoding="utf-8")


def checked(document: dict[str, Any]) -> dict[str, Any]:
    """The document itself when the observation schema accepts it; ValueError naming every
    violation otherwise (a broken fixture must not pass for a collector bug)."""
    errors = schema_errors(document)
    if errors:
        raise ValueError("test document violates the schema:\n" + "\n".join(errors))
    return document


def observation(
    example: str = "linux",
    *,
    kind: str | None = None,
    collected_at: datetime | None = None,
    sections: Mapping[str, Any] | None = None,
    **identity: Any,
) -> dict[str, Any]:
    """A full observation from an example ("linux", "windows", "printer") with a fresh
    submission id; ``kind`` sets source.kind, ``sections`` replaces whole sections (None
    removes one) and every other keyword sets an identity field (None removes it)."""
    document: dict[str, Any] = json.loads(_example_text(example))
    if kind is not None:
        document["source"]["kind"] = kind
    for name, value in (sections or {}).items():
        if value is None:
            document.pop(name, None)
            document["source"]["section_hashes"].pop(name, None)
        else:
            document[name] = copy.deepcopy(value)
    return with_identity(document, collected_at=collected_at, **identity)


def laptop(number: int, **identity: Any) -> dict[str, Any]:
    """An agent observation of Linux laptop ``number`` whose identity keys (hostname, UUID,
    serial, machine-id, MAC, disk serial) are all its own, unless given as keywords."""
    keys: dict[str, Any] = {
        "hostname": f"lpt-tu-{number:02d}",
        "system_uuid": f"4c7b1a2e-3d5f-11b2-a85c-9f4e2d1b{number:04x}",
        "system_serial": f"PF3K2{number:03d}",
        "machine_id": f"5f2c8e0a9b7d4c61a3e2f41d0c9b{number:04x}",
        "mac_addresses": [f"f8:bc:12:4a:5b:{number:02x}"],
        "disk_serials": [f"S4ENNX0N{number:06d}"],
    }
    return observation("linux", **{**keys, **identity})


def with_identity(
    document: Mapping[str, Any], *, collected_at: datetime | None = None, **identity: Any
) -> dict[str, Any]:
    """A copy of the document (a new submission) with identity fields set (None removes one),
    the sections that repeat them following along."""
    changed = copy.deepcopy(dict(document))
    for field, value in identity.items():
        _set_identity_field(changed, field, value)
    return renewed(changed, collected_at)


def renewed(document: Mapping[str, Any], collected_at: datetime | None = None) -> dict[str, Any]:
    """The same observation sent again as a new submission: a fresh submission id, optionally
    a new collection time, the hashes of the sections it carries recomputed."""
    fresh = copy.deepcopy(dict(document))
    source = fresh["source"]
    source["submission_id"] = str(uuid.uuid4())
    if collected_at is not None:
        source["collected_at"] = collected_at.isoformat(timespec="seconds")
    for name, value in fresh.items():
        if name not in NOT_SECTIONS:
            source["section_hashes"][name] = section_hash(value)
    return checked(fresh)


def delta(document: Mapping[str, Any], omit: Iterable[str] | None = None) -> dict[str, Any]:
    """The next submission of an agent whose sections are unchanged: the sections in ``omit``
    (default every section but ``status``) left out, their hashes kept, ``full`` false."""
    sections = {name for name in document if name not in NOT_SECTIONS}
    leave_out = set(omit) if omit is not None else sections - {"status"}
    smaller = {name: value for name, value in document.items() if name not in leave_out}
    smaller["source"] = {**copy.deepcopy(document["source"]), "full": False}
    return renewed(smaller)


def _set_identity_field(document: dict[str, Any], field: str, value: Any) -> None:
    identity = document.setdefault("identity", {})
    if value is None:
        identity.pop(field, None)
    else:
        identity[field] = list(value) if isinstance(value, list | tuple) else value
    if field == "hostname" and value is not None and identity.get("domain"):
        identity["fqdn"] = f"{value}.{identity['domain']}"
    elif field == "hostname":
        identity.pop("fqdn", None)
    for section, name in _SINGLE_MIRRORS.get(field, ()):
        if isinstance(document.get(section), dict) and name in document[section]:
            document[section][name] = value
    if field in _LIST_MIRRORS and value is not None:
        section, name = _LIST_MIRRORS[field]
        for item, mirrored in zip(document.get(section) or [], value, strict=False):
            item[name] = mirrored
