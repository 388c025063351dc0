"""Assembling the observation document: section hashes and omission of unchanged sections."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent import __version__
from schemas.hashing import section_hash

SCHEMA_VERSION = 1
# Sent in every document, whatever changed: the collector needs them to place and date it.
ALWAYS_SENT = ("identity", "status")


@dataclass(frozen=True)
class Collected:
    """One run's probe results: section values, per-section errors and how long it took."""

    sections: Mapping[str, Any]
    errors: Mapping[str, str] = field(default_factory=dict)
    duration_ms: int = 0


def section_hashes(collected: Collected) -> dict[str, str]:
    """Hashes of every produced section except the always-sent ones."""
    return {
        name: section_hash(value)
        for name, value in collected.sections.items()
        if name not in ALWAYS_SENT
    }


def build_observation(
    collected: Collected,
    *,
    collected_at: datetime,
    acknowledged: Mapping[str, str] | None = None,
    site: str | None = None,
    submission_id: str | None = None,
) -> dict[str, Any]:
    """The observation document for one run.

    With ``acknowledged`` (the section hashes the collector last accepted), sections whose hash is
    unchanged are left out; without it the document is full. Returns a schema-valid dict.
    """
    hashes = section_hashes(collected)
    known = acknowledged or {}
    send_all = acknowledged is None
    source: dict[str, Any] = {
        "kind": "agent",
        "agent_version": __version__,
        "collected_at": collected_at.isoformat(timespec="seconds"),
        "submission_id": submission_id or str(uuid.uuid4()),
        "full": send_all,
        "section_hashes": hashes,
        "duration_ms": collected.duration_ms,
    }
    if site:
        source["site"] = site
    if collected.errors:
        source["errors"] = [
            {"section": name, "message": message[:1024]}
            for name, message in sorted(collected.errors.items())
        ]
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "source": source}
    document.update(
        (name, value)
        for name, value in collected.sections.items()
        if send_all or name in ALWAYS_SENT or known.get(name) != hashes.get(name)
    )
    document.setdefault("identity", {})
    source["full"] = all(name in document for name in hashes)
    return document
