"""The operatingsystem section of a Windows host, from the registry (plus last boot from CIM)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.probes.windows.cim import collect_cim
from agent.probes.windows.powershell import PowerShellError, iso_timestamp, parse_cim_datetime
from agent.sources.host import Host
from agent.sources.registry import (
    RegistryReader,
    RegValue,
    find_value,
    key_exists,
    value_int,
    value_text,
)

CURRENT_VERSION = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
ENVIRONMENT = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
SESSION_MANAGER = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager"
TIME_ZONE = r"HKLM\SYSTEM\CurrentControlSet\Control\TimeZoneInformation"
COMPUTER_NAME = r"HKLM\SYSTEM\CurrentControlSet\Control\ComputerName"
NETLOGON = r"HKLM\SYSTEM\CurrentControlSet\Services\Netlogon"
# Flag keys whose mere existence means a reboot is pending (see the Test-PendingReboot checks
# listed at https://adamtheautomator.com/pending-reboot-registry-windows/).
_REBOOT_FLAG_KEYS = (
    (
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending",
        "component_based_servicing",
    ),
    (
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired",
        "windows_update",
    ),
)
# Windows 11 kept "Windows 10" in ProductName; its builds start at 22000 (Server 2022 is 20348).
WINDOWS_11_FIRST_BUILD = 22000
_OS_ARCH = {"AMD64": "x86_64", "ARM64": "arm64", "X86": "x86", "IA64": "ia64"}
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


def windows_name(product_name: str | None, build: int | None) -> str | None:
    """The product name as the user sees it: "Windows 10 Pro" on build 22631 is Windows 11 Pro."""
    old = "Windows 10"
    if product_name and product_name.startswith(old) and (build or 0) >= WINDOWS_11_FIRST_BUILD:
        return "Windows 11" + product_name[len(old) :]
    return product_name


def parse_current_version(values: Mapping[str, RegValue]) -> dict[str, Any]:
    """Name, feature version, build, kernel, edition and install date from CurrentVersion."""
    build = value_int(values, "CurrentBuild") or value_int(values, "CurrentBuildNumber")
    major = value_int(values, "CurrentMajorVersionNumber")
    minor = value_int(values, "CurrentMinorVersionNumber")
    nt_version = f"{major}.{minor}" if major is not None else value_text(values, "CurrentVersion")
    ubr = value_int(values, "UBR")
    return {
        "name": windows_name(value_text(values, "ProductName"), build),
        "version": value_text(values, "DisplayVersion")
        or value_text(values, "ReleaseId")
        or value_text(values, "CSDVersion")
        or nt_version,
        "build": f"{build}.{ubr}" if build and ubr is not None else (str(build) if build else None),
        "edition": value_text(values, "EditionID"),
        "kernel": f"{nt_version}.{build}" if nt_version and build else nt_version,
        "install_date": iso_timestamp(_install_moment(values)),
    }


def _install_moment(values: Mapping[str, RegValue]) -> datetime | None:
    """InstallDate (unix seconds, DWORD) or, when zero, InstallTime (FILETIME, QWORD)."""
    seconds = value_int(values, "InstallDate")
    filetime = value_int(values, "InstallTime")
    try:
        if seconds:
            return datetime.fromtimestamp(seconds, UTC)
        if filetime:
            return _FILETIME_EPOCH + timedelta(microseconds=filetime // 10)
    except (OverflowError, ValueError, OSError):
        return None
    return None


def pending_reboot_reasons(registry: RegistryReader) -> list[str]:
    """Why Windows waits for a restart; empty when it does not."""
    reasons = [reason for path, reason in _REBOOT_FLAG_KEYS if key_exists(registry, path)]
    session = registry.values(SESSION_MANAGER)
    if find_value(session, "PendingFileRenameOperations") or find_value(
        session, "PendingFileRenameOperations2"
    ):
        reasons.append("pending_file_rename")
    if value_int(registry.values(r"HKLM\SOFTWARE\Microsoft\Updates"), "UpdateExeVolatile"):
        reasons.append("update_exe_volatile")
    active = value_text(registry.values(rf"{COMPUTER_NAME}\ActiveComputerName"), "ComputerName")
    pending = value_text(registry.values(rf"{COMPUTER_NAME}\ComputerName"), "ComputerName")
    if active and pending and active.casefold() != pending.casefold():
        reasons.append("computer_rename")
    netlogon = registry.values(NETLOGON)
    if any(find_value(netlogon, name) is not None for name in ("JoinDomain", "AvoidSpnSet")):
        reasons.append("domain_join")
    return reasons


def _last_boot(host: Host) -> str | None:
    """LastBootUpTime from CIM, else the boot time the live stats give."""
    try:
        reading = collect_cim(host)
    except PowerShellError:
        reading = None
    system = next(iter((reading or {}).get("OperatingSystem", [])), {})
    booted = parse_cim_datetime(system.get("LastBootUpTime"))
    if booted is None and (seconds := host.stats.boot_time()) is not None:
        booted = datetime.fromtimestamp(seconds, UTC)
    return iso_timestamp(booted)


def collect_operatingsystem(host: Host) -> dict[str, Any] | None:
    """The operatingsystem section; None without a registry (not a Windows host)."""
    registry = host.registry
    if registry is None:
        return None
    current = registry.values(CURRENT_VERSION)
    if not current:
        return None
    cpu = value_text(registry.values(ENVIRONMENT), "PROCESSOR_ARCHITECTURE") or ""
    reasons = pending_reboot_reasons(registry)
    return {
        "family": "windows",
        "id": "windows",
        **parse_current_version(current),
        "arch": _OS_ARCH.get(cpu.upper()),
        "last_boot": _last_boot(host),
        "pending_reboot": bool(reasons),
        "pending_reboot_reasons": reasons,
        "timezone": value_text(registry.values(TIME_ZONE), "TimeZoneKeyName"),
    }
