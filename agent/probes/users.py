"""Users logged in now (console, remote desktop, SSH)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent.sources.host import Host


def collect_users(host: Host) -> list[dict[str, Any]]:
    """One entry per session, sorted by user name and terminal."""
    sessions = sorted(host.stats.users(), key=lambda s: (s.name, s.terminal or ""))
    users = []
    for session in sessions[:1024]:
        domain, _, name = session.name.rpartition("\\")
        users.append(
            {
                "name": name[:256],
                "domain": domain[:256] or None,
                "terminal": session.terminal,
                "host": session.host,
                "since": (
                    datetime.fromtimestamp(session.started, UTC).isoformat(timespec="seconds")
                    if session.started
                    else None
                ),
            }
        )
    return users
