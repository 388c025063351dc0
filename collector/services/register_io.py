"""The register as CSV and XLSX, and the state-property (BMN) columns imported back.

Export writes one row per asset in the caller's site scope. Import reconciles the register with
the asset office's spreadsheet (SIMAK-BMN): it matches rows to assets that discovery already
created (by ``id_aset``, else by a unique ``nomor_seri``), writes only the administrative
columns (kode_barang, nup, kondisi, tanggal_perolehan, garansi_sampai, pemilik, pic) and
records each changed field in the asset's history. It is all or nothing: one bad row, and
nothing is written; a refused file (too big, not a spreadsheet, wrong header) changes nothing
either. An empty BMN cell clears the field; a BMN column left out of the sheet is untouched.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final
from xml.etree.ElementTree import ParseError

# No types-openpyxl in the dev environment yet; drop these ignores once it is added.
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.models import AssetRow, ChangeRow
from collector.domain.bmn import (
    BMN_FIELDS,
    EXPORT_COLUMNS,
    MAX_HEADER_COLUMNS,
    BmnRow,
    BmnValue,
    CellValue,
    Formula,
    Header,
    HeaderError,
    RowError,
    changed_fields,
    csv_text,
    export_row,
    is_blank,
    parse_row,
    read_header,
    shown,
)
from collector.domain.register import Asset
from collector.errors import Refused
from collector.services.register import MAX_PER_PAGE, AssetFilter, Page, RegisterQueries
from collector.services.users import Role, Viewer

MAX_IMPORT_BYTES: Final = 20 * 1024 * 1024
MAX_IMPORT_ROWS: Final = 50_000
MAX_UNZIPPED_BYTES: Final = 256 * 1024 * 1024  # an XLSX of 50,000 rows is far below this
MAX_ZIP_MEMBERS: Final = 1000
MAX_LISTED: Final = 1000  # errors and changes listed in a report; the counts are complete
IMPORT_ROLES: Final = frozenset({Role.PLANNER, Role.ADMIN})
DELIMITERS: Final = (",", ";", "\t")
CHANGE_SOURCE: Final = "bmn_import"
CHANGE_KIND: Final = "bmn_updated"
CSV_MEDIA_TYPE: Final = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME: Final = "Aset"
_XLSX_FORMATS: Final = {
    "id_aset": "0",
    "tanggal_perolehan": "DD/MM/YYYY",
    "garansi_sampai": "DD/MM/YYYY",
    "terakhir_terlihat": "DD/MM/YYYY HH:MM",
}  # every other column is text ("@"), so what a user types there stays text
_XLSX_FAULTS = (
    zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, ValueError, TypeError,
    IndexError, AttributeError, OSError, EOFError,
)  # fmt: skip


class SheetFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Unmatched:
    """A row that names no asset in the caller's scope (a spreadsheet never creates assets)."""

    row: int
    key: str
    reason: str


@dataclass(frozen=True)
class FieldChange:
    """One BMN field an import changes (or, on a dry run, would change)."""

    row: int
    asset_id: int
    column: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did; every value is JSON-ready (text, numbers, booleans).

    ``rows`` counts non-blank data rows; ``matched`` the valid rows naming an asset in scope
    (always ``updated`` + ``unchanged``; with errors elsewhere these say what *would*
    happen). ``errors`` and ``changes`` list the first :data:`MAX_LISTED`; ``error_count`` and
    ``change_count`` are complete. ``applied`` is True only when the changes were written
    (not a dry run, no errors).
    """

    rows: int
    matched: int
    updated: int
    unchanged: int
    unmatched: tuple[Unmatched, ...]
    errors: tuple[RowError, ...]
    error_count: int
    changes: tuple[FieldChange, ...]
    change_count: int
    dry_run: bool
    applied: bool


# --- export --------------------------------------------------------------------------------


def export_assets(
    sessions: sessionmaker[Session],
    viewer: Viewer,
    fmt: str,
    wanted: AssetFilter,
    *,
    delimiter: str = ",",
) -> bytes:
    """Every asset in the viewer's site scope matching ``wanted`` as a CSV or XLSX file.

    CSV is UTF-8 with a byte-order mark (so Excel picks the encoding), CRLF line ends, ISO
    dates and ``delimiter`` between fields: "," by default, ";" for Excel on Windows set to
    the Indonesian locale (its list separator), or a tab. Text that a spreadsheet would run as
    a formula gets a leading apostrophe. XLSX keeps identifiers in text cells, dates as real
    dates shown DD/MM/YYYY and the last sighting in UTC. Any role may export.
    """
    chosen = _sheet_format(fmt)
    rows = (export_row(asset) for asset in _scoped_assets(sessions, viewer, wanted))
    if chosen is SheetFormat.XLSX:
        return _xlsx_bytes(rows)
    if delimiter not in DELIMITERS:
        raise Refused(400, "bad_delimiter", "pemisah CSV harus ',' ';' atau tab")
    return _csv_bytes(rows, delimiter)


def _sheet_format(fmt: str) -> SheetFormat:
    try:
        return SheetFormat(fmt.lower())
    except ValueError:
        raise Refused(
            400, "bad_format", f"format {fmt[:20]!r} tidak dikenal; csv atau xlsx"
        ) from None


def _scoped_assets(
    sessions: sessionmaker[Session], viewer: Viewer, wanted: AssetFilter
) -> Iterator[Asset]:
    queries = RegisterQueries(sessions)
    number = 1
    while True:
        assets, total = queries.list_assets(viewer, wanted, Page(number, MAX_PER_PAGE))
        yield from assets
        if not assets or number * MAX_PER_PAGE >= total:
            return
        number += 1


def _csv_bytes(rows: Iterable[Sequence[CellValue]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([csv_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_bytes(rows: Iterable[Sequence[CellValue]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_NAME)
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, len(column) + 4)
        dimension.number_format = _XLSX_FORMATS.get(column, "@")
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column) for column in EXPORT_COLUMNS])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c, v) for c, v in zip(EXPORT_COLUMNS, row, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet: Any, column: str) -> Any:
    cell = WriteOnlyCell(sheet, value=column)
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet: Any, column: str, value: CellValue) -> Any:
    """A cell that keeps its kind: text stays text even when it starts with "=" (a string
    cell is never evaluated, so no apostrophe is needed), datetimes become naive UTC."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type] # openpyxl takes dates too
    if isinstance(value, str):
        cell.data_type = "s"
    cell.number_format = _XLSX_FORMATS.get(column, "@")
    return cell


# --- import --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    rows: int
    parsed: list[BmnRow]
    errors: list[RowError]


@dataclass
class _Plan:
    matched: int = 0
    unchanged: int = 0
    updates: list[tuple[BmnRow, int, dict[str, tuple[BmnValue, BmnValue]]]] = field(
        default_factory=list
    )
    unmatched: list[Unmatched] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def import_bmn(
    sessions: sessionmaker[Session],
    viewer: Viewer,
    data: bytes,
    fmt: str,
    *,
    dry_run: bool,
    now: datetime,
) -> ImportReport:
    """Reconcile the register's BMN columns with a CSV or XLSX sheet; the report says what
    matched, what changed (or would, on a dry run) and every row refused with its reason.

    Refused(403) unless the viewer is a planner or an admin; Refused(413) for a file over
    20 MB or over 50,000 rows; Refused(400) for a file that is not the format named, is not
    UTF-8 CSV, holds NUL bytes or has an unknown header. Row errors come back in the report
    and then nothing is written. ``now`` stamps the history entries.
    """
    if viewer.role not in IMPORT_ROLES:
        raise Refused(403, "forbidden", "impor BMN hanya untuk peran planner atau admin")
    chosen = _sheet_format(fmt)
    if len(data) > MAX_IMPORT_BYTES:
        raise Refused(413, "file_too_large", f"berkas melebihi {MAX_IMPORT_BYTES} bita (20 MB)")
    sheet = _read_sheet(_xlsx_rows(data) if chosen is SheetFormat.XLSX else _csv_rows(data))
    with sessions.begin() as session:
        plan = _plan(session, viewer, sheet)
        applied = not dry_run and not plan.errors
        if applied:
            _apply(session, plan, now)
    return _report(sheet, plan, dry_run=dry_run, applied=applied)


def _read_sheet(rows: Iterator[list[object]]) -> _Sheet:
    """The header and every data row parsed; Refused when the file is unusable as a whole."""
    first = next(rows, None)
    if first is None:
        raise Refused(400, "no_rows", "berkas kosong: tidak ada baris judul")
    while first and is_blank(first[-1:]):
        first.pop()
    try:
        header = read_header(first)
    except HeaderError as exc:
        raise Refused(400, "bad_header", f"baris 1: {exc}") from exc
    count, parsed, errors = 0, [], []
    for number, cells in enumerate(rows, start=2):
        if is_blank(cells):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise Refused(413, "too_many_rows", f"lebih dari {MAX_IMPORT_ROWS} baris data")
        row, problems = _parse_cells(header, len(first), number, cells)
        errors += problems
        if row is not None:
            parsed.append(row)
    if count == 0:
        raise Refused(400, "no_rows", "berkas tidak berisi baris data")
    return _Sheet(count, parsed, errors)


def _parse_cells(
    header: Header, width: int, number: int, cells: list[object]
) -> tuple[BmnRow | None, list[RowError]]:
    if not is_blank(cells[width:]):
        return None, [RowError(number, "", f"baris berisi nilai di luar {width} kolom judul; "
                                             f"periksa pemisah kolom")]  # fmt: skip
    return parse_row(header, number, cells)


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    """The records of a UTF-8 CSV (BOM optional); the delimiter (",", ";" or tab) is the one
    the header line uses most."""
    if b"\x00" in data:
        raise Refused(400, "bad_file", "berkas CSV berisi bita NUL (UTF-16 atau bukan teks?); "
                                       "simpan sebagai CSV UTF-8")  # fmt: skip
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(400, "bad_file", f"berkas CSV bukan UTF-8 (bita ke-{exc.start}); simpan "
                                       f"sebagai 'CSV UTF-8'")  from exc  # fmt: skip
    header_line = text.partition("\n")[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            yield list(record)
    except csv.Error as exc:
        raise Refused(400, "bad_file", f"CSV rusak di baris {reader.line_num}: {exc}") from exc


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    """The rows of the workbook's first sheet as values; formula and error cells as Formula."""
    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except _XLSX_FAULTS as exc:
        raise _unreadable_xlsx() from exc
    try:
        for cells in book.worksheets[0].iter_rows(max_col=MAX_HEADER_COLUMNS + 1):
            yield [_xlsx_value(cell) for cell in cells]
    except _XLSX_FAULTS as exc:
        raise _unreadable_xlsx() from exc
    finally:
        book.close()


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip, or would unpack to far more than a real register sheet."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _unreadable_xlsx() from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNZIPPED_BYTES:
        raise Refused(413, "file_too_large", "isi XLSX terlalu besar setelah diekstrak")


def _unreadable_xlsx() -> Refused:
    return Refused(400, "bad_file", "berkas bukan XLSX yang dapat dibaca (file .xls lama, "
                                    "terenkripsi, atau rusak?); simpan sebagai .xlsx")  # fmt: skip


def _xlsx_value(cell: Any) -> object:
    if cell.data_type in ("f", "e"):
        return Formula(str(cell.value))
    return cell.value


def _plan(session: Session, viewer: Viewer, sheet: _Sheet) -> _Plan:
    """Match each parsed row to an asset in scope and compare its BMN values."""
    current = _scope_values(session, viewer)
    by_serial: dict[str, list[int]] = {}
    for known, (serial, _) in current.items():
        if serial:
            by_serial.setdefault(serial.strip().casefold(), []).append(known)
    plan = _Plan(errors=list(sheet.errors))
    claimed: dict[int, int] = {}
    for row in sheet.parsed:
        asset_id = _match(row, current, by_serial, plan)
        if asset_id is None:
            continue
        if asset_id in claimed:
            plan.errors.append(RowError(row.number, "", f"aset #{asset_id} sudah diisi oleh "
                                                        f"baris {claimed[asset_id]}"))  # fmt: skip
            continue
        claimed[asset_id] = row.number
        plan.matched += 1
        changes = changed_fields(current[asset_id][1], row.values)
        if changes:
            plan.updates.append((row, asset_id, changes))
        else:
            plan.unchanged += 1
    return plan


def _match(
    row: BmnRow,
    current: Mapping[int, tuple[str | None, Mapping[str, BmnValue]]],
    by_serial: Mapping[str, list[int]],
    plan: _Plan,
) -> int | None:
    """The asset the row names, or None after noting it as unmatched."""
    if row.asset_id is not None:
        if row.asset_id in current:
            return row.asset_id
        reason = "id_aset tidak ditemukan dalam cakupan situs Anda"
        plan.unmatched.append(Unmatched(row.number, f"id_aset={row.asset_id}", reason))
        return None
    serial = row.serial or ""
    found = by_serial.get(serial.casefold(), [])
    if len(found) == 1:
        return found[0]
    reason = (f"nomor seri cocok dengan {len(found)} aset; isi id_aset" if found
              else "nomor seri tidak ditemukan dalam cakupan situs Anda")  # fmt: skip
    plan.unmatched.append(Unmatched(row.number, f"nomor_seri={serial}", reason))
    return None


def _scope_values(
    session: Session, viewer: Viewer
) -> dict[int, tuple[str | None, dict[str, BmnValue]]]:
    """Asset id → (serial, BMN values by sheet column) for every asset the viewer may see."""
    columns = [getattr(AssetRow, name) for name in BMN_FIELDS.values()]
    query = select(AssetRow.id, AssetRow.serial, *columns)
    if viewer.site_id is not None:
        query = query.where(AssetRow.site_id == viewer.site_id)
    return {
        asset_id: (serial, dict(zip(BMN_FIELDS, values, strict=True)))
        for asset_id, serial, *values in session.execute(query)
    }


def _apply(session: Session, plan: _Plan, now: datetime) -> None:
    """Write the changed fields and one history entry per field, in the caller's transaction."""
    if not plan.updates:
        return
    session.execute(
        update(AssetRow),
        [{"id": asset_id, **{BMN_FIELDS[column]: after for column, (_, after) in changes.items()}}
         for _, asset_id, changes in plan.updates],
    )  # fmt: skip
    session.execute(
        insert(ChangeRow),
        [{"asset_id": asset_id, "at": now, "source": CHANGE_SOURCE, "kind": CHANGE_KIND,
          "subject": column, "before": shown(before), "after": shown(after)}
         for _, asset_id, changes in plan.updates
         for column, (before, after) in changes.items()],
    )  # fmt: skip


def _report(sheet: _Sheet, plan: _Plan, *, dry_run: bool, applied: bool) -> ImportReport:
    changes = [
        FieldChange(row.number, asset_id, column, shown(before), shown(after))
        for row, asset_id, found in plan.updates
        for column, (before, after) in found.items()
    ]
    errors = sorted(plan.errors, key=lambda error: (error.row, error.column))
    return ImportReport(
        rows=sheet.rows, matched=plan.matched, updated=len(plan.updates),
        unchanged=plan.unchanged, unmatched=tuple(plan.unmatched),
        errors=tuple(errors[:MAX_LISTED]), error_count=len(errors),
        changes=tuple(changes[:MAX_LISTED]), change_count=len(changes),
        dry_run=dry_run, applied=applied,
    )  # fmt: skip
