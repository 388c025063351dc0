"""Antivirus state from recorded Security Center / Defender output."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.probes.windows.antivirus import (
    ANTIVIRUS_SCRIPT,
    collect_antivirus,
    decode_product_state,
    parse_antivirus,
)
from agent.probes.windows.powershell import powershell_argv
from agent.sources.commands import CommandResult, RecordedCommandRunner
from agent.sources.host import Host
from agent.sources.stats import RecordedStats
from tests.peers import FIXTURES

WINDOWS = FIXTURES / "windows"


def _host(name: str | None) -> Host:
    recorded = {}
    if name:
        output = (WINDOWS / name).read_text(encoding="utf-8")
        recorded[powershell_argv(ANTIVIRUS_SCRIPT)] = CommandResult(0, output)
    return Host("windows", Path("/"), RecordedCommandRunner(recorded), RecordedStats())


@pytest.mark.parametrize(
    ("state", "enabled", "up_to_date"),
    [
        (397568, True, True),  # 0x061100 Windows Defender on, signatures current
        (393472, False, True),  # 0x060100 Windows Defender off
        (397584, True, False),  # 0x061110 on, signatures out of date
        (393488, False, False),  # 0x060110 off and out of date
        (266240, True, True),  # 0x041000 third-party product on
        (266256, True, False),  # 0x041010 third-party product, old signatures
        (262144, False, True),  # 0x040000 third-party product off
        (401664, False, True),  # 0x062000 snoozed is not enabled
        (409600, False, True),  # 0x064000 expired is not enabled
    ],
)
def test_product_state_decoding(state: int, enabled: bool, up_to_date: bool) -> None:
    assert decode_product_state(state) == (enabled, up_to_date)


def test_script_reads_security_center_and_defender() -> None:
    assert '"' not in ANTIVIRUS_SCRIPT and "\n" not in ANTIVIRUS_SCRIPT
    assert "-Namespace root/SecurityCenter2 -ClassName AntiVirusProduct" in ANTIVIRUS_SCRIPT
    assert "Get-MpComputerStatus" in ANTIVIRUS_SCRIPT


def test_workstation_with_defender() -> None:
    assert collect_antivirus(_host("antivirus_defender.json")) == [
        {
            "name": "Windows Defender",
            "version": "4.18.24030.9",
            "enabled": True,
            "up_to_date": True,
            "signature_version": "1.411.259.0",
            "signature_date": "2024-05-12T21:14:03Z",
        }
    ]


def test_third_party_product_with_defender_passive() -> None:
    found = collect_antivirus(_host("antivirus_thirdparty.json"))
    assert found == [
        {
            "name": "Kaspersky Endpoint Security for Windows",
            "version": None,
            "enabled": True,
            "up_to_date": True,
            "signature_version": None,
            "signature_date": None,
        },
        {
            "name": "Windows Defender",
            "version": "4.18.24030.9",
            "enabled": False,
            "up_to_date": True,
            "signature_version": "1.409.1.0",
            "signature_date": "2024-04-02T05:40:11Z",
        },
    ]


def test_server_without_security_center_uses_defender_status() -> None:
    assert collect_antivirus(_host("antivirus_server.json")) == [
        {
            "name": "Microsoft Defender Antivirus",
            "version": "4.18.24030.9",
            "enabled": True,
            "up_to_date": True,
            "signature_version": "1.411.180.0",
            "signature_date": "2024-05-11T09:30:00Z",
        }
    ]


def test_server_defender_with_old_signatures_and_realtime_off() -> None:
    output = (
        '{"SecurityCenter":[],"Defender":{"AntivirusEnabled":true,"RealTimeProtectionEnabled":false,'
        '"DefenderSignaturesOutOfDate":true}}'
    )
    [defender] = parse_antivirus(output) or [{}]
    assert (defender["enabled"], defender["up_to_date"]) == (False, False)


def test_no_antivirus_at_all_is_an_empty_list() -> None:
    assert parse_antivirus('{"SecurityCenter":[],"Defender":null}') == []


def test_entries_without_name_or_state() -> None:
    output = (
        '{"SecurityCenter":[{"productState":397568},{"displayName":"Avast Antivirus"}],'
        '"Defender":null}'
    )
    assert parse_antivirus(output) == [
        {
            "name": "Avast Antivirus",
            "version": None,
            "enabled": None,
            "up_to_date": None,
            "signature_version": None,
            "signature_date": None,
        }
    ]


def test_powershell_missing_means_no_section() -> None:
    assert collect_antivirus(_host(None)) is None


@pytest.mark.parametrize(
    "output",
    ["", "garbage", '{"SecurityCenter":[{"displayName":"Win', "[]", '{"Defender":{}}'],
    ids=["empty", "garbage", "truncated", "array", "no-security-center-key"],
)
def test_unusable_output_gives_no_section(output: str) -> None:
    assert parse_antivirus(output) is None
