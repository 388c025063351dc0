"""The rule families evaluated for every asset, with the table of the rules file each reads,
and the trend readers whose values the ticket service keeps for the rules that need history."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from collector.domain.rules.findings import RuleFamily

# (name of the family's table in the rules file, the family)
FAMILIES: tuple[tuple[str, RuleFamily], ...] = ()

# A trend reader takes an asset's current sections (Snapshot.sections) and returns the values
# worth keeping as history, by "metric:subject" (e.g. "volume_used_bytes:/var" → bytes used).
# The ticket service records them in asset_trends (at most one reading per metric per asset
# per [tickets] trend_interval_hours, kept trend_retention_days) and hands them back to the
# rules as Snapshot.trends. Rule modules add theirs here (volume_trend_readings,
# disk_trend_readings, ...); the tuple is empty until they do.
TrendReader = Callable[[Mapping[str, Any]], Mapping[str, float]]
TREND_READERS: tuple[TrendReader, ...] = ()
