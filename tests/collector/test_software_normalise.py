"""Software catalogue names, publishers and versions from what agents report."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from agent.probes.windows.software import collect_softwares
from agent.sources.commands import RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.registry import RegExportReader
from agent.sources.stats import RecordedStats
from collector.domain.software import (
    NAME_MAX,
    SoftwareItem,
    normalise_name,
    normalise_publisher,
    normalise_software,
    normalise_softwares,
    normalise_version,
    strip_display_name,
)
from tests.peers import FIXTURES, REPO

# (DisplayName as the registry holds it, catalogue name, architecture the name states)
DISPLAY_NAMES = [
    ("Mozilla Firefox (x64 en-US)", "Mozilla Firefox", "x64"),
    ("Mozilla Firefox 128.0.2 (x64 id)", "Mozilla Firefox", "x64"),
    ("Mozilla Firefox 115.12.0 ESR (x64 en-US)", "Mozilla Firefox ESR", "x64"),
    ("Mozilla Thunderbird (x86 id)", "Mozilla Thunderbird", "x86"),
    ("7-Zip 23.01 (x64)", "7-Zip", "x64"),
    ("7-Zip 9.20 (x64 edition)", "7-Zip", "x64"),
    (
        "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135",
        "Microsoft Visual C++ 2015-2022 Redistributable",
        "x64",
    ),
    (
        "Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33135",
        "Microsoft Visual C++ 2015-2022 Redistributable",
        "x86",
    ),
    (
        "Microsoft Visual C++ 2008 Redistributable - x64 9.0.30729.6161",
        "Microsoft Visual C++ 2008 Redistributable",
        "x64",
    ),
    (
        "Microsoft Visual C++ 2022 X64 Minimum Runtime - 14.38.33135",
        "Microsoft Visual C++ 2022 X64 Minimum Runtime",
        None,
    ),
    ("Adobe Acrobat Reader DC - Indonesia", "Adobe Acrobat Reader DC", None),
    ("Adobe Acrobat (64-bit)", "Adobe Acrobat", "x64"),
    ("Google Chrome", "Google Chrome", None),
    ("Java 8 Update 401 (64-bit)", "Java 8", "x64"),
    ("Java 8 Update 401", "Java 8", None),
    ("Java(TM) SE Development Kit 21.0.2 (64-bit)", "Java(TM) SE Development Kit", "x64"),
    ("Microsoft 365 Apps for enterprise - id-id", "Microsoft 365 Apps for enterprise", None),
    ("Microsoft 365 Apps for enterprise - en-us", "Microsoft 365 Apps for enterprise", None),
    (
        "Microsoft Office Professional Plus 2016 \u2013 en-us",
        "Microsoft Office Professional Plus 2016",
        None,
    ),
    ("VLC media player", "VLC media player", None),
    ("Notepad++ (64-bit x64)", "Notepad++", "x64"),
    ("WinRAR 6.24 (64-bit)", "WinRAR", "x64"),
    ("WinRAR 6.24 (32 bit)", "WinRAR", "x86"),
    ("Microsoft SQL Server 2019 (64-bit)", "Microsoft SQL Server 2019", "x64"),
    ("Microsoft Windows Desktop Runtime - 8.0.4 (x64)", "Microsoft Windows Desktop Runtime", "x64"),
    ("Microsoft Visual Studio Code (User)", "Microsoft Visual Studio Code", None),
    ("PuTTY release 0.80 (64-bit)", "PuTTY", "x64"),
    ("Git version 2.44.0", "Git", None),
    ("WPS Office (11.2.0.11537)", "WPS Office", None),
    ("Wireshark 4.2.4 64-bit", "Wireshark", "x64"),
    ("OpenVPN 2.6.8-I003 amd64", "OpenVPN", "x64"),
    ("Python 3.12.1 (64-bit)", "Python", "x64"),
    ("Python 3.12.1 Add to Path (64-bit)", "Python 3.12.1 Add to Path", "x64"),
    ("LibreOffice 24.2.2.2", "LibreOffice", None),
    ("TeamViewer 15", "TeamViewer 15", None),
    (
        "Dell Command | Update for Windows Universal",
        "Dell Command | Update for Windows Universal",
        None,
    ),
    ("Cisco Secure Client - AnyConnect VPN", "Cisco Secure Client - AnyConnect VPN", None),
    ("Intel(R) Wi-Fi 6 AX201", "Intel(R) Wi-Fi 6 AX201", None),
    ("Aplikasi e-Registrasi BPOM", "Aplikasi e-Registrasi BPOM", None),
    ("  Zoom   Workplace\u00a0(64-bit) ", "Zoom Workplace", "x64"),
]


@pytest.mark.parametrize(("reported", "expected", "arch"), DISPLAY_NAMES)
def test_display_names_lose_version_arch_and_locale(
    reported: str, expected: str, arch: str | None
) -> None:
    assert normalise_name(reported, "registry") == expected
    assert strip_display_name(reported) == (expected, arch)


@pytest.mark.parametrize(("reported", "expected", "_arch"), DISPLAY_NAMES)
def test_normalising_twice_changes_nothing(reported: str, expected: str, _arch: str) -> None:
    assert normalise_name(normalise_name(reported, "registry"), "registry") == expected


def test_enough_real_world_cases() -> None:
    assert len(DISPLAY_NAMES) >= 25


@pytest.mark.parametrize(
    ("reported", "source", "expected"),
    [
        ("libc6", "dpkg", "libc6"),
        ("linux-image-6.1.0-21-amd64", "dpkg", "linux-image-6.1.0-21-amd64"),
        ("NetworkManager", "rpm", "networkmanager"),
        ("kernel-core", "rpm", "kernel-core"),
        ("com.apple.pkg.XProtectPayloads", "pkgutil", "com.apple.pkg.xprotectpayloads"),
        # a package id is never stripped, even where a display name would be
        ("python3.11 2.1", "dpkg", "python3.11 2.1"),
        ("Google Chrome", "applications", "Google Chrome"),
        ("Microsoft Teams classic", "registry_user", "Microsoft Teams classic"),
    ],
)
def test_package_ids_stay_as_reported_in_lower_case(
    reported: str, source: str, expected: str
) -> None:
    assert normalise_name(reported, source) == expected


@pytest.mark.parametrize(
    "reported",
    ["1.0", "v2.3.4", "(x64)", "x64", "64-bit", "- 1.0", "en-US"],
)
def test_a_name_that_is_only_noise_is_kept_rather_than_emptied(reported: str) -> None:
    assert normalise_name(reported, "registry") == reported


@pytest.mark.parametrize(("reported", "expected"), [("", ""), ("   ", ""), ("\t\n", "")])
def test_blank_names_stay_blank(reported: str, expected: str) -> None:
    assert normalise_name(reported, "registry") == expected
    assert normalise_name(reported, "dpkg") == expected


def test_very_long_names_are_cut_to_the_schema_limit_quickly() -> None:
    started = time.perf_counter()
    long_names = [
        "A" * 100_000,
        "Product " * 20_000 + "1.0",
        "Foo" + " (x64)" * 10_000,
        "Foo" + " - 1.0" * 10_000,
        " " * 100_000 + "Bar",
    ]
    results = [normalise_name(name, "registry") for name in long_names]
    assert time.perf_counter() - started < 1.0
    assert all(len(result) <= NAME_MAX for result in results)
    assert results[0] == "A" * NAME_MAX
    assert results[2] == "Foo"
    assert results[3] == "Foo"
    assert results[4] == ""  # the name lies beyond the first 256 characters
    assert len(normalise_name("x" * 5000, "dpkg")) == NAME_MAX


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("Microsoft Corporation", "Microsoft"),
        ("Microsoft", "Microsoft"),
        ("Google LLC", "Google"),
        ("Google Inc.", "Google"),
        ("Mozilla", "Mozilla"),
        ("Mozilla Corporation", "Mozilla"),
        ("Mozilla Foundation", "Mozilla"),
        ("Oracle Corporation", "Oracle"),
        ("Oracle America, Inc.", "Oracle"),
        ("Adobe Inc.", "Adobe"),
        ("Adobe Systems Incorporated", "Adobe"),
        ("Igor Pavlov", "Igor Pavlov"),
        ("Dell Inc.", "Dell"),
        ("NVIDIA Corporation", "NVIDIA"),
        ("Hewlett-Packard Company", "HP"),
        ("HP Inc.", "HP"),
        ("Zoom Video Communications, Inc.", "Zoom Video Communications"),
        ("Telegram FZ-LLC", "Telegram"),
        ("Samsung Electronics Co., Ltd.", "Samsung Electronics"),
        ("Samsung Electronics Co., Ltd", "Samsung Electronics"),
        ("TeamViewer GmbH", "TeamViewer"),
        ("JetBrains s.r.o.", "JetBrains s.r.o."),  # not in the suffix list: kept
        ("Foxit Software Inc", "Foxit Software"),
        ("Kaspersky Lab Ltd.", "Kaspersky Lab"),
        ("Philips B.V.", "Philips"),
        ("Sage S.A.", "Sage"),
        ("Acme Corp.", "Acme"),
        ("PT Telkom Indonesia (Persero) Tbk", "Telkom Indonesia (Persero)"),
        ("Badan Pengawas Obat dan Makanan", "Badan Pengawas Obat dan Makanan"),
        ("Notepad++ Team", "Notepad++ Team"),
        ("Debian OpenSSL Team", "Debian"),
        ("Debian Adduser Developers", "Debian"),
        ("Debian X Strike Force", "Debian X Strike Force"),  # not a team word: kept
        ("Debian Python Team <team+python@tracker.debian.org>", "Debian"),
        ("GNU Libc Maintainers", "GNU Libc Maintainers"),
        ("Matthias Klose", "Matthias Klose"),
        ("Ubuntu Developers", "Ubuntu"),
        ("Ubuntu Core Developers", "Ubuntu"),
        ("Red Hat, Inc.", "Red Hat"),
        ("  Microsoft   Corporation ", "Microsoft"),
        ("Inc.", "Inc."),  # nothing would be left: kept
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_publishers_lose_legal_form_and_take_the_common_alias(
    reported: str | None, expected: str | None
) -> None:
    assert normalise_publisher(reported) == expected


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("128.0.2", "128.0.2"),
        (" v1.2.3 ", "1.2.3"),
        ("V10", "10"),
        ("vista", "vista"),
        ("v", "v"),
        ("1:2.36-9+deb12u14", "1:2.36-9+deb12u14"),
        ("0:5.14.0-427.13.1.el9_4", "0:5.14.0-427.13.1.el9_4"),
        ("3.0.19-1~deb12u2", "3.0.19-1~deb12u2"),
        ("6.0.4 (38135)", "6.0.4 (38135)"),
        ("1.0   beta\t2", "1.0 beta 2"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_versions_are_trimmed_but_keep_epoch_and_revision(
    reported: str | None, expected: str | None
) -> None:
    assert normalise_version(reported) == expected


def test_versions_are_capped_at_the_schema_limit() -> None:
    assert normalise_version("1." * 1000) == ("1." * 128)[:256]
    assert len(normalise_version("9" * 100_000) or "") == 256


def _registry(name: str, version: str, arch: str | None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "version": version, "arch": arch, "source": "registry", **extra}


def test_one_item_keeps_what_was_reported_beside_the_normalised_name() -> None:
    item = normalise_software(
        _registry(
            "Mozilla Firefox 128.0.2 (x64 id)",
            " v128.0.2 ",
            "x86",
            publisher="Mozilla Corporation",
            install_date="2024-07-30",
        )
    )
    assert item == SoftwareItem(
        name="Mozilla Firefox",
        display_name="Mozilla Firefox 128.0.2 (x64 id)",
        publisher="Mozilla",
        version="128.0.2",
        arch="x64",  # the name says x64: it wins over the registry view's x86
        source="registry",
        install_date="2024-07-30",
    )


def test_package_arch_is_kept_as_the_package_manager_reports_it() -> None:
    item = normalise_software(
        {"name": "libc6", "version": "2.36-9", "arch": "i386", "source": "dpkg"}
    )
    assert (item.name, item.arch, item.publisher, item.install_date) == (
        "libc6",
        "i386",
        None,
        None,
    )


def test_exact_duplicates_collapse_and_the_first_wins() -> None:
    items = normalise_softwares(
        [
            _registry("Notepad++ (64-bit x64)", "8.6.5", "x64", install_date="2024-01-01"),
            _registry("Notepad++ (64-bit x64)", "8.6.5", "x64", install_date="2024-02-02"),
            _registry("notepad++ (x64)", "8.6.5", "x64"),
        ]
    )
    assert [(i.name, i.version, i.install_date) for i in items] == [
        ("Notepad++", "8.6.5", "2024-01-01")
    ]


def test_different_versions_of_one_name_are_all_kept() -> None:
    kernels = [
        {"name": "kernel-core", "version": v, "arch": "x86_64", "source": "rpm"}
        for v in ("0:5.14.0-427.13.1.el9_4", "0:5.14.0-362.24.1.el9_3", "0:5.14.0-427.13.1.el9_4")
    ]
    items = normalise_softwares(kernels)
    assert [i.version for i in items] == ["0:5.14.0-362.24.1.el9_3", "0:5.14.0-427.13.1.el9_4"]


def test_both_architectures_of_one_redistributable_are_two_entries() -> None:
    # Both bundles register in the 32-bit registry view, so the agent reports both as x86.
    items = normalise_softwares(
        [
            _registry(
                "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135",
                "14.38.33135.0",
                "x86",
            ),
            _registry(
                "Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33135",
                "14.38.33135.0",
                "x86",
            ),
        ]
    )
    assert [(i.name, i.arch) for i in items] == [
        ("Microsoft Visual C++ 2015-2022 Redistributable", "x64"),
        ("Microsoft Visual C++ 2015-2022 Redistributable", "x86"),
    ]


def test_blank_names_are_dropped_and_the_rest_sorted() -> None:
    items = normalise_softwares(
        [
            _registry("zoom Workplace", "6.0", None),
            _registry("   ", "1.0", None),
            {"name": "", "source": "dpkg"},
            _registry("7-Zip 23.01 (x64)", "23.01", "x64"),
            _registry("Adobe Acrobat Reader DC", "24.0", "x86"),
        ]
    )
    assert [i.name for i in items] == ["7-Zip", "Adobe Acrobat Reader DC", "zoom Workplace"]


def test_missing_fields_read_as_unknown() -> None:
    item = normalise_software({"name": "Something"})
    assert item == SoftwareItem("Something", "Something", None, None, None, "other", None)


def test_recorded_registry_export_through_the_agent_probe(tmp_path: Path) -> None:
    host = Host(
        "windows",
        tmp_path,
        RecordedCommandRunner({}),
        RecordedStats(),
        RegExportReader.from_file(FIXTURES / "windows" / "uninstall.reg"),
    )
    reported = collect_softwares(host)
    assert reported is not None
    items = normalise_softwares(reported)
    assert len(items) == len(reported) == 20  # nothing in this export is a duplicate
    names = {(i.name, i.arch, i.publisher) for i in items}
    assert ("Mozilla Firefox", "x64", "Mozilla") in names
    assert ("7-Zip", "x64", "Igor Pavlov") in names
    assert ("Java 8", "x86", "Oracle") in names
    assert ("Microsoft Visual Studio Code", None, "Microsoft") in names
    assert ("Microsoft 365 Apps for enterprise", "x64", "Microsoft") in names
    assert ("Telegram Desktop", None, "Telegram") in names
    assert ("Microsoft Visual C++ 2015-2022 Redistributable", "x64", "Microsoft") in names
    assert ("Microsoft Visual C++ 2015-2022 Redistributable", "x86", "Microsoft") in names
    assert {i.publisher for i in items} >= {"Adobe", "Google", "Dell", "Microsoft"}


def test_example_linux_document_publishers() -> None:
    document = json.loads((REPO / "schemas/examples/agent-linux-laptop.json").read_text())
    items = normalise_softwares(document["softwares"])
    assert [(i.name, i.arch, i.publisher) for i in items] == [
        ("adduser", "all", "Debian"),
        ("bash", "amd64", "Matthias Klose"),
        ("libc6", "amd64", "GNU Libc Maintainers"),
        ("libc6", "i386", "GNU Libc Maintainers"),
        ("openssl", "amd64", "Debian"),
        ("tzdata", "all", "GNU Libc Maintainers"),
        ("zlib1g", "amd64", "Mark Brown"),
    ]
