"""The reports' words and figures in one language: texts from the message catalogue, dates as
"28 November 2026", numbers as "1.234,5" and rupiah as "Rp 1.234.500" (English: "1,234.5",
"Rp 1,234,500"). Bahasa Indonesia is the default."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any, Final

from babel.numbers import format_decimal

from collector.domain.human_dates import english_date, english_month, nama_bulan, tanggal
from collector.domain.periods import Period, PeriodKind

_ROMAN: Final = ("I", "II", "III", "IV")
DASH: Final = "\u2013"  # an en dash: no value, and between two dates


class Language(StrEnum):
    ID = "id"
    EN = "en"


class LanguageError(ValueError):
    """A language the reports are not written in."""


def language(code: str | None) -> Language:
    """The language a caller asked for (None: Bahasa Indonesia); LanguageError otherwise."""
    try:
        return Language((code or Language.ID).lower())
    except ValueError:
        raise LanguageError(f"bahasa {str(code)[:10]!r} tidak tersedia; id atau en") from None


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every message by dotted key ("section.work") then language, read once from the package."""
    raw = tomllib.loads(files(__package__).joinpath("messages.toml").read_text("utf-8"))
    return dict(_flatten(raw, ""))


def _flatten(table: Mapping[str, Any], prefix: str) -> Any:
    for key, value in table.items():
        if set(value) <= set(Language):
            yield f"{prefix}{key}", value
        else:
            yield from _flatten(value, f"{prefix}{key}.")


@dataclass(frozen=True)
class Wording:
    """Texts and figures as a reader of ``language`` writes them."""

    language: Language = Language.ID

    def __call__(self, key: str, **values: object) -> str:
        """The message ``key`` with ``values`` put in; KeyError for a key not catalogued."""
        text = catalogue()[key][self.language]
        return text.format(**values) if values else text

    def label(self, value: StrEnum | None, group: str) -> str:
        """An enum value's name in the catalogue group (``None`` as the group's "unknown")."""
        return self(f"{group}.{'unknown' if value is None else value.value}")

    def date(self, day: date | None) -> str:
        if day is None:
            return ""
        return tanggal(day) if self.language is Language.ID else english_date(day)

    def number(self, value: float | Decimal | int | None, decimals: int = 1) -> str:
        """Grouped digits, at most ``decimals`` after the point (none shown for whole ones)."""
        if value is None:
            return DASH
        pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
        return format_decimal(value, format=pattern, locale=self.language.value)

    def rupiah(self, value: Decimal | int | None) -> str:
        """ "Rp 1.234.500": whole rupiah, the way Indonesian budgets are written."""
        return DASH if value is None else f"Rp {self.number(value, 0)}"

    def period(self, period: Period) -> str:
        """ "Triwulan III 2026" / "Quarter 3 of 2026", "Juli 2026", "Tahun 2026"..."""
        name = nama_bulan if self.language is Language.ID else english_month
        month = name(period.number) if period.kind is PeriodKind.MONTH else ""
        roman = _ROMAN[period.number - 1] if period.number <= len(_ROMAN) else ""
        return self(f"period.{period.kind.value}", year=period.year, number=period.number,
                    roman=roman, month=month)  # fmt: skip

    def period_span(self, period: Period) -> str:
        """The period's name with its first and last day."""
        return f"{self.period(period)} ({self.date(period.start)} {DASH} {self.date(period.end)})"
