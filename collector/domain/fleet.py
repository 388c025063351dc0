"""The register in aggregate: what the Prometheus gauges expose, keyed by label values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StaleAfter:
    """How long an asset may go unseen before it counts as stale: agents report hourly,
    devices are polled every few minutes (the [presence] table of the rules file)."""

    agent_kinds: frozenset[str]
    agent_days: int
    device_days: int

    @classmethod
    def from_rules(cls, presence: Mapping[str, Any]) -> StaleAfter:
        return cls(frozenset(presence["agent_kinds"]), int(presence["agent_warning_days"]),
                   int(presence["device_warning_days"]))  # fmt: skip


@dataclass(frozen=True)
class FleetSummary:
    """Counts by label values, as the gauges expose them."""

    assets: Mapping[tuple[str, str, str], int]  # (site, kind, status)
    stale: Mapping[tuple[str, str], int]  # (site, kind)
    last_seen: Mapping[str, tuple[float, float]]  # site → (oldest, newest) in Unix seconds
    disks: Mapping[tuple[str, str], int]  # (site, health)
    open_tickets: Mapping[tuple[str, str, str, str], int]  # (site, rule, severity, status)
