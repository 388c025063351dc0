"""Dates as a person reads them: "11 Juli 2026" in Bahasa Indonesia, "11 July 2026" in English.

Spelled out here rather than through the C locale: the collector's host may have no id_ID locale
installed, and the name of a month must not depend on the machine that renders it.
"""

from __future__ import annotations

from datetime import date

_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def tanggal(day: date) -> str:
    """The date in Indonesian: ``tanggal(date(2026, 7, 11))`` is "11 Juli 2026"."""
    return f"{day.day} {_BULAN[day.month - 1]} {day.year}"


def english_date(day: date) -> str:
    """The date in English, day first: "11 July 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def nama_bulan(month: int) -> str:
    """The month's Indonesian name: ``nama_bulan(7)`` is "Juli"."""
    return _BULAN[month - 1]


def english_month(month: int) -> str:
    """The month's English name: ``english_month(7)`` is "July"."""
    return _MONTHS[month - 1]
