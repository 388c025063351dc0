"""The register in aggregate: what the Prometheus gauges expose, keyed by label values.

The label rule that keeps /metrics within its budget (< 2,000 series with 20,000 assets over
76 sites): a per-site family carries at most one small extra label; detailed breakdowns
(rule, status) are national. Per-asset and per-site-per-rule detail lives in the PostgreSQL
``grafana_*`` views, not in Prometheus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


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


class Need(StrEnum):
    """What a site needs, as counted from its open tickets (distinct assets per need)."""

    SUPPLY_LOW = "supply_low"
    UPDATES_PENDING = "updates_pending"
    END_OF_LIFE = "end_of_life"


# The rules (collector/domain/rules/) whose open tickets make each need.
NEED_RULES: Final[Mapping[Need, frozenset[str]]] = {
    Need.SUPPLY_LOW: frozenset({"printer.supply_low"}),
    Need.UPDATES_PENDING: frozenset({"software.pending_updates", "software.security_updates"}),
    Need.END_OF_LIFE: frozenset({"software.os_eol", "software.product_eol",
                                 "software.firmware_eol"}),
}  # fmt: skip


@dataclass(frozen=True)
class FleetSummary:
    """Counts by label values, as the gauges expose them; a key absent means no series."""

    assets: Mapping[tuple[str, str], int]  # (site, kind), active assets
    assets_by_status: Mapping[tuple[str, str], int]  # (kind, status), national
    stale: Mapping[str, int]  # site
    last_seen: Mapping[str, float]  # site → newest last_seen of an active asset, Unix seconds
    disks: Mapping[tuple[str, str], int]  # (site, health)
    open_tickets: Mapping[tuple[str, str], int]  # (site, severity)
    open_by_rule: Mapping[tuple[str, str, str], int]  # (rule, severity, status), national
    unreviewed_oldest: Mapping[str, float]  # site → first_seen of its oldest New critical, Unix s
    needs: Mapping[tuple[Need, str], int]  # (need, site) → distinct assets
    work_orders_overdue: Mapping[str, int]  # site
    plan_completion: Mapping[tuple[str, str], float]  # (site, period) → done / all, 0..1
    deadlines_at_risk: Mapping[tuple[str, str], int]  # (site, SOP step)


EMPTY_SUMMARY: Final = FleetSummary({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
