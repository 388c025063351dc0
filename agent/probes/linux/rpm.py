"""RHEL/Fedora/SUSE installed packages, from `rpm -q --queryformat`.

EPOCHNUM is the epoch with a missing one shown as 0 (plain EPOCH prints "(none)"); INSTALLTIME
is Unix seconds of when that version was installed.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.junk import clean_text
from agent.probes.linux.packages import MAX_SOFTWARE, Software, short_text, utc_date

RPM_QUERYFORMAT = (
    r"%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{INSTALLTIME}\n"
)
# The public keys rpm keeps as pseudo-packages: not software.
_PSEUDO_PACKAGES = frozenset({"gpg-pubkey", "gpg-pubkey-release"})
_NONE = "(none)"


def rpm_query_argv(specs: Sequence[str] = ()) -> tuple[str, ...]:
    """The rpm command listing the given packages ("name" or "name.arch"), or all when empty."""
    if not specs:
        return ("rpm", "-qa", "--queryformat", RPM_QUERYFORMAT)
    return ("rpm", "-q", "--queryformat", RPM_QUERYFORMAT, *specs)


def _tag(value: str) -> str | None:
    """A queryformat value, None for rpm's "(none)" (tag absent from the header)."""
    return None if value == _NONE else short_text(value)


def _version(evr: str) -> str | None:
    """``epoch:version-release`` with a zero epoch left out, as rpm and dnf print it."""
    return _tag(evr[2:] if evr.startswith("0:") else evr)


def _number(value: str) -> int | None:
    return int(value) if value.isdecimal() else None


def parse_rpm_query(text: str) -> list[Software]:
    """Installed packages from rpm output in RPM_QUERYFORMAT, gpg-pubkey entries skipped.

    Each installed instance is one item (several kernels give several "kernel" items). Lines
    without the five tab-separated columns ("package x is not installed") are skipped.
    """
    found: list[Software] = []
    for line in text.splitlines():
        columns = line.split("\t")
        if len(columns) != 5 or columns[0] in _PSEUDO_PACKAGES:
            continue
        name, evr, arch, vendor, installed = columns
        clean_name = short_text(name)
        if clean_name is None:
            continue
        seconds = _number(installed)
        found.append(
            {
                "name": clean_name,
                "version": _version(evr),
                "arch": _tag(arch),
                "publisher": short_text(clean_text(_tag(vendor))),
                "install_date": utc_date(seconds) if seconds else None,
                "source": "rpm",
            }
        )
    return found[:MAX_SOFTWARE]
