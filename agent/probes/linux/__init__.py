"""Probes for Linux hosts: files under the host root first, commands only where needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.probes.linux.battery import collect_batteries
from agent.probes.linux.hardware import collect_bios, collect_cpus, collect_hardware
from agent.probes.linux.identity import collect_identity
from agent.probes.linux.memory import collect_memories
from agent.probes.linux.operatingsystem import collect_operatingsystem
from agent.probes.linux.software import collect_software
from agent.probes.linux.storage import collect_storages
from agent.probes.linux.updates import collect_updates
from agent.sources.host import Host


def linux_probes() -> dict[str, Callable[[Host], Any]]:
    """Section name → probe for a Linux host (identity included)."""
    return {
        "identity": collect_identity,
        "operatingsystem": collect_operatingsystem,
        "hardware": collect_hardware,
        "bios": collect_bios,
        "cpus": collect_cpus,
        "memories": collect_memories,
        "storages": collect_storages,
        "softwares": collect_software,
        "updates": collect_updates,
        "batteries": collect_batteries,
    }
