"""A remote Linux host as the agent's probes see one: its snapshot written under a local root.

The agent's Linux probes read files through ``Host.path`` (os-release, DMI, /proc, sysfs,
dpkg's status), run commands through ``Host.commands`` and take live readings from
``Host.stats``. Written into a temporary folder, a remote host's ``Snapshot`` serves the first
(contents, directories, modification times, symlinks); its command results serve the second
(a SnapshotRunner keyed by the argv the probes use); ``RemoteStats`` serves the third
from ``ip``, ``findmnt`` and ``who``. The probes then run unchanged, so an agentless inventory
fills the same sections, the same way, as the agent on that host would.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agent.probes.linux.operatingsystem import parse_boot_time
from agent.sources.commands import CommandResult, CommandRunner
from agent.sources.stats import BatteryCharge, InterfaceReading, Partition, UserSession
from collector.adapters.ssh.remote_script import Snapshot

_NET_SPEED = re.compile(r"^/sys/class/net/(?P<name>[^/]+)/speed$")


def _inside(root: Path, path: str) -> Path:
    """``path`` (absolute, remote) under ``root``; ValueError for one that would leave it."""
    local = root / path.lstrip("/")
    if ".." in Path(path).parts or not local.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"jalur di luar snapshot: {path!r}")
    return local


def write_snapshot(snapshot: Snapshot, root: Path) -> None:
    """Files, directories, modification times and symlinks of ``snapshot`` under ``root``."""
    for path in sorted(snapshot.dirs):
        _inside(root, path).mkdir(parents=True, exist_ok=True)
    for path, content in snapshot.files.items():
        local = _inside(root, path)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_text(content, encoding="utf-8")
    # deepest first: a folder's time is set after the entries written into it
    for path, mtime in sorted(snapshot.mtimes.items(), key=lambda item: -item[0].count("/")):
        local = _inside(root, path)
        if not local.exists():
            local.parent.mkdir(parents=True, exist_ok=True)
            local.touch()
        os.utime(local, (mtime, mtime))
    for path, target in snapshot.links.items():
        local = _inside(root, path)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.unlink(missing_ok=True)
        local.symlink_to(target)  # only ever read with readlink(), never followed


@dataclass
class RemoteStats:
    """The agent's LiveStats of a remote host, from what its commands printed."""

    boot: float | None = None
    mounts: list[Partition] = field(default_factory=list)
    nics: list[InterfaceReading] = field(default_factory=list)
    sessions: list[UserSession] = field(default_factory=list)

    def boot_time(self) -> float | None:
        return self.boot

    def cpu_counts(self) -> tuple[int | None, int | None]:
        return None, None  # the Linux probes count CPUs from /proc/cpuinfo

    def cpu_max_mhz(self) -> float | None:
        return None  # read from cpufreq's file by the probe

    def memory_total_bytes(self) -> int | None:
        return None  # read from /proc/meminfo by the probe

    def partitions(self) -> list[Partition]:
        return list(self.mounts)

    def interfaces(self) -> list[InterfaceReading]:
        return list(self.nics)

    def users(self) -> list[UserSession]:
        return list(self.sessions)

    def battery(self) -> BatteryCharge | None:
        return None  # a charge reading is psutil's; the batteries section reads sysfs


def net_speeds(files: Mapping[str, str]) -> dict[str, str]:
    """Interface name -> its sysfs speed file's content, from the snapshot's files."""
    found = {}
    for path, content in files.items():
        match = _NET_SPEED.match(path)
        if match:
            found[match["name"]] = content
    return found


def boot_time(snapshot: Snapshot) -> float | None:
    """Boot time (Unix seconds) from the snapshot's /proc/stat."""
    booted = parse_boot_time(snapshot.files.get("/proc/stat", ""))
    return booted.timestamp() if booted else None


class SnapshotRunner:
    """The agent's CommandRunner for a snapshot: the results the script recorded, and any
    other command run live on the host (the pending-updates query, when not cached)."""

    def __init__(
        self, recorded: Mapping[tuple[str, ...], CommandResult], live: CommandRunner
    ) -> None:
        self._recorded = dict(recorded)
        self._live = live

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        found = self._recorded.get(tuple(argv))
        return found if found is not None else self._live.run(argv, timeout)
