"""The one object every probe reads from."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from agent.sources.commands import (
    WINDOWS_INHERITED,
    WINDOWS_PATH,
    CommandRunner,
    SystemCommandRunner,
)
from agent.sources.registry import RegistryReader
from agent.sources.stats import LiveStats, PsutilStats


@dataclass(frozen=True)
class Host:
    """A machine as the probes see it.

    ``root`` is where ``/etc``, ``/proc``, ``/sys`` and ``/var/lib`` are read from ("/" live,
    a recorded tree in tests); ``platform`` is ``linux``, ``windows`` or ``darwin``;
    ``cache_dir``, when set, is where costly probes keep results valid until their inputs change.
    """

    platform: str
    root: Path
    commands: CommandRunner
    stats: LiveStats
    registry: RegistryReader | None = None
    cache_dir: Path | None = None

    def path(self, absolute: str) -> Path:
        """The file at an absolute path of the inspected machine."""
        return self.root / absolute.lstrip("/")

    def read_text(self, absolute: str) -> str | None:
        """The file's text (stripped of surrounding blanks), or None when it is unreadable."""
        try:
            return self.path(absolute).read_text(encoding="utf-8", errors="replace").strip()
        except (OSError, ValueError):  # ValueError: a NUL byte in a path built from file content
            return None


def live_host(cache_dir: Path | None = None) -> Host:
    """This machine, read live."""
    platform = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
    registry: RegistryReader | None = None
    commands = SystemCommandRunner()
    if platform == "windows":  # pragma: no cover - Windows only
        from agent.sources.registry import WinRegistryReader  # noqa: PLC0415

        registry = WinRegistryReader()
        inherited = {key: os.environ[key] for key in WINDOWS_INHERITED if key in os.environ}
        commands = SystemCommandRunner(WINDOWS_PATH, inherited)
    return Host(platform, Path("/"), commands, PsutilStats(), registry, cache_dir)
