"""Disk health rules: smartctl's verdict, ATA counters, SSD wear, NVMe and SCSI logs, temperature.

Reads the agent's (or a poller's) ``disk_health`` blocks, one per disk, and gives one finding per
disk and rule; the subject is the disk's serial, else its device. A disk whose health smartctl
could not read is never "fine": it gets an INFO ``disk.no_smart_data`` finding and the verdict
UNKNOWN. Counts are read as smartctl displays them (see disk_values); "rising" compares with
the readings ``disk_trend_readings`` gave the ticket service at earlier ingests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from collector.domain.rules.disk_checks import one_disk_findings
from collector.domain.rules.disk_values import attribute_count
from collector.domain.rules.disk_view import NO_DATA, DiskView, Said, count_of, nvme_log, scsi_log
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds

# --- the family, the verdict, the trend metrics -------------------------------------------------


def _blocks(sections: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    blocks = sections.get("disk_health")
    return [b for b in blocks if isinstance(b, Mapping)] if isinstance(blocks, list) else []


def evaluate_disk(snapshot: Snapshot, thresholds: Thresholds) -> list[Finding]:
    """The disk family: findings for every disk of the asset.

    An asset that lists storage devices but sent no ``disk_health`` at all gets one INFO
    ``disk.no_smart_data`` finding (subject ""), so a machine whose disks nobody can read is
    visible rather than silently healthy. Assets without storages (printers, switches) get none.
    """
    blocks = _blocks(snapshot.sections)
    if not blocks:
        if not snapshot.sections.get("storages"):
            return []
        said = Said(
            Severity.INFO,
            "Tidak ada data SMART untuk disk aset ini (kesehatan tidak diketahui)",
            "No SMART data for this asset's disks (health unknown)",
        )
        return [
            Finding(
                NO_DATA,
                "",
                said.severity,
                said.text_id,
                said.text_en,
                {"disk_health": None},
                Maintenance.CHECK_AGENT,
            )
        ]
    found: list[Finding] = []
    for block in blocks:
        found += one_disk_findings(DiskView(block, snapshot.trends), thresholds)
    return found


def disk_trend_readings(sections: Mapping[str, Any]) -> dict[str, float]:
    """The readings the ticket service records at each ingest for the "rising" rules, by
    ``"metric:subject"``: ata_5_raw (reallocated count as displayed), nvme_media_errors,
    scsi_grown_defects."""
    readings: dict[str, float] = {}
    for block in _blocks(sections):
        disk = DiskView(block)
        values = {
            "ata_5_raw": attribute_count(block, 5),
            "nvme_media_errors": count_of(nvme_log(disk).get("media_errors")),
            "scsi_grown_defects": count_of(scsi_log(disk).get("grown_defect_list")),
        }
        for metric, value in values.items():
            if value is not None and disk.subject:
                readings[f"{metric}:{disk.subject}"] = float(value)
    return readings


class DiskVerdict(StrEnum):
    OK = "OK"
    WARN = "WARN"
    CRIT = "CRIT"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class DiskAssessment:
    """One disk's verdict and the findings behind it."""

    verdict: DiskVerdict
    findings: tuple[Finding, ...]

    def reasons(self, lang: str = "id") -> list[str]:
        """Why: the warning/critical sentences (critical first), or the no-data sentence."""
        if self.verdict is DiskVerdict.OK:
            return [
                "SMART lolos, tidak ada temuan" if lang == "id" else "SMART passed, no findings"
            ]
        ranked = sorted(self.findings, key=lambda f: _RANK[f.severity], reverse=True)
        wanted = (
            ranked
            if self.verdict is DiskVerdict.UNKNOWN
            else [f for f in ranked if f.severity is not Severity.INFO]
        )
        return [f.message_id if lang == "id" else f.message_en for f in wanted]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def disk_verdict(findings: Sequence[Finding]) -> DiskVerdict:
    """CRIT/WARN from the highest severity; UNKNOWN when SMART data is missing and nothing worse
    was found; OK only for a disk that has data and no warning."""
    severities = {finding.severity for finding in findings}
    if Severity.CRITICAL in severities:
        return DiskVerdict.CRIT
    if Severity.WARNING in severities:
        return DiskVerdict.WARN
    if any(finding.rule == NO_DATA for finding in findings):
        return DiskVerdict.UNKNOWN
    return DiskVerdict.OK


def assess_disk(disk: DiskView, thresholds: Thresholds) -> DiskAssessment:
    """The verdict for one disk with its findings (explain-smart, the asset page)."""
    found = one_disk_findings(disk, thresholds)
    return DiskAssessment(disk_verdict(found), tuple(found))
