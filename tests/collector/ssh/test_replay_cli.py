"""The replaying device's CLI without SSH: what a terminal would show for typed input."""

from __future__ import annotations

import pytest

from tests.ssh_cli import CliSession
from tests.ssh_platforms import platform_named

STATUS = "Version: FortiGate-600E v6.2.6\nVirtual domain configuration: multiple\nHostname: fgt"


def test_typed_command_is_echoed_then_answered_then_prompted() -> None:
    cli = CliSession(
        platform_named("cisco_ios"), {"show clock": "*10:00:00.000 WIB Mon Jan 1 2024"}
    )
    assert cli.greeting() == "\r\nR1#"
    assert cli.receive("show clo") == "show clo"
    assert cli.receive("ck\r\n") == "ck\r\n*10:00:00.000 WIB Mon Jan 1 2024\r\nR1#"


def test_backspace_edits_the_line() -> None:
    cli = CliSession(platform_named("linux"), {"uname": "Linux"})
    cli.greeting()
    assert cli.receive("unamx\x7fe\n") == "unamx\b \be\r\nLinux\r\nadmin@server:~$ "


def test_grep_filters_a_recorded_output() -> None:
    cli = CliSession(platform_named("fortinet"), {"get system status": STATUS})
    assert cli.lookup("get system status | grep Virtual") == (
        "Virtual domain configuration: multiple"
    )
    assert cli.lookup("get system status | grep Nothing") == ""
    assert cli.lookup("get nothing | grep Virtual") is None


def test_config_modes_change_the_prompt_and_end_leaves_them() -> None:
    cli = CliSession(platform_named("fortinet"), {})
    cli.greeting()
    assert cli.receive("config global\n").endswith("FGT (global) # ")
    assert cli.receive("config system console\n").endswith("FGT (console) # ")
    assert cli.receive("end\n").endswith("FGT (global) # ")
    assert cli.receive("end\n").endswith("\r\nFGT # ")
    assert not cli.closed
    cli.receive("exit\n")
    assert cli.closed


def test_procurve_waits_for_a_key_and_asks_before_logout() -> None:
    cli = CliSession(platform_named("hp_procurve"), {})
    greeting = cli.greeting()
    assert "Copyright" in greeting
    assert greeting.endswith("Press any key to continue\r\n")
    assert cli.receive("\n") == "\r\nHP-Switch# "
    assert cli.receive("logout\n").endswith("Do you want to log out [y/n]? ")
    cli.receive("y\n")
    assert cli.closed


def test_asa_login_dialog_hides_the_password() -> None:
    cli = CliSession(platform_named("cisco_asa"), {})
    cli.greeting()
    assert cli.receive("login\n") == "login\r\nUsername: "
    assert cli.receive("netops\n") == "netops\r\nPassword: "
    assert cli.receive("rahasia\n") == "\r\nasa# "


def test_panos_repaints_the_line_after_its_prompt() -> None:
    cli = CliSession(platform_named("paloalto_panos"), {})
    cli.greeting()
    assert cli.receive("set cli pager off") == "\radmin@PA-VM> set cli pager off"


def test_a_stalled_command_gets_its_echo_and_nothing_after() -> None:
    cli = CliSession(
        platform_named("cisco_ios"), {"show version": "v"}, stall_on=frozenset({"show version"})
    )
    cli.greeting()
    assert cli.receive("show version\n") == "show version\r\n"
    assert cli.receive("\n") == ""
    assert cli.stalled


def test_unknown_command_and_unknown_platform() -> None:
    cli = CliSession(platform_named("huawei_vrp"), {})
    assert cli.answer("display foo") == (
        "        ^\nError: Unrecognized command found at '^' position."
    )
    with pytest.raises(ValueError, match="cisco_iosxr"):
        platform_named("cisco_iosxr")
