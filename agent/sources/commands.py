"""Running external commands (smartctl, rpm, apt, PowerShell...) behind one small interface."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

POSIX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
WINDOWS_PATH = r"C:\Windows\System32;C:\Windows\System32\WindowsPowerShell\v1.0"
# Windows children need these (COM, CryptoAPI and PowerShell fail without SystemRoot).
WINDOWS_INHERITED = ("SystemRoot", "windir", "ProgramData", "ProgramFiles", "TEMP", "TMP",
                     "PSModulePath", "COMPUTERNAME")  # fmt: skip
NOT_FOUND = 127
TIMED_OUT = 124


@dataclass(frozen=True)
class CommandResult:
    """What a command printed and how it ended (127 = not installed, 124 = timed out)."""

    returncode: int
    stdout: str
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class CommandRunner(Protocol):
    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        """Run argv without a shell and return its output; never raises for a failing command."""
        ...


class SystemCommandRunner:
    """Runs commands on this machine with a fixed C locale, so output parses the same everywhere."""

    def __init__(self, search_path: str = POSIX_PATH, inherited: Mapping[str, str] | None = None):
        self._env = {**(inherited or {}), "PATH": search_path, "LC_ALL": "C", "LANG": "C"}

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        executable = shutil.which(argv[0], path=self._env.get("PATH"))
        if executable is None:
            return CommandResult(NOT_FOUND, "", f"{argv[0]}: not found")
        try:
            done = subprocess.run(
                [executable, *argv[1:]],
                capture_output=True,
                timeout=timeout,
                env=self._env,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return CommandResult(TIMED_OUT, "", f"{argv[0]}: timed out after {timeout:g} s")
        except OSError as exc:
            return CommandResult(NOT_FOUND, "", f"{argv[0]}: {exc.strerror}")
        return CommandResult(
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
        )


class RecordedCommandRunner:
    """Replays recorded outputs keyed by argv; anything not recorded is 'not installed'."""

    def __init__(self, recorded: Mapping[tuple[str, ...], CommandResult]) -> None:
        self._recorded = dict(recorded)
        self.calls: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], timeout: float = 30.0) -> CommandResult:
        key = tuple(argv)
        self.calls.append(key)
        return self._recorded.get(key, CommandResult(NOT_FOUND, "", f"{argv[0]}: not found"))
