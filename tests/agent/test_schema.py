"""The observation schema itself: a valid draft 2020-12 schema whose examples validate."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from schemas import EXAMPLES_DIR, load_observation_schema
from tests.schema_check import schema_errors

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))
    return document


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(load_observation_schema())


def test_examples_cover_every_source_kind() -> None:
    kinds = {json.loads(p.read_text(encoding="utf-8"))["source"]["kind"] for p in EXAMPLES}
    assert kinds == {"agent", "snmp", "ssh"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates(path: Path) -> None:
    assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == []


def _set(path: str, value: Any) -> Any:
    """A change to the printer example: set the value at a dotted path (None = delete)."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = document
        for key in parents:
            target = target[key]
        if value is None:
            del target[last]
        else:
            target[last] = value

    return change


BROKEN = {
    "missing_source": _set("source", None),
    "unknown_section": _set("registry_dump", {}),
    "bad_submission_id": _set("source.submission_id", "not-a-uuid"),
    "bad_mac": _set("identity.mac_addresses", ["3C-52-82-1A-2B-3C"]),
    "bad_hash": _set("source.section_hashes.device", "xyz"),
    "unknown_hash_section": _set("source.section_hashes.bogus", "0" * 32),
    "wrong_version": _set("schema_version", 2),
    "negative_count": _set("device.page_count", -1),
    "bad_date": _set("source.collected_at", "kemarin"),
    "oversized_text": _set("device.model", "x" * 300),
}


@pytest.mark.parametrize("change", sorted(BROKEN))
def test_schema_rejects(change: str) -> None:
    document = copy.deepcopy(_example("snmp-printer.json"))
    BROKEN[change](document)
    assert schema_errors(document) != []
