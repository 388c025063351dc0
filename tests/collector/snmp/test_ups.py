"""UPS parsers: UPS-MIB (RFC 1628) and APC PowerNet, over our hand-written fixtures, the
recorded APC card and garbage."""

from __future__ import annotations

from typing import Any

import pytest

from collector.adapters.snmp.mibs.ups import battery_replace_date, parse_apc_powernet, parse_ups_mib
from collector.adapters.snmp.values import Value, parse_oid
from collector.adapters.snmp.view import MibView
from tests.collector.snmp.observed import SNMP_FIXTURES, observe_recording
from tests.peers import corpus_dir

POWERNET = "1.3.6.1.4.1.318.1.1.1"
UPS_MIB = "1.3.6.1.2.1.33.1"


def view_of(rows: dict[str, Value]) -> MibView:
    return MibView((parse_oid(oid), value) for oid, value in rows.items())


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("03/21/2019", "2019-03-21"),
        ("12/05/18", "2018-12-05"),
        ("1/7/2021", "2021-01-07"),
        ("08/15/99", "1999-08-15"),
        ("2009-02-26", "2009-02-26"),
        (" 09/02/2021 ", "2021-09-02"),
        ("13/40/2019", None),  # no such month
        ("02/30/2020", None),
        ("unknown", None),
        ("", None),
        (None, None),
    ],
)
def test_battery_replace_date(text: str | None, iso: str | None) -> None:
    assert battery_replace_date(text) == iso


def test_apc_ups_that_needs_a_new_battery() -> None:
    document = observe_recording(SNMP_FIXTURES / "ups-replace-battery.snmprec")
    assert document["power"] == {
        "battery_status": "battery_normal",
        "battery_charge_percent": 100.0,
        "runtime_minutes": 36.0,  # 216000 TimeTicks
        "battery_replace_indicated": True,
        "battery_last_replaced": "2019-03-21",
        "load_percent": 27.4,  # upsHighPrecOutputLoad 274, preferred to upsAdvOutputLoad 27
    }
    device = document["device"]
    assert (device["profile"], device["kind"], device["vendor"]) == ("apc_ups", "ups", "APC")
    assert device["model"] == "Smart-UPS 1500"
    assert device["serial"] == "AS1624123456"
    assert device["firmware"] == "UPS 08.3 (ID18)"
    assert document["identity"]["system_serial"] == "AS1624123456"


def test_generic_ups_mib_unit_on_a_low_battery() -> None:
    """An unknown vendor's card (NetAgent) is found by the UPS-MIB fallback; batteryLow is a
    state of charge, so whether the battery needs replacing stays unknown."""
    document = observe_recording(SNMP_FIXTURES / "ups-rfc1628.snmprec")
    assert document["power"] == {
        "battery_status": "battery_low",
        "battery_charge_percent": 18.0,
        "runtime_minutes": 4,
        "battery_replace_indicated": None,
        "battery_last_replaced": None,
        "load_percent": 52.0,
    }
    device = document["device"]
    assert (device["profile"], device["kind"]) == ("ups_generic", "ups")
    assert (device["vendor"], device["model"], device["firmware"]) == (
        "Prolink",
        "PRO3000SFCU",
        "V2.0",
    )


def test_recorded_apc_smart_ups() -> None:
    document = observe_recording(corpus_dir("snmp") / "apc_smart-ups-x-750.snmprec")
    assert document["power"] == {
        "battery_status": None,  # upsBasicBatteryStatus was not captured
        "battery_charge_percent": 100.0,  # upsHighPrecBatteryCapacity 1000
        "runtime_minutes": 95.2,  # 570900 TimeTicks
        "battery_replace_indicated": False,
        "battery_last_replaced": None,
        "load_percent": 20.2,  # upsHighPrecOutputLoad 202
    }
    device = document["device"]
    assert (device["profile"], device["model"], device["firmware"]) == (
        "apc_ups",
        "Smart-UPS X 750",
        "UPS 09.9 (ID20)",
    )


def test_most_loaded_output_line_is_the_load() -> None:
    view = view_of(
        {f"{UPS_MIB}.4.4.1.5.{line}": load for line, load in ((1, 31), (2, 64), (3, 40))}
    )
    assert parse_ups_mib(view)["power"]["load_percent"] == 64.0


def test_whole_percent_values_when_high_precision_is_absent() -> None:
    view = view_of({f"{POWERNET}.2.2.1.0": 0, f"{POWERNET}.4.2.3.0": 35})
    power = parse_apc_powernet(view)["power"]
    assert power["battery_charge_percent"] == 0.0
    assert power["load_percent"] == 35.0


@pytest.mark.parametrize(
    "garbage",
    [
        {f"{POWERNET}.2.2.3.0": b"0:36:00", f"{POWERNET}.2.2.4.0": 7},
        {f"{POWERNET}.2.2.3.0": -100, f"{POWERNET}.2.1.1.0": b"normal"},
        {f"{POWERNET}.2.1.3.0": 20190321, f"{POWERNET}.2.2.1.0": -1},
        {f"{POWERNET}.1.1.1.0": b"\x00\x00", f"{POWERNET}.4.3.3.0": (1, 3)},
    ],
)
def test_apc_garbage_gives_no_values(garbage: dict[str, Value]) -> None:
    assert parse_apc_powernet(view_of(garbage)) == {}


def test_ups_mib_garbage_gives_no_values() -> None:
    view = view_of(
        {
            f"{UPS_MIB}.2.1.0": 9,
            f"{UPS_MIB}.2.3.0": -1,
            f"{UPS_MIB}.2.4.0": b"18",
            f"{UPS_MIB}.4.4.1.5.1": b"52",
            f"{UPS_MIB}.1.2.0": b"   ",
        }
    )
    assert parse_ups_mib(view) == {}


def test_no_ups_objects_no_sections() -> None:
    empty: dict[str, Any] = {}
    view = view_of({"1.3.6.1.2.1.1.1.0": b"Linux"})
    assert parse_ups_mib(view) == empty
    assert parse_apc_powernet(view) == empty
