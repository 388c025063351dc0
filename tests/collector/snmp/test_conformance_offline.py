"""Every recorded device through the whole observation builder: offline (the .snmprec reader)
and live (snmpsim serving the recording, read over UDP by the real pysnmp reader).

Each document must validate against the schema; where LibreNMS discovered the same recording
(``expected/<stem>.json``), our serial, model, version and port count must equal LibreNMS's,
or the difference must be recorded with a reason in
``tests/fixtures/snmp/librenms-differences.toml`` (and still be exactly that difference).
"""

from __future__ import annotations

import asyncio
import json
import os
import tomllib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from collector.adapters.snmp.observe import observe_device
from collector.adapters.snmp.profile import ProfileRegistry, load_profiles
from collector.adapters.snmp.reader import SnmpReader
from tests.collector.snmp.observed import ReaderFor
from tests.collector.snmp.snmprec import SnmprecReader
from tests.peers import FIXTURES, REPO, corpus_dir
from tests.schema_check import schema_errors

DIFFERENCES = FIXTURES / "snmp" / "librenms-differences.toml"
# The same place corpus_dir() looks; read at collection time to parametrise per device.
CORPUS = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus")) / "snmp"
FIELDS = {"serial": "serial", "hardware": "model", "version": "firmware"}
STEMS = sorted(path.stem for path in CORPUS.glob("*.snmprec"))


@cache
def _registry() -> ProfileRegistry:
    return load_profiles()


@cache
def _differences() -> dict[str, Any]:
    return tomllib.loads(DIFFERENCES.read_text(encoding="utf-8"))


def _observe(path: Path, reader: SnmpReader | None) -> dict[str, Any]:
    return asyncio.run(
        observe_device(
            reader or SnmprecReader.from_file(path),
            _registry(),
            target="127.0.0.1:161",
            site="PUSDATIN",
            collected_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
            submission_id="9b2e4d6f-8a0c-4e1b-a3d5-c7e9f1b3d5a7",
        )
    )


def _sys_object_id(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("1.3.6.1.2.1.1.2.0|"):
            return line.split("|")[2]
    raise AssertionError(f"{path.name} has no sysObjectID")


def _agrees(stem: str, field: str, librenms: Any, ours: Any) -> None:
    recorded = _differences().get(stem, {}).get(field)
    if recorded is None:
        assert ours == librenms, f"{stem} {field}: ours {ours!r}, LibreNMS {librenms!r}"
        return
    assert recorded.get("reason"), f"{stem} {field}: a recorded difference needs a reason"
    assert librenms == recorded.get("librenms"), f"{stem} {field}: LibreNMS value changed"
    assert ours == recorded.get("ours"), f"{stem} {field}: ours {ours!r}, recorded otherwise"
    assert ours != librenms, f"{stem} {field}: no longer differs; drop the recorded entry"


@pytest.mark.parametrize("stem", STEMS)
def test_recorded_device(stem: str, reader_for: ReaderFor) -> None:
    path = corpus_dir("snmp") / f"{stem}.snmprec"
    document = _observe(path, reader_for(path))
    assert schema_errors(document) == []
    assert document["identity"]["sys_object_id"] == _sys_object_id(path)
    vendor = stem.split("_", 1)[0].replace("-", "")
    assert document["device"]["profile"].split("_", 1)[0] == vendor
    expected = path.parent / "expected" / f"{stem}.json"
    if not expected.is_file():
        return
    librenms = json.loads(expected.read_text(encoding="utf-8"))
    device = librenms["os"]["discovery"]["devices"][0]
    for field, ours in FIELDS.items():
        _agrees(stem, field, device[field], document["device"][ours])
    ports = librenms.get("ports", {}).get("discovery", {}).get("ports")
    if ports is None:
        assert "ports" not in document
    else:
        _agrees(stem, "ports", len(ports), len(document.get("ports", [])))


def test_the_corpus_is_there() -> None:
    assert corpus_dir("snmp") == CORPUS  # skips locally, fails under CI, when it is missing
    assert len(STEMS) >= 30


def test_every_recorded_difference_names_a_corpus_device_and_a_known_field() -> None:
    for stem, fields in _differences().items():
        assert stem in STEMS
        assert set(fields) <= {*FIELDS, "ports"}
