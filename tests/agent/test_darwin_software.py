"""macOS installed software: application bundles and package receipts in a recorded tree.

The tree (tests/fixtures/darwin/tree) holds Info.plist files in XML and binary form, a damaged
one, a bundle without one, a helper app nested inside a bundle, an app in /System/Applications,
and /var/db/receipts with Apple's, third parties' and a damaged receipt.
"""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from agent.probes.darwin.software import (
    collect_applications,
    collect_receipts,
    collect_softwares,
    find_app_bundles,
    parse_info_plist,
    parse_receipt,
    publisher_from_copyright,
    publisher_from_identifier,
)
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host, live_host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES
from tests.schema_check import definition_errors

TREE = FIXTURES / "darwin" / "tree"
WORD_INFO = TREE / "Applications" / "Microsoft Word.app" / "Contents" / "Info.plist"
WORD_RECEIPT = TREE / "var/db/receipts/com.microsoft.package.Microsoft_Word.app.plist"


def tree_host(root: Path = TREE) -> Host:
    return Host("darwin", root, RecordedCommandRunner({}), RecordedStats(), None)


def test_softwares_lists_apps_and_third_party_receipts_sorted() -> None:
    softwares = collect_softwares(tree_host())
    assert softwares is not None
    assert [(s["name"], s["source"]) for s in softwares] == [
        ("Adobe Acrobat", "applications"),
        ("Code", "applications"),
        ("com.cisco.pkg.anyconnect.vpn", "pkgutil"),
        ("com.microsoft.package.Microsoft_Word.app", "pkgutil"),
        ("Google Chrome", "applications"),
        ("Legacy Tool", "applications"),
        ("Microsoft Word", "applications"),
        ("org.xquartz.X11", "pkgutil"),
        ("Safari", "applications"),
        ("us.zoom.pkg.videomeeting", "pkgutil"),
        ("XQuartz", "applications"),
        ("zoom.us", "applications"),
    ]
    for item in softwares:
        assert definition_errors("software", item) == [], item


def test_applications_exact_values() -> None:
    apps = {a["name"]: a for a in collect_applications(tree_host()) or []}
    assert len(apps) == 8
    assert apps["Google Chrome"] == {
        "name": "Google Chrome",
        "version": "126.0.6478.127",
        "publisher": "Google LLC",
        "source": "applications",
        "package": "com.google.Chrome",
    }
    assert apps["zoom.us"]["publisher"] == "Zoom Video Communications, Inc."
    assert apps["zoom.us"]["version"] == "6.1.1 (36333)"
    assert apps["Safari"]["publisher"] == "Apple Inc."
    # one folder down (Utilities and a vendor folder)
    assert apps["XQuartz"]["publisher"] == "The XQuartz Project"
    assert (apps["Adobe Acrobat"]["publisher"], apps["Adobe Acrobat"]["package"]) == (
        "Adobe",
        "com.adobe.Acrobat.Pro",
    )
    # no copyright line: publisher from the bundle id
    assert apps["Code"]["publisher"] == "Microsoft"
    # no names at all: the bundle folder's name; no short version: CFBundleVersion
    assert apps["Legacy Tool"] == {
        "name": "Legacy Tool",
        "version": "3.2.1",
        "publisher": "Example",
        "source": "applications",
        "package": "com.example.legacytool",
    }


def test_skipped_bundles() -> None:
    names = {a["name"] for a in collect_applications(tree_host()) or []}
    assert not names & {"Broken Tool", "Empty Shell", "Google Chrome Helper", "Calculator"}
    bundles = [p.name for p in find_app_bundles(TREE / "Applications")]
    assert "Google Chrome Helper.app" not in bundles  # never searched inside a bundle
    assert "Broken Tool.app" in bundles  # found, then skipped for its damaged plist
    assert len(bundles) == 10


def test_binary_info_plist_reads_like_xml() -> None:
    data = WORD_INFO.read_bytes()
    assert data.startswith(b"bplist00")
    as_xml = plistlib.dumps(plistlib.loads(data), fmt=plistlib.FMT_XML)
    expected = {
        "name": "Microsoft Word",
        "version": "16.86",
        "publisher": "Microsoft Corporation",
        "source": "applications",
        "package": "com.microsoft.Word",
    }
    assert parse_info_plist(data, "Microsoft Word") == expected
    assert parse_info_plist(as_xml, "Microsoft Word") == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b'<?xml version="1.0"?><plist version="1.0"><dict><key>CFBundleName</key>',
        b"bplist00\x00\x01\x02",
        plistlib.dumps(["not", "a", "dict"]),
        b"\xff\xfe garbage",
    ],
    ids=["empty", "blank", "truncated-xml", "truncated-binary", "array", "garbage"],
)
def test_damaged_info_plist_is_skipped(data: bytes) -> None:
    assert parse_info_plist(data, "X") is None
    assert parse_receipt(data) is None


def test_receipts_skip_apple_and_damaged() -> None:
    receipts = collect_receipts(tree_host())
    assert receipts is not None
    assert [r["name"] for r in receipts] == [
        "com.cisco.pkg.anyconnect.vpn",
        "com.microsoft.package.Microsoft_Word.app",
        "org.xquartz.X11",
        "us.zoom.pkg.videomeeting",
    ]
    assert WORD_RECEIPT.read_bytes().startswith(b"bplist00")
    assert receipts[1] == {
        "name": "com.microsoft.package.Microsoft_Word.app",
        "version": "16.86.24060916",
        "publisher": "Microsoft",
        "install_date": "2024-06-18",
        "source": "pkgutil",
    }
    assert receipts[3]["install_date"] == "2024-06-20"  # 23:59:30 UTC stays on the UTC day


@pytest.mark.parametrize(
    ("line", "publisher"),
    [
        ("Copyright 2024 Google LLC. All rights reserved.", "Google LLC"),
        ("\u00a9 2024 Microsoft Corporation. All rights reserved.", "Microsoft Corporation"),
        ("Copyright \u00a9 2003-2024 Apple Inc.", "Apple Inc."),
        (
            "Copyright (c) 2012-2024 Zoom Video Communications, Inc. All rights reserved.",
            "Zoom Video Communications, Inc.",
        ),
        ("\u00a9 2003\u20132023 The XQuartz Project", "The XQuartz Project"),
        ("Copyright (C) 2015, 2024 Docker Inc.\nSecond line", "Docker Inc."),
        ("Copyright 2024", None),
        ("All rights reserved.", None),
        ("", None),
        (None, None),
    ],
)
def test_publisher_from_copyright(line: str | None, publisher: str | None) -> None:
    assert publisher_from_copyright(line) == publisher


@pytest.mark.parametrize(
    ("identifier", "publisher"),
    [
        ("com.microsoft.Word", "Microsoft"),
        ("us.zoom.xos", "Zoom"),
        ("org.mozilla.firefox", "Mozilla"),
        ("localapp", None),
        ("com.", None),
        (None, None),
    ],
)
def test_publisher_from_identifier(identifier: str | None, publisher: str | None) -> None:
    assert publisher_from_identifier(identifier) == publisher


def test_missing_folders(tmp_path: Path) -> None:
    assert collect_softwares(tree_host(tmp_path)) is None
    (tmp_path / "var/db/receipts").mkdir(parents=True)
    assert collect_softwares(tree_host(tmp_path)) == []


def test_live_linux_machine_has_no_mac_software() -> None:
    host = live_host()
    if host.path("/Applications").exists() or host.path("/var/db/receipts").exists():
        pytest.skip("this machine has macOS software folders")
    assert collect_softwares(host) is None
