"""Inputs for the rule-family tests: the shipped thresholds and snapshots built from sections."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any

from collector.domain.rules.findings import Finding, RuleFamily, Snapshot

NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def shipped_thresholds(table: str, **overrides: Any) -> dict[str, Any]:
    """One family's table of the shipped rules file, with ``overrides`` applied (as an ops
    rules.toml would)."""
    text = files("collector.domain.rules").joinpath("defaults.toml").read_text(encoding="utf-8")
    values: dict[str, Any] = dict(tomllib.loads(text)[table])
    unknown = set(overrides) - set(values)
    assert not unknown, f"not keys of [{table}]: {sorted(unknown)}"
    return values | overrides


def snapshot(
    sections: Mapping[str, Any] | None = None,
    *,
    kind: str = "workstation",
    now: datetime = NOW,
    last_seen: datetime = NOW,
    warranty_until: date | None = None,
    trends: Mapping[str, Sequence[tuple[datetime, float]]] | None = None,
    conflicts: Sequence[Mapping[str, Any]] = (),
    host_key_changes: Sequence[Mapping[str, Any]] = (),
) -> Snapshot:
    """A snapshot of asset 1 at site BBPOM-SBY with the given parts."""
    return Snapshot(
        asset_id=1, kind=kind, site="BBPOM-SBY", now=now, last_seen=last_seen,
        sections=sections or {}, warranty_until=warranty_until, trends=trends or {},
        conflicts=conflicts, host_key_changes=host_key_changes,
    )  # fmt: skip


def run(family: RuleFamily, snap: Snapshot, thresholds: Mapping[str, Any]) -> list[Finding]:
    """The family's findings as a list."""
    return list(family(snap, thresholds))


def by_rule(findings: Iterable[Finding], rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [finding for finding in findings if finding.rule == rule]
