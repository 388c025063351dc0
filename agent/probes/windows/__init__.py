"""Probes for Windows hosts: the registry for software, OS and identity, PowerShell for the rest.

Hardware sections share one CIM reading per host (see :mod:`agent.probes.windows.cim`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.probes.windows.antivirus import collect_antivirus
from agent.probes.windows.battery import collect_batteries
from agent.probes.windows.hardware import (
    collect_bios,
    collect_cpus,
    collect_hardware,
    collect_memories,
)
from agent.probes.windows.identity import collect_identity
from agent.probes.windows.operatingsystem import collect_operatingsystem
from agent.probes.windows.software import collect_softwares
from agent.probes.windows.storage import collect_storages
from agent.probes.windows.updates import collect_updates
from agent.sources.host import Host

__all__ = ["collect_identity", "windows_probes"]


def windows_probes() -> dict[str, Callable[[Host], Any]]:
    """Section name -> probe, for every section a Windows host can give (identity included)."""
    return {
        "identity": collect_identity,
        "operatingsystem": collect_operatingsystem,
        "hardware": collect_hardware,
        "bios": collect_bios,
        "cpus": collect_cpus,
        "memories": collect_memories,
        "storages": collect_storages,
        "softwares": collect_softwares,
        "updates": collect_updates,
        "batteries": collect_batteries,
        "antivirus": collect_antivirus,
    }
