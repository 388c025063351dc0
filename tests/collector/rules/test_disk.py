"""The disk rules at each threshold's edge, with packed raws, trends, temperature, NVMe, SCSI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from collector.domain.rules.disk import (
    DiskVerdict,
    assess_disk,
    disk_trend_readings,
    evaluate_disk,
)
from collector.domain.rules.disk_checks import one_disk_findings
from collector.domain.rules.disk_values import displayed_count, format_number
from collector.domain.rules.disk_view import DiskView
from collector.domain.rules.findings import Maintenance, Severity, Snapshot
from tests.collector.rules.disk_cases import ata_row, block, thresholds

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
W, C = Severity.WARNING, Severity.CRITICAL


def severities(disk: dict[str, Any], **trends: float) -> dict[str, Severity]:
    """rule → severity for one disk; ``trends`` gives one earlier reading per metric."""
    history = {
        f"{metric}:SER1": [(NOW - timedelta(days=1), value)] for metric, value in trends.items()
    }
    found = one_disk_findings(DiskView(disk, history), thresholds())
    return {finding.rule: finding.severity for finding in found}


@pytest.mark.parametrize(
    ("ident", "count", "expected"),
    [
        (5, 0, None),
        (5, 1, W),
        (5, 16, W),
        (5, 17, C),
        (197, 0, None),
        (197, 1, C),
        (198, 0, None),
        (198, 1, C),
        (187, 0, None),
        (187, 1, W),
        (187, 5, W),
        (187, 6, C),
        (188, 0, None),
        (188, 1, W),
        (188, 100, W),
        (188, 101, C),
        (10, 0, None),
        (10, 1, C),
        (199, 0, None),
        (199, 1, W),
    ],
)
def test_ata_count_edges(ident: int, count: int, expected: Severity | None) -> None:
    rules = {
        5: "disk.reallocated",
        197: "disk.pending_sectors",
        198: "disk.offline_uncorrectable",
        187: "disk.reported_uncorrect",
        188: "disk.command_timeout",
        10: "disk.spin_retry",
        199: "disk.crc_errors",
    }
    got = severities(block(attributes=[ata_row(ident, str(count))]))
    assert got.get(rules[ident]) == expected


def test_crc_errors_say_check_the_cable() -> None:
    disk = block(attributes=[ata_row(199, "1.234".replace(".", ""))])
    (finding,) = one_disk_findings(DiskView(disk), thresholds())
    assert finding.maintenance is Maintenance.CHECK_DISK_CABLE
    assert "check the cable" in finding.message_en
    assert finding.message_id.startswith("Galat CRC UDMA (ATA 199) = 1.234:")


def test_seagate_packed_188_reads_the_displayed_count_not_raw_value() -> None:
    row = ata_row(188, "2 2 2", raw=8590065666)
    assert displayed_count(row) == 2
    assert severities(block(attributes=[row])) == {"disk.command_timeout": W}


def test_packed_188_without_a_string_uses_the_low_16_bits() -> None:
    row = {**ata_row(188, "0", raw=8590065666), "raw_string": None}
    assert displayed_count(row) == 2
    one_big = {**ata_row(5, "0", raw=8590065666), "raw_string": None}
    assert displayed_count(one_big) == 8590065666  # 5 is plain raw48, never cut


def test_temperature_style_raw_string_reads_the_first_number() -> None:
    assert displayed_count(ata_row(197, "3 (Min/Max 17/29)", raw=487653395)) == 3


def test_reallocated_rising_is_critical_and_flat_is_not() -> None:
    disk = block(attributes=[ata_row(5, "4")])
    assert severities(disk, ata_5_raw=3)["disk.reallocated"] is C
    assert severities(disk, ata_5_raw=4)["disk.reallocated"] is W
    assert severities(disk, ata_5_raw=5)["disk.reallocated"] is W  # fell: not rising


def test_rising_is_per_disk() -> None:
    disk = block(serial="OTHER", attributes=[ata_row(5, "4")])
    assert severities(disk, ata_5_raw=1)["disk.reallocated"] is W  # history is SER1's


def test_overall_failed_and_attribute_failing_now_or_in_the_past() -> None:
    now = ata_row(5, "0", when_failed="now")
    past = ata_row(3, "10175", when_failed="past")
    got = severities(block(status="failed", attributes=[now, past]))
    assert got == {
        "disk.smart_failed": C,
        "disk.attribute_failing": C,
        "disk.attribute_failed_past": W,
    }


@pytest.mark.parametrize(
    ("row", "used"),
    [
        (ata_row(177, "278", name="Wear_Leveling_Count", value=21), 79),
        (ata_row(177, "278", name="Wear_Leveling_Count", value=20), 80),
        (ata_row(233, "0", name="Media_Wearout_Indicator", value=1), 100),
        (ata_row(231, "0", name="SSD_Life_Left", value=0), 100),
        (ata_row(202, "81", name="Percent_Lifetime_Remain", value=19), 81),
        (ata_row(169, "0", name="Remaining_Lifetime_Perc", value=21), 79),
    ],
)
def test_ata_wear_edges(row: dict[str, Any], used: int) -> None:
    expected = None if used < 80 else (W if used < 100 else C)
    found = one_disk_findings(DiskView(block(attributes=[row])), thresholds())
    got = {f.rule: (f.severity, f.evidence["percent_used"]) for f in found}
    assert got == ({} if expected is None else {"disk.wear": (expected, used)})


def test_unrelated_attributes_on_wear_ids_are_not_wear() -> None:
    rows = [
        ata_row(177, "1", name="Wear_Range_Delta", value=0),
        ata_row(233, "1280", name="SandForce_Internal", value=0),
    ]
    assert severities(block(attributes=rows)) == {}


def nvme(**fields: int) -> dict[str, Any]:
    base = {
        "critical_warning": 0,
        "available_spare": 100,
        "available_spare_threshold": 10,
        "percentage_used": 0,
        "media_errors": 0,
    }
    return block(protocol="NVMe", nvme={**base, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"critical_warning": 0}, {}),
        ({"critical_warning": 1}, {"disk.nvme_critical_warning": C}),
        ({"available_spare": 10}, {}),
        ({"available_spare": 9}, {"disk.nvme_spare": C}),
        ({"percentage_used": 79}, {}),
        ({"percentage_used": 80}, {"disk.wear": W}),
        ({"percentage_used": 99}, {"disk.wear": W}),
        ({"percentage_used": 100}, {"disk.wear": C}),
        ({"media_errors": 1}, {"disk.nvme_media_errors": W}),
    ],
)
def test_nvme_edges(fields: dict[str, int], expected: dict[str, Severity]) -> None:
    assert severities(nvme(**fields)) == expected


def test_nvme_media_errors_rising_is_critical() -> None:
    disk = nvme(media_errors=3)
    assert severities(disk, nvme_media_errors=2) == {"disk.nvme_media_errors": C}


def scsi(**fields: int) -> dict[str, Any]:
    base = {
        "grown_defect_list": 0,
        "read_uncorrected_errors": 0,
        "write_uncorrected_errors": 0,
        "verify_uncorrected_errors": 0,
    }
    return block(protocol="SCSI", scsi={**base, **fields})


def test_scsi_grown_defects_and_uncorrected_errors() -> None:
    assert severities(scsi()) == {}
    assert severities(scsi(grown_defect_list=1)) == {"disk.scsi_grown_defects": W}
    assert severities(scsi(grown_defect_list=56), scsi_grown_defects=50) == {
        "disk.scsi_grown_defects": C
    }
    assert severities(scsi(write_uncorrected_errors=1)) == {"disk.scsi_uncorrected": C}
    assert severities(scsi(percentage_used_endurance=80)) == {"disk.wear": W}


@pytest.mark.parametrize(
    ("celsius", "limit", "expected"),
    [
        (60, None, None),
        (61, None, W),
        (70, None, W),
        (71, None, C),
        (47, 60.0, None),
        (48, 60.0, W),
        (59, 60.0, W),
        (60, 60.0, C),
        (60.5, None, W),
        (55, 85.0, None),
    ],
)
def test_temperature_edges(celsius: float, limit: float | None, expected: Severity | None) -> None:
    found = one_disk_findings(
        DiskView(block(temperature_c=celsius, temperature_limit_c=limit)), thresholds()
    )
    got = {f.rule: f for f in found}.get("disk.temperature")
    assert (got.severity if got else None) == expected
    if got:
        assert got.maintenance is Maintenance.COOL_DISK


def test_temperature_sentence_uses_the_indonesian_decimal_comma() -> None:
    (finding,) = one_disk_findings(DiskView(block(temperature_c=60.5)), thresholds())
    assert finding.message_id.startswith("Suhu disk 60,5 °C:")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "unknown"},
        {"smart_available": False},
        {
            "status": "unknown",
            "messages": ["Smartctl open device: /dev/nvme0 failed: Permission denied"],
        },
    ],
)
def test_no_smart_data_is_unknown_never_ok(fields: dict[str, Any]) -> None:
    assessment = assess_disk(DiskView(block(**fields)), thresholds())
    assert assessment.verdict is DiskVerdict.UNKNOWN
    assert [(f.rule, f.severity) for f in assessment.findings] == [
        ("disk.no_smart_data", Severity.INFO)
    ]


def test_no_smart_data_with_a_bad_count_still_warns() -> None:
    disk = block(status="unknown", attributes=[ata_row(5, "3")])
    assert assess_disk(DiskView(disk), thresholds()).verdict is DiskVerdict.WARN


def test_verdict_reasons_put_critical_first_in_both_languages() -> None:
    disk = block(temperature_c=65, attributes=[ata_row(197, "2")])
    assessment = assess_disk(DiskView(disk), thresholds())
    assert assessment.verdict is DiskVerdict.CRIT
    assert assessment.reasons("en") == [
        "Current pending sectors (ATA 197) = 2: the disk is failing, back up and replace it",
        "Disk temperature 65 °C: improve cooling/airflow",
    ]
    assert assessment.reasons("id")[0].startswith("Sektor tertunda (ATA 197) = 2")


def test_thresholds_come_from_the_rules_table() -> None:
    disk = block(attributes=[ata_row(5, "3")])
    assert severities(disk) == {"disk.reallocated": W}
    for strict in (
        thresholds(reallocated_critical_from=3),
        thresholds(reallocated_critical_from=3.0),
    ):
        (finding,) = one_disk_findings(DiskView(disk), strict)
        assert finding.severity is C
    assert one_disk_findings(DiskView(disk), thresholds(reallocated_warning_from=4)) == []


def snapshot(sections: dict[str, Any], trends: dict[str, Any] | None = None) -> Snapshot:
    return Snapshot(
        asset_id=1,
        kind="workstation",
        site="PST",
        now=NOW,
        last_seen=NOW,
        sections=sections,
        trends=trends or {},
    )


def test_family_gives_one_finding_per_disk_and_rule_with_serial_or_device() -> None:
    disks = [
        block(attributes=[ata_row(5, "2")]),
        block(serial=None, device="/dev/sdb", attributes=[ata_row(5, "2")]),
    ]
    found = evaluate_disk(snapshot({"disk_health": disks}), thresholds())
    assert [(f.rule, f.subject, f.evidence["count"]) for f in found] == [
        ("disk.reallocated", "SER1", 2),
        ("disk.reallocated", "/dev/sdb", 2),
    ]


def test_family_reads_trends_from_the_snapshot() -> None:
    trends = {"ata_5_raw:SER1": [(NOW - timedelta(days=7), 1.0)]}
    disks = [block(attributes=[ata_row(5, "2")])]
    (finding,) = evaluate_disk(snapshot({"disk_health": disks}, trends), thresholds())
    assert (finding.severity, finding.evidence["rising"]) == (C, True)
    assert "and rising" in finding.message_en


def test_asset_with_storages_but_no_disk_health_is_flagged_unknown() -> None:
    found = evaluate_disk(snapshot({"storages": [{"name": "vda"}]}), thresholds())
    assert [(f.rule, f.subject, f.severity) for f in found] == [
        ("disk.no_smart_data", "", Severity.INFO)
    ]
    assert evaluate_disk(snapshot({"device": {"kind": "printer"}}), thresholds()) == []


def test_hostile_section_shapes_give_no_crash() -> None:
    weird: list[Any] = [
        "x",
        None,
        {"device": "/dev/sda", "status": "passed", "attributes": [None, 5, {"id": 5}]},
    ]
    assert evaluate_disk(snapshot({"disk_health": weird}), thresholds()) == []
    assert evaluate_disk(snapshot({"disk_health": "junk"}), thresholds()) == []


def test_trend_readings_name_the_metrics_the_rules_compare() -> None:
    sections = {
        "disk_health": [
            block(attributes=[ata_row(5, "2 (0 0)", raw=99999)]),
            nvme(media_errors=3) | {"serial": "N1"},
            scsi(grown_defect_list=56) | {"serial": "S1"},
            block(serial=None, device="", attributes=[ata_row(5, "1")]),
        ]
    }
    assert disk_trend_readings(sections) == {
        "ata_5_raw:SER1": 2.0,
        "nvme_media_errors:N1": 3.0,
        "scsi_grown_defects:S1": 56.0,
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1234, "1.234"),
        (1234567, "1.234.567"),
        (60.5, "60,5"),
        (1234.5, "1.234,5"),
    ],
)
def test_indonesian_number_format(value: float, text: str) -> None:
    assert format_number(value) == text
