"""Linux pending updates: apt (Debian/Ubuntu), else dnf, else yum.

Only what the package manager already knows is read: the agent never refreshes the package
lists (no `apt-get update`, and dnf/yum run cache-only with ``-C``), so that 20,000 hosts do
not hit the mirrors and an inventory never waits on the network. ``checked_at`` says how old
that knowledge is (when the lists were last refreshed); stale lists mean stale results.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from agent.probes.input_cache import cached_by_inputs
from agent.probes.linux.apt import APT_SIMULATE, parse_apt_get_simulation
from agent.probes.linux.dnf import (
    CHECK_UPDATE_HAS_UPDATES,
    apply_advisories,
    apply_installed,
    parse_dnf_check_update,
    parse_dnf_updateinfo,
)
from agent.probes.linux.packages import PendingUpdate, Updates, summarise_updates, utc_timestamp
from agent.probes.linux.rpm import parse_rpm_query, rpm_query_argv
from agent.sources.commands import NOT_FOUND, CommandResult
from agent.sources.host import Host

UPDATES_TIMEOUT = 60.0
APT_LISTS = "/var/lib/apt/lists"
# Touched after each successful `apt-get update` where update-notifier-common is installed.
APT_SUCCESS_STAMP = "/var/lib/apt/periodic/update-success-stamp"
# Metadata cache of each manager, and where its repomd.xml files lie in it.
METADATA_CACHES = {
    "dnf": ("/var/cache/dnf", "*/repodata/repomd.xml"),
    "yum": ("/var/cache/yum", "*/*/*/repomd.xml"),
}
_NOT_LISTS = frozenset({"lock", "partial", "auxfiles"})
_UPDATEINFO = {
    "dnf": ("updateinfo", "list", "--updates"),
    "yum": ("updateinfo", "list", "updates"),
}


class UpdatesError(RuntimeError):
    """The package manager is there but could not tell its pending updates."""


def _newest_mtime(paths: Iterable[Path]) -> str | None:
    """The newest modification time among the paths that exist, as a UTC timestamp."""
    times: list[float] = []
    for path in paths:
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return utc_timestamp(max(times)) if times else None


def apt_checked_at(host: Host) -> str | None:
    """When apt's package lists were last refreshed: the newest of the success stamp and the
    list files (and their folder, once it holds any); None when there are no lists."""
    lists = host.path(APT_LISTS)
    try:
        files = [path for path in lists.iterdir() if path.name not in _NOT_LISTS]
    except OSError:
        files = []
    return _newest_mtime([host.path(APT_SUCCESS_STAMP), *files, *([lists] if files else [])])


def dnf_checked_at(host: Host, manager: Literal["dnf", "yum"] = "dnf") -> str | None:
    """When dnf's (yum's) metadata was last refreshed: dnf's makecache stamp, else the newest
    repomd.xml of its cache; None when nothing is cached."""
    cache, pattern = METADATA_CACHES[manager]
    folder = host.path(cache)
    stamp = _newest_mtime([folder / "last_makecache"])
    return stamp or _newest_mtime(folder.glob(pattern))


def _failed(result: CommandResult, what: str) -> UpdatesError:
    detail = (result.stderr.strip() or result.stdout.strip())[:300]
    return UpdatesError(f"{what} failed ({result.returncode}): {detail}")


def _apt_updates(host: Host) -> Updates | None:
    """apt's pending updates; None when apt-get is not installed."""
    result = host.commands.run(APT_SIMULATE, timeout=UPDATES_TIMEOUT)
    if result.returncode == NOT_FOUND:
        return None
    if not result.ok:
        raise _failed(result, "apt-get -s dist-upgrade")
    return summarise_updates("apt", parse_apt_get_simulation(result.stdout), apt_checked_at(host))


def _with_details(
    host: Host, manager: Literal["dnf", "yum"], pending: list[PendingUpdate]
) -> tuple[list[PendingUpdate], bool]:
    """The pending updates with installed versions (rpm) and advisories (updateinfo), and
    whether the advisories could be read at all."""
    specs = [f"{item['name']}.{item['arch']}" for item in pending]
    installed = host.commands.run(rpm_query_argv(specs), timeout=UPDATES_TIMEOUT)
    if installed.returncode != NOT_FOUND:
        pending = apply_installed(pending, parse_rpm_query(installed.stdout))
    info = host.commands.run((manager, "-q", "-C", *_UPDATEINFO[manager]), timeout=UPDATES_TIMEOUT)
    if not info.ok:
        return pending, False
    return apply_advisories(pending, parse_dnf_updateinfo(info.stdout)), True


def _dnf_updates(host: Host, manager: Literal["dnf", "yum"]) -> Updates | None:
    """dnf's (or yum's) pending updates, from its cache only; None when it is not installed."""
    result = host.commands.run((manager, "-q", "-C", "check-update"), timeout=UPDATES_TIMEOUT)
    if result.returncode == NOT_FOUND:
        return None
    if result.returncode not in (0, CHECK_UPDATE_HAS_UPDATES):
        raise _failed(result, f"{manager} check-update")
    pending = parse_dnf_check_update(result.stdout) if result.returncode else []
    known = True
    if pending:
        pending, known = _with_details(host, manager, pending)
    return summarise_updates(manager, pending, dnf_checked_at(host, manager), security_known=known)


# What the pending updates depend on: the installed packages and the managers' metadata.
UPDATE_INPUTS = (
    "/var/lib/dpkg/status",
    APT_LISTS,
    "/etc/apt/preferences.d",
    "/var/lib/rpm",
    "/var/cache/dnf",
    "/var/cache/yum",
)


def collect_updates(host: Host) -> Updates | None:
    """Pending updates, re-used from the last run while packages and lists are unchanged."""
    found: Updates | None = cached_by_inputs(host, "updates", UPDATE_INPUTS, query_updates)
    return found


def query_updates(host: Host) -> Updates | None:
    """Pending updates of the host's package manager, as its current lists know them.

    None when neither apt-get, dnf nor yum is installed. Raises UpdatesError when the
    manager fails (broken dependencies, no cached metadata for dnf -C...). security_count is
    null when dnf's advisory data could not be read.
    """
    found = _apt_updates(host)
    if found is None:
        found = _dnf_updates(host, "dnf")
    if found is None:
        found = _dnf_updates(host, "yum")
    return found
