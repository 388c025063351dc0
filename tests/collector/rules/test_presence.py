"""Presence rules: not seen per kind on both sides of each limit, and warranty ending or ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collector.domain.rules.findings import Maintenance, Severity
from collector.domain.rules.presence import evaluate_presence
from tests.collector.rules.rule_inputs import NOW, by_rule, run, shipped_thresholds, snapshot

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("kind", "silent", "expected"),
    [
        ("laptop", 7 * DAY - SECOND, None),
        ("laptop", 7 * DAY, Severity.WARNING),
        ("workstation", 30 * DAY - SECOND, Severity.WARNING),
        ("server", 30 * DAY, Severity.CRITICAL),
        ("switch", 2 * DAY - SECOND, None),
        ("switch", 2 * DAY, Severity.WARNING),
        ("printer", 7 * DAY - SECOND, Severity.WARNING),
        ("ups", 7 * DAY, Severity.CRITICAL),
    ],
)
def test_not_seen_limits_per_kind(kind: str, silent: timedelta, expected: Severity | None) -> None:
    snap = snapshot(kind=kind, last_seen=NOW - silent)
    findings = run(evaluate_presence, snap, shipped_thresholds("presence"))
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert findings[0].maintenance is Maintenance.CHECK_AGENT
        assert findings[0].evidence["reports_by"] == (
            "agent" if kind in {"laptop", "workstation", "server"} else "device"
        )


def test_not_seen_sentence() -> None:
    snap = snapshot(kind="router", last_seen=NOW - timedelta(days=3, hours=12))
    (finding,) = run(evaluate_presence, snap, shipped_thresholds("presence"))
    assert (
        finding.message_id == "Perangkat tidak melapor selama 3,5 hari (terakhir 24 November 2026)."
    )
    assert finding.message_en == (
        "The device has not reported for 3.5 days (last on 24 November 2026)."
    )


def test_not_seen_limits_overridden_and_kinds_reassigned() -> None:
    snap = snapshot(kind="server", last_seen=NOW - 3 * DAY)
    assert run(evaluate_presence, snap, shipped_thresholds("presence")) == []
    # servers polled over SNMP rather than by an agent: the device limits apply
    thresholds = shipped_thresholds("presence", agent_kinds=["workstation", "laptop"])
    (finding,) = run(evaluate_presence, snap, thresholds)
    assert finding.severity is Severity.WARNING
    thresholds = shipped_thresholds("presence", agent_warning_days=1, agent_critical_days=3)
    (finding,) = run(evaluate_presence, snap, thresholds)
    assert finding.severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (91, None),
        (90, Severity.INFO),
        (31, Severity.INFO),
        (30, Severity.WARNING),
        (0, Severity.WARNING),
        (-1, Severity.INFO),  # ended
    ],
)
def test_warranty_on_both_sides(days_left: int, expected: Severity | None) -> None:
    snap = snapshot(warranty_until=NOW.date() + timedelta(days=days_left))
    findings = by_rule(run(evaluate_presence, snap, shipped_thresholds("presence")),
                       "presence.warranty")  # fmt: skip
    assert [f.severity for f in findings] == ([expected] if expected else [])
    if expected:
        assert findings[0].evidence["days_left"] == days_left
        assert findings[0].maintenance is Maintenance.RENEW_WARRANTY


def test_warranty_sentences() -> None:
    thresholds = shipped_thresholds("presence")
    (ending,) = run(evaluate_presence, snapshot(warranty_until=date(2026, 12, 18)), thresholds)
    assert ending.message_id == "Garansi berakhir pada 18 Desember 2026 (20 hari lagi)."
    assert ending.message_en == "The warranty ends on 18 December 2026 (in 20 days)."
    (ended,) = run(evaluate_presence, snapshot(warranty_until=date(2025, 1, 31)), thresholds)
    assert ended.message_id == "Garansi telah berakhir pada 31 Januari 2025."


def test_no_warranty_date_and_recently_seen_give_nothing() -> None:
    assert run(evaluate_presence, snapshot(), shipped_thresholds("presence")) == []
