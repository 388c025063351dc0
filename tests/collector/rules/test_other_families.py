"""The volume, printer, power, presence and identity families together: listed in the
catalogue with their table, run on every recorded SNMP device without error, evidence that
survives JSON, and sections with nothing but nulls."""

from __future__ import annotations

import json
from datetime import date

import pytest

from collector.domain.rules import readable
from collector.domain.rules.catalogue import FAMILIES
from collector.domain.rules.findings import Finding
from tests.collector.rules.rule_inputs import run, shipped_thresholds, snapshot
from tests.collector.snmp.observed import observe_recording
from tests.peers import corpus_dir

OURS = ("volumes", "printers", "power", "presence", "identity")


def test_families_are_in_the_catalogue_with_their_tables() -> None:
    tables = dict(FAMILIES)
    for table in OURS:
        assert table in tables
        assert shipped_thresholds(table) is not None  # the table exists in defaults.toml


def test_every_recorded_device_evaluates_to_well_formed_findings() -> None:
    recordings = sorted(corpus_dir("snmp").glob("*.snmprec"))
    assert len(recordings) >= 20
    seen_rules: set[str] = set()
    for recording in recordings:
        document = observe_recording(recording)
        kind = (document.get("device") or {}).get("kind") or "other"
        snap = snapshot(document, kind=kind)
        for table, family in FAMILIES:
            if table not in OURS:
                continue
            for finding in run(family, snap, shipped_thresholds(table)):
                _check(finding, recording.name)
                seen_rules.add(finding.rule)
    # The corpus holds empty inks, a full waste box, a service request and a full ISO mount.
    assert {"printer.supply_low", "printer.error", "volume.almost_full"} <= seen_rules


def _check(finding: Finding, where: str) -> None:
    assert finding.message_id and finding.message_en, where
    assert finding.message_id != finding.message_en, where
    json.dumps(dict(finding.evidence))  # the ticket service stores it as JSON


@pytest.mark.parametrize("table", OURS)
def test_sections_of_nulls_give_no_findings(table: str) -> None:
    sections = {
        "status": {"volumes": [{"mount": "/", "used_bytes": None, "free_bytes": None}]},
        "volumes": [{"mount": "/", "filesystem": None, "total_bytes": None}],
        "supplies": [{"description": "Toner", "level_percent": None, "level": None,
                      "max_capacity": None}],
        "printer": {"status": None, "detected_errors": [], "alerts": []},
        "power": {"battery_status": None, "runtime_minutes": None,
                  "battery_replace_indicated": None, "battery_last_replaced": None},
        "batteries": [{"name": None, "design_capacity_mwh": None}],
        "device": {"page_count": None},
    }  # fmt: skip
    family = dict(FAMILIES)[table]
    assert run(family, snapshot(sections), shipped_thresholds(table)) == []


def test_readable_forms() -> None:
    assert readable.number(1234567) == "1.234.567"
    assert readable.number(1234567, lang="en") == "1,234,567"
    assert readable.number(1234.5, 1) == "1.234,5"
    assert readable.number(1234.5, 1, "en") == "1,234.5"
    assert readable.percent(95) == "95 %"
    assert readable.percent(95.25) == "95,2 %"  # one decimal, half to even
    assert readable.percent(7.75, "en") == "7.8 %"
    assert readable.day(date(2026, 11, 28)) == "28 November 2026"
    assert readable.day(date(2026, 8, 17), "id") == "17 Agustus 2026"
    assert readable.day(date(2026, 8, 17), "en") == "17 August 2026"
    assert readable.size(999) == "999 B"
    assert readable.size(1_500_000_000) == "1,5 GB"
