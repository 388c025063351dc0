"""Probes that read the same way on every platform (through psutil or smartctl)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.probes.networks import collect_networks
from agent.probes.smart import collect_disk_health
from agent.probes.status import collect_status
from agent.probes.users import collect_users
from agent.probes.volumes import collect_volumes
from agent.sources.host import Host


def common_probes() -> dict[str, Callable[[Host], Any]]:
    """Section name → probe, for sections every platform fills the same way."""
    return {
        "status": collect_status,
        "networks": collect_networks,
        "volumes": collect_volumes,
        "users": collect_users,
        "disk_health": collect_disk_health,
    }
