"""The reports' tables as XLSX workbooks and CSV files.

XLSX: one sheet per table, header row bold and frozen; codes (kode barang, NUP) in text cells
so their leading zeros survive; numbers and rupiah as numbers with a display format; dates
as real dates shown "28 November 2026" in the report's language. CSV: UTF-8 with a byte-order
mark (Excel picks the encoding), CRLF, ISO dates, plain numbers with a point, codes as written,
text a spreadsheet would run as a formula guarded with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from collector.adapters.reports.tables import Cell, CellValue, Table
from collector.adapters.reports.wording import Language, Wording
from collector.domain.bmn import guard_formula

# Excel's locale prefixes make month names Indonesian (0421) or English (0409) everywhere.
_DATE_FORMATS: Final = {Language.ID: "[$-421]d mmmm yyyy", Language.EN: "[$-409]d mmmm yyyy"}
_MONEY: Final = '"Rp "#,##0'
_WHOLE: Final = "#,##0"
_FRACTION: Final = "#,##0.0"
_MAX_SHEET_TITLE: Final = 31


def xlsx_bytes(tables: Sequence[Table], words: Wording) -> bytes:
    """A workbook with one sheet per table, in order."""
    book = Workbook(write_only=True)
    for table in tables:
        _write_sheet(book, table, words)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(book: Workbook, table: Table, words: Wording) -> None:
    sheet = book.create_sheet(words(table.key)[:_MAX_SHEET_TITLE])
    titles = [words(column.key) for column in table.columns]
    for index, (column, title) in enumerate(zip(table.columns, titles, strict=True), start=1):
        width = 40 if column.kind is Cell.LIST else max(12, min(len(title) + 4, 40))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, title) for title in titles])
    for row in table.rows:
        sheet.append([_cell(sheet, c.kind, v, words) for c, v in zip(table.columns, row,
                                                                     strict=True)])  # fmt: skip


def _header(sheet: Any, title: str) -> Any:
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: Any, kind: Cell, value: CellValue, words: Wording) -> Any:
    if isinstance(value, tuple):
        value = "\n".join(value)
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type] # openpyxl takes dates
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
        cell.number_format = "@"
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, date):
        cell.number_format = _DATE_FORMATS[words.language]
    elif isinstance(value, int | float):
        whole = _WHOLE if isinstance(value, int) else _FRACTION
        cell.number_format = _MONEY if kind is Cell.MONEY else whole
    return cell


def csv_bytes(table: Table, words: Wording) -> bytes:
    """One table as CSV: a header row of column titles, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(words(column.key) for column in table.columns)
    writer.writerows([_csv_text(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return guard_formula("; ".join(value))
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int | Decimal):
        return str(value)
    return guard_formula(value)
