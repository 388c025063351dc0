"""Volume rules: the used-share thresholds on both sides, pseudo file systems, days-to-full."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from collector.domain.rules.findings import Severity
from collector.domain.rules.volumes import (
    DEFAULT_PSEUDO,
    DEFAULT_SKIP,
    days_to_full,
    evaluate_volumes,
    volume_trend_readings,
)
from tests.collector.rules.rule_inputs import NOW, by_rule, run, shipped_thresholds, snapshot
from tests.collector.snmp.observed import observe_recording
from tests.peers import corpus_dir

GB = 10**9
DAY = timedelta(days=1)


def _sections(mount: str, used: int, free: int, filesystem: str | None = "ext4") -> dict[str, Any]:
    return {
        "volumes": [{"mount": mount, "filesystem": filesystem, "total_bytes": used + free}],
        "status": {"volumes": [{"mount": mount, "used_bytes": used, "free_bytes": free}]},
    }


@pytest.mark.parametrize(
    ("used_per_mille", "expected"),
    [
        (899, None),
        (900, Severity.WARNING),
        (949, Severity.WARNING),
        (950, Severity.CRITICAL),
        (1000, Severity.CRITICAL),
    ],
)
def test_used_share_thresholds_on_both_sides(
    used_per_mille: int, expected: Severity | None
) -> None:
    sections = _sections("/var", used_per_mille * GB, (1000 - used_per_mille) * GB)
    findings = by_rule(run(evaluate_volumes, snapshot(sections), shipped_thresholds("volumes")),
                       "volume.almost_full")  # fmt: skip
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert findings[0].subject == "/var"
        assert findings[0].evidence["used_percent"] == used_per_mille / 10
        assert findings[0].evidence["capacity_bytes"] == 1000 * GB


def test_sentences_use_indonesian_numbers_and_name_the_values() -> None:
    sections = _sections("/data", 956 * GB, 44 * GB)
    (finding,) = run(evaluate_volumes, snapshot(sections), shipped_thresholds("volumes"))
    assert finding.message_id == (
        "Volume /data hampir penuh: 95,6 % terpakai, sisa 44,0 GB dari 1,0 TB."
    )
    assert finding.message_en == (
        "Volume /data is almost full: 95.6 % used, 44.0 GB free of 1.0 TB."
    )


def test_share_uses_used_plus_free_so_reserved_blocks_count_as_neither() -> None:
    # 920 used + 30 free of a 1000 GB file system with 50 GB reserved: df says 97 %.
    sections = _sections("/", 920 * GB, 30 * GB)
    sections["volumes"][0]["total_bytes"] = 1000 * GB
    (finding,) = run(evaluate_volumes, snapshot(sections), shipped_thresholds("volumes"))
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["used_percent"] == round(920 * 100 / 950, 1)


def test_total_is_used_when_free_is_unknown() -> None:
    sections = {
        "volumes": [{"mount": "D:\\", "total_bytes": 100 * GB}],
        "status": {"volumes": [{"mount": "D:\\", "used_bytes": 91 * GB, "free_bytes": None}]},
    }
    (finding,) = run(evaluate_volumes, snapshot(sections), shipped_thresholds("volumes"))
    assert (finding.severity, finding.evidence["used_percent"]) == (Severity.WARNING, 91.0)


@pytest.mark.parametrize(
    ("mount", "filesystem"),
    [
        ("/snap/core22/1380", "squashfs"),
        ("/media/cdrom", "iso9660"),
        ("/var/lib/docker/overlay2/x/merged", "overlay"),
        ("/mnt/ram", "tmpfs"),
        ("/run/user/1000", None),  # SNMP gives no file system: the path decides
        ("/dev/shm", None),
    ],
)
def test_pseudo_and_read_only_file_systems_are_skipped(mount: str, filesystem: str | None) -> None:
    sections = _sections(mount, 100 * GB, 0, filesystem)
    assert run(evaluate_volumes, snapshot(sections), shipped_thresholds("volumes")) == []
    assert volume_trend_readings(sections) == {}


def test_a_full_real_volume_beside_the_skipped_ones_is_reported() -> None:
    sections = _sections("/home", 99 * GB, 1 * GB, "xfs")
    assert [f.subject for f in run(evaluate_volumes, snapshot(sections),
                                   shipped_thresholds("volumes"))] == ["/home"]  # fmt: skip


def test_thresholds_overridden_from_the_table() -> None:
    sections = _sections("/var", 85 * GB, 15 * GB)
    thresholds = shipped_thresholds("volumes", warning_percent=80, critical_percent=85)
    (finding,) = run(evaluate_volumes, snapshot(sections), thresholds)
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["critical_percent"] == 85


def _trend(start_used: float, per_day: float, days: int) -> list[tuple[Any, float]]:
    return [(NOW - (days - i) * DAY, start_used + i * per_day) for i in range(days)]


def test_days_to_full_from_a_steady_trend() -> None:
    # 10 GB a day for 10 days, now at 500 of 1000 GB: full in 50 days; 400 GB: none within 30.
    trends = {"volume_used_bytes:/srv": _trend(400 * GB, 10 * GB, 10)}
    sections = _sections("/srv", 500 * GB, 500 * GB)
    thresholds = shipped_thresholds("volumes")
    assert run(evaluate_volumes, snapshot(sections, trends=trends), thresholds) == []
    (finding,) = run(evaluate_volumes, snapshot(sections, trends=trends),
                     shipped_thresholds("volumes", full_within_days=60))  # fmt: skip
    assert finding.rule == "volume.filling"
    assert finding.evidence["days_to_full"] == pytest.approx(50.0, abs=0.1)
    assert finding.evidence["bytes_per_day"] == pytest.approx(10 * GB, rel=1e-6)
    assert finding.message_id == (
        "Volume /srv diperkirakan penuh dalam 50,0 hari (bertambah 10,0 GB per hari)."
    )


def test_full_within_days_on_both_sides() -> None:
    # 20 GB a day, 400 GB free: full in 20 days.
    trends = {"volume_used_bytes:/srv": _trend(480 * GB, 20 * GB, 6)}
    sections = _sections("/srv", 600 * GB, 400 * GB)
    for within, found in ((19, False), (20, True)):
        thresholds = shipped_thresholds("volumes", full_within_days=within)
        findings = run(evaluate_volumes, snapshot(sections, trends=trends), thresholds)
        assert bool(by_rule(findings, "volume.filling")) is found, within


def test_too_few_readings_give_no_days_to_full() -> None:
    sections = _sections("/srv", 900 * GB - 1, 100 * GB + 1)
    one_earlier = {"volume_used_bytes:/srv": [(NOW - DAY, 500 * GB)]}
    findings = run(evaluate_volumes, snapshot(sections, trends=one_earlier),
                   shipped_thresholds("volumes"))  # fmt: skip
    assert findings == []  # two points (one earlier + now) are fewer than the 3 required
    thresholds = shipped_thresholds("volumes", trend_min_readings=2)
    (finding,) = run(evaluate_volumes, snapshot(sections, trends=one_earlier), thresholds)
    assert finding.rule == "volume.filling"


def test_readings_outside_the_window_are_not_used() -> None:
    old = [(NOW - (40 - i) * DAY, 100.0 * GB + i * GB) for i in range(5)]
    sections = _sections("/srv", 900 * GB - 1, 100 * GB + 1)
    findings = run(evaluate_volumes, snapshot(sections, trends={"volume_used_bytes:/srv": old}),
                   shipped_thresholds("volumes"))  # fmt: skip
    assert findings == []


def test_flat_or_shrinking_trend_gives_no_estimate() -> None:
    flat = [(NOW - i * DAY, 50.0) for i in (3, 2, 1)]
    shrinking = [(NOW - i * DAY, 50.0 + i) for i in (3, 2, 1)]
    assert days_to_full([*flat, (NOW, 50.0)], 100.0, 3) is None
    assert days_to_full([*shrinking, (NOW, 49.0)], 100.0, 3) is None
    assert days_to_full([(NOW, 1.0), (NOW, 2.0), (NOW, 3.0)], 100.0, 3) is None


def test_trend_readings_recorded_at_ingest() -> None:
    sections = _sections("/var", 123, 877)
    sections["status"]["volumes"].append({"mount": "/opt", "used_bytes": None, "free_bytes": 5})
    assert volume_trend_readings(sections) == {"volume_used_bytes:/var": 123.0}
    assert volume_trend_readings({}) == {}


def test_real_netsnmp_server_recording() -> None:
    """net-snmp on EL8: /media/iso is an ISO image, 100 % used. hrStorageTable gives no file
    system type, and the mount is no pseudo path, so it is reported: a known limit of SNMP data
    (ops can add the mount to skip_mounts). The real volumes are far from full; /dev/shm and
    /run are skipped."""
    document = observe_recording(corpus_dir("snmp") / "netsnmp_linux-el8.snmprec")
    findings = run(evaluate_volumes, snapshot(document), shipped_thresholds("volumes"))
    assert [(f.subject, f.severity) for f in findings] == [("/media/iso", Severity.CRITICAL)]
    thresholds = shipped_thresholds(
        "volumes", skip_mounts=[*shipped_thresholds("volumes")["skip_mounts"], "/media/iso"]
    )
    assert run(evaluate_volumes, snapshot(document), thresholds) == []
    assert set(volume_trend_readings(document)) >= {"volume_used_bytes:/", "volume_used_bytes:/opt"}
    assert "volume_used_bytes:/dev/shm" not in volume_trend_readings(document)


def test_module_defaults_match_the_rules_file() -> None:
    shipped = shipped_thresholds("volumes")
    assert (
        tuple(shipped["pseudo_filesystems"]),
        tuple(shipped["skip_mounts"]),
    ) == (DEFAULT_PSEUDO, DEFAULT_SKIP)
