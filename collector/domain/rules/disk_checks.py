"""The disk rules themselves, one function per check over one disk (see disk.py for the family).

smartctl's verdicts, ATA counts as smartctl displays them (disk_values), SSD wear, the NVMe and
SCSI logs, temperature against fixed and drive-specific limits, and missing SMART data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from collector.domain.rules.disk_values import (
    PACKED_16,
    ata_wear,
    attribute,
    attribute_count,
    format_number,
)
from collector.domain.rules.disk_view import (
    NO_DATA,
    DiskView,
    Said,
    count_of,
    level,
    nvme_log,
    scsi_log,
)
from collector.domain.rules.findings import Finding, Maintenance, Severity, Thresholds

# --- smartctl's own verdicts -------------------------------------------------------------------


def _overall(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    if disk.block.get("status") != "failed":
        return None
    said = Said(
        Severity.CRITICAL,
        "Penilaian kesehatan SMART: GAGAL (FAILED); disk akan rusak, ganti segera",
        "SMART overall-health self-assessment: FAILED; the disk is failing, replace it",
    )
    return disk.finding(
        "disk.smart_failed",
        said,
        {"status": "failed", "exit_bits": list(disk.block.get("exit_bits") or [])},
    )


def _failed_rows(disk: DiskView, when: str) -> list[dict[str, Any]]:
    rows = disk.block.get("attributes")
    return [
        {key: row.get(key) for key in ("id", "name", "value", "threshold", "raw_string")}
        for row in (rows if isinstance(rows, Sequence) else ())
        if isinstance(row, Mapping) and row.get("when_failed") == when
    ]


def _describe(rows: Sequence[Mapping[str, Any]], lang: str) -> str:
    value, threshold = ("nilai", "ambang") if lang == "id" else ("value", "threshold")
    return ", ".join(
        f"{row['id']} {row['name']} ({value} {row['value']}, {threshold} {row['threshold']})"
        for row in rows
    )


def _failing_now(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    rows = _failed_rows(disk, "now")
    if not rows:
        return None
    said = Said(
        Severity.CRITICAL,
        f"Atribut SMART gagal sekarang: {_describe(rows, 'id')}; ganti disk",
        f"SMART attribute failing now: {_describe(rows, 'en')}; replace the disk",
    )
    return disk.finding("disk.attribute_failing", said, {"attributes": rows})


def _failed_past(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    """An attribute whose worst value once fell to its threshold but has recovered since."""
    rows = _failed_rows(disk, "past")
    if not rows:
        return None
    said = Said(
        Severity.WARNING,
        f"Atribut SMART pernah gagal: {_describe(rows, 'id')}; pantau disk",
        f"SMART attribute failed in the past: {_describe(rows, 'en')}; watch the disk",
    )
    return disk.finding("disk.attribute_failed_past", said, {"attributes": rows})


# --- ATA counters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRule:
    """An ATA attribute count with warning/critical levels from the ``[disk]`` table
    (``<key>_warning_from``/``<key>_critical_from``) and, optionally, a trend that makes any
    rise critical."""

    ident: int
    rule: str
    key: str
    label_id: str
    label_en: str
    trend: str | None = None
    maintenance: Maintenance = Maintenance.REPLACE_DISK


COUNT_RULES: tuple[CountRule, ...] = (
    CountRule(
        5,
        "disk.reallocated",
        "reallocated",
        "Sektor dialokasikan ulang (ATA 5)",
        "Reallocated sectors (ATA 5)",
        trend="ata_5_raw",
    ),
    CountRule(
        197,
        "disk.pending_sectors",
        "pending",
        "Sektor tertunda (ATA 197)",
        "Current pending sectors (ATA 197)",
    ),
    CountRule(
        198,
        "disk.offline_uncorrectable",
        "offline_uncorrectable",
        "Sektor tak terkoreksi luring (ATA 198)",
        "Offline uncorrectable sectors (ATA 198)",
    ),
    CountRule(
        187,
        "disk.reported_uncorrect",
        "reported_uncorrect",
        "Galat tak terkoreksi (ATA 187)",
        "Reported uncorrectable errors (ATA 187)",
    ),
    CountRule(
        188,
        "disk.command_timeout",
        "command_timeout",
        "Perintah habis waktu (ATA 188)",
        "Command timeouts (ATA 188)",
    ),
    CountRule(10, "disk.spin_retry", "spin_retry", "Ulang putar (ATA 10)", "Spin retries (ATA 10)"),
    CountRule(
        199,
        "disk.crc_errors",
        "crc_errors",
        "Galat CRC UDMA (ATA 199)",
        "UDMA CRC errors (ATA 199)",
        maintenance=Maintenance.CHECK_DISK_CABLE,
    ),
)

_ADVICE: dict[tuple[Maintenance, Severity], tuple[str, str]] = {
    (Maintenance.REPLACE_DISK, Severity.WARNING): (
        "disk mulai rusak, rencanakan penggantian",
        "the disk is wearing out, plan a replacement",
    ),
    (Maintenance.REPLACE_DISK, Severity.CRITICAL): (
        "disk rusak, cadangkan data dan ganti segera",
        "the disk is failing, back up and replace it",
    ),
    (Maintenance.CHECK_DISK_CABLE, Severity.WARNING): (
        "periksa kabel data dan konektornya",
        "check the cable (data cable and connectors)",
    ),
    (Maintenance.CHECK_DISK_CABLE, Severity.CRITICAL): (
        "periksa kabel data dan konektornya",
        "check the cable (data cable and connectors)",
    ),
}


def _count_severity(count: int, warn: float | None, crit: float | None) -> Severity | None:
    if crit is not None and count >= crit:
        return Severity.CRITICAL
    if warn is not None and count >= warn:
        return Severity.WARNING
    return None


def _count_finding(disk: DiskView, spec: CountRule, thresholds: Thresholds) -> Finding | None:
    row = attribute(disk.block, spec.ident)
    count = attribute_count(disk.block, spec.ident)
    if row is None or count is None:
        return None
    severity = _count_severity(
        count,
        level(thresholds, f"{spec.key}_warning_from"),
        level(thresholds, f"{spec.key}_critical_from"),
    )
    rising = severity is not None and spec.trend is not None and disk.rising(spec.trend, count)
    if severity is None:
        return None
    if rising:
        severity = Severity.CRITICAL
    advice_id, advice_en = _ADVICE[(spec.maintenance, severity)]
    shown = format_number(count)
    said = Said(
        severity,
        f"{spec.label_id} = {shown}{' dan bertambah' if rising else ''}: {advice_id}",
        f"{spec.label_en} = {shown}{' and rising' if rising else ''}: {advice_en}",
    )
    evidence = {
        "attribute": spec.ident,
        "name": row.get("name"),
        "count": count,
        "raw_string": row.get("raw_string"),
        "raw": row.get("raw"),
        "rising": rising,
        "packed_16": spec.ident in PACKED_16,
    }
    return disk.finding(spec.rule, said, evidence, spec.maintenance)


def _counts(disk: DiskView, thresholds: Thresholds) -> Iterator[Finding]:
    for spec in COUNT_RULES:
        found = _count_finding(disk, spec, thresholds)
        if found is not None:
            yield found


# --- wear: ATA indicators, NVMe percentage_used, SCSI endurance --------------------------------


def _wear_reading(block: Mapping[str, Any]) -> tuple[int, str] | None:
    nvme = block.get("nvme")
    if isinstance(nvme, Mapping) and count_of(nvme.get("percentage_used")) is not None:
        return int(nvme["percentage_used"]), f"NVMe percentage_used = {nvme['percentage_used']}"
    scsi = block.get("scsi")
    if isinstance(scsi, Mapping) and count_of(scsi.get("percentage_used_endurance")) is not None:
        used = int(scsi["percentage_used_endurance"])
        return used, f"SCSI percentage used endurance = {used}"
    return ata_wear(block)


def _wear(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    reading = _wear_reading(disk.block)
    if reading is None:
        return None
    used, source = reading
    severity = _count_severity(
        used, level(thresholds, "wear_warning_percent"), level(thresholds, "wear_critical_percent")
    )
    if severity is None:
        return None
    advice_id, advice_en = _ADVICE[(Maintenance.REPLACE_DISK, severity)]
    said = Said(
        severity,
        f"Keausan SSD {format_number(used)}% dari daya tahan terukur ({source}): {advice_id}",
        f"SSD wear {used}% of rated endurance ({source}): {advice_en}",
    )
    return disk.finding("disk.wear", said, {"percent_used": used, "source": source})


# --- NVMe and SCSI logs ------------------------------------------------------------------------


def _nvme_critical_warning(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    bits = count_of(nvme_log(disk).get("critical_warning"))
    if not bits:
        return None
    said = Said(
        Severity.CRITICAL,
        f"NVMe critical_warning = 0x{bits:02x}: pengendali melaporkan kerusakan; ganti disk",
        f"NVMe critical_warning = 0x{bits:02x}: the controller reports a fault; replace it",
    )
    return disk.finding("disk.nvme_critical_warning", said, {"critical_warning": bits})


def _nvme_spare(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    spare = count_of(nvme_log(disk).get("available_spare"))
    floor = count_of(nvme_log(disk).get("available_spare_threshold"))
    if spare is None or floor is None or spare >= floor:
        return None
    said = Said(
        Severity.CRITICAL,
        f"Cadangan NVMe {spare}% di bawah ambang {floor}%: ganti disk",
        f"NVMe available spare {spare}% below its threshold {floor}%: replace the disk",
    )
    return disk.finding(
        "disk.nvme_spare", said, {"available_spare": spare, "available_spare_threshold": floor}
    )


def _trend_rule(
    disk: DiskView, count: int | None, metric: str, warn: float | None, labels: tuple[str, str]
) -> tuple[Said, bool] | None:
    """Warning from ``warn`` up, critical when the count rose since an earlier reading."""
    if count is None or warn is None or count < warn:
        return None
    rising = disk.rising(metric, count)
    severity = Severity.CRITICAL if rising else Severity.WARNING
    advice_id, advice_en = _ADVICE[(Maintenance.REPLACE_DISK, severity)]
    shown = format_number(count)
    return Said(
        severity,
        f"{labels[0]} = {shown}{' dan bertambah' if rising else ''}: {advice_id}",
        f"{labels[1]} = {shown}{' and rising' if rising else ''}: {advice_en}",
    ), rising


def _nvme_media_errors(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    count = count_of(nvme_log(disk).get("media_errors"))
    said = _trend_rule(
        disk,
        count,
        "nvme_media_errors",
        level(thresholds, "nvme_media_errors_warning_from"),
        ("Galat media NVMe", "NVMe media errors"),
    )
    if said is None:
        return None
    return disk.finding(
        "disk.nvme_media_errors", said[0], {"media_errors": count, "rising": said[1]}
    )


def _scsi_grown_defects(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    count = count_of(scsi_log(disk).get("grown_defect_list"))
    said = _trend_rule(
        disk,
        count,
        "scsi_grown_defects",
        level(thresholds, "scsi_grown_defects_warning_from"),
        ("Cacat tumbuh SCSI (grown defect list)", "SCSI grown defects"),
    )
    if said is None:
        return None
    return disk.finding(
        "disk.scsi_grown_defects", said[0], {"grown_defect_list": count, "rising": said[1]}
    )


def _scsi_uncorrected(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    keys = ("read_uncorrected_errors", "write_uncorrected_errors", "verify_uncorrected_errors")
    counts = {key: count_of(scsi_log(disk).get(key)) or 0 for key in keys}
    total = sum(counts.values())
    crit = level(thresholds, "scsi_uncorrected_critical_from")
    if crit is None or total < crit:
        return None
    said = Said(
        Severity.CRITICAL,
        f"Galat tak terkoreksi SCSI = {format_number(total)}: disk rusak, ganti segera",
        f"SCSI uncorrected errors = {format_number(total)}: the disk is failing, replace it",
    )
    return disk.finding("disk.scsi_uncorrected", said, counts)


# --- temperature -------------------------------------------------------------------------------


def _temperature_severity(celsius: float, limit: float | None, t: Thresholds) -> Severity | None:
    over_limit = limit is not None and celsius >= limit
    if celsius > float(t["temperature_critical_above_c"]) or over_limit:
        return Severity.CRITICAL
    near_limit = (
        limit is not None and celsius >= float(t["temperature_limit_warning_ratio"]) * limit
    )
    if celsius > float(t["temperature_warning_above_c"]) or near_limit:
        return Severity.WARNING
    return None


def _temperature(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    celsius = disk.block.get("temperature_c")
    if not isinstance(celsius, int | float) or isinstance(celsius, bool):
        return None
    severity = _temperature_severity(celsius, disk.limit_c, thresholds)
    if severity is None:
        return None
    limit = disk.limit_c
    of_id = f" (batas disk {format_number(limit)} °C)" if limit else ""
    of_en = f" (drive limit {format_number(limit)} °C)" if limit else ""
    said = Said(
        severity,
        f"Suhu disk {format_number(celsius)} °C{of_id}: perbaiki pendinginan/aliran udara",
        f"Disk temperature {format_number(celsius)} °C{of_en}: improve cooling/airflow",
    )
    return disk.finding(
        "disk.temperature",
        said,
        {"temperature_c": celsius, "limit_c": limit},
        Maintenance.COOL_DISK,
    )


# --- no data -----------------------------------------------------------------------------------


def has_smart_data(block: Mapping[str, Any]) -> bool:
    """False when smartctl gave no verdict (open error, permission, RAID volume) or SMART is off."""
    return block.get("status") in ("passed", "failed") and block.get("smart_available") is not False


def _no_data(disk: DiskView, thresholds: Thresholds) -> Finding | None:
    if has_smart_data(disk.block):
        return None
    messages = [str(text) for text in disk.block.get("messages") or ()][:2]
    why = f": {'; '.join(messages)}" if messages else ""
    said = Said(
        Severity.INFO,
        f"Tidak ada data SMART (kesehatan tidak diketahui){why}",
        f"No SMART data (health unknown){why}",
    )
    evidence = {
        "status": disk.block.get("status"),
        "smart_available": disk.block.get("smart_available"),
        "exit_status": disk.block.get("exit_status"),
        "messages": messages,
    }
    return disk.finding(NO_DATA, said, evidence, Maintenance.CHECK_AGENT)


Rule = Callable[[DiskView, Thresholds], Finding | None]
RULES: tuple[Rule, ...] = (
    _no_data,
    _overall,
    _failing_now,
    _failed_past,
    _wear,
    _nvme_critical_warning,
    _nvme_spare,
    _nvme_media_errors,
    _scsi_grown_defects,
    _scsi_uncorrected,
    _temperature,
)


def one_disk_findings(disk: DiskView, thresholds: Thresholds) -> list[Finding]:
    """Every finding for one disk, in the order of RULES then the ATA count rules."""
    found = [finding for rule in RULES if (finding := rule(disk, thresholds)) is not None]
    return found + list(_counts(disk, thresholds))
