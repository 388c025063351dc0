"""How the disk rules read a ``disk_health`` block: counts as smartctl shows them, and wear.

smartctl decodes each ATA attribute's 48-bit raw field with a per-drive format from its drive
database and prints the result as ``raw.string``; ``raw.value`` is the undecoded field. For
vendor-packed attributes the two differ wildly: Seagate's 188 Command_Timeout is three 16-bit
counters ("2 2 2", raw.value 8590065666), temperatures carry min/max in the upper bytes
("19 (Min/Max 17/29)"), SandForce error rates are "0/79241087". The count a person reads is the
first number of the string, so that is what every rule uses; raw.value is only a fallback when
an older agent sent no string, cut to the low 16 bits for the attributes known to be packed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Attributes whose raw field smartctl splits into 16-bit words (drivedb's "raw16"): Seagate's
# 188 Command_Timeout packs three counters; the low word is the one that counts every timeout.
PACKED_16 = frozenset({188})
LOW_16 = 0xFFFF
# ATA normalised values run 1..253; 1 is the floor, so "1" means the indicator is exhausted.
NORMALISED_FLOOR = 1
_LEADING_NUMBER = re.compile(r"\s*(\d{1,20})")


@dataclass(frozen=True)
class WearIndicator:
    """An SSD wear attribute: its id, the name pattern that identifies it (ids are reused by
    other vendors for unrelated counters), and why its normalised value is "percent left"."""

    ident: int
    name_contains: str
    source: str


# Each of these counts down from 100 (new) as rated endurance is consumed, so used = 100 - value:
WEAR_INDICATORS: tuple[WearIndicator, ...] = (
    # Samsung SATA SSDs: normalised 177 is the percentage of rated P/E cycles left.
    WearIndicator(177, "wear_leveling_count", "Samsung 177 Wear_Leveling_Count"),
    # SandForce/Kingston/OCZ: 231 SSD_Life_Left is life remaining in percent.
    WearIndicator(231, "life_left", "SandForce 231 SSD_Life_Left"),
    # Intel: 233 Media_Wearout_Indicator starts at 100 and falls to 1 at rated endurance.
    WearIndicator(233, "media_wearout", "Intel 233 Media_Wearout_Indicator"),
    # Crucial/Micron: 202 Percent_Lifetime_Remain (normalised = % left; raw = % used).
    WearIndicator(202, "percent_lifetime", "Micron 202 Percent_Lifetime_Remain"),
    # WD/SanDisk: 169 Remaining_Lifetime_Perc.
    WearIndicator(169, "remaining_lifetime", "WD/SanDisk 169 Remaining_Lifetime_Perc"),
)


def attribute(disk: Mapping[str, Any], ident: int) -> Mapping[str, Any] | None:
    """The first ATA attribute row with this id, or None when the disk does not report it."""
    rows = disk.get("attributes")
    for row in rows if isinstance(rows, Sequence) else ():
        if isinstance(row, Mapping) and row.get("id") == ident:
            return row
    return None


def displayed_count(row: Mapping[str, Any]) -> int | None:
    """The count smartctl shows for an attribute: the first number of its raw string.

    Without a string, raw.value is used as is, or its low 16 bits for attributes in PACKED_16.
    """
    text = row.get("raw_string")
    if isinstance(text, str):
        match = _LEADING_NUMBER.match(text)
        return int(match.group(1)) if match else None
    raw = row.get("raw")
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        return None
    return raw & LOW_16 if row.get("id") in PACKED_16 else raw


def attribute_count(disk: Mapping[str, Any], ident: int) -> int | None:
    """The displayed count of attribute ``ident`` on this disk, None when it is not reported."""
    row = attribute(disk, ident)
    return None if row is None else displayed_count(row)


def _normalised_used(value: Any) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    return 100 if value <= NORMALISED_FLOOR else max(0, 100 - value)


def ata_wear(disk: Mapping[str, Any]) -> tuple[int, str] | None:
    """Percent of rated endurance used from the first known ATA wear indicator, with its source.

    Matching by name as well as id keeps out SandForce's 177 Wear_Range_Delta and
    233 SandForce_Internal, which are not percentages.
    """
    for indicator in WEAR_INDICATORS:
        row = attribute(disk, indicator.ident)
        name = str(row.get("name") or "").lower() if row else ""
        if row and indicator.name_contains in name:
            used = _normalised_used(row.get("value"))
            if used is not None:
                return used, f"{indicator.source} = {row.get('value')}"
    return None


def format_number(value: float) -> str:
    """A number as a person in Indonesia reads it: "1.234" for thousands, "0,5" for a fraction."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, fraction = f"{value:,.1f}".split(".")
    return f"{whole.replace(',', '.')},{fraction}"
