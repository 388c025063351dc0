"""The operatingsystem section and identity keys from recorded registry exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.probes.windows.cim import CIM_SCRIPT
from agent.probes.windows.identity import collect_identity, parse_identity
from agent.probes.windows.operatingsystem import (
    collect_operatingsystem,
    parse_current_version,
    pending_reboot_reasons,
    windows_name,
)
from agent.probes.windows.powershell import powershell_argv
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader, RegValue
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES

WINDOWS = FIXTURES / "windows"
HKLM = "HKEY_LOCAL_MACHINE"
BOOT_2024_05_13 = 1715560937.0  # 2024-05-13T00:42:17Z


def _host(reg: str, commands: RecordedCommandRunner | None = None) -> Host:
    registry = RegExportReader.from_file(WINDOWS / reg)
    runner = commands or RecordedCommandRunner({})
    return Host("windows", Path("/"), runner, RecordedStats(boot=BOOT_2024_05_13), registry)


def _export(body: str) -> RegExportReader:
    return RegExportReader("Windows Registry Editor Version 5.00\r\n\r\n" + body)


def test_windows_11_workstation_with_pending_reboot() -> None:
    assert collect_operatingsystem(_host("uninstall.reg")) == {
        "family": "windows",
        "id": "windows",
        "name": "Windows 11 Pro",
        "version": "23H2",
        "build": "22631.3527",
        "edition": "Professional",
        "kernel": "10.0.22631",
        "install_date": "2023-02-20T03:15:42Z",
        "arch": "x86_64",
        "last_boot": "2024-05-13T00:42:17Z",
        "pending_reboot": True,
        "pending_reboot_reasons": ["windows_update", "pending_file_rename"],
        "timezone": "SE Asia Standard Time",
    }


def test_server_without_pending_reboot_and_install_time_fallback() -> None:
    found = collect_operatingsystem(_host("server2019.reg"))
    assert found is not None
    assert (found["name"], found["version"], found["build"], found["edition"]) == (
        "Windows Server 2019 Standard",
        "1809",
        "17763.5820",
        "ServerStandard",
    )
    assert found["install_date"] == "2022-06-14T01:30:35Z"  # InstallDate 0 -> InstallTime
    assert found["pending_reboot"] is False
    assert found["pending_reboot_reasons"] == []


def test_last_boot_prefers_cim_over_live_stats() -> None:
    cim = '{"OperatingSystem":{"LastBootUpTime":"2024-05-12T23:58:04.1250000Z"}}'
    runner = RecordedCommandRunner({powershell_argv(CIM_SCRIPT): CommandResult(0, cim)})
    found = collect_operatingsystem(_host("uninstall.reg", runner))
    assert found is not None and found["last_boot"] == "2024-05-12T23:58:04Z"


def test_last_boot_falls_back_to_stats_when_powershell_fails() -> None:
    runner = RecordedCommandRunner({powershell_argv(CIM_SCRIPT): CommandResult(124, "", "")})
    found = collect_operatingsystem(_host("uninstall.reg", runner))
    assert found is not None and found["last_boot"] == "2024-05-13T00:42:17Z"


@pytest.mark.parametrize(
    ("product", "build", "expected"),
    [
        ("Windows 10 Pro", 22631, "Windows 11 Pro"),
        ("Windows 10 Enterprise", 22000, "Windows 11 Enterprise"),
        ("Windows 10 Enterprise", 19045, "Windows 10 Enterprise"),
        ("Windows 10 Enterprise LTSC 2021", 19044, "Windows 10 Enterprise LTSC 2021"),
        ("Windows Server 2022 Datacenter", 20348, "Windows Server 2022 Datacenter"),
        ("Windows Server 2025 Standard", 26100, "Windows Server 2025 Standard"),
        ("Windows 11 Pro", 26100, "Windows 11 Pro"),
        ("Windows 10 Pro", None, "Windows 10 Pro"),
        (None, 22631, None),
    ],
)
def test_windows_11_is_named_by_build(
    product: str | None, build: int | None, expected: str
) -> None:
    assert windows_name(product, build) == expected


def test_windows_10_current_version() -> None:
    values: dict[str, RegValue] = {
        "ProductName": "Windows 10 Enterprise",
        "CurrentBuild": "19045",
        "UBR": 4291,
        "DisplayVersion": "22H2",
        "ReleaseId": "2009",
        "EditionID": "Enterprise",
        "CurrentMajorVersionNumber": 10,
        "CurrentMinorVersionNumber": 0,
        "InstallDate": 1600000000,
    }
    assert parse_current_version(values) == {
        "name": "Windows 10 Enterprise",
        "version": "22H2",
        "build": "19045.4291",
        "edition": "Enterprise",
        "kernel": "10.0.19045",
        "install_date": "2020-09-13T12:26:40Z",
    }


def test_windows_7_current_version() -> None:
    values: dict[str, RegValue] = {
        "ProductName": "Windows 7 Professional",
        "CurrentBuildNumber": "7601",
        "CurrentVersion": "6.1",
        "CSDVersion": "Service Pack 1",
        "EditionID": "Professional",
    }
    found = parse_current_version(values)
    assert (found["name"], found["version"], found["build"], found["kernel"]) == (
        "Windows 7 Professional",
        "Service Pack 1",
        "7601",
        "6.1.7601",
    )
    assert found["install_date"] is None


def test_hostile_current_version_values() -> None:
    values: dict[str, RegValue] = {
        "ProductName": 7,
        "CurrentBuild": "twenty",
        "InstallTime": 2**64 - 1,
        "UBR": "x",
    }
    assert parse_current_version(values) == {
        "name": None,
        "version": None,
        "build": None,
        "edition": None,
        "kernel": None,
        "install_date": None,
    }


def _key(path: str, *values: str) -> str:
    return "\r\n".join([f"[{HKLM}\\{path}]", *values, ""])


CBS = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing"
AUTO_UPDATE = r"SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update"
SESSION = r"SYSTEM\CurrentControlSet\Control\Session Manager"
NAMES = r"SYSTEM\CurrentControlSet\Control\ComputerName"
REBOOT_CASES = {
    "none": ("", []),
    "cbs": (_key(rf"{CBS}\RebootPending"), ["component_based_servicing"]),
    "cbs_other_subkey": (_key(rf"{CBS}\PackagesPendingX"), []),
    "wu": (_key(rf"{AUTO_UPDATE}\RebootRequired"), ["windows_update"]),
    "rename_files": (
        _key(SESSION, '"PendingFileRenameOperations2"=hex(7):61,00,00,00,00,00'),
        ["pending_file_rename"],
    ),
    "empty_rename_list": (_key(SESSION, '"PendingFileRenameOperations"=hex(7):00,00'), []),
    "volatile": (
        _key(r"SOFTWARE\Microsoft\Updates", '"UpdateExeVolatile"=dword:00000001'),
        ["update_exe_volatile"],
    ),
    "not_volatile": (_key(r"SOFTWARE\Microsoft\Updates", '"UpdateExeVolatile"=dword:00000000'), []),
    "rename_computer": (
        _key(rf"{NAMES}\ActiveComputerName", '"ComputerName"="OLD-PC"')
        + _key(rf"{NAMES}\ComputerName", '"ComputerName"="NEW-PC"'),
        ["computer_rename"],
    ),
    "same_name_other_case": (
        _key(rf"{NAMES}\ActiveComputerName", '"ComputerName"="PC-01"')
        + _key(rf"{NAMES}\ComputerName", '"ComputerName"="pc-01"'),
        [],
    ),
    "domain_join": (
        _key(r"SYSTEM\CurrentControlSet\Services\Netlogon", '"JoinDomain"=""'),
        ["domain_join"],
    ),
    "all_at_once": (
        _key(rf"{CBS}\RebootPending")
        + _key(rf"{AUTO_UPDATE}\RebootRequired")
        + _key(r"SYSTEM\CurrentControlSet\Services\Netlogon", '"AvoidSpnSet"=dword:00000000'),
        ["component_based_servicing", "windows_update", "domain_join"],
    ),
}


@pytest.mark.parametrize("case", sorted(REBOOT_CASES))
def test_pending_reboot_reasons(case: str) -> None:
    body, reasons = REBOOT_CASES[case]
    assert pending_reboot_reasons(_export(body)) == reasons


def test_workstation_identity() -> None:
    assert collect_identity(_host("uninstall.reg")) == {
        "hostname": "PD-PUSDATIN-017",
        "fqdn": "PD-PUSDATIN-017.pom.go.id",
        "domain": "pom.go.id",
        "machine_id": "5e0c3f8a-9b1d-4c2e-8f7a-3d6b1e9c0a42",
    }


def test_workgroup_server_identity_has_no_domain() -> None:
    assert collect_identity(_host("server2019.reg")) == {
        "hostname": "SRV-APP01",
        "fqdn": None,
        "domain": None,
        "machine_id": "9a1f3c5e-7b2d-4e8a-b6c4-2d0f8e1a3b57",
    }


def test_identity_falls_back_to_pending_names_and_drops_junk_guid() -> None:
    tcpip = {"NV Hostname": "PC-02", "NV Domain": "upt.pom.go.id."}
    crypto = {"MachineGuid": "00000000-0000-0000-0000-000000000000"}
    assert parse_identity(tcpip, crypto) == {
        "hostname": "PC-02",
        "fqdn": "PC-02.upt.pom.go.id",
        "domain": "upt.pom.go.id",
        "machine_id": None,
    }


def test_without_registry_nothing_is_known() -> None:
    host = Host("windows", Path("/"), RecordedCommandRunner({}), RecordedStats(), None)
    assert collect_operatingsystem(host) is None
    assert set(collect_identity(host).values()) == {None}


def test_registry_without_current_version_gives_no_section() -> None:
    host = Host("windows", Path("/"), RecordedCommandRunner({}), RecordedStats(), _export("junk"))
    assert collect_operatingsystem(host) is None
