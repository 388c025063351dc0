"""Identity values that identify nothing: placeholders written by OEMs, hypervisors and clones.

Kept in one place so that every probe (and the collector) drops the same junk.
"""

from __future__ import annotations

import re

_JUNK_TEXT = frozenset(
    s.casefold()
    for s in (
        "",
        "0",
        "none",
        "(none)",
        "null",
        "n/a",
        "na",
        "not applicable",
        "not specified",
        "not available",
        "not present",
        "unknown",
        "undefined",
        "default string",
        "default",
        "to be filled by o.e.m.",
        "to be filled by oem",
        "system serial number",
        "system product name",
        "system manufacturer",
        "system version",
        "base board serial number",
        "chassis serial number",
        "serial number",
        "o.e.m.",
        "oem",
        "invalid",
        "xxxxxxxxxx",
        "0123456789",
        "1234567890",
        "123456789",
        "no asset tag",
        "empty",
        "none specified",
        "redacted",
    )
)

_REPEATED = re.compile(r"^(.)\1*$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_JUNK_UUIDS = frozenset(
    {
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",  # common OEM placeholder
        "00020003-0004-0005-0006-000700080009",
        "12345678-1234-5678-90ab-cddeefaabbcc",
    }
)
_JUNK_MACS = frozenset({"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"})


SHORT_TEXT_MAX = 256  # the schema's limit for names, serials, versions


def clean_text(value: str | None) -> str | None:
    """The value stripped of blanks and NULs and cut to the schema's 256 characters, or None
    when it is a known placeholder."""
    if value is None:
        return None
    text = value.replace("\x00", "").strip()[:SHORT_TEXT_MAX].strip()
    if text.casefold() in _JUNK_TEXT or _REPEATED.match(text.replace("-", "").replace(" ", "")):
        return None
    return text


def clean_uuid(value: str | None) -> str | None:
    """A lower-case canonical UUID, or None for placeholders and malformed values."""
    if value is None:
        return None
    text = value.strip().strip("{}").lower()
    if len(text) == 32 and "-" not in text:
        text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    if not _UUID.match(text) or text in _JUNK_UUIDS:
        return None
    if _REPEATED.match(text.replace("-", "")):
        return None
    return text


def clean_mac(value: str | None) -> str | None:
    """A lower-case colon-separated MAC, or None for broadcast, zero and non-Ethernet values."""
    if value is None:
        return None
    digits = re.sub(r"[^0-9a-fA-F]", "", value).lower()
    if len(digits) != 12:
        return None
    mac = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    return None if mac in _JUNK_MACS else mac


def is_locally_administered(mac: str) -> bool:
    """True for MACs a host made up (virtual NICs, randomised Wi-Fi): bit 1 of the first octet."""
    return bool(int(mac[:2], 16) & 0x02)


def identity_mac(value: str | None) -> str | None:
    """A MAC fit to identify hardware: clean and globally unique (not locally administered)."""
    mac = clean_mac(value)
    if mac is None or is_locally_administered(mac):
        return None
    return mac
