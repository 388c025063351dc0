"""Mounted volumes: what is mounted (a stable section) and how full it is (a status reading)."""

from __future__ import annotations

from typing import Any

from agent.sources.host import Host
from agent.sources.stats import Partition


def _partitions(host: Host) -> list[Partition]:
    return sorted(host.stats.partitions(), key=lambda p: p.mount)


def collect_volumes(host: Host) -> list[dict[str, Any]]:
    """Real filesystems (pseudo and read-only image mounts left out), sorted by mount point."""
    return [
        {
            "mount": part.mount[:1024],
            "device": part.device[:1024] or None,
            "filesystem": part.filesystem[:256] or None,
            "label": None,
            "total_bytes": part.total_bytes,
        }
        for part in _partitions(host)
    ]


def collect_volume_usage(host: Host) -> list[dict[str, Any]]:
    """Used and free bytes per volume; it changes every run, so it rides in ``status``."""
    return [
        {"mount": part.mount[:1024], "used_bytes": part.used_bytes, "free_bytes": part.free_bytes}
        for part in _partitions(host)
    ]
