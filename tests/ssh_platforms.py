"""How each recorded network platform behaves at its CLI, as data: prompt, the answers to the
session set-up commands netmiko 4.8 sends for its ``device_type``, the error for an unknown
command, banners and small dialogs. ``tests.ssh_cli`` plays these; nothing here does I/O.

The set-up commands were read from netmiko 4.8's ``session_preparation`` (and ``cleanup``) of
each driver; an answer that netmiko waits for by pattern (Arista ``Width set to``, Junos
``Screen length set to``...) is the real device's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Echo(StrEnum):
    """How the device echoes typed input."""

    PLAIN = "plain"  # every character as received, like a terminal
    REPAINT = "repaint"  # the whole line is repainted after the prompt (PAN-OS)


@dataclass(frozen=True)
class DialogStep:
    """One question of a dialog (``Username:``), and whether the answer is echoed."""

    question: str
    echo: bool = True


@dataclass(frozen=True)
class Dialog:
    """Questions asked after a command; the session closes afterwards when ``closes``."""

    steps: tuple[DialogStep, ...]
    closes: bool = False


@dataclass(frozen=True)
class Platform:
    """One platform's CLI as the replaying device plays it."""

    name: str  # corpus folder under cli/
    device_type: str  # netmiko ConnectHandler device_type
    prompt: str
    invalid: str  # answer to an unknown command; {command} is replaced
    caret: bool = False  # a '^' line under the command precedes ``invalid``
    setup: dict[str, str] = field(default_factory=dict)  # command -> fixed answer
    dialogs: dict[str, Dialog] = field(default_factory=dict)  # command -> dialog
    modes: dict[str, str] = field(default_factory=dict)  # command -> sub-mode prompt
    leave_mode: frozenset[str] = frozenset({"end", "exit"})
    logout: frozenset[str] = frozenset({"exit", "logout", "quit"})
    banner: str = ""  # sent before the first prompt
    press_any_key: bool = False  # the banner waits for a key before the prompt
    echo: Echo = Echo.PLAIN
    login_options: str = ""  # separator of options appended to the user name (MikroTik '+')


CISCO_INVALID = "% Invalid input detected at '^' marker."

FORTIOS_CONSOLE = """\
config system console
    set output more
    set login-timeout 0
end"""

ASA_CURPRIV = """\
Username : enable_15
Current privilege level : 15
Current Mode/s : P_PRIV"""

PROCURVE_BANNER = """\

HP J9773A 2530-24G-PoEP Switch
Software revision YA.16.04.0008

(C) Copyright 2017 Hewlett Packard Enterprise Development LP

                           RESTRICTED RIGHTS LEGEND
 Confidential computer software. Valid license from HPE required for possession,
 use or copying.

Press any key to continue
"""

PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="cisco_ios",
        device_type="cisco_ios",
        prompt="R1#",
        invalid=CISCO_INVALID,
        caret=True,
        setup={"terminal width 511": "", "terminal length 0": ""},
    ),
    Platform(
        name="cisco_nxos",
        device_type="cisco_nxos",
        prompt="switch# ",
        invalid="% Invalid command at '^' marker.",
        caret=True,
        setup={"terminal width 511": "", "terminal length 0": ""},
    ),
    Platform(
        name="cisco_asa",
        device_type="cisco_asa",
        prompt="asa# ",
        invalid=f"ERROR: {CISCO_INVALID}",
        caret=True,
        setup={"show curpriv": ASA_CURPRIV, "terminal pager 0": ""},
        dialogs={
            "login": Dialog((DialogStep("Username: "), DialogStep("Password: ", echo=False))),
        },
    ),
    Platform(
        name="arista_eos",
        device_type="arista_eos",
        prompt="switch#",
        invalid="% Invalid input",
        setup={
            "terminal width 511": "Width set to 511 columns.",
            "terminal length 0": "Pagination disabled.",
        },
    ),
    Platform(
        name="juniper_junos",
        device_type="juniper_junos",
        prompt="user@router> ",
        invalid="syntax error, expecting <command>: {command}",
        caret=True,
        setup={
            "set cli screen-width 511": "Screen width set to 511",
            "set cli complete-on-space off": "Disabling complete-on-space",
            "set cli screen-length 0": "Screen length set to 0",
        },
    ),
    Platform(
        name="hp_procurve",
        device_type="hp_procurve",
        prompt="HP-Switch# ",
        invalid="Invalid input: {command}",
        setup={"terminal width 511": "", "no page": ""},
        dialogs={"logout": Dialog((DialogStep("Do you want to log out [y/n]? "),), closes=True)},
        logout=frozenset({"exit"}),
        banner=PROCURVE_BANNER,
        press_any_key=True,
    ),
    Platform(
        name="huawei_vrp",
        device_type="huawei",
        prompt="<HUAWEI>",
        invalid="Error: Unrecognized command found at '^' position.",
        caret=True,
        setup={
            "screen-length 0 temporary": (
                "Info: The configuration takes effect on the current user terminal interface only."
            ),
        },
    ),
    Platform(
        name="mikrotik_routeros",
        device_type="mikrotik_routeros",
        prompt="[admin@MikroTik] > ",
        invalid="bad command name {command} (line 1 column 1)",
        login_options="+",
    ),
    Platform(
        name="fortinet",
        device_type="fortinet",
        prompt="FGT # ",
        invalid="Unknown action 0",
        setup={
            "show full-configuration system console": FORTIOS_CONSOLE,
            "set output standard": "",
            "set output more": "",
        },
        modes={"config global": "FGT (global) # ", "config system console": "FGT (console) # "},
    ),
    Platform(
        name="paloalto_panos",
        device_type="paloalto_panos",
        prompt="admin@PA-VM> ",
        invalid="Unknown command: {command}",
        setup={
            "set cli scripting-mode on": "",
            "set cli terminal width 500": "",
            "set cli pager off": "",
        },
        echo=Echo.REPAINT,
    ),
    Platform(
        name="linux",
        device_type="linux",
        prompt="admin@server:~$ ",
        invalid="-bash: {command}: command not found",
    ),
)


def platform_named(name: str) -> Platform:
    """The platform whose corpus folder is ``name``; ValueError listing the known ones."""
    for platform in PLATFORMS:
        if platform.name == name:
            return platform
    known = ", ".join(p.name for p in PLATFORMS)
    raise ValueError(f"platform tidak dikenal: {name!r} (yang dikenal: {known})")
