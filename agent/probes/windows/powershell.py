"""Running a PowerShell script and reading the JSON it prints (``ConvertTo-Json`` quirks included).

Scripts are one line without double quotes, so no command-line quoting can change them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.sources.commands import NOT_FOUND, TIMED_OUT
from agent.sources.host import Host

JsonObject = dict[str, Any]


class PowerShellError(RuntimeError):
    """PowerShell ran but failed (timed out, blocked, crashed): a fault worth recording."""


def powershell_argv(script: str) -> tuple[str, ...]:
    """The argv that runs script in Windows PowerShell without profile or prompts."""
    return ("powershell", "-NoProfile", "-NonInteractive", "-Command", script)


def run_powershell(host: Host, script: str, timeout: float) -> str | None:
    """What the script printed; None when PowerShell is not there; raises PowerShellError."""
    result = host.commands.run(powershell_argv(script), timeout)
    if result.returncode == NOT_FOUND:
        return None
    if result.returncode == TIMED_OUT:
        raise PowerShellError(f"PowerShell timed out after {timeout:g} s")
    if not result.ok and not result.stdout.strip():
        detail = next((ln.strip() for ln in result.stderr.splitlines() if ln.strip()), "")
        raise PowerShellError(f"PowerShell exited with {result.returncode}: {detail}"[:1000])
    return result.stdout


def load_json(text: str | None) -> Any:
    """The JSON document in text, or None when there is none or it is not valid JSON."""
    if text is None:
        return None
    try:
        return json.loads(text.strip().lstrip("\ufeff"))
    except ValueError:
        return None


def as_objects(value: Any) -> list[JsonObject]:
    """The objects of a ConvertTo-Json value, which is one object, an array, or null.

    Windows PowerShell 5.1 also writes some arrays as ``{"value": [...], "Count": n}``.
    """
    if isinstance(value, dict) and set(value) == {"value", "Count"}:
        value = value["value"]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def as_strings(value: Any) -> list[str]:
    """The non-empty strings of a value that is one string, an array of them, or null."""
    if isinstance(value, dict) and set(value) == {"value", "Count"}:
        value = value["value"]
    items = value if isinstance(value, list) else [value]
    return [
        str(item).strip() for item in items if isinstance(item, str | int) and str(item).strip()
    ]


def text(obj: JsonObject, key: str) -> str | None:
    """A string field stripped of blanks and NULs; None when absent, empty or not a string."""
    value = obj.get(key)
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "").strip() or None


def count(obj: JsonObject, key: str) -> int | None:
    """A non-negative integer field (numbers or digit strings); None otherwise."""
    value = obj.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def flag(obj: JsonObject, key: str) -> bool | None:
    """A boolean field; None when absent or not a boolean."""
    value = obj.get(key)
    return value if isinstance(value, bool) else None


_MS_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:[+-]\d{4})?\)/$")
_DMTF_DATE = re.compile(r"^(?P<stamp>\d{14})\.\d{6}(?P<sign>[+-])(?P<minutes>\d{3})$")


def parse_cim_datetime(value: Any) -> datetime | None:
    """An aware datetime from the forms CIM dates reach JSON in; None for anything else.

    ISO 8601 (``ToString('o')``), ``/Date(ms)/`` (PowerShell 5.1 without a select) and the
    DMTF string WMI itself uses (``20231108000000.000000+000``, offset in minutes).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    try:
        if found := _MS_DATE.match(raw):
            parsed = datetime.fromtimestamp(int(found["ms"]) / 1000, UTC)
        elif found := _DMTF_DATE.match(raw):
            offset = int(found["minutes"]) * (1 if found["sign"] == "+" else -1)
            stamp = datetime.strptime(found["stamp"], "%Y%m%d%H%M%S")
            parsed = stamp.replace(tzinfo=UTC) - timedelta(minutes=offset)
        else:
            parsed = datetime.fromisoformat(raw)
    except (ValueError, OverflowError, OSError):
        return None
    if parsed.year < 1980:  # zero FILETIMEs and DMTF placeholders mean "never"
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso_timestamp(moment: datetime | None) -> str | None:
    """A UTC timestamp to the second (``2024-05-13T00:42:17Z``), or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
