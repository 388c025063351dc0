"""Version order per ecosystem (collector/domain/versions.py), each through its library."""

from __future__ import annotations

import subprocess

import pytest

from collector.domain.versions import (
    InvalidVersionError,
    Scheme,
    compare,
    scheme_for_source,
    windows_build,
)
from tests.peers import require_command

# (a, b, expected compare(a, b)): Debian policy 5.6.12 cases and real Debian 12 versions.
DPKG = [
    ("1.0~rc1", "1.0", -1),  # a tilde sorts before the end
    ("1.0~~", "1.0~~a", -1),
    ("1.0~", "1.0", -1),
    ("1:0.9", "2.0", 1),  # the epoch wins
    ("0:1.0", "1.0", 0),  # epoch 0 is no epoch
    ("10:1", "9:999", 1),
    ("2.0-1", "2.0-1+deb12u1", -1),
    ("1.0a", "1.0", 1),
    ("1.2.10", "1.2.9", 1),  # digit runs are numbers
    ("1.0", "1.0.0", -1),
    ("1.0", "1.0-0", 0),
    ("2.36-9+deb12u4", "2.36-9+deb12u14", -1),
    ("3.0.19-1~deb12u2", "3.0.19-1", -1),
    ("1:1.2.13.dfsg-1", "1.2.14-1", 1),
    ("1.0-beta-1", "1.0-1", 1),  # the revision follows the last hyphen
    ("6.1.0-18", "6.1.0-21", -1),
]
RPM = [
    ("1.0-1", "1.0-2", -1),  # release
    ("1:1.0-1", "2.0-1", 1),  # epoch
    ("1.0~rc1-1", "1.0-1", -1),  # tilde: pre-release
    ("1.0^git1-1", "1.0-1", 1),  # caret: post-release snapshot
    ("5.14.0-427.13.1.el9_4", "5.14.0-362.24.1.el9_3", 1),
    ("2.02-93.el8", "2.02-100.el8", -1),
    ("1.0.1-1", "1.0a-1", 1),  # numbers sort after letters
    ("4.18.0-259.el8", "4.18.0-259.el8", 0),
]
WINDOWS = [
    ("10.0.19045.5247", "10.0.19045.5131", 1),
    ("10.0.22631", "10.0.19045.9999", 1),
    ("6.3.9600", "6.3.9600.0", 0),  # a missing part is 0
    ("10.0.9", "10.0.10", -1),
    ("6.1.7601", "6.3.17763", -1),
]
DOTTED = [
    ("124.0.6367.119", "124.0.6367.91", 1),
    ("1.0", "1.0.0", 0),
    ("8.0.41", "8.0.9", 1),
    ("17.0.12+7", "17.0.12+10", -1),  # PEP 440 local version, compared as a number
    ("2.0rc1", "2.0", -1),  # PEP 440 pre-release
    ("8u401", "8u391", 1),  # neither dotted nor PEP 440: rpm's order reads it
]


@pytest.mark.parametrize(
    ("scheme", "a", "b", "expected"),
    [(Scheme.DPKG, *case) for case in DPKG]
    + [(Scheme.RPM, *case) for case in RPM]
    + [(Scheme.WINDOWS, *case) for case in WINDOWS]
    + [(Scheme.DOTTED, *case) for case in DOTTED],
)
def test_order_per_ecosystem(scheme: Scheme, a: str, b: str, expected: int) -> None:
    assert compare(a, b, scheme) == expected
    assert compare(b, a, scheme) == -expected


def test_dpkg_order_agrees_with_dpkg_itself() -> None:
    dpkg = require_command("dpkg")

    def order(a: str, b: str) -> int:
        for relation, result in (("lt", -1), ("eq", 0)):
            done = subprocess.run([dpkg, "--compare-versions", a, relation, b], check=False)
            if done.returncode == 0:
                return result
        return 1

    assert [compare(a, b, "dpkg") for a, b, _ in DPKG] == [order(a, b) for a, b, _ in DPKG]


@pytest.mark.parametrize(
    ("a", "b", "scheme"),
    [
        ("", "1.0", Scheme.DOTTED),  # hostile first: nothing to compare
        (" 1.0", "1.0", Scheme.DPKG),
        ("1.0 beta", "1.0", Scheme.DPKG),  # a space is no Debian version
        ("x:1.0", "1.0", Scheme.DPKG),  # nor is a non-numeric epoch
        ("10.0.19045a", "10.0.19045", Scheme.WINDOWS),
        ("10.0.1.2.3", "10.0", Scheme.WINDOWS),  # five parts
        ("1" * 300, "1", Scheme.DOTTED),
        ("1.0", "1.0", "semver"),  # unknown scheme
    ],
)
def test_refused_versions_raise(a: str, b: str, scheme: str) -> None:
    with pytest.raises(InvalidVersionError):
        compare(a, b, scheme)


def test_windows_build_parts() -> None:
    assert windows_build("6.3.17763") == (6, 3, 17763, 0)
    assert windows_build("10.0.19045.5247") == (10, 0, 19045, 5247)


def test_scheme_for_source() -> None:
    assert [scheme_for_source(s) for s in ("dpkg", "rpm", "registry", None)] == [
        Scheme.DPKG,
        Scheme.RPM,
        Scheme.DOTTED,
        Scheme.DOTTED,
    ]
