"""The Linux installed-software register: dpkg and rpm packages."""

from __future__ import annotations

import os

from agent.probes.linux.dpkg import INFO_DIR, STATUS_FILE, list_file_names, parse_dpkg_status
from agent.probes.linux.packages import MAX_SOFTWARE, Software, utc_date
from agent.probes.linux.rpm import parse_rpm_query, rpm_query_argv
from agent.sources.commands import NOT_FOUND
from agent.sources.host import Host

RPM_TIMEOUT = 60.0
# Where the rpm database lives (Fedora 36+ and RHEL 10 moved it; /var/lib/rpm stays a link).
RPM_DB_DIRS = ("/var/lib/rpm", "/usr/lib/sysimage/rpm")


def _unpack_date(info_dir: str, item: Software) -> str | None:
    """When dpkg last unpacked the package (mtime of its file list), None when not found."""
    for file_name in list_file_names(item):
        if "/" in file_name:
            return None
        try:
            # os.stat on a str: a Path per package would double the cost over ~1,000 packages.
            return utc_date(os.stat(f"{info_dir}/{file_name}").st_mtime)  # noqa: PTH116
        except (OSError, ValueError):
            continue
    return None


def _dpkg_packages(host: Host) -> list[Software]:
    """Packages of dpkg's status file with their install dates; [] when there is no file."""
    try:
        raw = host.path(STATUS_FILE).read_bytes()
    except OSError:
        return []
    packages = parse_dpkg_status(raw.decode("utf-8", "replace"))
    info_dir = str(host.path(INFO_DIR))
    for item in packages:
        item["install_date"] = _unpack_date(info_dir, item)
    return packages


def _rpm_packages(host: Host, *, required: bool) -> list[Software]:
    """Packages of the rpm database; [] when there is none or rpm is not installed.

    A failing rpm raises only when ``required`` (rpm is the host's package manager); on a
    Debian host with a stray rpm its failure must not cost the dpkg packages.
    """
    if not any(host.path(folder).is_dir() for folder in RPM_DB_DIRS):
        return []
    result = host.commands.run(rpm_query_argv(), timeout=RPM_TIMEOUT)
    if result.returncode == NOT_FOUND or (not result.ok and not required):
        return []
    if not result.ok:
        raise RuntimeError(f"rpm -qa failed ({result.returncode}): {result.stderr.strip()[:200]}")
    return parse_rpm_query(result.stdout)


def collect_software(host: Host) -> list[Software]:
    """Installed packages of dpkg (read from its status file) and of rpm (through the command).

    Both are read when both databases exist (a Debian host with rpm installed adds whatever its
    rpm database holds); [] on a host with neither. The install date of a dpkg
    package is the day its current version was unpacked (dpkg keeps no install date).
    """
    dpkg = _dpkg_packages(host)
    return (dpkg + _rpm_packages(host, required=not dpkg))[:MAX_SOFTWARE]
