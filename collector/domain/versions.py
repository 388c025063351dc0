"""Version order per ecosystem: which of two installed versions is newer.

A string compare puts "10.0" before "9.0" and a dpkg "~rc1" after the release; each ecosystem
has its own order, and each is read by a library made for it rather than by code of ours:

- ``dpkg``: Debian policy 5.6.12 (epoch, upstream, revision; "~" sorts before the end), by
  python-debian's ``debian_support.Version`` (Debian's own library, pure Python).
- ``rpm``: rpmvercmp (epoch:version-release, "~" and "^"), by ``rpm-version`` (Python
  bindings of the rpm-rs crate, maintained by RPM developers).
- ``windows``: four-part builds ("10.0.19045.5247"): a tuple of integers, missing parts 0.
- ``dotted``: the version a vendor prints ("124.0.6367.119", "8.0.41", "17.0.12+7"): a tuple of
  integers when both are plain dotted numbers, else ``packaging``'s PEP 440 order when both fit
  it, else rpm's order (which reads any text: digit runs as numbers, letters as text).
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

import rpm_version
from debian.debian_support import Version as DebianVersion
from packaging.version import InvalidVersion as InvalidPep440
from packaging.version import Version as Pep440Version


class Scheme(StrEnum):
    DPKG = "dpkg"
    RPM = "rpm"
    WINDOWS = "windows"
    DOTTED = "dotted"


class InvalidVersionError(ValueError):
    """A version that is not valid in the scheme asked for (nothing is guessed)."""


_DOTTED_NUMBERS = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,18})*")
_WINDOWS_BUILD = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9}){0,3}")
MAX_LENGTH = 256  # the observation schema's limit for a version


def compare(a: str, b: str, scheme: Scheme | str) -> int:
    """-1, 0 or 1 as ``a`` is older than, equal to or newer than ``b`` in ``scheme``.

    Raises InvalidVersionError for an empty or over-long version, one that the scheme does not
    accept (a dpkg version with a space, a Windows build with letters), or an unknown scheme.
    """
    for version in (a, b):
        if not version or len(version) > MAX_LENGTH or version != version.strip():
            raise InvalidVersionError(f"not a version: {version!r}")
    try:
        chosen = Scheme(scheme)
    except ValueError as exc:
        raise InvalidVersionError(f"unknown version scheme {scheme!r}") from exc
    return _COMPARERS[chosen](a, b)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


@lru_cache(maxsize=4096)
def _debian(version: str) -> DebianVersion:
    try:
        return DebianVersion(version)
    except ValueError as exc:
        raise InvalidVersionError(f"not a Debian version: {version!r}") from exc


def _compare_dpkg(a: str, b: str) -> int:
    first, second = _debian(a), _debian(b)
    return (first > second) - (first < second)


def _compare_rpm(a: str, b: str) -> int:
    try:
        result: int = rpm_version.evr_compare(a, b)
    except ValueError as exc:
        raise InvalidVersionError(f"not an rpm version: {a!r} or {b!r}") from exc
    return _sign(result)


def windows_build(version: str) -> tuple[int, int, int, int]:
    """A Windows version as (major, minor, build, revision); "6.3.17763" is (6, 3, 17763, 0).
    Raises InvalidVersionError for anything but one to four dot-separated numbers."""
    if not _WINDOWS_BUILD.fullmatch(version):
        raise InvalidVersionError(f"not a Windows build: {version!r}")
    parts = [int(part) for part in version.split(".")] + [0, 0, 0]
    return parts[0], parts[1], parts[2], parts[3]


def _compare_windows(a: str, b: str) -> int:
    first, second = windows_build(a), windows_build(b)
    return (first > second) - (first < second)


def _numbers(version: str) -> tuple[int, ...]:
    parts = [int(part) for part in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # "1.0" and "1.0.0" are one version
    return tuple(parts)


def _pep440(version: str) -> Pep440Version | None:
    try:
        return Pep440Version(version)
    except InvalidPep440:
        return None


def _compare_dotted(a: str, b: str) -> int:
    if _DOTTED_NUMBERS.fullmatch(a) and _DOTTED_NUMBERS.fullmatch(b):
        first, second = _numbers(a), _numbers(b)
        return (first > second) - (first < second)
    pep_a, pep_b = _pep440(a), _pep440(b)
    if pep_a is not None and pep_b is not None:
        return (pep_a > pep_b) - (pep_a < pep_b)
    return _compare_rpm(a, b)


_COMPARERS = {
    Scheme.DPKG: _compare_dpkg,
    Scheme.RPM: _compare_rpm,
    Scheme.WINDOWS: _compare_windows,
    Scheme.DOTTED: _compare_dotted,
}


def scheme_for_source(source: str | None) -> Scheme:
    """The scheme of a software item's ``source`` in the observation document: dpkg and rpm
    packages by their manager's order, everything else (registry, pkgutil, SNMP) as dotted."""
    if source == "dpkg":
        return Scheme.DPKG
    if source == "rpm":
        return Scheme.RPM
    return Scheme.DOTTED
