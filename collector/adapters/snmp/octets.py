"""Decoding OCTET STRING values: display text, MAC addresses, DateAndTime, "0x..." hex text.

SNMP hands every one of these over as raw octets and agents are careless with them: display
strings end in NULs, carry CR/LF or a binary prefix, arrive in Latin-1, or have been turned into
"0x4869" or a hex dump by the agent itself. These functions are pure and never raise on bad
input: anything they cannot make sense of is None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from agent.junk import clean_mac
from collector.adapters.snmp.values import Value

SHORT = 256  # the schema's limit for names, serials, versions
TEXT = 1024  # the schema's limit for descriptions

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_HEX_TEXT = re.compile(r"^0x((?:[0-9a-fA-F]{2})+)$")
# An agent (or a capture tool) that printed the rest of a string as a hex dump after a line
# break: "Black Cartridge \n38 32 37 41 20 ... 00" is "Black Cartridge 827A ...".
_HEX_DUMP_TAIL = re.compile(r"\n((?:[0-9A-Fa-f]{2}[ \n]*)+)$")
_MAC_TEXT = re.compile(r"^[0-9a-fA-F]{1,2}([:-])(?:[0-9a-fA-F]{1,2}\1){4}[0-9a-fA-F]{1,2}$")
_MAC_DOTTED = re.compile(r"^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$")
_MAC_BARE = re.compile(r"^(?:0x)?[0-9a-fA-F]{12}$")


def display_text(value: Value, limit: int = SHORT) -> str | None:
    """The readable text of a DisplayString, cut to ``limit`` characters; None when empty.

    Decodes UTF-8 and falls back to Latin-1 (old printers); drops what follows a NUL, turns
    control characters (CR/LF, tabs) into single spaces, strips non-printable prefixes and
    suffixes, and restores a hex-dumped tail. Values that are not octets give None.
    """
    if not isinstance(value, bytes):
        return None
    raw = value.split(b"\x00", 1)[0]
    text = _decode(raw)
    text = _restore_hex_dump(text)
    text = " ".join(_CONTROL.sub(" ", text).replace("\ufeff", " ").split())
    return text[:limit].rstrip() or None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _restore_hex_dump(text: str) -> str:
    """Text with a hex-dumped tail decoded, when the tail is printable UTF-8 text."""
    match = _HEX_DUMP_TAIL.search(text)
    if match is None or not text[: match.start()].strip():
        return text
    tail = bytes.fromhex(match.group(1)).split(b"\x00", 1)[0]
    try:
        restored = tail.decode("utf-8")
    except UnicodeDecodeError:
        return text
    if not restored or not restored.isprintable():
        return text
    return text[: match.start()] + restored


def hex_text_octets(text: str) -> bytes | None:
    """The octets behind text an agent showed as "0x0011AB..." (None for anything else)."""
    match = _HEX_TEXT.match(text.strip())
    return bytes.fromhex(match.group(1)) if match else None


def mac_address(value: Value) -> str | None:
    """A lower-case colon-separated MAC from 6 raw octets or a text form.

    Text forms: "00:1b:a9:0b:a7:52", "0:1b:a9:b:a7:52", "00-1B-...", "001b.a90b.a752",
    "001BA90BA752", "0x001BA90BA752". All-zero and broadcast MACs are None (they identify
    nothing); so is anything else.
    """
    if not isinstance(value, bytes):
        return None
    if len(value) == 6:
        return clean_mac(value.hex())
    try:
        text = value.decode("ascii").strip().strip("\x00").strip()
    except UnicodeDecodeError:
        return None
    return mac_from_text(text)


def mac_from_text(text: str) -> str | None:
    """A MAC from its text forms (see mac_address), None when the text is no MAC."""
    if _MAC_TEXT.match(text):
        return clean_mac("".join(part.zfill(2) for part in re.split(r"[:-]", text)))
    if _MAC_DOTTED.match(text) or _MAC_BARE.match(text):
        return clean_mac(text.removeprefix("0x"))
    return None


def date_and_time(value: Value) -> datetime | None:
    """An RFC 2579 DateAndTime (8 or 11 octets) as a datetime; None when malformed.

    With 11 octets the result carries the device's UTC offset; with 8 it is naive (the device
    did not say which zone it meant).
    """
    if not isinstance(value, bytes) or len(value) not in (8, 11):
        return None
    year = int.from_bytes(value[:2], "big")
    month, day, hour, minute, second, decisecond = value[2:8]
    try:
        moment = datetime(year, month, day, hour, minute, min(second, 59), decisecond * 100_000)
    except ValueError:
        return None
    if len(value) == 8:
        return moment
    zone = _utc_offset(value[8:11])
    return None if zone is None else moment.replace(tzinfo=zone)


def _utc_offset(octets: bytes) -> timezone | None:
    sign, hours, minutes = octets
    if sign not in b"+-" or hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    if offset == timedelta(0):
        return UTC
    return timezone(offset if sign == ord("+") else -offset)


def iso_date(value: Value) -> str | None:
    """The calendar date of a DateAndTime as YYYY-MM-DD (as the device saw it), or None.

    Year 0 and dates before 1970 are what agents send for "unknown": None.
    """
    moment = date_and_time(value)
    if moment is None or moment.year < 1970:
        return None
    return moment.date().isoformat()


def iso_timestamp(value: Value) -> str | None:
    """A DateAndTime that carries its UTC offset as an ISO 8601 timestamp, else None."""
    moment = date_and_time(value)
    if moment is None or moment.tzinfo is None or moment.year < 1970:
        return None
    return moment.isoformat(timespec="seconds")
