"""Mounted volumes with size and usage (full volumes become maintenance tickets)."""

from __future__ import annotations

from typing import Any

from agent.sources.host import Host


def collect_volumes(host: Host) -> list[dict[str, Any]]:
    """Real filesystems (pseudo and read-only image mounts left out), sorted by mount point."""
    return [
        {
            "mount": part.mount[:1024],
            "device": part.device[:1024] or None,
            "filesystem": part.filesystem[:256] or None,
            "label": None,
            "total_bytes": part.total_bytes,
            "used_bytes": part.used_bytes,
            "free_bytes": part.free_bytes,
        }
        for part in sorted(host.stats.partitions(), key=lambda p: p.mount)
    ]
