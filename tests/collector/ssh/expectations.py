"""What each recorded platform must yield, written from the corpus ``.yml`` files (the
ntc-templates expected rows), independently of the profiles: which yml key of which command
is the model, serial, firmware and hostname, and the uptime worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.peers import corpus_dir


@dataclass(frozen=True)
class Expected:
    """corpus folder, netmiko device_type, document field -> (command folder, yml key)."""

    platform: str
    device_type: str
    fields: dict[str, tuple[str, str]]
    uptime_seconds: int | None
    literal: dict[str, str] = field(default_factory=dict)  # fields split out of a yml value


EXPECTED = (
    Expected(
        "cisco_ios",
        "cisco_ios",
        {"model": ("show_version", "hardware"), "serial": ("show_version", "serial"),
         "firmware": ("show_version", "version"), "hostname": ("show_version", "hostname")},
        2 * 365 * 86400 + 31 * 7 * 86400 + 6 * 86400 + 9 * 3600 + 55 * 60,
    ),
    Expected(
        "cisco_nxos",
        "cisco_nxos",
        {"model": ("show_version", "platform"), "serial": ("show_version", "serial"),
         "firmware": ("show_version", "os"), "hostname": ("show_version", "hostname")},
        123 * 86400 + 5 * 3600 + 15 * 60 + 19,
    ),
    Expected(
        "cisco_asa",
        "cisco_asa",
        {"model": ("show_version", "model"), "serial": ("show_version", "serial"),
         "firmware": ("show_version", "version"), "hostname": ("show_version", "hostname")},
        41 * 86400 + 19 * 3600,
    ),
    Expected(
        "arista_eos",
        "arista_eos",
        {"model": ("show_version", "model"), "firmware": ("show_version", "image")},
        3600 + 5 * 60,
    ),
    Expected(
        "juniper_junos",
        "juniper_junos",
        {"model": ("show_version", "model"), "firmware": ("show_version", "junos_version"),
         "hostname": ("show_version", "hostname"),
         "serial": ("show_chassis_hardware", "chassis_serial_number")},
        # booted 2021-03-29 13:32:05, now 2021-08-31 08:48:11: 155 days less 4:43:54
        155 * 86400 - (4 * 3600 + 43 * 60 + 54),
    ),
    Expected(
        "hp_procurve",
        "hp_procurve",
        {"serial": ("show_system", "serial"), "firmware": ("show_system", "software_version"),
         "hostname": ("show_system", "name")},
        15 * 86400,
    ),
    Expected(
        "huawei_vrp",
        "huawei",
        {"model": ("display_version", "model"), "firmware": ("display_version", "vrp_version")},
        161 * 86400 + 20 * 60,
    ),
    Expected(
        "mikrotik_routeros",
        "mikrotik_routeros",
        {"model": ("system_routerboard_print", "hardware_model"),
         "serial": ("system_routerboard_print", "serial_number"),
         "firmware": ("system_resource_print", "version")},
        6 * 7 * 86400 + 5 * 86400 + 11 * 3600 + 55 * 60 + 45,
    ),
    Expected(
        "paloalto_panos",
        "paloalto_panos",
        {"model": ("show_system_info", "model"), "firmware": ("show_system_info", "os"),
         "hostname": ("show_system_info", "hostname")},
        2 * 86400 + 2 * 3600 + 38 * 60 + 49,
    ),
    Expected(
        "fortinet",
        "fortinet",
        {"serial": ("get_system_status", "serial_number"),
         "hostname": ("get_system_status", "hostname")},
        None,  # only the HA cluster's uptime is printed
        {"model": "FortiGate-600E", "firmware": "6.2.6 build1175"},  # from "version"
    ),
    Expected(
        "linux",
        "linux",
        {"model": ("dmidecode_-t_system", "system_product_name"),
         "serial": ("dmidecode_-t_system", "system_serial_number"),
         "vendor": ("dmidecode_-t_system", "system_manufacturer")},
        None,
    ),
)  # fmt: skip


def first_yml(platform: str, folder: str) -> Path:
    """The first recording (by name) of a command folder, as the replay device plays it."""
    return sorted((corpus_dir("cli", platform) / folder).glob("*.yml"))[0]


def yml_value(platform: str, folder: str, key: str) -> Any:
    """The first non-empty value of ``key`` in a recording's parsed_sample (lists: 1st item)."""
    rows = yaml.safe_load(first_yml(platform, folder).read_text())["parsed_sample"]
    for row in rows:
        value = row.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value:
            return value
    return None


def recorded_outputs(platform: str) -> dict[str, str]:
    """Command -> the raw text the replay device plays for it."""
    outputs = {}
    for folder in sorted(p for p in corpus_dir("cli", platform).iterdir() if p.is_dir()):
        raw = first_yml(platform, folder.name).with_suffix(".raw")
        outputs[folder.name.replace("_", " ")] = raw.read_text(encoding="utf-8")
    return outputs


def expected_ports(platform: str) -> list[dict[str, Any]] | None:
    """Name, description, status and access VLAN of each port, read from the recorded
    ``show interfaces status`` yml (None when the platform has no such recording)."""
    if not (corpus_dir("cli", platform) / "show_interfaces_status").is_dir():
        return None
    rows = yaml.safe_load(first_yml(platform, "show_interfaces_status").read_text())
    return [
        {
            "name": row["port"],
            "description": row["name"] or None,
            "status": row["status"],
            "vlan": int(row["vlan_id"]) if row["vlan_id"].isdigit() else None,
        }
        for row in rows["parsed_sample"]
    ]


def check_ports(document: dict[str, Any], platform: str) -> list[str]:
    """The mismatch between the document's ports and the recording's rows, if any."""
    wanted = expected_ports(platform)
    if wanted is None:
        return []
    keys = ("name", "description", "status", "vlan")
    got = [{key: port.get(key) for key in keys} for port in document.get("ports", [])]
    return [] if got == wanted else [f"ports: {got!r} != {wanted!r}"]


def check_document(document: dict[str, Any], expected: Expected) -> list[str]:
    """Every mismatch between a document and the expectations (empty when all agree)."""
    found = {**document.get("device", {}), **document.get("identity", {})}
    wanted = {name: yml_value(expected.platform, *where) for name, where in expected.fields.items()}
    wanted.update(expected.literal)
    problems = [
        f"{name}: {found.get(name)!r} != {value!r}"
        for name, value in wanted.items()
        if found.get(name) != value
    ]
    uptime = document.get("status", {}).get("uptime_seconds")
    if uptime != expected.uptime_seconds:
        problems.append(f"uptime_seconds: {uptime!r} != {expected.uptime_seconds!r}")
    return problems + check_ports(document, expected.platform)
