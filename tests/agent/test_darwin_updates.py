"""macOS pending updates from recorded ``softwareupdate --list`` output."""

from __future__ import annotations

from typing import Any

import pytest

from agent.probes.darwin.updates import (
    PRODUCT_VERSION_ARGV,
    SOFTWAREUPDATE_ARGV,
    collect_updates,
    parse_softwareupdate_list,
)
from agent.sources.commands import NOT_FOUND, TIMED_OUT, CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES
from tests.schema_check import definition_errors

RECORDED = FIXTURES / "darwin" / "softwareupdate"
TREE = FIXTURES / "darwin" / "tree"


def _read(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


SONOMA = CommandResult(0, "14.5\n")


def host_with(listing: CommandResult, installed: CommandResult | None = SONOMA) -> Host:
    recorded: dict[tuple[str, ...], CommandResult] = {SOFTWAREUPDATE_ARGV: listing}
    if installed is not None:
        recorded[PRODUCT_VERSION_ARGV] = installed
    return Host("darwin", TREE, RecordedCommandRunner(recorded), RecordedStats(), None)


LISTING = CommandResult(0, _read("list.stdout.txt"), _read("list.stderr.txt"))


def test_pending_updates_on_sonoma() -> None:
    section = collect_updates(host_with(LISTING))
    assert section == {
        "manager": "softwareupdate",
        "checked_at": None,
        "pending_count": 4,
        "security_count": 1,
        "pending": [
            {
                "name": "Command Line Tools for Xcode",
                "installed_version": None,
                "available_version": "15.3",
                "origin": "apple",
                "security": False,
                "reboot_required": False,
            },
            {
                "name": "Safari",
                "installed_version": None,
                "available_version": "17.6",
                "origin": "apple",
                "security": False,
                "reboot_required": False,
            },
            {
                "name": "macOS Sonoma 14.6",
                "installed_version": "14.5",
                "available_version": "14.6",
                "origin": "macos",
                "security": True,
                "reboot_required": True,
            },
            {
                "name": "macOS Sequoia 15.0",
                "installed_version": "14.5",
                "available_version": "15.0",
                "origin": "macos_upgrade",
                "security": False,
                "reboot_required": True,
            },
        ],
    }
    assert definition_errors("updates", section) == []


def test_unknown_installed_version_counts_recommended_macos_updates() -> None:
    section = collect_updates(host_with(LISTING, installed=None))
    assert section is not None
    assert [(u["name"], u["origin"], u["security"]) for u in section["pending"][2:]] == [
        ("macOS Sonoma 14.6", "macos", True),
        ("macOS Sequoia 15.0", "macos", True),
    ]
    assert section["security_count"] == 2


def test_nothing_pending() -> None:
    section = collect_updates(host_with(CommandResult(0, "", _read("none.stderr.txt"))))
    assert section == {
        "manager": "softwareupdate",
        "checked_at": None,
        "pending_count": 0,
        "security_count": 0,
        "pending": [],
    }
    assert definition_errors("updates", section) == []


def test_security_titles_and_rapid_security_responses() -> None:
    text = (
        "* Label: macOS Background Security Improvement (a)-25D771280a\n"
        "\tTitle: macOS Background Security Improvement (a), Version: 26.3.1 (a), "
        "Size: 208896KiB, Recommended: YES, Action: restart,\n"
        "* Label: macOS Tahoe 26.3.1 (b)-25D771280b\n"
        "\tTitle: macOS Tahoe 26.3.1 (b), Version: 26.3.1 (b), Size: 90112KiB, "
        "Recommended: YES, Action: restart, \n"
        "* Label: Security Update 2021-005 Catalina-1.0\n"
        "\tTitle: Security Update 2021-005 Catalina, Version: 1.0, Size: 1698452K, "
        "Recommended: YES, Action: restart, \n"
        "* Label: BridgeOSUpdateCustomer-21.16.5077.0.0\n"
        "\tTitle: BridgeOSUpdateCustomer, Version: 21.16.5077.0.0, Size: 572000KiB, "
        "Recommended: YES, Action: shut down, \n"
    )
    pending = parse_softwareupdate_list(text, installed="26.3.1")
    summary: list[tuple[Any, ...]] = [
        (u["name"], u["available_version"], u["origin"], u["security"], u["reboot_required"])
        for u in pending
    ]
    assert summary == [
        ("macOS Background Security Improvement (a)", "26.3.1 (a)", "macos", True, True),
        ("macOS Tahoe 26.3.1 (b)", "26.3.1 (b)", "macos", True, True),
        ("Security Update 2021-005 Catalina", "1.0", "macos", True, True),
        ("BridgeOSUpdateCustomer", "21.16.5077.0.0", "apple", False, True),
    ]


def test_legacy_ten_releases_compare_on_two_numbers() -> None:
    text = (
        "* Label: macOS Catalina 10.15.7 Supplemental Update-19H15\n"
        "\tTitle: macOS Catalina 10.15.7 Supplemental Update, Version: 10.15.7, "
        "Size: 1234567K, Recommended: YES, Action: restart,\n"
        "* Label: macOS Big Sur 11.7.10-20G1427\n"
        "\tTitle: macOS Big Sur 11.7.10, Version: 11.7.10, Size: 3000000KiB, "
        "Recommended: NO, Action: restart,\n"
    )
    pending = parse_softwareupdate_list(text, installed="10.15.7")
    assert [(u["origin"], u["security"]) for u in pending] == [
        ("macos", True),
        ("macos_upgrade", False),
    ]


def test_label_without_title_line_keeps_the_label() -> None:
    pending = parse_softwareupdate_list("* Label: Mystery-1.0\n")
    assert pending == [
        {
            "name": "Mystery-1.0",
            "installed_version": None,
            "available_version": None,
            "origin": "apple",
            "security": False,
            "reboot_required": False,
        }
    ]


@pytest.mark.parametrize("text", ["", "garbage\n\x00\n", "Title: orphan, Version: 1"])
def test_unrecognised_output_lists_nothing(text: str) -> None:
    assert parse_softwareupdate_list(text) == []


def test_missing_tool_gives_no_section() -> None:
    assert collect_updates(host_with(CommandResult(NOT_FOUND, ""))) is None


def test_timeout_raises() -> None:
    with pytest.raises(TimeoutError, match="softwareupdate"):
        collect_updates(host_with(CommandResult(TIMED_OUT, "")))


def test_failure_without_a_listing_raises() -> None:
    failed = CommandResult(1, "", "Software Update Tool\n\nCan't connect to the Apple server.\n")
    with pytest.raises(RuntimeError, match="Can't connect"):
        collect_updates(host_with(failed))
