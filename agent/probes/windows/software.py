"""Installed software of a Windows host, from the registry's Uninstall keys.

What "Programs and Features" lists, filtered the way mature inventory tools do: entries with
no DisplayName, system components and child updates/hotfixes are not programs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from agent.sources.host import Host
from agent.sources.registry import RegistryReader, RegValue, value_int, value_text

UNINSTALL = r"Microsoft\Windows\CurrentVersion\Uninstall"
MACHINE_UNINSTALL = rf"HKLM\SOFTWARE\{UNINSTALL}"
WOW64_UNINSTALL = rf"HKLM\SOFTWARE\WOW6432Node\{UNINSTALL}"
ENVIRONMENT = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
_SKIPPED_RELEASE_TYPES = frozenset({"update", "hotfix", "security update"})
# PROCESSOR_ARCHITECTURE -> the architecture of programs in the native registry view.
_NATIVE_ARCH = {"AMD64": "x64", "ARM64": "arm64", "X86": "x86", "IA64": "ia64"}
_MAX = 256


def parse_uninstall_entries(
    entries: Mapping[str, Mapping[str, RegValue]], arch: str | None, source: str
) -> list[dict[str, Any]]:
    """Programs among the subkeys (name -> values) of one Uninstall key, in key order."""
    found = []
    for key, values in entries.items():
        name = value_text(values, "DisplayName")
        if name is None or _is_not_a_program(values):
            continue
        size_kb = value_int(values, "EstimatedSize")
        found.append(
            {
                "name": name[:_MAX],
                "version": _short(value_text(values, "DisplayVersion")),
                "publisher": _short(value_text(values, "Publisher")),
                "arch": arch,
                "install_date": parse_install_date(value_text(values, "InstallDate")),
                "source": source,
                "package": key[:_MAX],
                "size_bytes": size_kb * 1024 if size_kb and size_kb > 0 else None,
            }
        )
    return found


def _is_not_a_program(values: Mapping[str, RegValue]) -> bool:
    release = (value_text(values, "ReleaseType") or "").casefold()
    return (
        value_int(values, "SystemComponent") == 1
        or value_text(values, "ParentKeyName") is not None
        or release in _SKIPPED_RELEASE_TYPES
    )


def _short(value: str | None) -> str | None:
    return value[:_MAX] if value else None


def parse_install_date(raw: str | None) -> str | None:
    """InstallDate as an ISO date; it is YYYYMMDD by convention, anything else is None."""
    if raw is None or len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        return None


def dedupe_software(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first entry of each (name, version, arch), sorted by name for a stable section."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in items:
        key = (item["name"].casefold(), item["version"] or "", item["arch"] or "")
        seen.setdefault(key, item)
    return sorted(seen.values(), key=lambda i: (i["name"].casefold(), i["version"] or ""))


def native_arch(registry: RegistryReader) -> str | None:
    """The architecture of programs in the native registry view (x64 on 64-bit Intel/AMD)."""
    cpu = value_text(registry.values(ENVIRONMENT), "PROCESSOR_ARCHITECTURE")
    return _NATIVE_ARCH.get((cpu or "").upper())


def user_sids(registry: RegistryReader) -> list[str]:
    """SIDs of the user hives loaded under HKEY_USERS (not their _Classes companions)."""
    return [
        sid
        for sid in registry.subkeys("HKEY_USERS")
        if sid.upper().startswith("S-1-") and not sid.endswith("_Classes")
    ]


def _read_entries(registry: RegistryReader, root: str) -> dict[str, dict[str, RegValue]]:
    return {key: registry.values(rf"{root}\{key}") for key in registry.subkeys(root)}


def collect_softwares(host: Host) -> list[dict[str, Any]] | None:
    """The softwares section: machine-wide 64- and 32-bit programs, then each loaded user's."""
    registry = host.registry
    if registry is None:
        return None
    arch = native_arch(registry)
    roots = [(MACHINE_UNINSTALL, arch, "registry"), (WOW64_UNINSTALL, "x86", "registry")]
    roots += [
        (rf"HKU\{sid}\Software\{UNINSTALL}", None, "registry_user") for sid in user_sids(registry)
    ]
    found: list[dict[str, Any]] = []
    for root, root_arch, source in roots:
        found += parse_uninstall_entries(_read_entries(registry, root), root_arch, source)
    return dedupe_software(found)
