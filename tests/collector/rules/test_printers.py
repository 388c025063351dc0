"""Printer rules: supply thresholds and Printer-MIB special values, errors, alerts, the service
interval, and the findings on real printer recordings read by our SNMP parsers."""

from __future__ import annotations

from typing import Any

import pytest

from collector.domain.rules.findings import Maintenance, Severity
from collector.domain.rules.printers import evaluate_printers, supply_percent
from tests.collector.rules.rule_inputs import by_rule, run, shipped_thresholds, snapshot
from tests.collector.snmp.observed import SNMP_FIXTURES, observe_recording
from tests.peers import corpus_dir


def _supply(description: str = "Black Toner", **level: Any) -> dict[str, Any]:
    values = {"level_percent": None, "level": None, "max_capacity": None} | level
    return {"description": description, "type": "toner", "color": "black", **values}


def _findings(sections: dict[str, Any], **overrides: Any) -> list[Any]:
    return run(evaluate_printers, snapshot(sections, kind="printer"),
               shipped_thresholds("printers", **overrides))  # fmt: skip


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (15.1, None),
        (15.0, Severity.WARNING),
        (5.1, Severity.WARNING),
        (5.0, Severity.CRITICAL),
        (0.0, Severity.CRITICAL),
    ],
)
def test_supply_thresholds_on_both_sides(percent: float, expected: Severity | None) -> None:
    findings = _findings({"supplies": [_supply(level_percent=percent)]})
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert findings[0].maintenance is Maintenance.REPLACE_SUPPLY
        assert findings[0].evidence["level_percent"] == percent


def test_percent_from_level_and_max_capacity() -> None:
    # 900 of 6000 is 15 %: a warning; 901 is above it.
    assert supply_percent(_supply(level=900, max_capacity=6000)) == 15.0
    (finding,) = _findings({"supplies": [_supply(level=900, max_capacity=6000)]})
    assert finding.severity is Severity.WARNING
    assert _findings({"supplies": [_supply(level=901, max_capacity=6000)]}) == []


def test_empty_supply_is_critical_and_says_empty() -> None:
    (finding,) = _findings({"supplies": [_supply("Cyan Toner", level=0, max_capacity=100)]})
    assert finding.severity is Severity.CRITICAL
    assert finding.message_id == "Cyan Toner habis: sisa 0 %."
    assert finding.message_en == "Cyan Toner is empty: 0 % left."
    (low,) = _findings({"supplies": [_supply("Cyan Toner", level_percent=12.5)]})
    assert low.message_id == "Cyan Toner hampir habis: sisa 12,5 %."


@pytest.mark.parametrize(
    ("level", "max_capacity", "why"),
    [
        (-3, None, "some remaining: not empty, not low"),
        (-3, 100, "some remaining with a known maximum is still no amount"),
        (None, 100, "level -1 other / -2 unknown: unknown is not low"),
        (0, None, "level 0 with an unknown maximum (Brother's phantom row)"),
        (5, -2, "a negative maximum is unknown"),
    ],
)
def test_printer_mib_special_values_give_no_finding(
    level: int | None, max_capacity: int | None, why: str
) -> None:
    assert _findings({"supplies": [_supply(level=level, max_capacity=max_capacity)]}) == [], why


def test_paper_trays_only_when_asked() -> None:
    tray = {"description": "Tray 1", "type": "input", "level_percent": 0.0, "level": 0,
            "max_capacity": 250}  # fmt: skip
    assert _findings({"supplies": [tray]}) == []
    (finding,) = _findings({"supplies": [tray]}, include_paper_trays=True)
    assert (finding.subject, finding.severity) == ("Tray 1", Severity.CRITICAL)


def test_supplies_with_one_description_get_distinct_subjects() -> None:
    supplies = [_supply(level_percent=3), _supply(level_percent=10)]
    findings = _findings({"supplies": supplies})
    assert [f.subject for f in findings] == ["Black Toner", "Black Toner (2)"]


def test_supply_thresholds_overridden_from_the_table() -> None:
    supplies = [_supply(level_percent=25)]
    assert _findings({"supplies": supplies}) == []
    (finding,) = _findings({"supplies": supplies}, supply_warning_percent=30,
                           supply_critical_percent=25)  # fmt: skip
    assert finding.severity is Severity.CRITICAL


def test_detected_errors() -> None:
    printer = {"detected_errors": ["jammed", "door_open", "low_paper", "no_paper"]}
    findings = _findings({"printer": printer})
    assert [(f.subject, f.severity) for f in findings] == [
        ("jammed", Severity.CRITICAL),
        ("door_open", Severity.WARNING),
        ("no_paper", Severity.WARNING),
    ]  # low_paper is left to the person at the printer
    assert findings[0].message_id == "Printer melaporkan gangguan: kertas macet."
    assert {f.maintenance for f in findings} == {Maintenance.SERVICE_PRINTER}
    assert [f.subject for f in _findings({"printer": printer}, ignore_errors=["door_open"])] == [
        "jammed", "low_paper", "no_paper",
    ]  # fmt: skip


def test_alerts() -> None:
    alerts = [
        {"severity": "critical", "group": "cover", "group_index": 1, "code": "cover_open",
         "description": "Front cover open"},
        {"severity": "warning_binary_change_event", "group": "marker_supplies", "group_index": 2,
         "code": "marker_toner_almost_empty", "description": None},
        {"severity": "other", "group": "general_printer", "group_index": None,
         "code": "subunit_over_temperature", "description": "Fuser hot"},
        {"severity": "warning_binary_change_event", "group": "cover", "group_index": 1,
         "code": "cover_closed", "description": "Cover closed"},
    ]  # fmt: skip
    findings = _findings({"printer": {"alerts": alerts}})
    assert [(f.subject, f.severity) for f in findings] == [
        ("cover:1:cover_open", Severity.CRITICAL),
        ("marker_supplies:2:marker_toner_almost_empty", Severity.WARNING),
        ("general_printer:0:subunit_over_temperature", Severity.INFO),
    ]  # cover_closed is an event, not a problem
    assert findings[0].message_id == "Peringatan printer (cover:1): Front cover open."
    assert findings[1].message_en == (
        "Printer alert (marker_supplies:2): marker_toner_almost_empty."
    )
    ignored = _findings({"printer": {"alerts": alerts}}, ignore_alert_codes=["cover_open"])
    assert [f.subject for f in ignored] == [
        "marker_supplies:2:marker_toner_almost_empty",
        "general_printer:0:subunit_over_temperature",
        "cover:1:cover_closed",
    ]


def test_printer_with_a_jam_and_an_empty_cartridge() -> None:
    """The authored alert fixture (tests/fixtures/snmp/printer-alerts.snmprec), read by our
    SNMP parsers: black at 0 %, magenta at -3 (some remaining), yellow unknown, trays empty;
    error bits no_toner and jammed; a jam alert and a toner-empty alert."""
    document = observe_recording(SNMP_FIXTURES / "printer-alerts.snmprec")
    findings = run(evaluate_printers, snapshot(document, kind="printer"),
                   shipped_thresholds("printers"))  # fmt: skip
    assert [(f.rule, f.subject, f.severity) for f in findings] == [
        ("printer.supply_low", "Black Cartridge HP W2030A", Severity.CRITICAL),
        ("printer.error", "no_toner", Severity.CRITICAL),
        ("printer.error", "jammed", Severity.CRITICAL),
        ("printer.alert", "media_path:1:jam", Severity.CRITICAL),
        ("printer.alert", "marker_supplies:1:marker_toner_empty", Severity.WARNING),
    ]
    assert findings[3].message_id == (
        "Peringatan printer (media_path:1): Kertas macet di baki 2 (13.B2.D2)."
    )


@pytest.mark.parametrize(
    ("page_count", "milestone"),
    [
        (0, None),
        (49_999, None),
        (50_000, 50_000),
        (54_999, 50_000),
        (55_000, None),
        (99_999, None),
        (104_321, 100_000),
    ],
)
def test_service_interval_on_both_sides(page_count: int, milestone: int | None) -> None:
    findings = by_rule(_findings({"device": {"page_count": page_count}}), "printer.service_due")
    assert [f.evidence["milestone"] for f in findings] == ([milestone] if milestone else [])


def test_service_interval_sentence_and_override() -> None:
    (finding,) = _findings({"device": {"page_count": 104_321}})
    assert finding.subject == "halaman 100.000"
    assert finding.message_id == (
        "Printer perlu servis berkala: penghitung 104.321 halaman melewati 100.000 "
        "(servis tiap 50.000 halaman)."
    )
    assert "104,321 pages passed 100,000" in finding.message_en
    assert _findings({"device": {"page_count": 104_321}}, service_interval_pages=0) == []
    (other,) = _findings({"device": {"page_count": 104_321}}, service_interval_pages=30_000,
                         service_due_window_pages=15_000)  # fmt: skip
    assert other.evidence["milestone"] == 90_000


def _recorded(name: str) -> dict[str, Any]:
    return observe_recording(corpus_dir("snmp") / f"{name}.snmprec")


def _verdicts(name: str) -> list[tuple[str, str, Severity]]:
    findings = run(evaluate_printers, snapshot(_recorded(name), kind="printer"),
                   shipped_thresholds("printers"))  # fmt: skip
    return [(f.rule, f.subject, f.severity) for f in findings]


def test_real_epson_with_every_ink_at_one_percent() -> None:
    """The Epson WF-C5790 recording reports each ink at level 1 of 100 (LibreNMS reads 1 % too)."""
    assert _verdicts("epson_wf-c5790") == [
        ("printer.supply_low", "Black Ink Supply Unit T9441/T9451/T9461", Severity.CRITICAL),
        ("printer.supply_low", "Cyan Ink Supply Unit T9442/T9452", Severity.CRITICAL),
        ("printer.supply_low", "Magenta Ink Supply Unit T9443/T9453", Severity.CRITICAL),
        ("printer.supply_low", "Yellow Ink Supply Unit T9444/T9454", Severity.CRITICAL),
    ]


def test_real_xerox_waste_toner_nearly_full() -> None:
    """A receptacle's level is the space left: the Xerox waste container at 5 % is nearly full;
    its black toner at 20 % (1060 of 5300) is above the warning line."""
    assert _verdicts("xerox_altalink-c8045") == [
        ("printer.supply_low", "Waste Toner Container, PN 008R13061;SNunknown", Severity.CRITICAL)
    ]


def test_real_konica_requests_service() -> None:
    """The bizhub C250i sets hrPrinterDetectedErrorState's serviceRequested bit; its toners are
    at 76-86 % and its page counter (33.810) has not reached the first interval."""
    assert _verdicts("konica-minolta_bizhub-c250i") == [
        ("printer.error", "service_requested", Severity.CRITICAL)
    ]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("brother_hl-5370dw", "toner rows at level 0 (unknown max) and -3; drum at 68,8 %"),
        ("hp_color-laserjet-flow-mfp-m880", "cyan at 16 % is above 15 %; staplers at -3"),
        ("ricoh_aficio-mp-c3002", "cyan at 20 %; trays at 0-10 % are paper; 271.871 pages is "
         "21.871 past 250.000, outside the 5.000-page window"),
        ("samsung_m4080fx", "low_paper is left to the person at the printer"),
        ("sharp_mx-3570n", "magenta at 19 %; waste toner level 100 with no maximum"),
    ],
)  # fmt: skip
def test_real_printers_without_findings(name: str, why: str) -> None:
    assert _verdicts(name) == [], why
