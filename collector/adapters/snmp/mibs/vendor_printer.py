"""Printer vendor quirks: facts some makers put only in sysDescr or in a private table.

A sysDescr quirk is a named regular expression whose named groups are device fields; a column
quirk maps device fields to columns of a vendor table, the first row of each read as display
text (a profile's ``[fields]`` cannot reach these: they are table instances, not scalars).
The profile of the vendor lists the quirk by name. Private scalars (Brother
brInfoSerialNumber, Canon, Ricoh, Konica Minolta, HP's serial OID) need no code: the profiles
map them with ``[fields]``.
"""

from __future__ import annotations

import re

from agent.junk import clean_text
from collector.adapters.snmp.mibs.system import SYS_DESCR
from collector.adapters.snmp.octets import TEXT, display_text
from collector.adapters.snmp.parser import Fragment, MibParser
from collector.adapters.snmp.values import Oid
from collector.adapters.snmp.view import MibView

# quirk name -> pattern; every named group is a device field.
SYSDESCR_QUIRKS: dict[str, re.Pattern[str]] = {
    # HP JetDirect: "HP ETHERNET MULTI-ENVIRONMENT,SN:VNB3J99999,FN:1F31B6C,...,PID:..."
    "hp_serial_from_sysdescr": re.compile(r"(?:^|,)\s*SN:(?P<serial>[^,;\s]+)"),
    # "Brother NC-6800h, Firmware Ver.1.01  (08.12.12),MID 84UB05"
    "brother_firmware_from_sysdescr": re.compile(r"Firmware Ver\.?\s*(?P<firmware>[0-9][\w.]*)"),
    # "Xerox AltaLink C8045; SS 100.002.057.09608, NC 100.002.09608, ..."
    "xerox_sysdescr": re.compile(
        r"^Xerox (?P<model>[^;]+?)\s*;\s*(?:SS\s+(?P<firmware>[0-9][\w.]*))?"
    ),
    # "Samsung M4080FX; V11.01.03.04_02-27-2017;Engine V1.00.06 ...;NIC ;S/N "
    "samsung_sysdescr": re.compile(r"^Samsung (?P<model>[^;]+?)\s*;\s*(?P<firmware>V[^;\s]+)?"),
    # "Lexmark T640 version NS.NP.N219 kernel 2.6.6 All-N-1"
    "lexmark_sysdescr": re.compile(r"^Lexmark (?P<model>\S+)(?: version (?P<firmware>\S+))?"),
}

KYOCERA = (1, 3, 6, 1, 4, 1, 1347, 43, 5)
SHARP = (1, 3, 6, 1, 4, 1, 2385, 2, 1)
# quirk name -> {device field: column}
COLUMN_QUIRKS: dict[str, dict[str, Oid]] = {
    # KYOCERA-MIB kcprt: model name, serial number, firmware version (Kyocera, TA/UTAX OEMs)
    "kyocera_kcprt": {
        "model": (*KYOCERA, 1, 1, 1),
        "serial": (*KYOCERA, 1, 1, 28),
        "firmware": (*KYOCERA, 4, 1, 5),
    },
    # Sharp's firmware version table (the serial is in prtGeneralSerialNumber)
    "sharp_firmware": {"firmware": (*SHARP, 1, 2, 1, 2)},
}


def sysdescr_fields(pattern: re.Pattern[str], sys_descr: str | None) -> dict[str, str]:
    """The device fields the pattern's named groups find in sysDescr (empty groups left out)."""
    match = pattern.search(sys_descr or "")
    if match is None:
        return {}
    found = {name: clean_text(value) for name, value in match.groupdict().items()}
    return {name: value for name, value in found.items() if value}


def column_fields(view: MibView, columns: dict[str, Oid]) -> dict[str, str]:
    """Each device field from the first row of its column that holds text."""
    found: dict[str, str] = {}
    for name, column in columns.items():
        texts = (clean_text(display_text(v)) for _, v in sorted(view.column(column).items()))
        value = next((text for text in texts if text), None)
        if value:
            found[name] = value
    return found


def _sysdescr_quirk(name: str, pattern: re.Pattern[str]) -> MibParser:
    def parse(view: MibView) -> Fragment:
        fields = sysdescr_fields(pattern, display_text(view.scalar(SYS_DESCR), TEXT))
        return {"device": fields} if fields else {}

    return MibParser(name, (SYS_DESCR,), parse)


def _column_quirk(name: str, columns: dict[str, Oid]) -> MibParser:
    def parse(view: MibView) -> Fragment:
        fields = column_fields(view, columns)
        return {"device": fields} if fields else {}

    return MibParser(name, tuple(columns.values()), parse)


PARSERS: tuple[MibParser, ...] = (
    *(_sysdescr_quirk(name, pattern) for name, pattern in SYSDESCR_QUIRKS.items()),
    *(_column_quirk(name, columns) for name, columns in COLUMN_QUIRKS.items()),
)
