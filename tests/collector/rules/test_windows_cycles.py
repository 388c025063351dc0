"""Recorded Windows builds map to the right endoflife.date cycle: the agent's registry
fixtures, the example document, an SNMP recording of Windows Server 2019, and edition variants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.probes.windows.operatingsystem import collect_operatingsystem
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader
from agent.sources.stats import RecordedStats
from collector.domain.eol import load_eol
from collector.domain.rules.software import installed_os
from tests.collector.snmp.observed import observe_recording
from tests.peers import FIXTURES, corpus_dir


def windows_os(reg: str) -> dict[str, Any]:
    """The operatingsystem section the agent reads from a recorded registry export."""
    registry = RegExportReader.from_file(FIXTURES / "windows" / reg)
    host = Host("windows", Path("/"), RecordedCommandRunner({}), RecordedStats(boot=0.0), registry)
    found = collect_operatingsystem(host)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("reg", "product", "cycle"),
    [("uninstall.reg", "windows", "11-23h2-w"), ("server2019.reg", "windows-server", "2019")],
)
def test_recorded_registries(reg: str, product: str, cycle: str) -> None:
    found = installed_os({"operatingsystem": windows_os(reg)}, load_eol())
    assert found is not None
    assert (found.product.name, found.cycle.cycle) == (product, cycle)


def test_snmp_recording_of_windows_server_2019() -> None:
    document = observe_recording(corpus_dir("snmp") / "windows_server-2019.snmprec")
    assert document["device"]["firmware"] == "6.3.17763"
    found = installed_os(document, load_eol())
    assert found is not None
    assert (found.product.name, found.cycle.cycle, found.version) == (
        "windows-server", "2019", "17763")  # fmt: skip


@pytest.mark.parametrize(
    ("name", "build", "edition", "cycle"),
    [
        ("Windows 10 Pro", "19045.5247", "Professional", "10-22h2"),
        ("Windows 10 Enterprise LTSC 2021", "19044.5131", "EnterpriseS", "10-21h2-e-lts"),
        ("Windows 10 IoT Enterprise LTSC 2021", "19044.5131", "IoTEnterpriseS", "10-21h2-iot-lts"),
        ("Windows 11 Enterprise", "22631.4460", "Enterprise", "11-23h2-e"),
        ("Windows 11 Education", "26100.2314", "Education", "11-24h2-e"),
        ("Windows 11 Home", "26100.2314", "Core", "11-24h2-w"),
        ("Windows 7 Professional", "7601.24544", "Professional", "7-sp1"),
        ("Windows Server 2022 Datacenter", "20348.2849", "ServerDatacenter", "2022"),
        ("Windows Server 2012 R2 Standard", "9600.21620", "ServerStandard", "2012-r2"),
    ],
)
def test_editions_and_builds(name: str, build: str, edition: str, cycle: str) -> None:
    system = {"family": "windows", "id": "windows", "name": name, "build": build,
              "edition": edition}  # fmt: skip
    found = installed_os({"operatingsystem": system}, load_eol())
    assert found is not None and found.cycle.cycle == cycle


def test_unknown_build_has_no_cycle() -> None:
    system = {"family": "windows", "name": "Windows 10 Pro", "build": "12345.1"}
    assert installed_os({"operatingsystem": system}, load_eol()) is None
