"""Every recorded smartctl file of ../shared/corpus/smart/ gets the verdict its SOURCES.md note
implies, through the agent's parser and the shipped thresholds (files are read in place)."""

from __future__ import annotations

import pytest

from collector.domain.rules.disk import DiskVerdict
from collector.entrypoints.explain_smart import default_thresholds, explain_text
from tests.peers import corpus_dir

OK, WARN, CRIT, UNKNOWN = DiskVerdict.OK, DiskVerdict.WARN, DiskVerdict.CRIT, DiskVerdict.UNKNOWN

# file: (verdict, a phrase the English reasons must contain, why the note implies the verdict)
EXPECTED: dict[str, tuple[DiskVerdict, str, str]] = {
    "ata-hdd-seagate-st2000nm0008-packed-raw.json": (
        WARN,
        "Command timeouts (ATA 188) = 2:",
        "188 raw.string '2 2 2' is 2 timeouts (warning > 0); raw.value 8590065666 is packed "
        "and must not read as > 100 (critical); 1/7/195 error rates are not rated",
    ),
    "ata-hdd-wd-red-wd20efrx-healthy.json": (OK, "no findings", "healthy; 5/197/198 = 0"),
    "ata-hdd-wd-ultrastar-hc550-wuh721818-healthy.json": (OK, "no findings", "healthy, young"),
    "ata-ssd-intel-ssdsc2kb240g7-realloc-4.json": (
        WARN,
        "Reallocated sectors (ATA 5) = 4:",
        "5 raw 4 is within 1..16; 233 normalised 55 = 45% wear, below 80%",
    ),
    "ata-ssd-ocz-vertex2-sandforce-xall.json": (
        OK,
        "no findings",
        "healthy; 177 Wear_Range_Delta and 233 SandForce_Internal are not wear percentages, "
        "231 SSD_Life_Left 100 = 0% used",
    ),
    "ata-ssd-samsung-860evo-xall.json": (
        OK,
        "no findings",
        "healthy; 177 Wear_Leveling_Count 81 = 19% used; 36 °C of its 70 °C limit",
    ),
    "error-nvme-permission-denied.json": (
        UNKNOWN,
        "Permission denied",
        "smartctl could not open the device: no SMART data is UNKNOWN, never OK",
    ),
    "megaraid-ata-hdd-wd4000fyyx-healthy.json": (
        OK,
        "no findings",
        "healthy; exit status 4 is a failed SMART command, not a failing disk",
    ),
    "megaraid-sat-seagate-st6000nm0115.json": (
        OK,
        "no findings",
        "healthy; 188 '0 0 0' is 0 timeouts",
    ),
    "nvme-intel-660p-ssdpeknw010t8.json": (OK, "no findings", "healthy NVMe, 0% used"),
    "nvme-intel-ssdpe2kx020t7-percentage-used-75.json": (
        OK,
        "no findings",
        "percentage_used 75 is below the 80% warning; spare 99 above 10",
    ),
    "nvme-samsung-mzwll3t2-failed-critical-warning-0x10.json": (
        CRIT,
        "NVMe critical_warning = 0x10",
        "FAILED verdict and critical_warning bit 4 set",
    ),
    "nvme-toshiba-kxg6aznv512g-xall.json": (
        OK,
        "no findings",
        "healthy; unsafe shutdowns are not a disk fault",
    ),
    "scan-megaraid.json": (UNKNOWN, "--scan", "a scan lists devices, it holds no disk's health"),
    "scan-nvme.json": (UNKNOWN, "--scan", "a scan lists devices, it holds no disk's health"),
    "scan-open-scsi.json": (UNKNOWN, "--scan", "a scan lists devices, it holds no disk's health"),
    "scsi-intel-raid1-volume-no-smart.json": (
        UNKNOWN,
        "No SMART data",
        "a fake-RAID volume has no SMART: unknown, never OK",
    ),
    "scsi-sas-hitachi-h109060sesun600g.json": (OK, "no findings", "healthy SAS, 0 defects"),
    "scsi-sas-seagate-extended-selftests.json": (
        OK,
        "no findings",
        "healthy SAS; 24 °C against a 60 °C trip point",
    ),
    "scsi-sas-seagate-st4000nm0043-grown-defects-56.json": (
        WARN,
        "SCSI grown defects = 56:",
        "56 grown defects > 0 is a warning; no earlier reading, so not 'rising'",
    ),
    "usb-jmicron-hdd-wd2500bevs-xall-exit4.json": (
        OK,
        "no findings",
        "exit status 4 yet the data is present and healthy",
    ),
    "usb-jmicron-hdd-wd3200bevt-failed-realloc-now.json": (
        CRIT,
        "Reallocated_Sector_Ct (value 133, threshold 140)",
        "FAILED; 5 failing now with 535 reallocated, 187 = 84, 188 = 132, 197 = 1",
    ),
    "usb-sat-sandisk-pssd-healthy.json": (OK, "no findings", "healthy portable SSD"),
    "usb-sunplus-hdd-samsung-hd204ui-xall.json": (
        WARN,
        "3 Spin_Up_Time",
        "3 Spin_Up_Time failed in the past (warning); 199 = 1 is a cable warning",
    ),
    "local-vm/scan-open-empty.json": (
        UNKNOWN,
        "No SMART data",
        "virtio-blk is not scanned: no disk's health at all",
    ),
    "local-vm/virtio-vda-a-d-scsi-not-permitted.json": (
        UNKNOWN,
        "Operation not permitted",
        "forcing -d scsi on virtio-blk fails to open",
    ),
    "local-vm/virtio-vda-x-d-sat-not-permitted.json": (
        UNKNOWN,
        "Operation not permitted",
        "forcing -d sat on virtio-blk fails to open",
    ),
    "local-vm/virtio-vda-x-unable-to-detect.json": (
        UNKNOWN,
        "Unable to detect device type",
        "smartctl cannot tell the device type",
    ),
    "local-vm/virtio-vda-x.txt": (UNKNOWN, "not JSON", "plain-text output, not --json"),
}


def test_the_table_covers_every_corpus_file() -> None:
    folder = corpus_dir("smart")
    files = {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != "SOURCES.md"
    }
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gets_the_verdict_its_note_implies(name: str) -> None:
    verdict, phrase, _why = EXPECTED[name]
    text = (corpus_dir("smart") / name).read_text("utf-8")
    got, reasons = explain_text(text, default_thresholds(), "en")
    assert (got, phrase in "; ".join(reasons)) == (verdict, True), reasons


def test_failing_usb_disk_names_every_critical_count() -> None:
    text = (corpus_dir("smart") / "usb-jmicron-hdd-wd3200bevt-failed-realloc-now.json").read_text()
    _verdict, reasons = explain_text(text, default_thresholds(), "en")
    counts = [reason.split(":")[0] for reason in reasons if "(ATA" in reason]
    assert counts == [
        "Reallocated sectors (ATA 5) = 535",
        "Current pending sectors (ATA 197) = 1",
        "Reported uncorrectable errors (ATA 187) = 84",
        "Command timeouts (ATA 188) = 132",
    ]
    assert reasons[-1].startswith("SMART attribute failed in the past: 190")
