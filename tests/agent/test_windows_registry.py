"""The regedit export reader: the format's edge cases, and damaged input."""

from __future__ import annotations

import codecs
import sys

import pytest

from agent.sources.registry import (
    RegExportReader,
    RegValue,
    WinRegistryReader,
    decode_reg_export,
    find_value,
    key_exists,
    normalise_key,
    value_int,
    value_text,
)
from tests.peers import FIXTURES

HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"
KEY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Asetik\Test"


def _reader(body: str) -> RegExportReader:
    return RegExportReader(HEADER + body.replace("\n", "\r\n"))


def test_continuation_lines_join_into_one_value() -> None:
    reader = _reader(
        f"[{KEY}]\n"
        '"Path"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,74,\\\n'
        "  00,25,00,5c,00,73,00,79,00,73,00,74,00,65,00,6d,00,33,00,32,00,3b,00,43,00,\\\n"
        "  3a,00,5c,00,54,00,6f,00,6f,00,6c,00,73,00,00,00\n"
        '"After"="still read"\n'
    )
    assert reader.values(KEY) == {"Path": r"%SystemRoot%\system32;C:\Tools", "After": "still read"}


def test_escaped_quotes_and_backslashes_in_names_and_data() -> None:
    reader = _reader(
        f"[{KEY}]\n"
        '"UninstallString"="\\"C:\\\\Program Files\\\\7-Zip\\\\Uninstall.exe\\""\n'
        '"Say \\"hi\\""="a\\\\b"\n'
        '"Ends with backslash"="C:\\\\"\n'
    )
    assert reader.values(KEY) == {
        "UninstallString": '"C:\\Program Files\\7-Zip\\Uninstall.exe"',
        'Say "hi"': "a\\b",
        "Ends with backslash": "C:\\",
    }


def test_default_value_is_the_empty_name() -> None:
    reader = _reader(f'[{KEY}]\n@="mnmsrvc"\n"ComputerName"="PD-01"\n')
    assert reader.values(KEY) == {"": "mnmsrvc", "ComputerName": "PD-01"}


def test_typed_values() -> None:
    reader = _reader(
        f"[{KEY}]\n"
        '"Dword"=dword:0000000a\n'
        '"Negative"=dword:fffffe5c\n'
        '"Qword"=hex(b):80,71,6a,c1,f4,44,d9,01\n'
        '"Multi"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00\n'
        '"EmptyMulti"=hex(7):00,00\n'
        '"Binary"=hex:a4,00,ff\n'
        '"DwordAsHex"=hex(4):2a,00,00,00\n'
        '"NotTerminatedSz"=hex(1):41,00,42,00\n'
        '"EmptyExpand"=hex(2):\n'
    )
    assert reader.values(KEY) == {
        "Dword": 10,
        "Negative": 0xFFFFFE5C,
        "Qword": 0x01D944F4C16A7180,
        "Multi": ["a", "bc"],
        "EmptyMulti": [],
        "Binary": b"\xa4\x00\xff",
        "DwordAsHex": 42,
        "NotTerminatedSz": "AB",
        "EmptyExpand": "",
    }


def test_utf16_file_with_bom_and_non_ascii_text() -> None:
    text = HEADER + f'[{KEY}]\r\n"DisplayName"="Balai Besar POM \u2013 Pengujian \u00dc"\r\n'
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    reader = RegExportReader(decode_reg_export(data))
    assert reader.values(KEY)["DisplayName"] == "Balai Besar POM \u2013 Pengujian \u00dc"


def test_regedit4_ansi_export_decodes_hex_strings_as_single_bytes() -> None:
    data = f'REGEDIT4\r\n\r\n[{KEY}]\r\n"Path"=hex(2):43,3a,5c,e9,00\r\n'.encode("cp1252")
    assert RegExportReader(decode_reg_export(data)).values(KEY) == {"Path": "C:\\é"}


def test_keys_are_case_insensitive_with_hive_aliases_and_listed_once() -> None:
    reader = _reader(
        f"[{KEY}]\n[{KEY}\\Child]\n"
        r"[hkey_local_machine\software\asetik\test\CHILD\Grand]"
        '\n"V"="1"\n'
    )
    assert reader.subkeys(r"HKLM\Software\ASETIK\test") == ["Child"]
    assert reader.subkeys(r"HKLM\Software\Asetik\Test\child") == ["Grand"]
    assert reader.values(r"HKLM\SOFTWARE\Asetik\Test\Child\Grand") == {"V": "1"}
    assert reader.subkeys("HKLM") == ["SOFTWARE"]
    assert normalise_key(r"\HKU\S-1-5-18\\") == r"hkey_users\s-1-5-18"


def test_key_exists_sees_keys_without_values() -> None:
    reader = _reader(f"[{KEY}\\RebootPending]\n")
    assert key_exists(reader, rf"{KEY}\RebootPending")
    assert key_exists(reader, rf"{KEY.upper()}\rebootpending")
    assert not key_exists(reader, rf"{KEY}\RebootRequired")
    assert reader.values(rf"{KEY}\RebootPending") == {}


def test_value_helpers_match_names_case_insensitively() -> None:
    values: dict[str, RegValue] = {
        "DisplayName": "  7-Zip\x00 ",
        "EstimatedSize": 5831,
        "CurrentBuild": "22631",
        "Superscript": "\u00b2",
    }
    assert value_text(values, "displayname") == "7-Zip"
    assert value_int(values, "ESTIMATEDSIZE") == 5831
    assert value_int(values, "CurrentBuild") == 22631
    assert value_int(values, "DisplayName") is None
    assert value_text(values, "EstimatedSize") is None
    assert value_int(values, "Superscript") is None
    assert find_value(values, "Missing") is None


def test_deletions_and_damaged_lines_are_skipped() -> None:
    reader = _reader(
        f"[-{KEY}\\Gone]\n"
        '"Orphan"="belongs to a deleted key"\n'
        f"[{KEY}]\n"
        '"Good"="yes"\n'
        '"Deleted"=-\n'
        '"BadDword"=dword:zz\n'
        '"TooLong"=dword:1234567890\n'
        '"Unknown"=weird:stuff\n'
        "this line is not registry syntax\n"
        '"Truncated"=hex:01,02,\\\n'
    )
    assert reader.values(KEY) == {"Good": "yes", "Truncated": b"\x01\x02"}
    assert reader.subkeys(KEY) == []


@pytest.mark.parametrize(
    "garbage",
    ["", "\x00\x01\x02 binary junk", '[unclosed\n"a"="b"', "MZ\x90\x00" * 50, "]]]][[[["],
)
def test_garbage_reads_as_an_empty_registry(garbage: str) -> None:
    reader = RegExportReader(garbage)
    assert reader.subkeys("HKLM") == []
    assert reader.values(KEY) == {}


def test_fixture_file_parses_all_hives() -> None:
    reader = RegExportReader.from_file(FIXTURES / "windows" / "uninstall.reg")
    assert len(reader.subkeys(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall")) == 17
    assert (
        len(reader.subkeys(r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall"))
        == 10
    )
    assert len(reader.subkeys("HKEY_USERS")) == 8
    session = reader.values(r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager")
    assert session["PendingFileRenameOperations"] == [
        r"\??\C:\Windows\SoftwareDistribution\Download\8d2a1f3c\Windows11.0-KB5037771-x64.cab.tmp",
        r"\??\C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MpDlpService.exe",
    ]
    current = reader.values(r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion")
    assert current["InstallTime"] == (1676862942 + 11644473600) * 10**7
    assert (
        isinstance(current["DigitalProductId"], bytes) and len(current["DigitalProductId"]) == 164
    )


@pytest.mark.skipif(sys.platform == "win32", reason="off Windows the live reader is empty")
def test_live_reader_is_empty_off_windows() -> None:
    assert WinRegistryReader().subkeys("HKLM\\SOFTWARE") == []
    assert WinRegistryReader().values("HKLM\\SOFTWARE\\Microsoft\\Cryptography") == {}
