"""Assets that stopped reporting, and warranties that are ending or have ended.

Agents report hourly and pollers read network devices every 15 minutes, so the two kinds
get their own limits: a laptop away for a week is common, a switch silent for two days is
not. Which kinds report through an agent is the ``agent_kinds`` list (workstations, laptops
and servers by default); everything else is a polled device.

A warranty that ends soon is worth a renewal decision (info from ``warranty_notice_days``,
warning from ``warranty_warning_days``); one that has ended stays an info finding so the
register shows it until someone renews it or records the asset as out of warranty.
"""

from __future__ import annotations

from collections.abc import Iterator

from collector.domain.rules import readable
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds

SECONDS_PER_DAY = 86400.0


def evaluate_presence(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    """A not-seen finding past the kind's limits, and a warranty finding when it is near or
    past its end."""
    yield from _not_seen(snapshot, thresholds)
    yield from _warranty(snapshot, thresholds)


def _not_seen(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    prefix = "agent" if snapshot.kind in thresholds["agent_kinds"] else "device"
    warning, critical = thresholds[f"{prefix}_warning_days"], thresholds[f"{prefix}_critical_days"]
    days = (snapshot.now - snapshot.last_seen).total_seconds() / SECONDS_PER_DAY
    if days < warning:
        return
    who_id, who_en = ("Agen", "The agent") if prefix == "agent" else ("Perangkat", "The device")
    seen_id = readable.day(snapshot.last_seen.date())
    seen_en = readable.day(snapshot.last_seen.date(), "en")
    yield Finding(
        rule="presence.not_seen",
        subject="",
        severity=Severity.CRITICAL if days >= critical else Severity.WARNING,
        message_id=f"{who_id} tidak melapor selama {readable.number(days, 1)} hari "
        f"(terakhir {seen_id}).",
        message_en=f"{who_en} has not reported for {readable.number(days, 1, 'en')} days "
        f"(last on {seen_en}).",
        evidence={
            "last_seen": snapshot.last_seen.isoformat(),
            "days": round(days, 1),
            "reports_by": prefix,
            "warning_days": warning,
            "critical_days": critical,
        },
        maintenance=Maintenance.CHECK_AGENT,
    )


def _warranty(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    until = snapshot.warranty_until
    if until is None:
        return
    days = (until - snapshot.now.date()).days
    evidence = {"warranty_until": until.isoformat(), "days_left": days}
    if days < 0:
        severity = Severity.INFO
        text_id = f"Garansi telah berakhir pada {readable.day(until)}."
        text_en = f"The warranty ended on {readable.day(until, 'en')}."
    elif days <= thresholds["warranty_notice_days"]:
        severity = (
            Severity.WARNING if days <= thresholds["warranty_warning_days"] else Severity.INFO
        )
        text_id = f"Garansi berakhir pada {readable.day(until)} ({days} hari lagi)."
        text_en = f"The warranty ends on {readable.day(until, 'en')} (in {days} days)."
    else:
        return
    yield Finding(
        rule="presence.warranty",
        subject="",
        severity=severity,
        message_id=text_id,
        message_en=text_en,
        evidence={
            **evidence,
            "warning_days": thresholds["warranty_warning_days"],
            "notice_days": thresholds["warranty_notice_days"],
        },
        maintenance=Maintenance.RENEW_WARRANTY,
    )
