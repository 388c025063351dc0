"""Volumes almost full, and volumes that the trend says will be full soon.

The share used is ``used / (used + free)`` when both are known (what ``df`` shows: blocks
reserved for root count as neither), else ``used / total``. Pseudo and read-only file systems
(tmpfs, squashfs, overlay, ISO images, ...) are skipped: they are full by design or hold
nothing a person can free. The SNMP poller does not report a file system, so mounts that are
pseudo on every Unix (/dev, /run, /sys, /proc, snap images) are skipped by path too.

Days-to-full fits a straight line (least squares) through the used bytes recorded in the
trend window, ending with the current reading; fewer readings than ``trend_min_readings`` or a
flat or shrinking line give no estimate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from collector.domain.rules import readable
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds

TREND_METRIC = "volume_used_bytes"
SECONDS_PER_DAY = 86400.0

# The shipped [volumes] lists (a test keeps them equal to defaults.toml): the ingest records
# trend readings without the rules file at hand, and recording one reading too many is harmless.
DEFAULT_PSEUDO = (
    "tmpfs", "devtmpfs", "squashfs", "overlay", "iso9660", "udf", "proc", "sysfs", "cgroup",
    "cgroup2", "devfs", "autofs", "ramfs", "nsfs", "fuse.snapfuse", "cdfs",
)  # fmt: skip
DEFAULT_SKIP = (
    "/dev", "/dev/*", "/run", "/run/*", "/sys", "/sys/*", "/proc", "/proc/*", "/snap/*",
    "/var/lib/snapd/snap/*", "/System/Volumes/*",
)  # fmt: skip


def volume_trend_readings(sections: Mapping[str, Any]) -> dict[str, float]:
    """The readings the ticket service records at each ingest for the days-to-full trend:
    used bytes by ``"volume_used_bytes:<mount>"`` for every real volume that reports them."""
    filesystems = _filesystems(sections)
    readings: dict[str, float] = {}
    for usage in (sections.get("status") or {}).get("volumes") or []:
        mount, used = usage.get("mount"), usage.get("used_bytes")
        if used is not None and not _is_pseudo(mount, filesystems.get(mount)):
            readings[f"{TREND_METRIC}:{mount}"] = float(used)
    return readings


def evaluate_volumes(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    """One finding per volume at or over the used-share thresholds, and one per volume the
    trend says fills within ``full_within_days``."""
    filesystems = _filesystems(snapshot.sections)
    totals = {v.get("mount"): v.get("total_bytes") for v in snapshot.sections.get("volumes") or []}
    skip, pseudo = tuple(thresholds["skip_mounts"]), tuple(thresholds["pseudo_filesystems"])
    for usage in (snapshot.sections.get("status") or {}).get("volumes") or []:
        mount = usage.get("mount")
        if _is_pseudo(mount, filesystems.get(mount), skip, pseudo):
            continue
        capacity = _capacity(usage, totals.get(mount))
        used = usage.get("used_bytes")
        if capacity is None or used is None:
            continue
        yield from _fullness(mount, used, capacity, thresholds)
        yield from _filling(snapshot, mount, used, capacity, thresholds)


def _filesystems(sections: Mapping[str, Any]) -> dict[str, str | None]:
    return {v.get("mount"): v.get("filesystem") for v in sections.get("volumes") or []}


def _is_pseudo(
    mount: str | None,
    filesystem: str | None,
    skip: Sequence[str] = DEFAULT_SKIP,
    pseudo: Sequence[str] = DEFAULT_PSEUDO,
) -> bool:
    """Whether the volume is a pseudo or read-only file system, by type or by mount path."""
    if (filesystem or "").casefold() in pseudo:
        return True
    return mount is None or any(fnmatchcase(mount, pattern) for pattern in skip)


def _capacity(usage: Mapping[str, Any], total: int | None) -> int | None:
    used, free = usage.get("used_bytes"), usage.get("free_bytes")
    if used is not None and free is not None and used + free > 0:
        return int(used + free)
    return total if total else None


def _fullness(mount: str, used: int, capacity: int, thresholds: Thresholds) -> Iterator[Finding]:
    share = used * 100 / capacity
    if share >= thresholds["critical_percent"]:
        severity = Severity.CRITICAL
    elif share >= thresholds["warning_percent"]:
        severity = Severity.WARNING
    else:
        return
    free = max(capacity - used, 0)
    yield Finding(
        rule="volume.almost_full",
        subject=mount,
        severity=severity,
        message_id=f"Volume {mount} hampir penuh: {readable.percent(share)} terpakai, sisa "
        f"{readable.size(free)} dari {readable.size(capacity)}.",
        message_en=f"Volume {mount} is almost full: {readable.percent(share, 'en')} used, "
        f"{readable.size(free, 'en')} free of {readable.size(capacity, 'en')}.",
        evidence={
            "mount": mount,
            "used_bytes": used,
            "capacity_bytes": capacity,
            "used_percent": round(share, 1),
            "warning_percent": thresholds["warning_percent"],
            "critical_percent": thresholds["critical_percent"],
        },
        maintenance=Maintenance.FREE_DISK_SPACE,
    )


def _filling(
    snapshot: Snapshot, mount: str, used: int, capacity: int, thresholds: Thresholds
) -> Iterator[Finding]:
    since = snapshot.now - timedelta(days=thresholds["trend_window_days"])
    readings = [
        (when, value)
        for when, value in snapshot.trends.get(f"{TREND_METRIC}:{mount}", ())
        if since <= when < snapshot.now
    ]
    readings.append((snapshot.now, float(used)))
    days = days_to_full(readings, capacity, thresholds["trend_min_readings"])
    if days is None or days > thresholds["full_within_days"] or used >= capacity:
        return
    yield Finding(
        rule="volume.filling",
        subject=mount,
        severity=Severity.WARNING,
        message_id=f"Volume {mount} diperkirakan penuh dalam {readable.number(days, 1)} hari "
        f"(bertambah {readable.size(_slope(readings))} per hari).",
        message_en=f"Volume {mount} is expected to be full in {readable.number(days, 1, 'en')} "
        f"days (growing {readable.size(_slope(readings), 'en')} a day).",
        evidence={
            "mount": mount,
            "used_bytes": used,
            "capacity_bytes": capacity,
            "days_to_full": round(days, 1),
            "bytes_per_day": round(_slope(readings)),
            "readings": len(readings),
            "window_days": thresholds["trend_window_days"],
            "full_within_days": thresholds["full_within_days"],
        },
        maintenance=Maintenance.FREE_DISK_SPACE,
    )


def days_to_full(
    readings: Sequence[tuple[datetime, float]], capacity: float, min_readings: int
) -> float | None:
    """Days until the line fitted through ``readings`` (oldest first, the last one now) reaches
    ``capacity``; None with fewer than ``min_readings`` readings, all at one time, or a line
    that does not rise."""
    if len(readings) < max(min_readings, 2):
        return None
    slope = _slope(readings)
    if slope <= 0:
        return None
    return max(capacity - readings[-1][1], 0.0) / slope


def _slope(readings: Sequence[tuple[datetime, float]]) -> float:
    """Least-squares growth in units per day; 0 when the readings share one time."""
    origin = readings[0][0]
    xs = [(when - origin).total_seconds() / SECONDS_PER_DAY for when, _ in readings]
    ys = [value for _, value in readings]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
