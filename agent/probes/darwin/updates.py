"""Pending Apple updates, from ``softwareupdate --list``.

Each update is two lines (the second starts with a tab)::

    * Label: macOS Sonoma 14.6-23G80
        Title: macOS Sonoma 14.6, Version: 14.6, Size: 1517503KiB, Recommended: YES,
        Action: restart,   <- on the same line as Title in the real output

The name is the title; the label (what ``softwareupdate -i`` takes) has no field in the schema.
When nothing is pending the tool prints "No new software available." (on stderr).

What counts as a security update, kept simple:

* anything whose title says "Security" (Security Update 2024-001, Background Security
  Improvement);
* a macOS update within the installed major release (14.5 -> 14.6, or a Rapid Security Response
  "14.6 (a)"): Apple ships its security fixes in those. When the installed version is unknown, a
  macOS update counts when Apple marks it Recommended.

A new major release (14.x -> 15.0) is an upgrade, not a security update (origin
"macos_upgrade"). Other Apple software (Safari, Command Line Tools) has origin "apple".
"""

from __future__ import annotations

import re
from typing import Any

from agent.sources.commands import NOT_FOUND, TIMED_OUT
from agent.sources.host import Host

SOFTWAREUPDATE_ARGV = ("softwareupdate", "--list")
PRODUCT_VERSION_ARGV = ("sw_vers", "-productVersion")
SOFTWAREUPDATE_TIMEOUT = 100.0  # asks Apple's servers; must end inside the 120 s run deadline
NO_UPDATES = "No new software available"

_LABEL = re.compile(r"^\s*\*\s*Label:\s*(?P<label>.+?)\s*$")
_KEYS = "Title|Version|Size|Recommended|Action"
_FIELD = re.compile(rf"(?P<key>{_KEYS}):\s*(?P<value>.*?)\s*(?=,\s*(?:{_KEYS}):|,?\s*$)")
_OS_TITLES = ("macOS", "Mac OS X", "OS X")


def _major(version: str) -> str | None:
    """The release a version belongs to: "14" for 14.6 (a), "10.15" for 10.15.7."""
    parts = version.split(maxsplit=1)[0].split(".") if version.strip() else []
    if not parts or not parts[0].isdigit():
        return None
    return ".".join(parts[:2]) if parts[0] == "10" else parts[0]


def _classify(title: str, version: str | None, installed: str | None) -> tuple[str, bool | None]:
    """(origin, same release as installed?) for one update."""
    if not title.startswith(_OS_TITLES):
        return ("macos" if title.startswith("Security Update") else "apple"), None
    if installed is None or version is None or _major(version) is None:
        return "macos", None
    same = _major(version) == _major(installed)
    return ("macos" if same else "macos_upgrade"), same


def parse_update_fields(
    label: str, fields: dict[str, str], installed: str | None
) -> dict[str, Any]:
    """One ``pending_update`` from a label and the fields of its Title line."""
    title = fields.get("Title") or label
    version = fields.get("Version") or None
    origin, same_release = _classify(title, version, installed)
    recommended = fields.get("Recommended", "").upper() == "YES"
    if "security" in title.lower():
        security = True
    elif origin != "macos":
        security = False
    else:
        security = same_release if same_release is not None else recommended
    return {
        "name": title[:256],
        "installed_version": installed if origin.startswith("macos") else None,
        "available_version": version,
        "origin": origin,
        "security": security,
        "reboot_required": bool(fields.get("Action")),
    }


def parse_softwareupdate_list(text: str, installed: str | None = None) -> list[dict[str, Any]]:
    """Every update listed by ``softwareupdate --list`` (``installed``: the macOS version now)."""
    entries: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        label = _LABEL.match(line)
        if label is not None:
            entries.append((label.group("label"), {}))
        elif entries and "Title:" in line:
            entries[-1][1].update((m["key"], m["value"]) for m in _FIELD.finditer(line))
    return [parse_update_fields(label, fields, installed) for label, fields in entries]


def updates_section(pending: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``updates`` section around a list of pending updates."""
    return {
        "manager": "softwareupdate",
        "checked_at": None,
        "pending_count": len(pending),
        "security_count": sum(1 for update in pending if update["security"]),
        "pending": pending,
    }


def _installed_version(host: Host) -> str | None:
    result = host.commands.run(PRODUCT_VERSION_ARGV, timeout=10)
    version = result.stdout.strip() if result.ok else ""
    return version if _major(version) else None


def collect_updates(host: Host) -> dict[str, Any] | None:
    """Pending Apple updates; None when softwareupdate is missing, an error when it fails."""
    result = host.commands.run(SOFTWAREUPDATE_ARGV, timeout=SOFTWAREUPDATE_TIMEOUT)
    if result.returncode == NOT_FOUND:
        return None
    if result.returncode == TIMED_OUT:
        raise TimeoutError(f"softwareupdate --list took over {SOFTWAREUPDATE_TIMEOUT:g} s")
    text = f"{result.stdout}\n{result.stderr}"
    pending = parse_softwareupdate_list(text, _installed_version(host))
    if not pending and not result.ok and NO_UPDATES not in text:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"softwareupdate --list failed ({result.returncode}): {reason}")
    return updates_section(pending)
