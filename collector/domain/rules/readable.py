"""Numbers, percentages, sizes and dates as a person reads them in a finding's sentences.

Findings are read by ops staff in Bahasa Indonesia by default, so the Indonesian sentence uses
the Indonesian forms ("1.234", "95,5 %", "28 November 2026"); the English sentence uses the
English ones ("1,234", "95.5 %", "28 November 2026") so neither reader meets a dot that means
the other thing. ``lang`` is "id" or "en".
"""

from __future__ import annotations

from datetime import date

MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def number(value: float, decimals: int = 0, lang: str = "id") -> str:
    """``value`` with thousands grouped: "1.234,5" in Indonesian, "1,234.5" in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: float, lang: str = "id") -> str:
    """A percentage to at most one decimal: "95 %", "95,5 %" (en "95.5 %")."""
    rounded = round(value, 1)
    return f"{number(rounded, 0 if rounded == int(rounded) else 1, lang)} %"


def day(value: date, lang: str = "id") -> str:
    """A date as "28 November 2026" (month named in the sentence's language)."""
    return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def size(value: float, lang: str = "id") -> str:
    """A byte count in decimal units to one decimal ("1,5 GB"), as disk makers count."""
    scaled, unit = float(value), 0
    while abs(scaled) >= 1000 and unit < len(_BYTE_UNITS) - 1:
        scaled, unit = scaled / 1000, unit + 1
    return f"{number(scaled, 0 if unit == 0 else 1, lang)} {_BYTE_UNITS[unit]}"
