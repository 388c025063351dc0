"""Hardware inventories (chassis, modules, power supplies, fans, transceivers) as ``modules``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collector.adapters.ssh.fields import first_text
from collector.adapters.ssh.parser import CommandOutput, Fragment

MAX_MODULES = 4096
# Words in a component's name or description that tell its class, first match wins.
_CLASS_WORDS = (
    ("chassis", "chassis"),
    ("power", "power_supply"),
    ("pem", "power_supply"),
    ("pwr", "power_supply"),
    ("fan", "fan"),
    ("xcvr", "port"),
    ("sfp", "port"),
    ("transceiver", "port"),
)
# Junos ``show chassis hardware`` column prefixes, from the component inwards.
_JUNOS_PARTS = ("xcvr", "pic", "mic", "fpc", "qxm", "tfeb", "afeb", "re", "cb", "ps", "fan")
_JUNOS_CLASS = {"ps": "power_supply", "fan": "fan", "xcvr": "port", "cb": "module"}


def module_class(*labels: str | None) -> str:
    """The schema's module class for a component named or described by ``labels``; the first
    label that tells wins ("Power Supply 1" described as "... Chassis Power Supply")."""
    for label in labels:
        text = (label or "").casefold()
        found = next((cls for word, cls in _CLASS_WORDS if word in text), None)
        if found is not None:
            return found
    return "module"


def _module(cls: str, name: str | None, row: Mapping[str, Any], keys: tuple[str, ...]) -> Fragment:
    descr, pid, vid, sn = (first_text(row.get(key)) for key in keys)
    return {
        "class": cls,
        "name": name,
        "description": descr,
        "model": pid,
        "serial": sn,
        "hardware_revision": vid,
    }


def parse_inventory(output: CommandOutput) -> Fragment:
    """``show inventory`` (IOS, NX-OS, ASA, EOS): one module per row. The first row is the
    chassis when nothing names one (EOS lists its chassis first, without a name)."""
    modules = []
    for position, row in enumerate(output.rows[:MAX_MODULES]):
        name = first_text(row.get("name")) or first_text(row.get("port"))
        cls = module_class(first_text(row.get("name")), first_text(row.get("descr")))
        if position == 0 and cls == "module" and not row.get("name"):
            cls = "chassis"
        modules.append(_module(cls, name, row, ("descr", "pid", "vid", "sn")))
    return {"modules": modules} if modules else {}


def parse_huawei_device(output: CommandOutput) -> Fragment:
    """``display device`` (VRP): one module per slot (boards, power, fans); no serials here."""
    modules = []
    for row in output.rows[:MAX_MODULES]:
        slot = first_text(row.get("slot"))
        cls = module_class(slot, first_text(row.get("pid")))
        modules.append({"class": cls, "name": slot, "model": first_text(row.get("pid"))})
    return {"modules": modules} if modules else {}


def _junos_part(row: Mapping[str, Any]) -> Fragment | None:
    """The innermost component a Junos row describes (rows repeat their parents' columns)."""
    for prefix in _JUNOS_PARTS:
        description = first_text(row.get(f"{prefix}_description"))
        if description is None:
            continue
        number = first_text(row.get(f"{prefix}_number"))
        name = f"{prefix.upper()} {number}" if number else prefix.upper()
        keys = tuple(f"{prefix}_{k}" for k in ("description", "part", "version", "serial_number"))
        return _module(_JUNOS_CLASS.get(prefix, "module"), name, row, keys)
    return None


def parse_junos_chassis(output: CommandOutput) -> Fragment:
    """``show chassis hardware``: the chassis serial (and description as model) and one module
    per component; BUILTIN parts carry no serial of their own."""
    modules: list[Fragment] = []
    device: dict[str, Any] = {}
    for row in output.rows[:MAX_MODULES]:
        serial = first_text(row.get("chassis_serial_number"))
        if serial:
            device = {"serial": serial, "model": first_text(row.get("chassis_description"))}
            modules.append({"class": "chassis", "name": "Chassis", **device})
            continue
        part = _junos_part(row)
        if part is not None:
            part["serial"] = None if part["serial"] == "BUILTIN" else part["serial"]
            part["model"] = None if part["model"] == "BUILTIN" else part["model"]
            modules.append(part)
    fragment: Fragment = {"modules": modules} if modules else {}
    if device:
        fragment["device"] = device
    return fragment
