"""RHEL/Fedora pending updates: `dnf check-update` joined with `dnf updateinfo list --updates`.

check-update prints one ``name.arch  [epoch:]version-release  repo`` row per upgradable package
(exit status 100 when there are some, 0 when none, 1 on error), then, when obsoletes are on,
an "Obsoleting Packages" section of obsoleting packages each followed by the installed one it
replaces (indented, repo "@System"/"@anaconda"...). That section adds no item: an obsoleter of
the same name is already an upgrade row, one of another name is a new package (like apt's new
dependencies, not counted). A column too narrow for its value wraps the rest of the row onto
the next line, which the parser joins.

updateinfo prints ``ADVISORY-ID  TYPE  NEVRA`` with TYPE "bugfix", "enhancement", "newpackage"
or, for security advisories, "<Severity>/Sec." ("Important/Sec.", "Unknown/Sec."). Yum on
RHEL 7 prints both in the same layout, so the same parsers serve it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict

from agent.probes.linux.packages import MAX_PENDING, PendingUpdate, Software, short_text

CHECK_UPDATE_HAS_UPDATES = 100
_SEVERITY_RANK = {"Critical": 4, "Important": 3, "Moderate": 2, "Low": 1}
_MAX_KB = 64


class Advisory(TypedDict):
    """One (advisory, package) row of `dnf updateinfo list`."""

    id: str
    security: bool
    severity: str | None
    name: str
    arch: str


def _rows(text: str) -> Iterator[list[str]]:
    """Three-column rows of check-update's upgrade table, wrapped rows joined."""
    carry: list[str] = []
    for line in text.splitlines():
        if line.startswith("Obsoleting"):
            return
        tokens = line.split()
        if len(tokens) >= 3 or not tokens:
            carry = []
            if len(tokens) == 3:
                yield tokens
            continue
        carry += tokens
        if len(carry) == 3:
            yield carry
            carry = []
        elif len(carry) > 3:
            carry = tokens


def parse_dnf_check_update(text: str) -> list[PendingUpdate]:
    """Upgradable packages from `dnf -q check-update` (or `yum -q check-update`) output.

    installed_version is left None (check-update does not print it); origin is the repo id.
    Rows that are not ``name.arch version-release repo`` (messages, the obsoletes section)
    are skipped.
    """
    found: dict[tuple[str, str], PendingUpdate] = {}
    for package, version, repo in _rows(text):
        name, dot, arch = package.rpartition(".")
        clean_name, clean_arch = short_text(name), short_text(arch)
        if not dot or clean_name is None or clean_arch is None or "-" not in version:
            continue
        found.setdefault(
            (clean_name, clean_arch),
            {
                "name": clean_name,
                "installed_version": None,
                "available_version": short_text(version),
                "arch": clean_arch,
                "origin": short_text(repo),
            },
        )
    return list(found.values())[:MAX_PENDING]


def _split_nevra(nevra: str) -> tuple[str, str] | None:
    """(name, arch) of ``name-[epoch:]version-release.arch``, None when it is not one."""
    nevr, dot, arch = nevra.rpartition(".")
    parts = nevr.rsplit("-", 2)
    if not dot or len(parts) != 3 or not all(parts) or not arch:
        return None
    return parts[0], arch


def parse_dnf_updateinfo(text: str) -> list[Advisory]:
    """(advisory, package) rows from `dnf -q updateinfo list --updates` output."""
    found: list[Advisory] = []
    for line in text.splitlines():
        tokens = line.split()
        if len(tokens) != 3:
            continue
        advisory, label, nevra = tokens
        package = _split_nevra(nevra)
        advisory_id = short_text(advisory)
        if package is None or advisory_id is None:
            continue
        severity, sec, _ = label.partition("/Sec")
        security = bool(sec) or label == "security"
        found.append(
            {
                "id": advisory_id,
                "security": security,
                "severity": severity if sec and severity in _SEVERITY_RANK else None,
                "name": package[0],
                "arch": package[1],
            }
        )
    return found


def apply_advisories(
    pending: list[PendingUpdate], advisories: list[Advisory]
) -> list[PendingUpdate]:
    """The pending updates with security flag, highest security severity and advisory ids (kb)
    taken from every advisory that names the same package name and arch."""
    by_package: dict[tuple[str, str], list[Advisory]] = {}
    for advisory in advisories:
        by_package.setdefault((advisory["name"], advisory["arch"]), []).append(advisory)
    merged: list[PendingUpdate] = []
    for item in pending:
        matched = by_package.get((item["name"], item["arch"] or ""), [])
        security = [a for a in matched if a["security"]]
        ranked = sorted(
            (a["severity"] for a in security if a["severity"]),
            key=lambda severity: _SEVERITY_RANK[severity],
        )
        merged.append(
            {
                **item,
                "security": bool(security),
                "severity": ranked[-1] if ranked else None,
                "kb": sorted({a["id"] for a in matched})[:_MAX_KB],
            }
        )
    return merged


def apply_installed(pending: list[PendingUpdate], installed: list[Software]) -> list[PendingUpdate]:
    """The pending updates with installed_version from rpm's records of the same name and arch
    (of several installed instances, such as kernels, the one rpm lists last)."""
    versions = {(package["name"], package["arch"]): package["version"] for package in installed}
    return [
        {**item, "installed_version": versions.get((item["name"], item["arch"]))}
        for item in pending
    ]
