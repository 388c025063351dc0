"""The .snmprec fake reader: the format as snmpsim reads it, and the Protocol's semantics."""

from __future__ import annotations

import asyncio
from ipaddress import IPv4Address

import pytest

from collector.adapters.snmp.reader import SnmpTimeoutError
from tests.collector.snmp.snmprec import SnmprecReader

TEXT = """\
# a comment line
1.3.6.1.2.1.1.1.0|4x|48502d31
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.11.2.3.9.1
1.3.6.1.2.1.1.3.0|67|220329339
1.3.6.1.2.1.2.2.1.5.1|66|1000000000
1.3.6.1.2.1.2.2.1.5.2|66:delay|value=100000000,wait=10
1.3.6.1.2.1.2.2.1.5.3|4:numeric|value=1
1.3.6.1.2.1.4.20.1.1.192.0.2.1|64|192.0.2.1
1.3.6.1.2.1.4.20.1.1.192.0.2.2|64x|c0000202
1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615
1.3.6.1.4.1.9.1|5|
"""


def test_values_by_tag() -> None:
    reader = SnmprecReader.from_text(TEXT)
    got = asyncio.run(
        reader.get(
            [
                (1, 3, 6, 1, 2, 1, 1, 1, 0),
                (1, 3, 6, 1, 2, 1, 1, 2, 0),
                (1, 3, 6, 1, 2, 1, 1, 3, 0),
                (1, 3, 6, 1, 2, 1, 1, 4, 0),
            ]
        )
    )
    assert got == {
        (1, 3, 6, 1, 2, 1, 1, 1, 0): b"HP-1",
        (1, 3, 6, 1, 2, 1, 1, 2, 0): (1, 3, 6, 1, 4, 1, 11, 2, 3, 9, 1),
        (1, 3, 6, 1, 2, 1, 1, 3, 0): 220329339,
    }


def test_walk_stays_in_the_subtree_and_serves_variations() -> None:
    reader = SnmprecReader.from_text(TEXT)
    rows = asyncio.run(reader.walk((1, 3, 6, 1, 2, 1, 2, 2, 1, 5)))
    assert rows == [
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1), 1_000_000_000),
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 2), 100_000_000),  # short delay: served
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 3), b"value=1"),  # unknown variation: value as is
    ]
    ips = asyncio.run(reader.walk((1, 3, 6, 1, 2, 1, 4, 20, 1, 1)))
    assert [value for _, value in ips] == [IPv4Address("192.0.2.1"), IPv4Address("192.0.2.2")]
    assert asyncio.run(reader.walk((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6))) == [
        ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1), 2**64 - 1)
    ]
    assert asyncio.run(reader.walk((1, 3, 6, 1, 2, 1, 99))) == []
    assert asyncio.run(reader.walk((1, 3, 6, 1, 4, 1, 9))) == [((1, 3, 6, 1, 4, 1, 9, 1), None)]


def test_a_long_delay_is_a_timeout() -> None:
    reader = SnmprecReader.from_text(TEXT, timeout_ms=5)
    with pytest.raises(SnmpTimeoutError):
        asyncio.run(reader.walk((1, 3, 6, 1, 2, 1, 2, 2)))
    with pytest.raises(SnmpTimeoutError):
        asyncio.run(reader.get([(1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 2)]))


def test_bad_lines_name_the_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        SnmprecReader.from_text("1.3.6.1.2.1.1.1.0|4|ok\n1.3.6.1.2.1.1.3.0|67|soon\n")
    with pytest.raises(ValueError, match="line 1"):
        SnmprecReader.from_text("1.3.6.1.2.1.1.1.0|99|what\n")
