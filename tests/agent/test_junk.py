"""Junk identity values are dropped in one place."""

from __future__ import annotations

import pytest

from agent.junk import clean_mac, clean_text, clean_uuid, identity_mac


@pytest.mark.parametrize(
    "value",
    ["To Be Filled By O.E.M.", "Default string", " System Serial Number ", "0000000000", "N/A",
     "", "   ", "XXXXXXXXXX", "\x00\x00", None],
)  # fmt: skip
def test_placeholder_text_is_dropped(value: str | None) -> None:
    assert clean_text(value) is None


def test_real_serials_survive() -> None:
    assert clean_text(" 4Q0RV42 ") == "4Q0RV42"
    assert clean_text("FOC1932X0AB\x00") == "FOC1932X0AB"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4C4C4544-0051-3010-8052-B4C04F563432", "4c4c4544-0051-3010-8052-b4c04f563432"),
        ("{4C4C4544-0051-3010-8052-B4C04F563432}", "4c4c4544-0051-3010-8052-b4c04f563432"),
        ("4C4C454400513010 8052B4C04F563432", None),
        ("00000000-0000-0000-0000-000000000000", None),
        ("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", None),
        ("03000200-0400-0500-0006-000700080009", None),
        ("not-a-uuid", None),
    ],
)
def test_uuid_cleaning(value: str, expected: str | None) -> None:
    assert clean_uuid(value) == expected


def test_mac_cleaning_and_identity_macs() -> None:
    assert clean_mac("F8-BC-12-4A-5B-6C") == "f8:bc:12:4a:5b:6c"
    assert clean_mac("00:00:00:00:00:00") is None
    assert clean_mac("f8:bc:12") is None
    assert identity_mac("f8:bc:12:4a:5b:6c") == "f8:bc:12:4a:5b:6c"
    assert identity_mac("02:42:ac:11:00:01") is None  # locally administered (docker)
