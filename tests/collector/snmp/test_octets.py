"""Octet-string decoding with the odd values agents really send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from collector.adapters.snmp.octets import (
    date_and_time,
    display_text,
    hex_text_octets,
    iso_date,
    iso_timestamp,
    mac_address,
    mac_from_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"HP LaserJet\x00\x00\x00", "HP LaserJet"),
        (b"  Gi1/0/1 \r\n", "Gi1/0/1"),
        (b"S5720-56C\nHuawei VRP \r\n VRP", "S5720-56C Huawei VRP VRP"),
        (b"\x01\x02Ruang Server", "Ruang Server"),
        (b"Caf\xe9 Lantai 2", "Café Lantai 2"),  # Latin-1 from an old printer
        (b"Caf\xc3\xa9", "Café"),
        (b"ok\x00garbage after NUL", "ok"),
        (b"", None),
        (b"\x00\x00", None),
        (b"\r\n\t", None),
    ],
)
def test_display_text(raw: bytes, expected: str | None) -> None:
    assert display_text(raw) == expected


def test_display_text_restores_a_hex_dumped_tail() -> None:
    # "Black Cartridge " then "827A HP CF300A\0" dumped as hex (an hp m880 capture)
    raw = b"Black Cartridge \n38 32 37 41 20 48 50 20 43 46 33 30 30 41 00 "
    assert display_text(raw) == "Black Cartridge 827A HP CF300A"


def test_display_text_cuts_to_the_limit_and_refuses_other_types() -> None:
    assert display_text(b"x" * 300) == "x" * 256
    assert display_text(b"abc def", limit=4) == "abc"
    assert display_text(42) is None
    assert display_text((1, 3, 6)) is None
    assert display_text(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (bytes.fromhex("001ba90ba752"), "00:1b:a9:0b:a7:52"),
        (b"00:1B:A9:0B:A7:52", "00:1b:a9:0b:a7:52"),
        (b"0:1b:a9:b:a7:52", "00:1b:a9:0b:a7:52"),
        (b"00-1B-A9-0B-A7-52", "00:1b:a9:0b:a7:52"),
        (b"001b.a90b.a752", "00:1b:a9:0b:a7:52"),
        (b"001BA90BA752", "00:1b:a9:0b:a7:52"),
        (b"0x001BA90BA752", "00:1b:a9:0b:a7:52"),
        (bytes(6), None),
        (b"\xff" * 6, None),
        (b"", None),
        (bytes.fromhex("001ba90ba75200"), None),  # 7 octets
        (b"not a mac at all", None),
        (b"\xff\xfe\x00garbage", None),
        (12, None),
    ],
)
def test_mac_address(raw: bytes | int, expected: str | None) -> None:
    assert mac_address(raw) == expected


def test_mac_from_text_refuses_near_misses() -> None:
    assert mac_from_text("00:1b:a9:0b:a7") is None
    assert mac_from_text("00:1b-a9:0b:a7:52") is None  # mixed separators
    assert mac_from_text("zz:1b:a9:0b:a7:52") is None


def test_hex_text_octets() -> None:
    assert hex_text_octets("0x48502d31") == b"HP-1"
    assert hex_text_octets(" 0x00 ") == b"\x00"
    assert hex_text_octets("0x123") is None
    assert hex_text_octets("48502d31") is None


def test_date_and_time_with_and_without_zone() -> None:
    eleven = bytes.fromhex("07e10903131615002b0800")  # el7 hrSWInstalledDate
    assert date_and_time(eleven) == datetime(
        2017, 9, 3, 19, 22, 21, tzinfo=timezone(timedelta(hours=8))
    )
    assert iso_timestamp(eleven) == "2017-09-03T19:22:21+08:00"
    assert iso_date(eleven) == "2017-09-03"
    eight = bytes.fromhex("07e8020c0a1e0005")
    assert date_and_time(eight) == datetime(2024, 2, 12, 10, 30, 0, 500_000)
    assert iso_timestamp(eight) is None  # no zone: not a timestamp the schema accepts
    assert iso_date(eight) == "2024-02-12"
    utc = bytes.fromhex("07e8020c0a1e00052b0000")
    assert date_and_time(utc) == datetime(2024, 2, 12, 10, 30, 0, 500_000, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        bytes.fromhex("0000010100000000"),  # year 0: "unknown"
        bytes.fromhex("07e10d03131615002b0800"),  # month 13
        bytes.fromhex("07e10903131615003f0800"),  # direction "?"
        bytes.fromhex("07e1090313"),  # 5 octets
        b"2017-09-03",
        None,
        2017,
    ],
)
def test_bad_date_and_time_is_none(raw: bytes | int | None) -> None:
    assert iso_date(raw) is None
    assert iso_timestamp(raw) is None


def test_display_text_restores_a_hex_dump_broken_over_lines() -> None:
    raw = b"Magenta Cartridg\n65 20 38 32 37 41 20 48 50 20 43 46 33 30 33 41 20\n00 "
    assert display_text(raw) == "Magenta Cartridge 827A HP CF303A"


def test_display_text_keeps_text_that_only_looks_like_hex() -> None:
    assert display_text(b"Tray 2\nA4 BE") == "Tray 2 A4 BE"  # "A4 BE" is not printable bytes
    assert display_text(b"\n41 42") == "41 42"  # nothing before the dump: left alone
