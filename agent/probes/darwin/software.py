"""Installed software on a Mac: application bundles and installer-package receipts.

Applications (source "applications"): every ``X.app`` directly in /Applications or in a folder
one level below it (/Applications/Utilities, "/Applications/Adobe Acrobat DC"), read from its
``Contents/Info.plist`` (XML or binary). Bundles inside bundles are not searched, and a bundle
whose Info.plist is missing or damaged is skipped. /System/Applications is left out: those apps
live on the sealed system volume, carry the OS version, and are covered by the operatingsystem
and updates sections. Per-user ~/Applications folders are not read.

Receipts (source "pkgutil"): one pass over /var/db/receipts/*.plist, the files ``pkgutil --pkgs``
and ``--pkg-info`` read, instead of one pkgutil process per package. Apple's own receipts
(``com.apple.pkg.*``: OS components, XProtect/MRT data, Command Line Tools) are skipped; they are
parts of the OS that change with every OS update, which the operatingsystem section records.

Publisher: the holder named in NSHumanReadableCopyright ("Copyright © 2024 Google LLC. All
rights reserved." gives "Google LLC"), else the organisation label of the bundle or package
identifier, capitalised ("com.microsoft.Word" gives "Microsoft").
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.junk import clean_text
from agent.probes.darwin.plist import plist_dict
from agent.sources.host import Host

APPLICATIONS = "/Applications"
RECEIPTS = "/var/db/receipts"
APPLE_RECEIPTS = "com.apple.pkg."

_YEARS = r"\d{4}(?:\s*[-\u2013]\s*\d{4})?"  # 2024, 2012-2024, or with an en dash
_COPYRIGHT_LEAD = re.compile(rf"^(?:copyright\b|\u00a9|\(c\)|{_YEARS}|[\s,.:])+", re.IGNORECASE)
_RIGHTS = re.compile(r"\s*all rights reserved.*$", re.IGNORECASE)
_ABBREVIATIONS = ("Inc.", "Ltd.", "Co.", "Corp.", "L.P.", "S.A.")


def publisher_from_copyright(text: str | None) -> str | None:
    """The rights holder in a copyright line, or None when none can be told."""
    lines = (text or "").strip().splitlines()
    holder = _RIGHTS.sub("", _COPYRIGHT_LEAD.sub("", lines[0] if lines else "")).strip(" ,;")
    if holder.endswith(".") and not holder.endswith(_ABBREVIATIONS):
        holder = holder.rstrip(".")
    if not any(ch.isalpha() for ch in holder):
        return None
    return clean_text(holder[:256])


def publisher_from_identifier(identifier: str | None) -> str | None:
    """The organisation label of a reverse-DNS identifier ("com.google.Chrome" gives "Google")."""
    parts = (identifier or "").split(".")
    if len(parts) < 2 or not parts[1]:
        return None
    return clean_text(parts[1][:1].upper() + parts[1][1:])


def _string(plist: dict[str, Any], key: str) -> str | None:
    value = plist.get(key)
    return clean_text(value) if isinstance(value, str) else None


def parse_info_plist(data: bytes, bundle_name: str) -> dict[str, Any] | None:
    """A ``software`` item from an application's Info.plist; None when it is damaged.

    ``bundle_name`` (the folder name without .app) is the name when the plist gives none.
    """
    plist = plist_dict(data)
    if plist is None:
        return None
    identifier = _string(plist, "CFBundleIdentifier")
    name = _string(plist, "CFBundleDisplayName") or _string(plist, "CFBundleName") or bundle_name
    copyright_line = _string(plist, "NSHumanReadableCopyright")
    return {
        "name": name[:256],
        "version": _string(plist, "CFBundleShortVersionString")
        or _string(plist, "CFBundleVersion"),
        "publisher": publisher_from_copyright(copyright_line)
        or publisher_from_identifier(identifier),
        "source": "applications",
        "package": identifier,
    }


def _install_date(value: Any) -> str | None:
    """The UTC day of a receipt's InstallDate (plistlib reads plist dates as naive UTC)."""
    return value.date().isoformat() if isinstance(value, datetime) else None


def parse_receipt(data: bytes) -> dict[str, Any] | None:
    """A ``software`` item from a /var/db/receipts plist; None for Apple's and damaged ones."""
    receipt = plist_dict(data)
    identifier = _string(receipt, "PackageIdentifier") if receipt is not None else None
    if receipt is None or identifier is None or identifier.startswith(APPLE_RECEIPTS):
        return None
    return {
        "name": identifier[:256],
        "version": _string(receipt, "PackageVersion"),
        "publisher": publisher_from_identifier(identifier),
        "install_date": _install_date(receipt.get("InstallDate")),
        "source": "pkgutil",
    }


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def find_app_bundles(applications: Path) -> list[Path]:
    """The .app bundles in a folder and in its subfolders one level down (not inside bundles)."""
    bundles: list[Path] = []
    for entry in _children(applications):
        if entry.suffix == ".app":
            bundles.append(entry)
        elif entry.is_dir():
            bundles.extend(child for child in _children(entry) if child.suffix == ".app")
    return bundles


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def collect_applications(host: Host) -> list[dict[str, Any]] | None:
    """Applications under /Applications; None when the folder is missing."""
    folder = host.path(APPLICATIONS)
    if not folder.is_dir():
        return None
    found = []
    for bundle in find_app_bundles(folder):
        data = _read_bytes(bundle / "Contents" / "Info.plist")
        item = parse_info_plist(data, bundle.stem) if data is not None else None
        if item is not None:
            found.append(item)
    return found


def collect_receipts(host: Host) -> list[dict[str, Any]] | None:
    """Installer receipts other than Apple's; None when the receipts folder is missing."""
    folder = host.path(RECEIPTS)
    if not folder.is_dir():
        return None
    receipts = (_read_bytes(path) for path in sorted(folder.glob("*.plist")))
    found = (parse_receipt(data) for data in receipts if data is not None)
    return [item for item in found if item is not None]


def collect_softwares(host: Host) -> list[dict[str, Any]] | None:
    """Applications and package receipts, sorted by name; None when neither source exists."""
    applications, receipts = collect_applications(host), collect_receipts(host)
    if applications is None and receipts is None:
        return None
    items = (applications or []) + (receipts or [])
    return sorted(items, key=lambda item: (item["name"].casefold(), item["source"]))
