"""Power rules: UPS replace indicator, battery states, battery age, runtime; laptop wear and
vendor condition; UPS documents built by our SNMP parsers from recordings."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from collector.domain.rules.findings import Maintenance, Severity
from collector.domain.rules.power import anniversary, battery_health, evaluate_power
from tests.collector.rules.rule_inputs import NOW, by_rule, run, shipped_thresholds, snapshot
from tests.collector.snmp.observed import SNMP_FIXTURES, observe_recording
from tests.peers import REPO, corpus_dir


def _ups(**power: Any) -> dict[str, Any]:
    base = {"battery_status": "battery_normal", "battery_charge_percent": 100.0,
            "runtime_minutes": 60.0, "battery_replace_indicated": False,
            "battery_last_replaced": None, "load_percent": 20.0}  # fmt: skip
    return {"power": base | power}


def _findings(sections: dict[str, Any], **overrides: Any) -> list[Any]:
    return run(evaluate_power, snapshot(sections, kind="ups"),
               shipped_thresholds("power", **overrides))  # fmt: skip


def test_a_healthy_ups_has_no_findings() -> None:
    assert _findings(_ups()) == []
    assert _findings(_ups(battery_replace_indicated=None, battery_status=None)) == []


def test_replace_indicated_is_critical() -> None:
    (finding,) = _findings(_ups(battery_replace_indicated=True))
    assert (finding.rule, finding.severity) == ("power.battery_replace", Severity.CRITICAL)
    assert finding.maintenance is Maintenance.REPLACE_BATTERY


@pytest.mark.parametrize(
    ("status", "rule", "severity", "maintenance"),
    [
        ("battery_low", "power.on_battery", Severity.WARNING, Maintenance.CHECK_POWER),
        ("battery_depleted", "power.on_battery", Severity.WARNING, Maintenance.CHECK_POWER),
        ("battery_in_fault_condition", "power.battery_fault", Severity.CRITICAL,
         Maintenance.REPLACE_BATTERY),
        ("no_battery_present", "power.battery_fault", Severity.CRITICAL,
         Maintenance.REPLACE_BATTERY),
    ],
)  # fmt: skip
def test_battery_states(
    status: str, rule: str, severity: Severity, maintenance: Maintenance
) -> None:
    (finding,) = _findings(_ups(battery_status=status))
    assert (finding.rule, finding.severity, finding.maintenance) == (rule, severity, maintenance)
    assert finding.evidence["battery_status"] == status


def test_battery_age_on_both_sides() -> None:
    three_years = NOW.date().replace(year=NOW.year - 3)  # 28 November 2023: exactly 3 years
    assert _findings(_ups(battery_last_replaced=three_years.isoformat())) == []
    older = three_years - timedelta(days=1)
    (finding,) = _findings(_ups(battery_last_replaced=older.isoformat()))
    assert (finding.rule, finding.severity) == ("power.battery_age", Severity.WARNING)
    assert finding.evidence["age_years"] == 3.0
    assert _findings(_ups(battery_last_replaced="not a date")) == []
    assert anniversary(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_battery_age_sentence_and_override() -> None:
    (finding,) = _findings(_ups(battery_last_replaced="2019-03-21"))
    assert finding.message_id == "Baterai UPS terakhir diganti 21 Maret 2019 (7,7 tahun lalu)."
    assert finding.message_en == (
        "The UPS battery was last replaced on 21 March 2019 (7.7 years ago)."
    )
    assert _findings(_ups(battery_last_replaced="2019-03-21"), battery_max_age_years=8) == []


def test_runtime_on_both_sides() -> None:
    assert _findings(_ups(runtime_minutes=10)) == []
    (finding,) = _findings(_ups(runtime_minutes=9.9))
    assert (finding.rule, finding.maintenance) == ("power.low_runtime", Maintenance.CHECK_POWER)
    assert finding.message_id == "Waktu cadangan UPS hanya 9,9 menit (batas 10 menit)."
    assert _findings(_ups(runtime_minutes=9.9), runtime_warning_minutes=5) == []


def test_apc_fixture_that_needs_a_new_battery() -> None:
    """tests/fixtures/snmp/ups-replace-battery.snmprec read by our PowerNet parser: the replace
    indicator is set and the battery was replaced on 21 March 2019."""
    document = observe_recording(SNMP_FIXTURES / "ups-replace-battery.snmprec")
    findings = _findings(document)
    assert [(f.rule, f.severity) for f in findings] == [
        ("power.battery_replace", Severity.CRITICAL),
        ("power.battery_age", Severity.WARNING),
    ]
    assert findings[1].evidence["battery_last_replaced"] == "2019-03-21"


def test_ups_mib_fixture_on_a_low_battery() -> None:
    """tests/fixtures/snmp/ups-rfc1628.snmprec: batteryLow with 4 minutes left."""
    document = observe_recording(SNMP_FIXTURES / "ups-rfc1628.snmprec")
    assert [(f.rule, f.severity) for f in _findings(document)] == [
        ("power.on_battery", Severity.WARNING),
        ("power.low_runtime", Severity.WARNING),
    ]


def test_recorded_apc_smart_ups_is_healthy() -> None:
    """The corpus Smart-UPS X 750: replace indicator off, 95,2 minutes of runtime."""
    document = observe_recording(corpus_dir("snmp") / "apc_smart-ups-x-750.snmprec")
    assert document["power"]["battery_replace_indicated"] is False
    assert _findings(document) == []


def _laptop(**battery: Any) -> dict[str, Any]:
    return {"batteries": [{"name": "BAT0", "serial": "1523"} | battery]}


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        (30_301, None),
        (30_300, Severity.WARNING),  # 60 % of 50.500
        (20_201, Severity.WARNING),
        (20_200, Severity.CRITICAL),  # 40 %
    ],
)
def test_laptop_wear_on_both_sides(full: int, expected: Severity | None) -> None:
    sections = _laptop(design_capacity_mwh=50_500, full_charge_capacity_mwh=full)
    findings = _findings(sections)
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert findings[0].subject == "1523"
        assert findings[0].evidence["health"] == round(full * 100 / 50_500, 1)


def test_health_percent_when_only_that_is_given() -> None:
    assert battery_health({"health_percent": 55}) == 55.0
    assert battery_health({"design_capacity_mwh": 0, "full_charge_capacity_mwh": 10}) is None
    (finding,) = _findings(_laptop(health_percent=39.5))
    assert finding.severity is Severity.CRITICAL
    assert finding.message_id == "Baterai 1523 aus: kapasitas tinggal 39,5 % dari kapasitas desain."


def test_capacities_win_over_health_percent() -> None:
    sections = _laptop(design_capacity_mwh=50_000, full_charge_capacity_mwh=45_000,
                       health_percent=30)  # fmt: skip
    assert _findings(sections) == []


def test_vendor_condition() -> None:
    (finding,) = _findings(_laptop(condition="Service Recommended", health_percent=90))
    assert (finding.rule, finding.severity) == ("battery.condition", Severity.WARNING)
    assert finding.message_en == (
        'Battery 1523: the system reports its condition as "Service Recommended".'
    )
    assert _findings(_laptop(condition="Normal")) == []
    assert _findings(_laptop(condition="Normal"), battery_bad_conditions=["Normal"]) != []


def test_batteries_without_serial_or_name_are_numbered() -> None:
    sections = {"batteries": [{"health_percent": 90}, {"health_percent": 50}]}
    assert [f.subject for f in by_rule(_findings(sections), "battery.worn")] == ["baterai 2"]


def test_agent_example_laptop_is_healthy() -> None:
    """schemas/examples/agent-linux-laptop.json: 43.130 of 50.500 mWh (85,4 %); the same
    battery worn to 20.000 mWh is critical."""
    example = REPO / "schemas" / "examples" / "agent-linux-laptop.json"
    document = json.loads(example.read_text(encoding="utf-8"))
    assert run(evaluate_power, snapshot(document, kind="laptop"), shipped_thresholds("power")) == []
    document["batteries"][0]["full_charge_capacity_mwh"] = 20_000
    (finding,) = run(evaluate_power, snapshot(document, kind="laptop"), shipped_thresholds("power"))
    assert (finding.subject, finding.severity) == ("1523", Severity.CRITICAL)
