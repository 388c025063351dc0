"""Supply levels of every recorded printer against LibreNMS's own results for the same data.

For each corpus printer with ``expected/<stem>.json``, every supply LibreNMS discovered
(``printer-supplies.discovery.printer_supplies``; ``supply_current`` is its percentage) is
found in our observation document, built by the whole observation builder (offline from the
file, and live: snmpsim serving it, the real pysnmp reader over UDP), and its
level_percent must match within 0.5 points. Where LibreNMS is wrong, the difference and the
reason are recorded in ``tests/fixtures/snmp/librenms-supply-differences.toml`` and our value
must equal the recorded one. Nothing is skipped.

A LibreNMS row names its supply by OID: the table (prtMarkerSuppliesTable or prtInputTable)
and the row index. Our document lists marker supplies in index order, then trays in index
order (see ``collector/adapters/snmp/mibs/printer.py``); the test pairs the two by reading
the indices of those tables from the same recording.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from collector.adapters.snmp.mibs.printer import (
    INPUT_COLUMNS,
    INPUT_ENTRY,
    PRINTER_MIB,
    SUPPLIES_ENTRY,
    SUPPLY_COLUMNS,
)
from collector.adapters.snmp.values import Oid, parse_oid
from tests.collector.snmp.observed import SNMP_FIXTURES, ReaderFor, observe_recording, recorded_view
from tests.peers import REPO, corpus_dir

TOLERANCE = 0.5
DIFFERENCES = SNMP_FIXTURES / "librenms-supply-differences.toml"
MARKER_MAX = (*SUPPLIES_ENTRY, 8)  # prtMarkerSuppliesMaxCapacity
INPUT_MAX = (*INPUT_ENTRY, 9)  # prtInputMaxCapacity
SupplyKey = tuple[str, Oid]


def _expected_files() -> list[Path]:
    """The LibreNMS expected files that list printer supplies (none when the corpus is absent;
    test_corpus_has_printers then skips, or fails in CI)."""
    base = Path(os.environ.get("ASETIK_CORPUS", REPO.parent / "shared" / "corpus"))
    return [
        path
        for path in sorted((base / "snmp" / "expected").glob("*.json"))
        if json.loads(path.read_text(encoding="utf-8")).get("printer-supplies")
    ]


def _librenms_rows(expected: Path) -> list[dict[str, Any]]:
    data = json.loads(expected.read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = data["printer-supplies"]["discovery"]["printer_supplies"]
    return rows


def _librenms_key(row: dict[str, Any]) -> SupplyKey:
    """The table and index LibreNMS's row is about, from its capacity OID."""
    capacity = parse_oid(row["supply_capacity_oid"])
    for table, column in (("marker", MARKER_MAX), ("input", INPUT_MAX)):
        if capacity[: len(column)] == column:
            return table, capacity[len(column) :]
    raise AssertionError(f"unexpected LibreNMS capacity OID {row['supply_capacity_oid']}")


def _our_supplies(recording: Path, reader_for: ReaderFor) -> dict[SupplyKey, dict[str, Any]]:
    supplies = observe_recording(recording, reader_for(recording)).get("supplies", [])
    view = recorded_view(recording, PRINTER_MIB)
    keys = [("marker", index) for index in sorted(view.table(SUPPLIES_ENTRY, SUPPLY_COLUMNS))]
    keys += [("input", index) for index in sorted(view.table(INPUT_ENTRY, INPUT_COLUMNS))]
    assert len(keys) == len(supplies), "one supply per marker-supply and input row"
    return dict(zip(keys, supplies, strict=True))


def _differences() -> dict[tuple[str, str], dict[str, Any]]:
    data = tomllib.loads(DIFFERENCES.read_text(encoding="utf-8"))
    return {(entry["file"], entry["librenms_oid"]): entry for entry in data["difference"]}


def _cases() -> Iterator[Any]:
    for expected in _expected_files():
        yield pytest.param(expected, id=expected.stem)


def test_corpus_has_printers() -> None:
    corpus_dir("snmp")
    assert len(_expected_files()) >= 10


@pytest.mark.parametrize("expected", list(_cases()))
def test_supply_levels_match_librenms(expected: Path, reader_for: ReaderFor) -> None:
    stem = expected.stem
    ours = _our_supplies(expected.parent.parent / f"{stem}.snmprec", reader_for)
    differences = _differences()
    rows = _librenms_rows(expected)
    assert rows, "LibreNMS found supplies, so must we"
    for row in rows:
        supply = ours.get(_librenms_key(row))
        assert supply is not None, f"{stem}: no supply for LibreNMS {row['supply_oid']}"
        recorded = differences.get((stem, row["supply_oid"]))
        where = f"{stem} {row['supply_oid']} {row['supply_descr']!r}"
        if recorded is None:
            assert supply["level_percent"] is not None, where
            assert abs(supply["level_percent"] - row["supply_current"]) <= TOLERANCE, where
        else:
            assert row["supply_current"] == recorded["librenms_percent"], where
            assert supply["level"] == recorded["asetik_level"], where
            assert supply["level_percent"] == recorded.get("asetik_percent"), where


def test_every_recorded_difference_names_a_librenms_supply() -> None:
    listed = {
        (path.stem, row["supply_oid"]) for path in _expected_files() for row in _librenms_rows(path)
    }
    if not listed:
        corpus_dir("snmp")  # skips (fails in CI) when the corpus is absent
    stale = sorted(set(_differences()) - listed)
    assert not stale, f"differences for supplies LibreNMS does not list: {stale}"
    assert all(entry["reason"].strip() for entry in _differences().values())
