"""The rule families evaluated for every asset, with the table of the rules file each reads,
and the trend readers whose values the ticket service keeps for the rules that need history."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from collector.domain.rules.disk import disk_trend_readings, evaluate_disk
from collector.domain.rules.findings import RuleFamily
from collector.domain.rules.identity import evaluate_identity
from collector.domain.rules.power import evaluate_power
from collector.domain.rules.presence import evaluate_presence
from collector.domain.rules.printers import evaluate_printers
from collector.domain.rules.software import evaluate_software, software_trend_readings
from collector.domain.rules.volumes import evaluate_volumes, volume_trend_readings

# (name of the family's table in the rules file, the family)
FAMILIES: tuple[tuple[str, RuleFamily], ...] = (
    ("disk", evaluate_disk),
    ("software", evaluate_software),
    ("volumes", evaluate_volumes),
    ("printers", evaluate_printers),
    ("power", evaluate_power),
    ("presence", evaluate_presence),
    ("identity", evaluate_identity),
)

# The observation sections the families above and the trend readers below read (a family or
# reader that reads another section adds it here): the ticket service reads only these from
# the register, not the hardware, network or user lists no rule looks at. A test runs every
# family over snapshots that record which sections are read.
RULE_SECTIONS: frozenset[str] = frozenset({
    "disk_health", "storages",  # disk
    "updates", "operatingsystem", "softwares", "device",  # software (device: firmware)
    "volumes", "status",  # volumes
    "supplies", "printer",  # printers (and device: page count)
    "power", "batteries",  # power
})  # fmt: skip

# A trend reader takes an asset's current sections (Snapshot.sections) and returns the values
# worth keeping as history, by "metric:subject" (e.g. "volume_used_bytes:/var" → bytes used).
# The ticket service records them in asset_trends (at most one reading per metric per asset
# per [tickets] trend_interval_hours, kept trend_retention_days) and hands them back to the
# rules as Snapshot.trends. Rule modules add theirs here.
TrendReader = Callable[[Mapping[str, Any]], Mapping[str, float]]
TREND_READERS: tuple[TrendReader, ...] = (
    disk_trend_readings,
    volume_trend_readings,
    software_trend_readings,
)
