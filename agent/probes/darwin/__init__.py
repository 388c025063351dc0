"""Probes for darwin (macOS) hosts.

:func:`darwin_probes` builds the probe table for one agent: the sections read from
system_profiler share one :class:`~agent.probes.darwin.profile.ProfileCache`, so the slow
command runs once per host and inventory even though the probes run concurrently.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from agent.probes.darwin.battery import collect_batteries
from agent.probes.darwin.identity import collect_identity
from agent.probes.darwin.profile import ProfileCache
from agent.probes.darwin.software import collect_softwares
from agent.probes.darwin.storage import collect_storages
from agent.probes.darwin.system import (
    collect_bios,
    collect_cpus,
    collect_hardware,
    collect_memories,
    collect_operatingsystem,
)
from agent.probes.darwin.updates import collect_updates
from agent.sources.host import Host

__all__ = ["collect_identity", "darwin_probes"]


def darwin_probes() -> dict[str, Callable[[Host], Any]]:
    """Section name -> probe for a Mac (``identity`` included, as the inventory expects).

    The system_profiler-based probes share one cache, made here, so each call gives a fresh one.
    """
    profiles = ProfileCache()
    return {
        "identity": collect_identity,
        "operatingsystem": partial(collect_operatingsystem, profiles=profiles),
        "hardware": partial(collect_hardware, profiles=profiles),
        "bios": partial(collect_bios, profiles=profiles),
        "cpus": partial(collect_cpus, profiles=profiles),
        "memories": partial(collect_memories, profiles=profiles),
        "storages": partial(collect_storages, profiles=profiles),
        "batteries": partial(collect_batteries, profiles=profiles),
        "softwares": collect_softwares,
        "updates": collect_updates,
    }
