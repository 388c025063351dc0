"""Antivirus products of a Windows host: Security Center's registrations plus Defender's status.

Windows Server has no Security Center (``root/SecurityCenter2``); there Defender's own status
(``Get-MpComputerStatus``) is the only source.
"""

from __future__ import annotations

from typing import Any

from agent.probes.windows.powershell import (
    JsonObject,
    as_objects,
    count,
    flag,
    iso_timestamp,
    load_json,
    parse_cim_datetime,
    run_powershell,
    text,
)
from agent.sources.host import Host

ANTIVIRUS_TIMEOUT = 30.0
ANTIVIRUS_SCRIPT = " ".join(
    [
        "$ErrorActionPreference='SilentlyContinue';",
        "[Console]::OutputEncoding=New-Object System.Text.UTF8Encoding($false);",
        "function Iso($d){if($d){$d.ToUniversalTime().ToString('o')}};",
        "$sc=@(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct",
        "|Select-Object displayName,productState,timestamp);",
        "$mp=Get-MpComputerStatus|Select-Object AMProductVersion,AMServiceEnabled,",
        "AntivirusEnabled,RealTimeProtectionEnabled,AntivirusSignatureVersion,",
        "@{n='AntivirusSignatureLastUpdated';e={Iso $_.AntivirusSignatureLastUpdated}},",
        "AntivirusSignatureAge,DefenderSignaturesOutOfDate;",
        "ConvertTo-Json -Compress -Depth 4",
        "-InputObject ([ordered]@{SecurityCenter=$sc;Defender=$mp})",
    ]
)
DEFENDER_NAME = "Microsoft Defender Antivirus"

# productState is undocumented; its layout is reverse-engineered and agreed on by, e.g.,
# https://community.idera.com/database-tools/powershell/powertips/b/tips/posts/identifying-antivirus-engine-state
# (mask 0xF000: 0x1000 on, 0x0000 off, 0x2000 snoozed, 0x3000 expired; mask 0x00F0: 0x00 up to
# date, 0x10 out of date) and http://neophob.com/2010/03/wmi-query-windows-securitycenter2/
# (266240 = 0x041000 active and up to date, 266256 = 0x041010 active and out of date).
_STATE_ON = 0x1


def decode_product_state(state: int) -> tuple[bool, bool]:
    """(enabled, signatures up to date) from a Security Center productState."""
    return (state >> 12) & 0xF == _STATE_ON, (state >> 4) & 0xF == 0


def parse_antivirus(output: str | None) -> list[dict[str, Any]] | None:
    """One entry per registered antivirus, Defender's signature facts attached to its entry.

    None when the output is not the script's JSON; empty when no antivirus is known.
    """
    document = load_json(output)
    if not isinstance(document, dict) or "SecurityCenter" not in document:
        return None
    defender = next(iter(as_objects(document.get("Defender"))), {})
    products = [_registered(p) for p in as_objects(document.get("SecurityCenter"))]
    products = [p for p in products if p]
    if defender and not products:
        products = [_entry(DEFENDER_NAME, *_defender_state(defender))]
    for product in products:
        if defender and "defender" in product["name"].casefold():
            product.update(_defender_signatures(defender))
    return products


def _registered(product: JsonObject) -> dict[str, Any]:
    name = text(product, "displayName")
    if name is None:
        return {}
    state = count(product, "productState")
    return _entry(name, *(decode_product_state(state) if state is not None else (None, None)))


def _entry(name: str, enabled: bool | None, up_to_date: bool | None) -> dict[str, Any]:
    return {
        "name": name[:256],
        "version": None,
        "enabled": enabled,
        "up_to_date": up_to_date,
        "signature_version": None,
        "signature_date": None,
    }


def _defender_state(status: JsonObject) -> tuple[bool | None, bool | None]:
    """(enabled, up to date) in Defender's own words, where Security Center is absent."""
    antivirus = flag(status, "AntivirusEnabled")
    realtime = flag(status, "RealTimeProtectionEnabled")
    out_of_date = flag(status, "DefenderSignaturesOutOfDate")
    enabled = antivirus and realtime if realtime is not None else antivirus
    return enabled, None if out_of_date is None else not out_of_date


def _defender_signatures(status: JsonObject) -> dict[str, Any]:
    return {
        "version": text(status, "AMProductVersion"),
        "signature_version": text(status, "AntivirusSignatureVersion"),
        "signature_date": iso_timestamp(
            parse_cim_datetime(status.get("AntivirusSignatureLastUpdated"))
        ),
    }


def collect_antivirus(host: Host) -> list[dict[str, Any]] | None:
    """The antivirus section; None without PowerShell."""
    return parse_antivirus(run_powershell(host, ANTIVIRUS_SCRIPT, ANTIVIRUS_TIMEOUT))
