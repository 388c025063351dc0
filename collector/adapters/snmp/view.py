"""Read access to what was collected from one device, by scalar, column or table."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping

from collector.adapters.snmp.values import Oid, Value


class MibView:
    """Collected varbinds of one device, sorted once, read by prefix."""

    def __init__(self, varbinds: Iterable[tuple[Oid, Value]]):
        merged = dict(varbinds)
        self._oids = sorted(merged)
        self._values = merged

    def __len__(self) -> int:
        return len(self._oids)

    def scalar(self, oid: Oid) -> Value:
        """The value of one instance (give the full instance, e.g. sysDescr.0), None if absent."""
        return self._values.get(oid)

    def column(self, column: Oid) -> dict[Oid, Value]:
        """Index suffix → value for every row of a table column, in OID order."""
        size = len(column)
        start = bisect_left(self._oids, column)
        rows: dict[Oid, Value] = {}
        for oid in self._oids[start:]:
            if oid[:size] != column:
                break
            rows[oid[size:]] = self._values[oid]
        return rows

    def table(self, entry: Oid, columns: Mapping[str, int]) -> dict[Oid, dict[str, Value]]:
        """Index suffix → {column name: value} for the named columns of a table entry OID."""
        rows: dict[Oid, dict[str, Value]] = {}
        for name, number in columns.items():
            for index, value in self.column((*entry, number)).items():
                rows.setdefault(index, {})[name] = value
        return rows
