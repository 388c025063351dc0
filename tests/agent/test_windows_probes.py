"""Every Windows probe on recorded machines, each section checked against the schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.identity import assemble_identity
from agent.inventory import platform_probes
from agent.probes.windows import collect_identity, windows_probes
from agent.probes.windows.antivirus import ANTIVIRUS_SCRIPT
from agent.probes.windows.cim import CIM_SCRIPT
from agent.probes.windows.powershell import powershell_argv
from agent.probes.windows.updates import UPDATE_SEARCH_SCRIPT
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader
from agent.sources.stats import RecordedStats
from schemas import load_observation_schema
from tests.peers import FIXTURES
from tests.schema_check import definition_errors

WINDOWS = FIXTURES / "windows"
SECTIONS = {
    "operatingsystem",
    "hardware",
    "bios",
    "cpus",
    "memories",
    "storages",
    "softwares",
    "updates",
    "batteries",
    "antivirus",
}
# name -> (registry export, CIM output, update search output, antivirus output)
MACHINES = {
    "desktop": (
        "uninstall.reg",
        "cim_desktop.json",
        "updates_pending.json",
        "antivirus_thirdparty.json",
    ),
    "laptop": ("uninstall.reg", "cim_laptop.json", "updates_none.json", "antivirus_defender.json"),
    "server": ("server2019.reg", "cim_desktop.json", "updates_none.json", "antivirus_server.json"),
}


def _recorded(name: str) -> CommandResult:
    return CommandResult(0, (WINDOWS / name).read_text(encoding="utf-8"))


def _machine(name: str, tmp_path: Path) -> Host:
    reg, cim, updates, antivirus = MACHINES[name]
    runner = RecordedCommandRunner(
        {
            powershell_argv(CIM_SCRIPT): _recorded(cim),
            powershell_argv(UPDATE_SEARCH_SCRIPT): _recorded(updates),
            powershell_argv(ANTIVIRUS_SCRIPT): _recorded(antivirus),
        }
    )
    registry = RegExportReader.from_file(WINDOWS / reg)
    return Host("windows", tmp_path, runner, RecordedStats(), registry)


def _section_errors(section: str, value: Any) -> list[str]:
    """Violations of the document property that holds this section (object or array of items)."""
    item = load_observation_schema()["properties"][section]
    if item.get("type") == "array":
        assert len(value) <= item["maxItems"]
        name = item["items"]["$ref"].rsplit("/", 1)[1]
        return [
            f"[{i}] {error}"
            for i, entry in enumerate(value)
            for error in definition_errors(name, entry)
        ]
    return definition_errors(item["$ref"].rsplit("/", 1)[1], value)


def test_probe_map_names_every_windows_section() -> None:
    probes = windows_probes()
    assert set(probes) == SECTIONS | {"identity"}
    assert probes["identity"] is collect_identity
    assert set(probes) <= set(platform_probes("windows"))


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_section_validates(machine: str, tmp_path: Path) -> None:
    host = _machine(machine, tmp_path)
    sections = {name: probe(host) for name, probe in windows_probes().items()}
    assert {name for name, value in sections.items() if value is None} == set()
    for name in SECTIONS:
        assert _section_errors(name, sections[name]) == [], name
    assert definition_errors("identity", sections["identity"]) == []
    assert definition_errors("identity", assemble_identity(sections)) == []
    runner = host.commands
    assert isinstance(runner, RecordedCommandRunner)
    assert sorted(runner.calls).count(powershell_argv(CIM_SCRIPT)) == 1


def test_desktop_inventory_summary(tmp_path: Path) -> None:
    host = _machine("desktop", tmp_path)
    sections = {name: probe(host) for name, probe in windows_probes().items()}
    assert sections["operatingsystem"]["name"] == "Windows 11 Pro"
    assert sections["operatingsystem"]["last_boot"] == "2024-05-13T00:42:17Z"
    assert len(sections["softwares"]) == 20
    assert (sections["updates"]["pending_count"], sections["updates"]["security_count"]) == (5, 2)
    assert [a["name"] for a in sections["antivirus"]] == [
        "Kaspersky Endpoint Security for Windows",
        "Windows Defender",
    ]
    assert [s["type"] for s in sections["storages"]] == ["nvme", "hdd", "unknown"]
    assert sections["batteries"] == []
    identity = assemble_identity(sections)
    assert identity["system_uuid"] == "4c4c4544-0058-4b10-8032-b7c04f4c4833"
    assert identity["system_serial"] == "7XK2LH3"
    assert identity["disk_serials"] == ["E823_8FA6_BF53_0001_001B_448B_4566_7C21", "Z9A5W3LQ"]
    assert identity["machine_id"] == "5e0c3f8a-9b1d-4c2e-8f7a-3d6b1e9c0a42"


def test_bare_host_gives_no_windows_sections(tmp_path: Path) -> None:
    host = Host("windows", tmp_path, RecordedCommandRunner({}), RecordedStats(), None)
    sections = {name: probe(host) for name, probe in windows_probes().items()}
    assert {name for name, value in sections.items() if value is not None} == {"identity"}
    assert set(sections["identity"].values()) == {None}
