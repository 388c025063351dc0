"""Reading one collected value as the type its MIB promises, or None when the agent sent garbage.

Parsers use these instead of trusting the wire: an ifSpeed that arrives as an octet string or a
negative counter is skipped, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping

from collector.adapters.snmp.values import Oid, Value

MAX_COUNT = 9_007_199_254_740_991  # the schema's largest count (2**53 - 1)


def integer(value: Value) -> int | None:
    """An INTEGER / Counter / Gauge / TimeTicks value, None for any other type."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def count(value: Value) -> int | None:
    """A non-negative integer within the schema's range (counters, sizes), else None."""
    number = integer(value)
    return number if number is not None and 0 <= number <= MAX_COUNT else None


def object_id(value: Value) -> Oid | None:
    """An OBJECT IDENTIFIER value, None for any other type."""
    return value if isinstance(value, tuple) else None


def enum_name(value: Value, names: Mapping[int, str]) -> str | None:
    """The name of an enumerated INTEGER, None for unknown numbers and other types."""
    number = integer(value)
    return None if number is None else names.get(number)


def truth(value: Value) -> bool | None:
    """A TruthValue (1 true, 2 false), None otherwise."""
    return {1: True, 2: False}.get(integer(value) or 0)


def status_up(value: Value) -> bool | None:
    """up(1) is True; down, testing, dormant, notPresent, lowerLayerDown (2, 3, 5-7) are False;
    unknown(4) and anything else is None (ifAdminStatus, ifOperStatus)."""
    number = integer(value)
    if number is None or number not in range(1, 8) or number == 4:
        return None
    return number == 1
