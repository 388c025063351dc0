"""One disk as the disk rules see it: its ``disk_health`` block, trends and temperature limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collector.domain.rules.findings import Finding, Maintenance, Severity, Thresholds

Trends = Mapping[str, Sequence[tuple[datetime, float]]]
NO_DATA = "disk.no_smart_data"


@dataclass(frozen=True)
class Said:
    """A severity with what to tell ops about it, in Bahasa Indonesia and English."""

    severity: Severity
    text_id: str
    text_en: str


@dataclass(frozen=True)
class DiskView:
    """One disk as the rules see it: its block, its ticket subject and the trends."""

    block: Mapping[str, Any]
    trends: Trends = field(default_factory=dict)

    @property
    def limit_c(self) -> float | None:
        """The drive's own temperature limit (°C) when smartctl reported one."""
        limit = self.block.get("temperature_limit_c")
        return float(limit) if isinstance(limit, int | float) and limit > 0 else None

    @property
    def subject(self) -> str:
        return str(self.block.get("serial") or self.block.get("device") or "")

    def finding(
        self,
        rule: str,
        said: Said,
        evidence: Mapping[str, Any],
        maintenance: Maintenance = Maintenance.REPLACE_DISK,
    ) -> Finding:
        return Finding(
            rule,
            self.subject,
            said.severity,
            said.text_id,
            said.text_en,
            {"device": self.block.get("device"), **evidence},
            maintenance,
        )

    def rising(self, metric: str, current: float) -> bool:
        """True when an earlier reading of ``metric`` for this disk was lower than now."""
        readings = self.trends.get(f"{metric}:{self.subject}", ())
        return any(value < current for _, value in readings)


def count_of(value: Any) -> int | None:
    """An integer count from a block field; None for anything else (bools included)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def level(thresholds: Thresholds, key: str) -> float | None:
    """A "from this count up" threshold; absent means the rule has no such level."""
    value = thresholds.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def nvme_log(disk: DiskView) -> Mapping[str, Any]:
    nvme = disk.block.get("nvme")
    return nvme if isinstance(nvme, Mapping) else {}


def scsi_log(disk: DiskView) -> Mapping[str, Any]:
    scsi = disk.block.get("scsi")
    return scsi if isinstance(scsi, Mapping) else {}
