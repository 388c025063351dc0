"""UPS state: the standard UPS-MIB (RFC 1628) and APC's PowerNet-MIB, into ``power`` and the
device's model, serial and firmware.

A battery that needs replacing is the main maintenance finding for a UPS. PowerNet says so
directly (upsAdvBatteryReplaceIndicator) and records when the battery was last replaced. The
UPS-MIB has no such object: its batteryLow and batteryDepleted are states of charge (the unit
is on battery, or was), not a verdict on the battery's age, so ``ups_mib`` leaves
``battery_replace_indicated`` unknown (None) rather than guessing from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from agent.junk import clean_text
from collector.adapters.snmp.cells import integer
from collector.adapters.snmp.octets import display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Value
from collector.adapters.snmp.view import MibView

UPS_MIB = (1, 3, 6, 1, 2, 1, 33, 1)
IDENT_MANUFACTURER = (*UPS_MIB, 1, 1, 0)
IDENT_MODEL = (*UPS_MIB, 1, 2, 0)
IDENT_UPS_SOFTWARE = (*UPS_MIB, 1, 3, 0)
BATTERY_STATUS = (*UPS_MIB, 2, 1, 0)
MINUTES_REMAINING = (*UPS_MIB, 2, 3, 0)
CHARGE_REMAINING = (*UPS_MIB, 2, 4, 0)
OUTPUT_PERCENT_LOAD = (*UPS_MIB, 4, 4, 1, 5)  # upsOutputPercentLoad, one row per output line

POWERNET_UPS = (1, 3, 6, 1, 4, 1, 318, 1, 1, 1)
APC_MODEL = (*POWERNET_UPS, 1, 1, 1, 0)  # upsBasicIdentModel
APC_FIRMWARE = (*POWERNET_UPS, 1, 2, 1, 0)  # upsAdvIdentFirmwareRevision
APC_SERIAL = (*POWERNET_UPS, 1, 2, 3, 0)  # upsAdvIdentSerialNumber
APC_BATTERY_STATUS = (*POWERNET_UPS, 2, 1, 1, 0)  # upsBasicBatteryStatus
APC_LAST_REPLACED = (*POWERNET_UPS, 2, 1, 3, 0)  # upsBasicBatteryLastReplaceDate
APC_CAPACITY = (*POWERNET_UPS, 2, 2, 1, 0)  # upsAdvBatteryCapacity (%)
APC_RUNTIME = (*POWERNET_UPS, 2, 2, 3, 0)  # upsAdvBatteryRunTimeRemaining (TimeTicks)
APC_REPLACE = (*POWERNET_UPS, 2, 2, 4, 0)  # upsAdvBatteryReplaceIndicator
APC_CAPACITY_TENTHS = (*POWERNET_UPS, 2, 3, 1, 0)  # upsHighPrecBatteryCapacity (0.1 %)
APC_LOAD = (*POWERNET_UPS, 4, 2, 3, 0)  # upsAdvOutputLoad (%)
APC_LOAD_TENTHS = (*POWERNET_UPS, 4, 3, 3, 0)  # upsHighPrecOutputLoad (0.1 %)

UPS_MIB_BASES = (
    IDENT_MANUFACTURER, IDENT_MODEL, IDENT_UPS_SOFTWARE, BATTERY_STATUS, MINUTES_REMAINING,
    CHARGE_REMAINING, OUTPUT_PERCENT_LOAD,
)  # fmt: skip
APC_BASES = (
    APC_MODEL, APC_FIRMWARE, APC_SERIAL, APC_BATTERY_STATUS, APC_LAST_REPLACED, APC_CAPACITY,
    APC_RUNTIME, APC_REPLACE, APC_CAPACITY_TENTHS, APC_LOAD, APC_LOAD_TENTHS,
)  # fmt: skip

UPS_MIB_BATTERY_STATUSES = {
    1: "unknown", 2: "battery_normal", 3: "battery_low", 4: "battery_depleted",
}  # fmt: skip
APC_BATTERY_STATUSES = {
    1: "unknown", 2: "battery_normal", 3: "battery_low", 4: "battery_in_fault_condition",
    5: "no_battery_present",
}  # fmt: skip
APC_REPLACE_INDICATOR = {1: False, 2: True}  # noBatteryNeedsReplacing(1), batteryNeedsReplacing(2)
TICKS_PER_MINUTE = 6000

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _percent(value: Value, scale: int = 1) -> float | None:
    number = integer(value)
    if number is None or number < 0:
        return None
    return round(number / scale, 1)


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _text(value: Value) -> str | None:
    return clean_text(display_text(value))


def battery_replace_date(text: str | None) -> str | None:
    """upsBasicBatteryLastReplaceDate ("mm/dd/yy", "mm/dd/yyyy"; some cards "yyyy-mm-dd") as
    an ISO date, None when it is no real date. Two-digit years 70-99 are 19xx, the rest 20xx."""
    text = (text or "").strip()
    us, iso = _US_DATE.match(text), _ISO_DATE.match(text)
    if us:
        month, day, year = (int(part) for part in us.groups())
        if len(us.group(3)) == 2:
            year += 1900 if year >= 70 else 2000
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_ups_mib(view: MibView) -> Fragment:
    """``power`` (battery status, charge, minutes remaining, load of the most loaded output
    line) and device vendor/model/firmware from the UPS-MIB; empty for devices without it."""
    loads = [p for p in map(_percent, view.column(OUTPUT_PERCENT_LOAD).values()) if p is not None]
    minutes = integer(view.scalar(MINUTES_REMAINING))
    power = {
        "battery_status": UPS_MIB_BATTERY_STATUSES.get(integer(view.scalar(BATTERY_STATUS)) or 0),
        "battery_charge_percent": _percent(view.scalar(CHARGE_REMAINING)),
        "runtime_minutes": minutes if minutes is not None and minutes >= 0 else None,
        "battery_replace_indicated": None,  # the UPS-MIB cannot say (see the module docstring)
        "battery_last_replaced": None,
        "load_percent": max(loads, default=None),
    }
    device = {
        "vendor": _text(view.scalar(IDENT_MANUFACTURER)),
        "model": _text(view.scalar(IDENT_MODEL)),
        "firmware": _text(view.scalar(IDENT_UPS_SOFTWARE)),
    }
    return _fragment(power, device)


def parse_apc_powernet(view: MibView) -> Fragment:
    """``power`` and device model/serial/firmware from APC PowerNet-MIB; the high-precision
    (tenths) charge and load are preferred over the whole-percent ones when both answer."""
    ticks = integer(view.scalar(APC_RUNTIME))
    power = {
        "battery_status": APC_BATTERY_STATUSES.get(integer(view.scalar(APC_BATTERY_STATUS)) or 0),
        "battery_charge_percent": _first(
            _percent(view.scalar(APC_CAPACITY_TENTHS), 10), _percent(view.scalar(APC_CAPACITY))
        ),
        "runtime_minutes": None
        if ticks is None or ticks < 0
        else round(ticks / TICKS_PER_MINUTE, 1),
        "battery_replace_indicated": APC_REPLACE_INDICATOR.get(
            integer(view.scalar(APC_REPLACE)) or 0
        ),
        "battery_last_replaced": battery_replace_date(display_text(view.scalar(APC_LAST_REPLACED))),
        "load_percent": _first(
            _percent(view.scalar(APC_LOAD_TENTHS), 10), _percent(view.scalar(APC_LOAD))
        ),
    }
    device = {
        "model": _text(view.scalar(APC_MODEL)),
        "serial": _text(view.scalar(APC_SERIAL)),
        "firmware": _text(view.scalar(APC_FIRMWARE)),
    }
    return _fragment(power, device)


def _fragment(power: Mapping[str, object], device: Mapping[str, object]) -> Fragment:
    fragment: Fragment = {}
    if any(v is not None for v in power.values()):
        fragment["power"] = dict(power)
    if any(v is not None for v in device.values()):
        fragment["device"] = dict(device)
    return fragment


PARSERS: tuple[MibParser, ...] = (
    MibParser(
        "ups_mib",
        UPS_MIB_BASES,
        parse_ups_mib,
    ),
    MibParser(
        "apc_powernet",
        APC_BASES,
        parse_apc_powernet,
    ),
)
