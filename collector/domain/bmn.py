"""The register as a spreadsheet: columns, cell values out, and BMN rows read back in.

The finance/asset office keeps the state-property (BMN, Barang Milik Negara) records in a
spreadsheet (SIMAK-BMN exports). This module is the pure half of reconciling the register with
it: which columns a sheet has, how an asset becomes a row, and how a row read back becomes
validated BMN values with Indonesian error messages. Reading and writing the files and the
database is the service's job (:mod:`collector.services.register_io`).

Identifiers stay text: a *kode barang* ("3100102002" or "3.10.01.02.002") and an *NUP*
("000012") lose their leading zeros the moment a spreadsheet turns them into numbers, so a
numeric cell in a text column is refused rather than guessed back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Final

from collector.domain.register import Asset, Kondisi

EXPORT_COLUMNS: Final = (
    "id_aset", "situs", "jenis", "nama_host", "merek", "model", "nomor_seri", "sistem_operasi",
    "kode_barang", "nup", "kondisi", "tanggal_perolehan", "garansi_sampai", "pemilik", "pic",
    "terakhir_terlihat",
)  # fmt: skip
KEY_COLUMNS: Final = ("id_aset", "nomor_seri")
# The administrative columns an import may write, by sheet column → asset field.
BMN_FIELDS: Final[Mapping[str, str]] = {
    "kode_barang": "kode_barang",
    "nup": "nup",
    "kondisi": "kondisi",
    "tanggal_perolehan": "purchase_date",
    "garansi_sampai": "warranty_until",
    "pemilik": "owner",
    "pic": "pic",
}
DATE_COLUMNS: Final = frozenset({"tanggal_perolehan", "garansi_sampai"})
# Characters that make a spreadsheet treat a text cell as a formula (OWASP "CSV injection").
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT: Final[Mapping[str, int]] = {"kode_barang": 64, "nup": 32, "pemilik": 256, "pic": 256}
MAX_HEADER_COLUMNS: Final = 64

CellValue = str | int | float | bool | date | datetime | None
BmnValue = str | date | None

_KODE_BARANG = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_NUP = re.compile(r"^[0-9]+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SEPARATORS = re.compile(r"[\s_\-]+")
_KONDISI = {
    "baik": Kondisi.BAIK,
    "b": Kondisi.BAIK,
    "rusak ringan": Kondisi.RUSAK_RINGAN,
    "rr": Kondisi.RUSAK_RINGAN,
    "rusak berat": Kondisi.RUSAK_BERAT,
    "rb": Kondisi.RUSAK_BERAT,
}


@dataclass(frozen=True)
class Formula:
    """A spreadsheet cell holding a formula or an Excel error value (#N/A) instead of a value."""

    text: str


@dataclass(frozen=True)
class RowError:
    """Why one cell (or a whole row, column "") of an imported sheet was refused."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Header:
    """Where each known column sits in the sheet (0-based positions)."""

    positions: Mapping[str, int]

    @property
    def bmn_columns(self) -> tuple[str, ...]:
        """The BMN columns present, in the order of :data:`BMN_FIELDS`."""
        return tuple(column for column in BMN_FIELDS if column in self.positions)


@dataclass(frozen=True)
class BmnRow:
    """One imported row: the key it names the asset by and its validated BMN values.

    ``values`` maps sheet column → value for every BMN column of the sheet; None clears the
    field (an empty cell means "no value", so the register ends up as the sheet says).
    """

    number: int
    asset_id: int | None
    serial: str | None
    values: Mapping[str, BmnValue] = field(default_factory=dict)


class HeaderError(ValueError):
    """The sheet's first row is not a header this import understands."""


# --- export --------------------------------------------------------------------------------


def export_row(asset: Asset) -> tuple[CellValue, ...]:
    """The asset as one sheet row in :data:`EXPORT_COLUMNS` order: dates as dates, the last
    sighting as an aware UTC datetime, every identifier as text, absent values as None."""
    system = " ".join(part for part in (asset.os_name, asset.os_version) if part) or None
    return (
        asset.id, asset.site_code, asset.kind.value, asset.name, asset.vendor, asset.model,
        asset.serial, system, asset.kode_barang, asset.nup,
        asset.kondisi.value if asset.kondisi else None, asset.purchase_date,
        asset.warranty_until, asset.owner, asset.pic, asset.last_seen.astimezone(UTC),
    )  # fmt: skip


def guard_formula(text: str) -> str:
    """Text a spreadsheet will show as text: a leading apostrophe before = + - @ (and tab or
    carriage return), which Excel and LibreOffice would otherwise evaluate as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    """The text :func:`guard_formula` guarded, so an exported sheet imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_text(value: CellValue) -> str:
    """One CSV cell: ISO dates (YYYY-MM-DD), UTC timestamps ending in Z, guarded text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return guard_formula(str(value))


# --- import: header ------------------------------------------------------------------------


def read_header(cells: Sequence[object]) -> Header:
    """The known columns of a header row. Names are matched case-insensitively with spaces
    and hyphens read as underscores ("Kode Barang" is kode_barang); blank header cells are
    ignored. Raises HeaderError for an unknown or repeated name, for no key column (id_aset
    or nomor_seri) and for no BMN column, since such a sheet would change nothing on purpose.
    """
    if len(cells) > MAX_HEADER_COLUMNS:
        raise HeaderError(f"baris judul berisi {len(cells)} kolom; paling banyak "
                          f"{MAX_HEADER_COLUMNS}")  # fmt: skip
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        name = _header_name(cell)
        if not name:
            continue
        if name not in EXPORT_COLUMNS:
            unknown.append(str(cell).strip()[:64])
            continue
        if name in positions:
            raise HeaderError(f"kolom {name} muncul lebih dari sekali di baris judul")
        positions[name] = index
    if unknown:
        raise HeaderError(f"kolom tidak dikenal: {', '.join(unknown)}; kolom yang diterima: "
                          f"{', '.join(EXPORT_COLUMNS)}")  # fmt: skip
    _require_columns(positions)
    return Header(positions)


def _header_name(cell: object) -> str:
    if cell is None or isinstance(cell, Formula):
        return ""
    return _SEPARATORS.sub("_", str(cell).strip().lstrip("\ufeff")).strip("_").casefold()


def _require_columns(positions: Mapping[str, int]) -> None:
    if not any(column in positions for column in KEY_COLUMNS):
        raise HeaderError("baris judul harus memuat kolom id_aset atau nomor_seri "
                          "untuk mencocokkan aset")  # fmt: skip
    if not any(column in positions for column in BMN_FIELDS):
        raise HeaderError(f"baris judul tidak memuat kolom BMN mana pun "
                          f"({', '.join(BMN_FIELDS)}); tidak ada yang bisa diperbarui")  # fmt: skip


# --- import: rows --------------------------------------------------------------------------


def is_blank(cells: Sequence[object]) -> bool:
    """True for a row with no value at all (skipped, not counted)."""
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def parse_row(
    header: Header, number: int, cells: Sequence[object]
) -> tuple[BmnRow | None, list[RowError]]:
    """A data row as its key and BMN values, or None with every problem found in it (row
    numbers as the spreadsheet shows them, messages in Indonesian)."""
    errors: list[RowError] = []
    values: dict[str, BmnValue] = {}
    for column in header.bmn_columns:
        value, message = parse_bmn_cell(column, _cell(cells, header.positions[column]))
        if message:
            errors.append(RowError(number, column, message))
        values[column] = value
    asset_id, serial, key_errors = _read_keys(header, number, cells)
    errors += key_errors + _date_order(number, values)
    if errors:
        return None, errors
    return BmnRow(number, asset_id, serial, values), []


def _cell(cells: Sequence[object], position: int) -> object:
    return cells[position] if position < len(cells) else None


def parse_bmn_cell(column: str, cell: object) -> tuple[BmnValue, str | None]:
    """One BMN cell as its value (None when empty) and an error message (None when valid)."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, None
    if isinstance(cell, Formula):
        return None, f"sel berisi rumus atau galat ({cell.text[:40]}); tempel sebagai nilai"
    if column in DATE_COLUMNS:
        return parse_date_cell(cell)
    if not isinstance(cell, str):
        return None, _not_text(column, cell)
    text = unguard_formula(cell.strip())
    if column == "kondisi":
        return parse_kondisi(text)
    return _checked_text(column, text)


def _not_text(column: str, cell: object) -> str:
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return f"nilai {cell!r} bukan teks; kolom {column} harus berformat Teks"
    return (f"sel berisi angka ({cell}); kolom {column} harus berformat Teks karena Excel "
            f"sudah membuang nol di depan; format kolom sebagai Teks lalu isi ulang")  # fmt: skip


def _checked_text(column: str, text: str) -> tuple[BmnValue, str | None]:
    if column in ("kode_barang", "nup"):
        text = text.removeprefix("'")  # Excel's "keep as text" prefix typed into a CSV
    limit = MAX_TEXT[column]
    if len(text) > limit:
        return None, f"paling banyak {limit} karakter (ada {len(text)})"
    if column == "kode_barang" and not _KODE_BARANG.match(text):
        return None, f"kode barang {text[:70]!r} hanya boleh berisi angka dan titik"
    if column == "nup" and not _NUP.match(text):
        return None, f"NUP {text[:40]!r} hanya boleh berisi angka"
    return text, None


def parse_kondisi(text: str) -> tuple[BmnValue, str | None]:
    """The BMN condition as the records spell it ("Baik", "Rusak Ringan", "Rusak Berat"),
    whatever the case, spacing or separator; the abbreviations B, RR and RB are accepted."""
    found = _KONDISI.get(_SEPARATORS.sub(" ", text).strip().casefold())
    if found is None:
        return None, f"kondisi {text[:40]!r} tidak dikenal; gunakan Baik, Rusak Ringan, Rusak Berat"
    return found.value, None


def parse_date_cell(cell: object) -> tuple[BmnValue, str | None]:
    """A date from a spreadsheet date cell or text in YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(cell, datetime):
        return cell.date(), None
    if isinstance(cell, date):
        return cell, None
    if not isinstance(cell, str):
        return None, (f"nilai {cell!r} bukan tanggal; format sel sebagai Tanggal atau tulis "
                      f"DD/MM/YYYY atau YYYY-MM-DD")  # fmt: skip
    text = cell.strip()
    found = _date_parts(text)
    try:
        return (date(*found), None) if found else (None, _bad_date(text))
    except ValueError:
        return None, _bad_date(text)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of YYYY-MM-DD or DD/MM/YYYY text, unchecked; None for other text."""
    iso, dmy = _ISO_DATE.match(text), _DMY_DATE.match(text)
    if iso:
        return int(iso.group(1)), int(iso.group(2)), int(iso.group(3))
    if dmy:
        return int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1))
    return None


def _bad_date(text: str) -> str:
    return f"tanggal {text[:40]!r} tidak sah; tulis DD/MM/YYYY atau YYYY-MM-DD"


def _read_keys(
    header: Header, number: int, cells: Sequence[object]
) -> tuple[int | None, str | None, list[RowError]]:
    """The row's id_aset (a positive whole number) and nomor_seri (text), either may be None."""
    raw_id = _cell(cells, header.positions["id_aset"]) if "id_aset" in header.positions else None
    raw_serial = (
        _cell(cells, header.positions["nomor_seri"]) if "nomor_seri" in header.positions else None
    )
    asset_id, id_error = _asset_id(raw_id)
    serial, serial_error = _serial(raw_serial)
    errors = [RowError(number, column, message)
              for column, message in (("id_aset", id_error), ("nomor_seri", serial_error))
              if message]  # fmt: skip
    if not errors and asset_id is None and serial is None:
        errors.append(RowError(number, "", "baris tanpa id_aset maupun nomor_seri"))
    return asset_id, serial, errors


def _asset_id(cell: object) -> tuple[int | None, str | None]:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = cell.strip() if isinstance(cell, str) else cell
    if isinstance(text, int) and not isinstance(text, bool) and text > 0:
        return text, None
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text), None
    return None, f"id_aset {str(cell)[:40]!r} harus bilangan bulat positif"


def _serial(cell: object) -> tuple[str | None, str | None]:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, None
    if isinstance(cell, Formula):
        return None, f"sel berisi rumus atau galat ({cell.text[:40]}); tempel sebagai nilai"
    if not isinstance(cell, str):
        return None, _not_text("nomor_seri", cell)
    return unguard_formula(cell.strip())[:300], None


def _date_order(number: int, values: Mapping[str, BmnValue]) -> list[RowError]:
    bought, warranty = values.get("tanggal_perolehan"), values.get("garansi_sampai")
    if isinstance(bought, date) and isinstance(warranty, date) and warranty < bought:
        return [RowError(number, "garansi_sampai", "garansi berakhir sebelum tanggal perolehan")]
    return []


# --- import: comparing with the register ---------------------------------------------------


def changed_fields(
    current: Mapping[str, BmnValue], wanted: Mapping[str, BmnValue]
) -> dict[str, tuple[BmnValue, BmnValue]]:
    """Sheet column → (register value, sheet value) for every BMN column that differs;
    ``current`` is keyed by sheet column like ``wanted``."""
    return {
        column: (current.get(column), value)
        for column, value in wanted.items()
        if current.get(column) != value
    }


def shown(value: BmnValue) -> str | None:
    """A BMN value as the change history and reports write it (dates in ISO form)."""
    if isinstance(value, date):
        return value.isoformat()
    return value
