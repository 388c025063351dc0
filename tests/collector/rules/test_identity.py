"""Identity rules: open identity conflicts and SSH host-key changes become findings."""

from __future__ import annotations

from typing import Any

from collector.domain.rules.findings import Maintenance, Severity
from collector.domain.rules.identity import evaluate_identity
from tests.collector.rules.rule_inputs import run, shipped_thresholds, snapshot

CLONE = {
    "reason": "clone_machine_id",
    "other_asset_ids": [15, 12],
    "detail": "Kemungkinan klon image: machine-id sama dengan aset #12 dan #15.",
}


def test_conflict_becomes_a_finding_with_reason_and_other_assets() -> None:
    (finding,) = run(evaluate_identity, snapshot(conflicts=[CLONE]), shipped_thresholds("identity"))
    assert finding.rule == "identity.conflict"
    assert finding.subject == "clone_machine_id:12:15"
    assert finding.severity is Severity.WARNING
    assert finding.maintenance is Maintenance.INVESTIGATE_IDENTITY
    assert finding.message_id.startswith(
        "Periksa identitas aset: Kemungkinan klon image (aset lain: #12, #15)."
    )
    assert finding.message_en == (
        "Investigate the asset's identity: Probable cloned image (other assets: #12, #15)."
    )
    assert finding.evidence["other_asset_ids"] == [12, 15]


def test_notices_are_info_and_unknown_reasons_keep_their_code() -> None:
    conflicts: list[dict[str, Any]] = [
        {"reason": "hardware_replaced", "other_asset_ids": [], "detail": ""},
        {"reason": "from_a_newer_version", "other_asset_ids": [3], "detail": ""},
    ]
    findings = run(evaluate_identity, snapshot(conflicts=conflicts), shipped_thresholds("identity"))
    assert [(f.subject, f.severity) for f in findings] == [
        ("hardware_replaced", Severity.INFO),
        ("from_a_newer_version:3", Severity.WARNING),
    ]
    assert "from_a_newer_version" in findings[1].message_en


def test_ignored_reasons_from_the_table() -> None:
    thresholds = shipped_thresholds("identity", ignore_reasons=["clone_machine_id"])
    assert run(evaluate_identity, snapshot(conflicts=[CLONE]), thresholds) == []


def test_host_key_change_is_critical_per_address() -> None:
    changes = [
        {"address": "127.0.0.1:2222", "pinned": "SHA256:old", "seen": "SHA256:new"},
        {"address": "[::1]:22", "pinned": "SHA256:a", "seen": "SHA256:b"},
    ]
    findings = run(evaluate_identity, snapshot(host_key_changes=changes),
                   shipped_thresholds("identity"))  # fmt: skip
    assert [(f.rule, f.subject, f.severity) for f in findings] == [
        ("identity.host_key_changed", "127.0.0.1:2222", Severity.CRITICAL),
        ("identity.host_key_changed", "[::1]:22", Severity.CRITICAL),
    ]
    assert findings[0].maintenance is Maintenance.VERIFY_HOST_KEY
    assert findings[0].evidence == {
        "address": "127.0.0.1:2222", "pinned": "SHA256:old", "seen": "SHA256:new",
    }  # fmt: skip
    assert "SHA256:old" in findings[0].message_id and "SHA256:new" in findings[0].message_id


def test_nothing_open_gives_nothing() -> None:
    assert run(evaluate_identity, snapshot(), shipped_thresholds("identity")) == []
