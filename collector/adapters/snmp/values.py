"""The values an SNMP read yields, in plain Python types the parsers can use without pysnmp.

Counters, gauges, integers and time ticks are ints; octet strings and opaque values are bytes
(decoding them is the parser's business: a MAC, a DateAndTime and a display string all arrive
as octets); object identifiers are tuples of ints; IpAddress is an IPv4Address; Null is None.
noSuchObject, noSuchInstance and endOfMibView are absence: a reader leaves such rows out.
"""

from __future__ import annotations

from ipaddress import IPv4Address

Oid = tuple[int, ...]
Value = int | bytes | Oid | IPv4Address | None


class OidError(ValueError):
    """Raised for text that is not a dotted object identifier."""


def parse_oid(text: str) -> Oid:
    """The tuple for a dotted OID ("1.3.6.1.2.1.1.2.0", a leading dot allowed)."""
    parts = text.strip().removeprefix(".").split(".")
    if not all(part.isdigit() for part in parts):
        raise OidError(f"bukan OID: {text[:80]!r}")
    return tuple(int(part) for part in parts)


def format_oid(oid: Oid) -> str:
    """The dotted text of an OID, as it appears in sysObjectID fields and profiles."""
    return ".".join(map(str, oid))
