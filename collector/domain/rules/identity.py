"""Identity conflicts from reconciliation, and SSH host keys that changed.

Each open identity conflict is a finding for a person to investigate (a cloned image, a
serial two assets share, ...); the notices that accompany an applied match (hardware or
operating system replaced) are info, the rest warnings, because until someone looks two
machines may be recorded as one. A changed SSH host key is critical: the poller stopped before
sending a password, and either the device was replaced or something sits in its place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collector.domain.identity import NOTICES, reason_label
from collector.domain.rules.findings import Finding, Maintenance, Severity, Snapshot, Thresholds


def evaluate_identity(snapshot: Snapshot, thresholds: Thresholds) -> Iterator[Finding]:
    """One finding per open identity conflict and per open host-key change."""
    ignored = set(thresholds["ignore_reasons"])
    for conflict in snapshot.conflicts:
        if conflict.get("reason") not in ignored:
            yield _conflict(conflict)
    for change in snapshot.host_key_changes:
        yield _host_key(change)


def _conflict(conflict: Mapping[str, Any]) -> Finding:
    reason = str(conflict.get("reason") or "unknown")
    others = sorted(int(asset) for asset in conflict.get("other_asset_ids") or ())
    assets = ", ".join(f"#{asset}" for asset in others)
    detail = conflict.get("detail") or ""
    with_id = f" (aset lain: {assets})" if others else ""
    with_en = f" (other assets: {assets})" if others else ""
    return Finding(
        rule="identity.conflict",
        subject=reason + "".join(f":{asset}" for asset in others),
        severity=Severity.INFO if reason in NOTICES else Severity.WARNING,
        message_id=f"Periksa identitas aset: {reason_label(reason)}{with_id}. {detail}".strip(),
        message_en=f"Investigate the asset's identity: {reason_label(reason, 'en')}{with_en}.",
        evidence={"reason": reason, "other_asset_ids": others, "detail": detail},
        maintenance=Maintenance.INVESTIGATE_IDENTITY,
    )


def _host_key(change: Mapping[str, Any]) -> Finding:
    address, pinned, seen = str(change.get("address")), change.get("pinned"), change.get("seen")
    return Finding(
        rule="identity.host_key_changed",
        subject=address,
        severity=Severity.CRITICAL,
        message_id=f"Kunci host SSH {address} berubah: tersimpan {pinned}, terlihat {seen}. "
        "Pastikan perangkat memang diganti sebelum menerima kunci baru.",
        message_en=f"The SSH host key of {address} changed: pinned {pinned}, seen {seen}. "
        "Make sure the device was really replaced before accepting the new key.",
        evidence={"address": address, "pinned": pinned, "seen": seen},
        maintenance=Maintenance.VERIFY_HOST_KEY,
    )
