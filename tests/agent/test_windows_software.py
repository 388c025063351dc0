"""Installed software from the Uninstall keys of a recorded registry export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.probes.windows.software import (
    collect_softwares,
    dedupe_software,
    parse_install_date,
    parse_uninstall_entries,
    user_sids,
)
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader, RegValue
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES

UNINSTALL_REG = FIXTURES / "windows" / "uninstall.reg"
MACHINE = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"
ENVIRONMENT = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"


def _host(registry: RegExportReader | None, tmp_path: Path) -> Host:
    return Host("windows", tmp_path, RecordedCommandRunner({}), RecordedStats(), registry)


def _export(body: str) -> RegExportReader:
    return RegExportReader("Windows Registry Editor Version 5.00\r\n\r\n" + body)


@pytest.fixture
def softwares(tmp_path: Path) -> list[dict[str, Any]]:
    found = collect_softwares(_host(RegExportReader.from_file(UNINSTALL_REG), tmp_path))
    assert found is not None
    return found


def test_counts_per_source_and_arch(softwares: list[dict[str, Any]]) -> None:
    assert len(softwares) == 20
    by_place = {
        (source, arch): sum(1 for s in softwares if (s["source"], s["arch"]) == (source, arch))
        for source, arch in {(s["source"], s["arch"]) for s in softwares}
    }
    assert by_place == {("registry", "x64"): 8, ("registry", "x86"): 7, ("registry_user", None): 5}


def test_sorted_by_name(softwares: list[dict[str, Any]]) -> None:
    names = [s["name"] for s in softwares]
    assert names[:3] == [
        "7-Zip 23.01 (x64)",
        "Adobe Acrobat Reader DC",
        "Aplikasi e-Registrasi BPOM",
    ]
    assert names == sorted(names, key=str.casefold)


def test_fields_of_a_machine_wide_msi_entry(softwares: list[dict[str, Any]]) -> None:
    java = next(s for s in softwares if s["name"] == "Java 8 Update 401")
    assert java == {
        "name": "Java 8 Update 401",
        "version": "8.0.4010.10",
        "publisher": "Oracle Corporation",
        "arch": "x86",
        "install_date": "2024-02-20",
        "source": "registry",
        "package": "{26A24AE4-039D-4CA4-87B4-2F32180401F0}",
        "size_bytes": 118944 * 1024,
    }


def test_fields_of_a_per_user_entry(softwares: list[dict[str, Any]]) -> None:
    code = next(s for s in softwares if s["name"] == "Microsoft Visual Studio Code (User)")
    assert code == {
        "name": "Microsoft Visual Studio Code (User)",
        "version": "1.89.1",
        "publisher": "Microsoft Corporation",
        "arch": None,
        "install_date": "2024-05-10",
        "source": "registry_user",
        "package": "{771FD6B0-FA20-440A-A002-3B3BAC16DC50}_is1",
        "size_bytes": 0x59E9C * 1024,
    }


def test_missing_and_invalid_install_dates_are_null(softwares: list[dict[str, Any]]) -> None:
    dates = {s["package"]: s["install_date"] for s in softwares}
    assert dates["TeamViewer"] is None  # "20240431": no April 31st
    assert dates["Dell Command | Update for Windows Universal"] is None  # "1/9/2024"
    assert dates["7-Zip"] is None  # not written by its installer
    assert dates["Google Chrome"] == "2024-05-02"


def test_skip_rules_on_the_fixture(softwares: list[dict[str, Any]]) -> None:
    names = " | ".join(s["name"] for s in softwares)
    assert "Minimum Runtime" not in names  # SystemComponent=1
    assert "KB5002251" not in names  # ParentKeyName + Security Update
    assert "KB2468871" not in names  # ParentKeyName only
    assert "KB953595" not in names  # ReleaseType Hotfix
    assert "KB5011048" not in names  # ReleaseType Security Update
    assert "KB5001716" not in names  # ReleaseType Update
    packages = {s["package"] for s in softwares}
    assert not packages & {"AddressBook", "Connection Manager", "WIC", "SchedulingAgent", "Spotify"}


def test_duplicates_keep_the_first_key(softwares: list[dict[str, Any]]) -> None:
    notepad = [s for s in softwares if s["name"] == "Notepad++ (64-bit x64)"]
    assert [s["package"] for s in notepad] == ["Notepad++"]
    onedrive = [s for s in softwares if s["name"] == "Microsoft OneDrive"]
    assert len(onedrive) == 1 and onedrive[0]["source"] == "registry_user"


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        ("", True),
        ('"SystemComponent"=dword:00000001\r\n', False),
        ('"SystemComponent"=dword:00000000\r\n', True),
        ('"ParentKeyName"="OperatingSystem"\r\n', False),
        ('"ReleaseType"="Update"\r\n', False),
        ('"ReleaseType"="Hotfix"\r\n', False),
        ('"ReleaseType"="Security Update"\r\n', False),
        ('"ReleaseType"="security update"\r\n', False),
        ('"ReleaseType"="Service Pack"\r\n', True),
    ],
)
def test_each_skip_rule(extra: str, kept: bool) -> None:
    reader = _export(f'[{MACHINE}\\App]\r\n"DisplayName"="App"\r\n{extra}')
    entries = {"App": reader.values(rf"{MACHINE}\App")}
    assert len(parse_uninstall_entries(entries, "x64", "registry")) == (1 if kept else 0)


@pytest.mark.parametrize("display_name", [None, "", "   "])
def test_entries_without_a_display_name_are_skipped(display_name: str | None) -> None:
    values = {} if display_name is None else {"DisplayName": display_name}
    assert parse_uninstall_entries({"Key": values}, "x64", "registry") == []


def test_dedupe_is_by_name_version_and_arch() -> None:
    base = {"publisher": None, "install_date": None, "source": "registry", "size_bytes": None}
    items = [
        {**base, "name": "Zoom", "version": "6.0", "arch": "x64", "package": "first"},
        {**base, "name": "ZOOM", "version": "6.0", "arch": "x64", "package": "same, other case"},
        {**base, "name": "Zoom", "version": "6.0", "arch": "x86", "package": "other arch"},
        {**base, "name": "Zoom", "version": "5.9", "arch": "x64", "package": "other version"},
    ]
    assert [i["package"] for i in dedupe_software(items)] == [
        "other version",
        "first",
        "other arch",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20240502", "2024-05-02"),
        ("20240229", "2024-02-29"),
        ("20230229", None),
        ("20241301", None),
        ("2024-05-02", None),
        ("1/9/2024", None),
        ("0", None),
        ("", None),
        (None, None),
        ("\uff12\uff10\uff12\uff14\uff10\uff15\uff10\uff12", None),  # full-width digits
    ],
)
def test_install_date(raw: str | None, expected: str | None) -> None:
    assert parse_install_date(raw) == expected


def test_size_is_kilobytes_and_bad_values_are_null() -> None:
    entries: dict[str, dict[str, RegValue]] = {
        "A": {"DisplayName": "A", "EstimatedSize": 2},
        "B": {"DisplayName": "B", "EstimatedSize": 0},
        "C": {"DisplayName": "C", "EstimatedSize": "big"},
        "D": {"DisplayName": "D" * 300, "DisplayVersion": 7},
    }
    found = parse_uninstall_entries(entries, None, "registry")
    assert [s["size_bytes"] for s in found] == [2048, None, None, None]
    assert len(found[3]["name"]) == 256 and found[3]["version"] is None


def test_user_hives_exclude_classes_and_default(tmp_path: Path) -> None:
    reader = RegExportReader.from_file(UNINSTALL_REG)
    assert user_sids(reader) == [
        "S-1-5-18",
        "S-1-5-19",
        "S-1-5-20",
        "S-1-5-21-3623811015-3361044348-30300820-1013",
        "S-1-5-21-3623811015-3361044348-30300820-1024",
    ]


def test_32_bit_windows_lists_the_native_key_as_x86() -> None:
    reader = _export(
        f'[{ENVIRONMENT}]\r\n"PROCESSOR_ARCHITECTURE"="x86"\r\n\r\n'
        f'[{MACHINE}\\Old]\r\n"DisplayName"="Old App"\r\n"DisplayVersion"="1.0"\r\n'
    )
    found = collect_softwares(
        Host("windows", Path("/"), RecordedCommandRunner({}), RecordedStats(), reader)
    )
    assert found is not None
    assert [(s["name"], s["arch"]) for s in found] == [("Old App", "x86")]


def test_no_registry_means_no_section(tmp_path: Path) -> None:
    assert collect_softwares(_host(None, tmp_path)) is None


def test_empty_registry_gives_an_empty_list(tmp_path: Path) -> None:
    assert collect_softwares(_host(RegExportReader("garbage"), tmp_path)) == []
