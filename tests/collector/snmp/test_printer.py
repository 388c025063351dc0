"""Printer parsers: Printer-MIB supplies and trays, page count, serial, status, error bits and
alerts, vendor quirks; over our hand-written fixture, the recorded corpus and garbage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from collector.adapters.snmp.mibs.printer import (
    colour_from_description,
    parse_general,
    parse_supplies,
    supply_level,
)
from collector.adapters.snmp.mibs.printer_codes import ALERT_CODES, code_name, snake_case
from collector.adapters.snmp.mibs.printer_status import detected_errors, parse_printer_status
from collector.adapters.snmp.mibs.vendor_printer import SYSDESCR_QUIRKS, sysdescr_fields
from collector.adapters.snmp.values import Value, parse_oid
from collector.adapters.snmp.view import MibView
from tests.collector.snmp.observed import SNMP_FIXTURES, observe_recording
from tests.peers import corpus_dir


def view_of(rows: dict[str, Value]) -> MibView:
    """A MibView from dotted OID text -> value."""
    return MibView((parse_oid(oid), value) for oid, value in rows.items())


def corpus_file(stem: str) -> Path:
    return corpus_dir("snmp") / f"{stem}.snmprec"


# --- levels, colours, names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "maximum", "expected"),
    [
        (63, 100, {"level_percent": 63.0, "level": 63, "max_capacity": 100}),
        (1, 3, {"level_percent": 33.3, "level": 1, "max_capacity": 3}),
        (17208, 25000, {"level_percent": 68.8, "level": 17208, "max_capacity": 25000}),
        (0, 100, {"level_percent": 0.0, "level": 0, "max_capacity": 100}),
        (-3, 100, {"level_percent": None, "level": -3, "max_capacity": 100}),  # some remaining
        (-2, 100, {"level_percent": None, "level": None, "max_capacity": 100}),  # unknown
        (-1, 100, {"level_percent": None, "level": None, "max_capacity": 100}),  # other
        (-7, 100, {"level_percent": None, "level": None, "max_capacity": 100}),  # not in MIB
        (40, -2, {"level_percent": None, "level": 40, "max_capacity": None}),
        (40, -1, {"level_percent": None, "level": 40, "max_capacity": None}),
        (40, 0, {"level_percent": None, "level": 40, "max_capacity": 0}),
        (b"50", 100, {"level_percent": None, "level": None, "max_capacity": 100}),
        (50, (1, 3), {"level_percent": None, "level": 50, "max_capacity": None}),
        (None, None, {"level_percent": None, "level": None, "max_capacity": None}),
    ],
)
def test_supply_level_follows_the_mib_special_values(
    level: Value, maximum: Value, expected: dict[str, Any]
) -> None:
    assert supply_level(level, maximum) == expected


@pytest.mark.parametrize(
    ("description", "colour"),
    [
        ("Toner (Cyan)", "cyan"),
        ("Black Toner Cartridge", "black"),
        ("MAGENTA TONER", "magenta"),
        ("Photo Black Ink Cartridge", "photo black"),
        ("Light Cyan Ink", "light cyan"),
        ("Yellow Drum 828A HP CF364A", "yellow"),
        ("Waste Toner Box", None),
        ("Blackwell fuser", None),  # a word, not a colour
        ("", None),
        (None, None),
    ],
)
def test_colour_from_description(description: str | None, colour: str | None) -> None:
    assert colour_from_description(description) == colour


def test_names_are_the_mib_labels_in_snake_case() -> None:
    assert snake_case("printerNMSReset") == "printer_nms_reset"
    assert snake_case("hostResourcesMIBStorageTable") == "host_resources_mib_storage_table"
    assert code_name(1104, ALERT_CODES) == "marker_toner_almost_empty"
    assert code_name(8, ALERT_CODES) == "jam"
    assert code_name(3, ALERT_CODES) == "cover_open"
    assert code_name(9999, ALERT_CODES) == "code_9999"
    assert code_name(None, ALERT_CODES) is None


@pytest.mark.parametrize(
    ("octets", "names"),
    [
        (b"\x14\x00", ["no_toner", "jammed"]),
        (b"\x80", ["low_paper"]),
        (b"\x01\x00", ["service_requested"]),  # Konica Minolta bizhub recording
        (b"\x00\x02", ["overdue_prevent_maint"]),  # bit 14 (RFC 3805)
        (b"\x00\x84", ["input_tray_missing", "input_tray_empty"]),
        (b"\x00\x01", []),  # bit 15 is not defined
        (b"", []),
        (b"\x00", []),
    ],
)
def test_detected_error_bits(octets: bytes, names: list[str]) -> None:
    assert detected_errors(octets) == names


def test_every_defined_error_bit() -> None:
    found = detected_errors(b"\xff\xff\xff")
    assert len(found) == 15
    assert found[:3] == ["low_paper", "no_paper", "low_toner"]
    assert found[-2:] == ["input_tray_empty", "overdue_prevent_maint"]


@pytest.mark.parametrize("value", [5, None, (1, 3, 6), "jammed"])
def test_detected_errors_of_a_value_that_is_no_octet_string(value: Any) -> None:
    assert detected_errors(value) == []


# --- our hand-written printer ------------------------------------------------------------


@pytest.fixture(scope="module")
def alerting_printer() -> dict[str, Any]:
    return observe_recording(SNMP_FIXTURES / "printer-alerts.snmprec")


def test_fixture_printer_device(alerting_printer: dict[str, Any]) -> None:
    device = alerting_printer["device"]
    assert device["profile"] == "hp_laserjet"
    assert device["kind"] == "printer"
    assert device["vendor"] == "HP"
    assert device["model"] == "Color LaserJet Pro M454dw"
    assert device["serial"] == "CNB8K40213"
    assert device["page_count"] == 48213
    assert alerting_printer["identity"]["system_serial"] == "CNB8K40213"


def test_fixture_printer_supplies(alerting_printer: dict[str, Any]) -> None:
    def supply(
        description: str, kind: str, colour: str | None, levels: tuple[Any, ...]
    ) -> dict[str, Any]:
        percent, level, maximum = levels
        return {
            "description": description,
            "type": kind,
            "color": colour,
            "level_percent": percent,
            "level": level,
            "max_capacity": maximum,
        }

    assert alerting_printer["supplies"] == [
        supply("Black Cartridge HP W2030A", "toner_cartridge", "black", (0.0, 0, 100)),
        # no colour word in the description: the colour comes from prtMarkerColorantTable
        supply("Cartridge HP W2031A", "toner_cartridge", "cyan", (57.0, 57, 100)),
        supply("Magenta Cartridge HP W2033A", "toner_cartridge", "magenta", (None, -3, 100)),
        supply("Yellow Cartridge HP W2032A", "toner_cartridge", "yellow", (None, None, 100)),
        supply("Transfer Kit HP 3WT89A", "transfer_unit", None, (82.3, 123456, 150000)),
        supply("Tray 1", "input", None, (0.0, 0, 50)),
        supply("Tray 2", "input", None, (None, -3, 250)),
    ]


def test_fixture_printer_status_errors_and_alerts(alerting_printer: dict[str, Any]) -> None:
    assert alerting_printer["printer"] == {
        "status": "other",
        "detected_errors": ["no_toner", "jammed"],
        "alerts": [
            {
                "severity": "critical",
                "group": "media_path",
                "group_index": 1,
                "code": "jam",
                "description": "Kertas macet di baki 2 (13.B2.D2)",
            },
            {
                "severity": "warning",
                "group": "marker_supplies",
                "group_index": 1,
                "code": "marker_toner_empty",
                "description": "Black cartridge empty",
            },
        ],
    }


@pytest.mark.parametrize(("number", "name"), [(3, "idle"), (4, "printing"), (5, "warmup")])
def test_printer_status_names(number: int, name: str) -> None:
    fragment = parse_printer_status(view_of({"1.3.6.1.2.1.25.3.5.1.1.1": number}))
    assert fragment["printer"]["status"] == name
    assert fragment["printer"]["detected_errors"] == []


def test_no_printer_objects_no_printer_section() -> None:
    view = view_of({"1.3.6.1.2.1.1.1.0": b"Cisco IOS Software"})
    assert parse_printer_status(view) == {}
    assert parse_supplies(view) == {}
    assert parse_general(view) == {}


# --- the recorded corpus ------------------------------------------------------------------

# stem: (profile, vendor, model, serial, firmware, page_count, detected_errors), read from the
# recordings (LibreNMS's expected files agree where they name the same fact).
CORPUS_PRINTERS: dict[str, tuple[Any, ...]] = {
    "hp_color-laserjet-pro-m252dw": (
        "hp_laserjet", "HP", "Color LaserJet Pro M252dw", "VNB3J99999", None, None, [],
    ),
    "hp_color-laserjet-flow-mfp-m880": (
        "hp_laserjet", "HP", "Color LaserJet flow MFP M880", None, None, None, [],
    ),
    "brother_hl-5370dw": (
        "brother_printer", "Brother", "HL-5370DW series", "B9J154306", "1.01", 7792, [],
    ),
    "canon_lbp6670": ("canon_printer", "Canon", "LBP6670", "MKRA012345", "R7.21", None, None),
    "epson_wf-c5790": ("epson_printer", "Epson", "WF-C5790BA", "X3B8022793", None, None, []),
    "konica-minolta_bizhub-c250i": (
        "konicaminolta_bizhub", "Konica Minolta", "bizhub C250i", "AA2M021115700", "1.102",
        33810, ["service_requested"],
    ),
    "kyocera_utax-p-4532dn": (
        "kyocera_printer", "Kyocera", "P-4532DN", "R9L0309954", "2TP_S000.003.402", 427, [],
    ),
    "kyocera_fs-1028mfp": (
        "kyocera_printer", "Kyocera", "FS-1028MFP", "QUV9600664", "2H9_2F00.002.002", None, None,
    ),
    "lexmark_t640": ("lexmark_printer", "Lexmark", "T640", None, "NS.NP.N219", None, None),
    "ricoh_aficio-mp-c3002": (
        "ricoh_printer", "Ricoh", "Aficio MP C3002", "W492KB03439", "2.20", 271871, [],
    ),
    "samsung_m4080fx": (
        "samsung_printer", "Samsung", "M4080FX", None, "V11.01.03.04_02-27-2017", 22934,
        ["low_paper"],
    ),
    "sharp_mx-3570n": (
        "sharp_mx", "Sharp", "MX-3570N", "6509415X00", "1.04", 121104, ["low_toner"],
    ),
    "xerox_altalink-c8045": (
        "xerox_printer", "Xerox", "AltaLink C8045", None, "100.002.057.09608", None, None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("stem", sorted(CORPUS_PRINTERS))
def test_corpus_printer_device(stem: str) -> None:
    profile, vendor, model, serial, firmware, pages, errors = CORPUS_PRINTERS[stem]
    document = observe_recording(corpus_file(stem))
    device = document["device"]
    assert (device["profile"], device["kind"], device["vendor"]) == (profile, "printer", vendor)
    assert (device["model"], device["serial"], device["firmware"]) == (model, serial, firmware)
    assert device["page_count"] == pages
    if errors is None:  # the recording has no hrPrinterTable
        assert "printer" not in document
    else:
        assert document["printer"]["detected_errors"] == errors


def test_hex_dumped_descriptions_are_restored() -> None:
    """The M880 recording holds descriptions whose tail was captured as a hex dump over one or
    two lines ("Magenta Cartridg\\n65 20 38 ... \\n00 "): read as the text they stand for."""
    supplies = observe_recording(corpus_file("hp_color-laserjet-flow-mfp-m880"))["supplies"]
    descriptions = [supply["description"] for supply in supplies]
    assert descriptions[:4] == [
        "Black Cartridge 827A HP CF300A",
        "Cyan Cartridge 827A HP CF301A",
        "Magenta Cartridge 827A HP CF303A",
        "Yellow Cartridge 827A HP CF302A",
    ]
    assert descriptions[9] == "Fuser Kit HP 110V-C1N54A, 220V-C1N58A"
    assert descriptions[14] == "Stapler 3 HP CC383A"


def test_staplers_of_unknown_capacity_with_some_remaining() -> None:
    supplies = observe_recording(corpus_file("hp_color-laserjet-flow-mfp-m880"))["supplies"]
    staplers = [s for s in supplies if s["type"] == "staples"]
    assert len(staplers) == 3
    assert all(
        (s["level"], s["max_capacity"], s["level_percent"]) == (-3, None, None) for s in staplers
    )


def test_trays_of_the_corpus_ricoh() -> None:
    supplies = observe_recording(corpus_file("ricoh_aficio-mp-c3002"))["supplies"]
    trays = [(s["description"], s["level"], s["max_capacity"], s["level_percent"])
             for s in supplies if s["type"] == "input"]  # fmt: skip
    assert trays == [
        ("Tray 1", 55, 550, 10.0),
        ("Tray 2", 55, 550, 10.0),
        ("Tray 3", 55, 550, 10.0),
        ("Tray 4", 0, 550, 0.0),
        ("Bypass Tray", 0, 100, 0.0),
    ]


# --- vendor quirks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quirk", "sys_descr", "fields"),
    [
        (
            "hp_serial_from_sysdescr",
            "HP ETHERNET MULTI-ENVIRONMENT,SN:VNB3J99999,FN:1F31B6C,SVCID:99999,PID:HP M252dw",
            {"serial": "VNB3J99999"},
        ),
        ("hp_serial_from_sysdescr", "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT", {}),
        (
            "brother_firmware_from_sysdescr",
            "Brother NC-8300h, Firmware Ver.1.15  (14.06.24),MID 8CE-K0B",
            {"firmware": "1.15"},
        ),
        (
            "xerox_sysdescr",
            "Xerox VersaLink B405 MFP; SS 73.10.41, NC 73.10.41, UI 73.10.41",
            {"model": "VersaLink B405 MFP", "firmware": "73.10.41"},
        ),
        (
            "samsung_sysdescr",
            "Samsung M337x 387x 407x Series; V4.00.02.22 JUL-13-2016;Engine V1.00.02",
            {"model": "M337x 387x 407x Series", "firmware": "V4.00.02.22"},
        ),
        (
            "lexmark_sysdescr",
            "Lexmark MS610de version PR.APP.P260 kernel 3.0.0 All-N-1",
            {"model": "MS610de", "firmware": "PR.APP.P260"},
        ),
        ("lexmark_sysdescr", "Lexmark CX510de", {"model": "CX510de"}),
        ("xerox_sysdescr", "", {}),
    ],
)
def test_sysdescr_quirks(quirk: str, sys_descr: str, fields: dict[str, str]) -> None:
    assert sysdescr_fields(SYSDESCR_QUIRKS[quirk], sys_descr) == fields


# --- garbage ------------------------------------------------------------------------------

SUPPLY = "1.3.6.1.2.1.43.11.1.1"
INPUT = "1.3.6.1.2.1.43.8.2.1"


def test_garbage_values_give_clean_results() -> None:
    view = view_of(
        {
            f"{SUPPLY}.3.1.1": b"\x07",  # colorant index as octets
            f"{SUPPLY}.5.1.1": b"toner",  # type as octets
            f"{SUPPLY}.6.1.1": 42,  # description as an integer
            f"{SUPPLY}.8.1.1": b"\xff\xfe",
            f"{SUPPLY}.9.1.1": (1, 3, 6),
            f"{SUPPLY}.3.1.2": 9,  # colorant index pointing at no colorant row
            f"{SUPPLY}.5.1.2": 777,  # type no MIB defines
            f"{SUPPLY}.6.1.2": b"\x00\x00",
            f"{SUPPLY}.8.1.2": 100,
            f"{SUPPLY}.9.1.2": 250,  # above the maximum: reported as the device says
            f"{INPUT}.13.1.4": b"\xc3\x28 Tray",  # invalid UTF-8
            f"{INPUT}.10.1.4": b"",
            "1.3.6.1.2.1.25.3.5.1.1.1": b"idle",
            "1.3.6.1.2.1.25.3.5.1.2.1": 20,
            "1.3.6.1.2.1.43.18.1.1.2.1.1": b"critical",
            "1.3.6.1.2.1.43.18.1.1.5.1.1": -1,
            "1.3.6.1.2.1.43.18.1.1.7.1.1": 8,
            "1.3.6.1.2.1.43.10.2.1.4.1.1": -5,  # negative life count
            "1.3.6.1.2.1.43.5.1.1.17.1": b"   ",
        }
    )
    assert parse_supplies(view)["supplies"] == [
        {"description": "supply 1", "type": None, "color": None}
        | {"level_percent": None, "level": None, "max_capacity": None},
        {"description": "code_777", "type": "code_777", "color": None}
        | {"level_percent": 250.0, "level": 250, "max_capacity": 100},
        {"description": "Ã( Tray", "type": "input", "color": None}
        | {"level_percent": None, "level": None, "max_capacity": None},
    ]
    assert parse_printer_status(view)["printer"] == {
        "status": None,
        "detected_errors": [],
        "alerts": [
            {"severity": None, "group": None, "group_index": None, "code": "jam"}
            | {"description": None}
        ],
    }
    assert parse_general(view) == {}


def test_page_count_in_meters_is_no_page_count() -> None:
    marker = "1.3.6.1.2.1.43.10.2.1"
    in_meters = view_of({f"{marker}.3.1.1": 17, f"{marker}.4.1.1": 5120})
    in_sheets = view_of({f"{marker}.3.1.1": 8, f"{marker}.4.1.1": 5120})
    assert parse_general(in_meters) == {}
    assert parse_general(in_sheets) == {
        "device": {"model": None, "serial": None, "page_count": 5120}
    }


def test_first_marker_gives_the_page_count() -> None:
    marker = "1.3.6.1.2.1.43.10.2.1.4"
    view = view_of({f"{marker}.1.2": 900, f"{marker}.1.1": 48213})
    assert parse_general(view)["device"]["page_count"] == 48213
