"""Starting and stopping the peer processes tests use (snmpsim, snmpd, sshd), free of pytest."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

STOP_TIMEOUT_S = 10.0


def stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop one process by its pid: SIGTERM, and SIGKILL when it outlives ``timeout``."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def log_tail(path: Path, lines: int = 40) -> str:
    """The last lines a peer wrote to its log file, for error messages."""
    if not path.exists():
        return "(no log)"
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
