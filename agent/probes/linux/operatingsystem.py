"""Linux operating system: distribution, kernel, install date, last boot, pending reboot."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.junk import clean_text
from agent.sources.host import Host

# Files whose age tells when the system was installed, best first.
_INSTALL_MARKERS = (
    "/var/log/installer/syslog",
    "/var/log/installer",
    "/root/anaconda-ks.cfg",
    "/var/log/anaconda",
    "/etc/machine-id",
)


def parse_os_release(text: str) -> dict[str, str]:
    """The KEY=value pairs of os-release(5), shell-unquoted; malformed lines are skipped."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, raw = line.strip().partition("=")
        if not sep or not key.isidentifier():
            continue
        try:
            parts = shlex.split(raw, posix=True)
        except ValueError:
            continue
        found[key] = parts[0] if parts else ""
    return found


def parse_boot_time(proc_stat: str) -> datetime | None:
    """Boot time from the ``btime`` line of /proc/stat."""
    for line in proc_stat.splitlines():
        key, _, seconds = line.partition(" ")
        if key == "btime":
            try:
                return datetime.fromtimestamp(int(seconds), UTC)
            except (ValueError, OverflowError, OSError):  # blank, garbage or out of range
                return None
    return None


def kernel_arch(host: Host) -> str | None:
    """The machine architecture (x86_64, aarch64...).

    /proc/sys/kernel/arch exists from Linux 6.1 only (not on RHEL 9's 5.14), so older kernels
    are asked through ``uname -m``.
    """
    arch = host.read_text("/proc/sys/kernel/arch")
    if arch:
        return arch
    result = host.commands.run(["uname", "-m"], timeout=5)
    return (result.stdout.strip() or None) if result.ok else None


def collect_operatingsystem(host: Host) -> dict[str, Any]:
    """Distribution name/version/build, kernel, arch, install date, last boot, pending reboot."""
    release = parse_os_release(host.read_text("/etc/os-release") or "")
    kernel = clean_text(host.read_text("/proc/sys/kernel/osrelease"))
    booted = parse_boot_time(host.read_text("/proc/stat") or "")
    reasons = pending_reboot_reasons(host, kernel, booted)
    return {
        "family": "linux",
        "name": clean_text(release.get("NAME")) or "Linux",
        "id": clean_text(release.get("ID")),
        "version": clean_text(release.get("VERSION_ID")),
        "build": clean_text(host.read_text("/etc/debian_version") or release.get("BUILD_ID")),
        "edition": clean_text(release.get("VARIANT")),
        "kernel": kernel,
        "arch": kernel_arch(host),
        "install_date": _iso(_install_date(host)),
        "last_boot": _iso(booted),
        "pending_reboot": bool(reasons),
        "pending_reboot_reasons": reasons,
        "timezone": clean_text(_timezone(host)),
    }


def pending_reboot_reasons(host: Host, kernel: str | None, booted: datetime | None) -> list[str]:
    """Why a reboot is pending: Debian's reboot-required flag, or a kernel installed since boot."""
    reasons: list[str] = []
    if host.path("/var/run/reboot-required").exists() or host.path("/run/reboot-required").exists():
        packages = host.read_text("/run/reboot-required.pkgs") or host.read_text(
            "/var/run/reboot-required.pkgs"
        )
        names = sorted(set((packages or "").split()))[:16]
        reasons.append(("reboot-required: " + (", ".join(names) if names else "flag set"))[:256])
    if kernel and booted and _newer_kernel_installed(host, kernel, booted.timestamp()):
        reasons.append(f"kernel installed after boot (running {kernel})")
    return reasons


def _newer_kernel_installed(host: Host, running: str, booted: float) -> bool:
    boot_dir = host.path("/boot")
    try:
        images = [
            p
            for p in boot_dir.iterdir()
            # RHEL regenerates its rescue image at will: it says nothing about the kernel.
            if p.name.startswith("vmlinuz-") and not p.name.startswith("vmlinuz-0-rescue-")
        ]
    except OSError:
        return False
    # ctime cannot be set by a package manager, so it tells when the image landed on disk.
    return any(p.name != f"vmlinuz-{running}" and _changed_at(p) > booted for p in images)


def _changed_at(path: Path) -> float:
    try:
        return path.stat().st_ctime
    except OSError:  # a dangling vmlinuz-* symlink
        return 0.0


def _install_date(host: Host) -> datetime | None:
    for marker in _INSTALL_MARKERS:
        try:
            return datetime.fromtimestamp(host.path(marker).stat().st_mtime, UTC)
        except OSError:
            continue
    return None


def _timezone(host: Host) -> str | None:
    named = host.read_text("/etc/timezone")
    if named:
        return named
    try:
        target = str(host.path("/etc/localtime").readlink())
    except OSError:
        return None
    _, marker, zone = target.partition("zoneinfo/")
    return zone if marker and zone else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
