"""Pending Windows updates from recorded Windows Update Agent search results."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.probes.windows.powershell import PowerShellError, powershell_argv
from agent.probes.windows.updates import (
    UPDATE_SEARCH_SCRIPT,
    UpdateSearchError,
    collect_updates,
    parse_update_search,
)
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES

WINDOWS = FIXTURES / "windows"
ARGV = powershell_argv(UPDATE_SEARCH_SCRIPT)


def _host(result: CommandResult | None, root: Path = Path("/"), cache: Path | None = None) -> Host:
    runner = RecordedCommandRunner({ARGV: result} if result else {})
    return Host("windows", root, runner, RecordedStats(), cache_dir=cache)


def _recorded(name: str, returncode: int = 0) -> CommandResult:
    return CommandResult(returncode, (WINDOWS / name).read_text(encoding="utf-8"))


def test_script_asks_the_update_agent_for_pending_visible_updates() -> None:
    assert '"' not in UPDATE_SEARCH_SCRIPT and "\n" not in UPDATE_SEARCH_SCRIPT
    assert "New-Object -ComObject Microsoft.Update.Session" in UPDATE_SEARCH_SCRIPT
    assert "Search('IsInstalled=0 and IsHidden=0')" in UPDATE_SEARCH_SCRIPT


def test_five_pending_two_for_security() -> None:
    updates = collect_updates(_host(_recorded("updates_pending.json")))
    assert updates is not None
    assert (updates["manager"], updates["pending_count"], updates["security_count"]) == (
        "windows_update",
        5,
        2,
    )
    assert updates["checked_at"] == "2024-05-13T03:05:11Z"
    by_kb = {tuple(u["kb"]): u for u in updates["pending"]}
    assert by_kb[("KB5037771",)] == {
        "name": "2024-05 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems"
        " (KB5037771)",
        "origin": "Security Updates",
        "security": True,
        "severity": "Critical",
        "kb": ["KB5037771"],
        "reboot_required": True,
    }
    defender = by_kb[("KB2267602",)]
    assert (defender["origin"], defender["security"], defender["reboot_required"]) == (
        "Definition Updates",
        False,
        False,
    )
    assert by_kb[("KB5037591",)]["severity"] == "Important"
    assert by_kb[("KB5037591",)]["reboot_required"] is None  # "can request a reboot"
    driver = by_kb[()]
    assert (driver["name"], driver["origin"], driver["security"], driver["severity"]) == (
        "Intel Corporation - Display - 31.0.101.5333",
        "Drivers",
        False,
        None,
    )


def test_severity_alone_makes_an_update_security() -> None:
    output = (
        '{"Checked":null,"ResultCode":2,"Updates":{"Title":"Fix","KB":"5000001","Severity":"Moderate",'
        '"Categories":{"Name":"Updates","Type":"UpdateClassification"},"RebootRequired":true}}'
    )
    updates = parse_update_search(output)
    assert updates is not None
    assert updates["pending"] == [
        {
            "name": "Fix",
            "origin": "Updates",
            "security": True,
            "severity": "Moderate",
            "kb": ["KB5000001"],
            "reboot_required": True,
        }
    ]
    assert (updates["checked_at"], updates["security_count"]) == (None, 1)


def test_nothing_pending() -> None:
    assert collect_updates(_host(_recorded("updates_none.json"))) == {
        "manager": "windows_update",
        "checked_at": "2024-05-13T03:07:40Z",
        "pending_count": 0,
        "security_count": 0,
        "pending": [],
    }


def test_search_error_is_raised_with_its_hresult() -> None:
    with pytest.raises(UpdateSearchError, match=r"0x8024402C"):
        collect_updates(_host(_recorded("updates_error.json", returncode=1)))


def test_uncaught_failure_without_output_is_a_fault() -> None:
    result = CommandResult(
        1, "", "New-Object : Retrieving the COM class factory failed: 80040154\r\n"
    )
    with pytest.raises(PowerShellError, match="80040154"):
        collect_updates(_host(result))


def test_powershell_missing_means_no_section() -> None:
    assert collect_updates(_host(None)) is None


@pytest.mark.parametrize(
    "output",
    [
        "",
        "garbage",
        (WINDOWS / "updates_pending.json").read_text(encoding="utf-8")[:400],
        '{"ResultCode":4,"Updates":[]}',
        '{"Checked":"2024-05-13T03:05:11Z","ResultCode":2}',
        "[]",
    ],
    ids=["empty", "garbage", "truncated", "search-failed-code", "no-updates-key", "array"],
)
def test_unusable_output_gives_no_section(output: str) -> None:
    assert parse_update_search(output) is None


def test_junk_entries_are_dropped() -> None:
    output = (
        '{"ResultCode":3,"Updates":[{"Title":""},{"KB":["1"]},"text",{"Title":"Kept","KB":[]}]}'
    )
    updates = parse_update_search(output)
    assert updates is not None
    assert [u["name"] for u in updates["pending"]] == ["Kept"]
    assert updates["pending_count"] == 1


def test_a_recent_search_is_reused_until_updates_are_installed(tmp_path: Path) -> None:
    packages = tmp_path / "root" / "C:" / "Windows" / "servicing" / "Packages"
    packages.mkdir(parents=True)
    os.utime(packages, (1_700_000_000, 1_700_000_000))  # so that adding a file surely changes it
    host = _host(_recorded("updates_pending.json"), tmp_path / "root", tmp_path / "cache")
    runner = host.commands
    assert isinstance(runner, RecordedCommandRunner)
    first = collect_updates(host)
    assert collect_updates(host) == first
    assert runner.calls == [ARGV]
    (packages / "Package_for_RollupFix~31bf3856ad364e35~amd64~~22621.3593.1.8.mum").write_text("x")
    assert collect_updates(host) == first
    assert runner.calls == [ARGV, ARGV]


def test_a_failed_search_is_not_reused(tmp_path: Path) -> None:
    host = _host(_recorded("updates_error.json", returncode=1), tmp_path, tmp_path / "cache")
    for _attempt in range(2):
        with pytest.raises(UpdateSearchError):
            collect_updates(host)
    assert isinstance(host.commands, RecordedCommandRunner)
    assert len(host.commands.calls) == 2
