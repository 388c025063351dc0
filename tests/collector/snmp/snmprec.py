"""An SnmpReader over snmpsim ``.snmprec`` recordings: a fake of our own Protocol, for fast tests.

Format, one variable per line: ``OID|TAG|VALUE``. TAG is the BER type number (2 Integer32,
4 OctetString, 5 Null, 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 68 Opaque,
70 Counter64); a trailing ``x`` means VALUE is hex-encoded; ``TAG:variation`` names an snmpsim
variation module. ``delay`` is understood the way snmpsim serves it (``value=V,wait=MS``: a
wait longer than the reader's timeout is a timeout); other variations serve VALUE as is. Lines
starting with ``#`` are comments.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

from collector.adapters.snmp.reader import SnmpTimeoutError
from collector.adapters.snmp.values import Oid, Value, parse_oid

INTEGER_TAGS = frozenset({2, 65, 66, 67, 70})
OCTET_TAGS = frozenset({4, 68})


@dataclass(frozen=True)
class Record:
    value: Value
    stalls: bool = False  # served with a delay longer than the reader waits


class SnmprecReader:
    """Answers get/walk from one recording; ``walked`` lists the bases asked for, in order."""

    def __init__(self, records: dict[Oid, Record]):
        self._records = records
        self._oids = sorted(records)
        self.walked: list[Oid] = []
        self.fetched: list[Oid] = []

    @classmethod
    def from_file(cls, path: Path, timeout_ms: int = 1000) -> SnmprecReader:
        """A reader over a .snmprec file."""
        return cls.from_text(path.read_text(encoding="utf-8"), timeout_ms)

    @classmethod
    def from_text(cls, text: str, timeout_ms: int = 1000) -> SnmprecReader:
        """A reader over .snmprec text (for hand-written cases inside a test)."""
        records: dict[Oid, Record] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                oid_text, tag, value = line.split("|", 2)
                records[parse_oid(oid_text)] = _record(tag, value, timeout_ms)
            except ValueError as exc:
                raise ValueError(f"snmprec line {number}: {exc}: {line[:80]!r}") from exc
        return cls(records)

    async def get(self, oids: Sequence[Oid]) -> dict[Oid, Value]:
        self.fetched.extend(oids)
        found = {oid: self._records[oid] for oid in oids if oid in self._records}
        if any(record.stalls for record in found.values()):
            raise SnmpTimeoutError("rekaman: waktu habis (variasi delay)")
        return {oid: record.value for oid, record in found.items()}

    async def walk(self, base: Oid) -> list[tuple[Oid, Value]]:
        self.walked.append(base)
        rows: list[tuple[Oid, Value]] = []
        for oid in self._oids[bisect_right(self._oids, base) :]:
            if oid[: len(base)] != base:
                break
            record = self._records[oid]
            if record.stalls:
                raise SnmpTimeoutError(f"rekaman: waktu habis di {'.'.join(map(str, oid))}")
            rows.append((oid, record.value))
        return rows


def _record(tag: str, text: str, timeout_ms: int) -> Record:
    kind, _, variation = tag.partition(":")
    hexed = kind.endswith("x")
    number = int(kind.removesuffix("x"))
    if variation == "delay":
        params = dict(part.partition("=")[::2] for part in text.split(","))
        wait = int(params.get("wait", "0") or 0)
        return Record(_value(number, params.get("value", ""), hexed), stalls=wait >= timeout_ms)
    return Record(_value(number, text, hexed))


def _value(tag: int, text: str, hexed: bool) -> Value:
    raw = bytes.fromhex(text) if hexed else text.encode("utf-8")
    if tag in INTEGER_TAGS:
        return int(raw.decode("ascii"))
    if tag in OCTET_TAGS:
        return raw
    if tag == 6:
        return parse_oid(raw.decode("ascii"))
    if tag == 64:
        return IPv4Address(raw) if hexed else IPv4Address(raw.decode("ascii"))
    if tag == 5:
        return None
    raise ValueError(f"tag BER {tag} tidak dikenal")
