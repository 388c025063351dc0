"""What the observation builder needs from an SNMP session, as a Protocol.

The pysnmp client implements it against real devices; tests implement it over recorded
`.snmprec` files. Absent objects (noSuchObject, noSuchInstance, endOfMibView) are left out of
results, never raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from collector.adapters.snmp.values import Oid, Value


class SnmpError(Exception):
    """The device answered with an error, or with something that is not SNMP."""


class SnmpTimeoutError(SnmpError):
    """The device did not answer within the per-device budget."""


class SnmpReader(Protocol):
    """Reads one device."""

    async def get(self, oids: Sequence[Oid]) -> dict[Oid, Value]:
        """The values of these exact instances; absent ones are not in the result."""
        ...

    async def walk(self, base: Oid) -> list[tuple[Oid, Value]]:
        """Every instance under base, in OID order; empty when the subtree is absent."""
        ...
