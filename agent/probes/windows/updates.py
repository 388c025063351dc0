"""Pending Windows updates, asked of the Windows Update Agent COM API (WSUS or Microsoft Update).

An update counts as security when Windows Update classifies it "Security Updates" or gives it
an MSRC severity. Definition updates (Defender signatures) are not counted: they arrive
several times a day, would make nearly every machine "behind on security", and signature
freshness is reported by the antivirus section instead.
"""

from __future__ import annotations

from typing import Any

from agent.probes.input_cache import cached_by_inputs
from agent.probes.windows.powershell import (
    JsonObject,
    as_objects,
    as_strings,
    flag,
    iso_timestamp,
    load_json,
    parse_cim_datetime,
    run_powershell,
    text,
)
from agent.sources.host import Host

# A search can download the catalogue from WSUS or Microsoft Update: give it time, within the
# inventory's deadline. Its result is re-used for UPDATE_MAX_AGE_S unless updates were installed
# meanwhile (servicing\Packages changes); the search itself does not touch that folder.
UPDATE_SEARCH_TIMEOUT = 100.0
UPDATE_MAX_AGE_S = 6 * 3600.0
UPDATE_INPUTS = ("C:/Windows/servicing/Packages",)
UPDATE_SEARCH_SCRIPT = " ".join(
    [
        "$ErrorActionPreference='Stop';",
        "[Console]::OutputEncoding=New-Object System.Text.UTF8Encoding($false);",
        "try{",
        "$s=New-Object -ComObject Microsoft.Update.Session;",
        "$s.ClientApplicationID='asetik';",
        "$r=$s.CreateUpdateSearcher().Search('IsInstalled=0 and IsHidden=0');",
        "$u=@(foreach($x in $r.Updates){[pscustomobject]@{",
        "Title=$x.Title;KB=@($x.KBArticleIDs);Severity=$x.MsrcSeverity;",
        "Categories=@(foreach($c in $x.Categories){[pscustomobject]@{Name=$c.Name;Type=$c.Type}});",
        "RebootRequired=$x.RebootRequired;RebootBehavior=$x.InstallationBehavior.RebootBehavior;",
        "Type=$x.Type}});",
        "ConvertTo-Json -Compress -Depth 4 -InputObject ([ordered]@{",
        "Checked=[DateTime]::UtcNow.ToString('o');ResultCode=$r.ResultCode;Updates=$u})",
        "}catch{",
        "ConvertTo-Json -Compress -InputObject ([ordered]@{",
        "Error=$_.Exception.Message;HResult=$_.Exception.HResult});",
        "exit 1}",
    ]
)
# IUpdateSearcher.Search ResultCode (OperationResultCode): 2 succeeded, 3 with errors.
_SEARCH_SUCCEEDED = (2, 3)
# IInstallationBehavior.RebootBehavior: 0 never, 1 always, 2 can request a reboot.
_REBOOT_NEVER, _REBOOT_ALWAYS = 0, 1
SECURITY_CLASSIFICATION = "Security Updates"


class UpdateSearchError(RuntimeError):
    """Windows Update answered the search with an error (e.g. 0x8024402C: WSUS unreachable)."""


def parse_update_search(output: str | None) -> dict[str, Any] | None:
    """The updates section from the script's JSON; None when the output is not that JSON.

    Raises UpdateSearchError when the script reports that the search itself failed.
    """
    document = load_json(output)
    if not isinstance(document, dict):
        return None
    if "Error" in document:
        code = document.get("HResult")
        hresult = f" (0x{code & 0xFFFFFFFF:08X})" if isinstance(code, int) else ""
        raise UpdateSearchError(f"Windows Update search failed{hresult}: {text(document, 'Error')}")
    if "Updates" not in document or document.get("ResultCode") not in _SEARCH_SUCCEEDED:
        return None
    pending = [_pending_update(update) for update in as_objects(document["Updates"])]
    pending = [update for update in pending if update]
    return {
        "manager": "windows_update",
        "checked_at": iso_timestamp(parse_cim_datetime(document.get("Checked"))),
        "pending_count": len(pending),
        "security_count": sum(1 for update in pending if update["security"]),
        "pending": pending,
    }


def _pending_update(update: JsonObject) -> dict[str, Any]:
    title = text(update, "Title")
    if title is None:
        return {}
    categories = as_objects(update.get("Categories"))
    classification = next(
        (text(c, "Name") for c in categories if text(c, "Type") == "UpdateClassification"), None
    )
    severity = text(update, "Severity")
    return {
        "name": title[:256],
        "origin": classification,
        "security": classification == SECURITY_CLASSIFICATION or severity is not None,
        "severity": severity,
        "kb": [
            kb if kb.upper().startswith("KB") else f"KB{kb}" for kb in as_strings(update.get("KB"))
        ][:64],
        "reboot_required": _reboot_required(update),
    }


def _reboot_required(update: JsonObject) -> bool | None:
    behavior = update.get("RebootBehavior")
    if flag(update, "RebootRequired") or behavior == _REBOOT_ALWAYS:
        return True
    return False if behavior == _REBOOT_NEVER else None


def search_updates(host: Host) -> dict[str, Any] | None:
    """The updates section, searched now; None without PowerShell; raises when it fails."""
    return parse_update_search(run_powershell(host, UPDATE_SEARCH_SCRIPT, UPDATE_SEARCH_TIMEOUT))


def collect_updates(host: Host) -> dict[str, Any] | None:
    """The updates section, re-using a recent search while no update was installed since."""
    found: dict[str, Any] | None = cached_by_inputs(
        host, "windows_updates", UPDATE_INPUTS, search_updates, UPDATE_MAX_AGE_S
    )
    return found
