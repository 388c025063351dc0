"""Uptime text as network CLIs print it, turned into seconds.

The same few units appear in every vendor's wording: "2 years, 31 weeks, 6 days, 9 hours,
55 minutes" (IOS), "123 day(s), 5 hour(s), 15 minute(s), 19 second(s)" (NX-OS), "1 hour and
5 minutes" (EOS), "6w5d11h55m45s" (RouterOS), "2 days, 2:38:49" (PAN-OS). A year counts 365
days, as IOS does when it prints them.
"""

from __future__ import annotations

import re

_UNIT_SECONDS = {
    "y": 365 * 86400,
    "w": 7 * 86400,
    "d": 86400,
    "h": 3600,
    "m": 60,
    "s": 1,
}
_TOKEN = re.compile(
    r"(?P<n>\d+)\s*(?P<unit>years?|yrs?|y|weeks?|wks?|w|days?|d|hours?|hrs?|h"
    r"|minutes?|mins?|m|seconds?|secs?|s)(?:\(s\))?(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<![\d:])(?P<h>\d{1,3}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?![\d:])")


def parse_duration(text: str | None) -> int | None:
    """Seconds in an uptime text; None when it names no duration at all."""
    if not text:
        return None
    total, found = 0, False
    for match in _TOKEN.finditer(text):
        unit = match["unit"].lower()
        key = "m" if unit.startswith("mi") or unit == "m" else unit[0]
        total += int(match["n"]) * _UNIT_SECONDS[key]
        found = True
    clock = _CLOCK.search(text)
    if clock:
        total += int(clock["h"]) * 3600 + int(clock["m"]) * 60 + int(clock["s"] or 0)
        found = True
    return total if found else None
