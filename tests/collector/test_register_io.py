"""Register export (CSV, XLSX) and BMN import, on SQLite and PostgreSQL.

The assets are put into the register directly (discovery is tested elsewhere); the sheets are
written here with the csv module and openpyxl, the way Excel and the asset office hand them in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from collector.adapters.db.engine import session_factory
from collector.adapters.db.models import AssetRow, ChangeRow
from collector.bootstrap import Services
from collector.domain.bmn import (
    EXPORT_COLUMNS,
    Formula,
    HeaderError,
    RowError,
    parse_bmn_cell,
    parse_date_cell,
    read_header,
)
from collector.errors import Refused
from collector.services.register import AssetFilter
from collector.services.register_io import (
    CHANGE_KIND,
    CHANGE_SOURCE,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    FieldChange,
    ImportReport,
    export_assets,
    import_bmn,
)
from collector.services.users import Role, Viewer
from tests.peers import FIXTURES

SEEN = datetime(2026, 11, 20, 3, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ADMIN = Viewer(1, "admin-pusdatin", Role.ADMIN, None)
BMN = ("kode_barang", "nup", "kondisi", "purchase_date", "warranty_until", "owner", "pic")


@dataclass(frozen=True)
class World:
    """Two sites; a PC and a printer at Pusdatin, a PC at the Surabaya office."""

    sessions: sessionmaker[Session]
    central: int
    surabaya: int
    pc: int
    printer: int
    sby_pc: int


def _add_asset(sessions: sessionmaker[Session], site_id: int, **values: Any) -> int:
    defaults = {"site_id": site_id, "kind": "workstation", "status": "active",
                "first_seen": SEEN, "last_seen": SEEN, "last_source": "agent"}  # fmt: skip
    with sessions.begin() as session:
        row = AssetRow(**{**defaults, **values})
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def world(services: Services) -> World:
    sessions = session_factory(services.engine)
    central = services.enrolment.create_site("PUSDATIN", "Pusat Data dan Informasi")
    surabaya = services.enrolment.create_site("BBPOM-SBY", "Balai Besar POM di Surabaya")
    pc = _add_asset(
        sessions, central, name="pc-pusdatin-001", vendor="HP", model="ProDesk 400 G7",
        serial="PF3ABCD1", os_name="Windows 11 Pro", os_version="23H2",
        kode_barang="3100102002", nup="000012", kondisi="Baik", purchase_date=date(2019, 7, 15),
        warranty_until=date(2022, 7, 14), owner="Pusdatin", pic="Andi",
    )  # fmt: skip
    printer = _add_asset(sessions, central, kind="printer", name="prn-lt2", serial="5CG1234XYZ")
    sby_pc = _add_asset(sessions, surabaya, name="pc-sby-001", serial="SBY0001",
                        kode_barang="3100102002", nup="000001", kondisi="Baik")  # fmt: skip
    return World(sessions, central, surabaya, pc, printer, sby_pc)


def _bmn(world: World, asset_id: int) -> dict[str, Any]:
    with world.sessions() as session:
        row = session.get_one(AssetRow, asset_id)
        return {name: getattr(row, name) for name in (*BMN, "name", "serial")}


def _history(world: World) -> list[tuple[int, str, str, str, str | None, str | None]]:
    with world.sessions() as session:
        rows = session.scalars(select(ChangeRow).order_by(ChangeRow.id)).all()
        return [(r.asset_id, r.source, r.kind, r.subject, r.before, r.after) for r in rows]


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as openpyxl writes it: strings in text-formatted cells, other values as-is."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(
    world: World, data: bytes, fmt: str, viewer: Viewer = ADMIN, *, dry: bool = False
) -> ImportReport:
    return import_bmn(world.sessions, viewer, data, fmt, dry_run=dry, now=NOW)


def _export_rows(world: World, viewer: Viewer = ADMIN, **wanted: str) -> list[dict[str, str]]:
    data = export_assets(world.sessions, viewer, "csv", AssetFilter(**wanted))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- export --------------------------------------------------------------------------------


def test_csv_export_keeps_zeros_and_dates_and_imports_back_unchanged(world: World) -> None:
    data = export_assets(world.sessions, ADMIN, "csv", AssetFilter())
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    rows = {row["id_aset"]: row for row in _export_rows(world)}
    assert set(rows) == {str(world.pc), str(world.printer), str(world.sby_pc)}
    pc = rows[str(world.pc)]
    assert (pc["situs"], pc["jenis"], pc["nama_host"], pc["sistem_operasi"]) == (
        "PUSDATIN", "workstation", "pc-pusdatin-001", "Windows 11 Pro 23H2")  # fmt: skip
    assert (pc["kode_barang"], pc["nup"], pc["kondisi"]) == ("3100102002", "000012", "Baik")
    assert (pc["tanggal_perolehan"], pc["garansi_sampai"]) == ("2019-07-15", "2022-07-14")
    assert pc["terakhir_terlihat"] == "2026-11-20T03:30:00Z"
    assert rows[str(world.printer)]["kode_barang"] == ""

    report = _import(world, data, "csv")
    assert (report.rows, report.matched, report.updated, report.unchanged) == (3, 3, 0, 3)
    assert report.errors == () and report.unmatched == () and report.applied
    assert _history(world) == []


def test_xlsx_export_has_text_identifiers_and_real_dates(world: World) -> None:
    data = export_assets(world.sessions, ADMIN, "xlsx", AssetFilter())
    sheet = load_workbook(io.BytesIO(data))["Aset"]
    assert [cell.value for cell in sheet[1]] == list(EXPORT_COLUMNS)
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    pc = dict(zip(EXPORT_COLUMNS, cells[world.pc], strict=True))
    assert (pc["nup"].value, pc["nup"].data_type, pc["nup"].number_format) == ("000012", "s", "@")
    assert (pc["kode_barang"].value, pc["kode_barang"].data_type) == ("3100102002", "s")
    assert pc["tanggal_perolehan"].value == datetime(2019, 7, 15)
    assert pc["tanggal_perolehan"].number_format == "DD/MM/YYYY"
    assert pc["terakhir_terlihat"].value == datetime(2026, 11, 20, 3, 30)
    printer = dict(zip(EXPORT_COLUMNS, cells[world.printer], strict=True))
    assert printer["nup"].value is None and printer["nup"].number_format == "@"

    report = _import(world, data, "xlsx")
    assert (report.rows, report.matched, report.updated, report.unchanged) == (3, 3, 0, 3)
    assert report.applied and _history(world) == []


def test_export_pages_through_every_asset_and_applies_the_filter(world: World) -> None:
    with world.sessions.begin() as session:
        session.execute(insert(AssetRow), [
            {"site_id": world.central, "kind": "workstation", "status": "active",
             "first_seen": SEEN, "last_seen": SEEN, "last_source": "agent", "nup": f"{n:06d}"}
            for n in range(501)
        ])  # fmt: skip
    ids = [row["id_aset"] for row in _export_rows(world)]
    assert len(ids) == 504 and len(set(ids)) == 504
    printers = _export_rows(world, kind="printer")
    assert [row["id_aset"] for row in printers] == [str(world.printer)]


def test_export_semicolon_delimiter_and_bad_choices(world: World) -> None:
    data = export_assets(world.sessions, ADMIN, "csv", AssetFilter(), delimiter=";")
    assert data.decode("utf-8-sig").split("\r\n")[0] == ";".join(EXPORT_COLUMNS)
    with pytest.raises(Refused) as refused:
        export_assets(world.sessions, ADMIN, "csv", AssetFilter(), delimiter="|")
    assert (refused.value.status, refused.value.code) == (400, "bad_delimiter")
    with pytest.raises(Refused) as refused:
        export_assets(world.sessions, ADMIN, "pdf", AssetFilter())
    assert (refused.value.status, refused.value.code) == (400, "bad_format")


def test_formula_injection_is_guarded_and_round_trips(world: World) -> None:
    owner, pic = '=HYPERLINK("http://evil.example","klik")', "@SUM(1+1)"
    with world.sessions.begin() as session:
        session.get_one(AssetRow, world.pc).owner = owner
        session.get_one(AssetRow, world.pc).pic = pic
        session.get_one(AssetRow, world.printer).name = "+62 811 000"
    data = export_assets(world.sessions, ADMIN, "csv", AssetFilter())
    rows = {row["id_aset"]: row for row in _export_rows(world)}
    assert (rows[str(world.pc)]["pemilik"], rows[str(world.pc)]["pic"]) == ("'" + owner, "'" + pic)
    assert rows[str(world.printer)]["nama_host"] == "'+62 811 000"
    assert _import(world, data, "csv").unchanged == 3  # the apostrophe comes off on the way in

    book = export_assets(world.sessions, ADMIN, "xlsx", AssetFilter())
    sheet_xml = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"HYPERLINK" in sheet_xml
    cells = {row[0].value: row for row in load_workbook(io.BytesIO(book))["Aset"].iter_rows()}
    owner_cell = cells[world.pc][EXPORT_COLUMNS.index("pemilik")]
    assert (owner_cell.value, owner_cell.data_type) == (owner, "s")
    assert _import(world, book, "xlsx").unchanged == 3


# --- import --------------------------------------------------------------------------------


def test_xlsx_import_updates_only_bmn_fields_and_records_history(
    world: World, services: Services
) -> None:
    data = _xlsx([
        ["id_aset", "nama_host", "nomor_seri", "kode_barang", "nup", "kondisi",
         "tanggal_perolehan", "pemilik"],
        [world.pc, "renamed-in-excel", "", "3100102002", "000013", "Rusak Ringan",
         datetime(2019, 7, 15), "Pusdatin"],
        [None, "", "5cg1234xyz", "3.10.02.03.004", "000001", " baik ", "01/02/2023", ""],
    ])  # fmt: skip
    report = _import(world, data, "xlsx")
    assert (report.rows, report.matched, report.updated, report.unchanged) == (2, 2, 2, 0)
    assert report.applied and report.errors == () and report.change_count == 6
    assert _bmn(world, world.pc) == {
        "kode_barang": "3100102002", "nup": "000013", "kondisi": "Rusak Ringan",
        "purchase_date": date(2019, 7, 15), "warranty_until": date(2022, 7, 14),
        "owner": "Pusdatin", "pic": "Andi", "name": "pc-pusdatin-001", "serial": "PF3ABCD1",
    }  # fmt: skip
    assert _bmn(world, world.printer) == {
        "kode_barang": "3.10.02.03.004", "nup": "000001", "kondisi": "Baik",
        "purchase_date": date(2023, 2, 1), "warranty_until": None, "owner": None, "pic": None,
        "name": "prn-lt2", "serial": "5CG1234XYZ",
    }  # fmt: skip
    assert sorted(_history(world)) == sorted([
        (world.pc, CHANGE_SOURCE, CHANGE_KIND, "nup", "000012", "000013"),
        (world.pc, CHANGE_SOURCE, CHANGE_KIND, "kondisi", "Baik", "Rusak Ringan"),
        (world.printer, CHANGE_SOURCE, CHANGE_KIND, "kode_barang", None, "3.10.02.03.004"),
        (world.printer, CHANGE_SOURCE, CHANGE_KIND, "nup", None, "000001"),
        (world.printer, CHANGE_SOURCE, CHANGE_KIND, "kondisi", None, "Baik"),
        (world.printer, CHANGE_SOURCE, CHANGE_KIND, "tanggal_perolehan", None, "2023-02-01"),
    ])  # fmt: skip
    history = services.register.asset_detail(ADMIN, world.pc).history
    assert {(entry.kind, entry.subject, entry.at) for entry in history} == {
        (CHANGE_KIND, "nup", NOW), (CHANGE_KIND, "kondisi", NOW)}  # fmt: skip


def test_excel_csv_with_bom_and_semicolons_imports(world: World) -> None:
    data = (FIXTURES / "bmn" / "simak-excel-id.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    report = _import(world, data, "csv")
    assert (report.rows, report.matched, report.updated, report.change_count) == (2, 2, 2, 9)
    assert report.applied and report.errors == ()
    pc = _bmn(world, world.pc)
    assert (pc["kondisi"], pc["owner"], pc["pic"]) == (
        "Rusak Ringan", "Balai Besar POM di Surabaya", "Budi Santoso")  # fmt: skip
    assert (pc["nup"], pc["purchase_date"]) == ("000012", date(2019, 7, 15))
    printer = _bmn(world, world.printer)
    assert (printer["kode_barang"], printer["nup"], printer["owner"]) == (
        "3.10.01.02.002", "000007", "Seksi Informasi; Pengujian")  # fmt: skip
    assert (printer["purchase_date"], printer["warranty_until"]) == (date(2021, 3, 1), None)


def test_one_bad_row_changes_nothing(world: World) -> None:
    before = (_bmn(world, world.pc), _bmn(world, world.printer))
    data = _csv([
        ["id_aset", "kondisi", "tanggal_perolehan", "nup", "kode_barang"],
        [str(world.pc), "Rusak Berat", "2020-01-02", "000099", "3100102002"],
        [str(world.printer), "Rusak Sedang", "31/02/2024", "12a", "31001O2002"],
        ["abc", "Baik", "", "", ""],
    ])  # fmt: skip
    report = _import(world, data, "csv")
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "kode_barang"),
        (3, "kondisi"),
        (3, "nup"),
        (3, "tanggal_perolehan"),
        (4, "id_aset"),
    ]
    assert report.errors[1].message == (
        "kondisi 'Rusak Sedang' tidak dikenal; gunakan Baik, Rusak Ringan, Rusak Berat"
    )
    assert "tidak sah" in report.errors[3].message
    assert report.error_count == 5 and not report.applied
    assert report.updated == 1  # what the good row would have done
    assert (_bmn(world, world.pc), _bmn(world, world.printer)) == before
    assert _history(world) == []


def test_warranty_before_purchase_is_an_error(world: World) -> None:
    data = _csv([["id_aset", "tanggal_perolehan", "garansi_sampai"],
                 [str(world.pc), "15/07/2019", "14/07/2018"]])  # fmt: skip
    report = _import(world, data, "csv")
    assert report.errors == (
        RowError(2, "garansi_sampai", "garansi berakhir sebelum tanggal perolehan"),
    )
    assert _bmn(world, world.pc)["warranty_until"] == date(2022, 7, 14)


def test_dry_run_reports_changes_and_writes_nothing(world: World) -> None:
    data = _csv([["id_aset", "kondisi", "pic"], [str(world.pc), "RB", "Andi"]])
    report = _import(world, data, "csv", dry=True)
    assert report.dry_run and not report.applied
    assert report.changes == (FieldChange(2, world.pc, "kondisi", "Baik", "Rusak Berat"),)
    assert (report.updated, report.unchanged) == (1, 0)
    assert _bmn(world, world.pc)["kondisi"] == "Baik"
    assert _history(world) == []


def test_numeric_xlsx_cells_for_identifiers_are_refused(world: World) -> None:
    data = _xlsx([["id_aset", "kode_barang", "nup", "pemilik"],
                  [world.pc, "3100102002", 12, "Pusdatin"],
                  [world.printer, 3100102002, "000003", "=A1"]])  # fmt: skip
    report = _import(world, data, "xlsx")
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "nup"),
        (3, "kode_barang"),
        (3, "pemilik"),
    ]
    assert report.errors[0].message == (
        "sel berisi angka (12); kolom nup harus berformat Teks karena Excel sudah membuang nol "
        "di depan; format kolom sebagai Teks lalu isi ulang")  # fmt: skip
    assert "rumus" in report.errors[2].message
    assert _bmn(world, world.pc)["nup"] == "000012" and _history(world) == []


def test_site_scope_is_respected(world: World) -> None:
    planner = Viewer(2, "planner-sby", Role.PLANNER, world.surabaya)
    assert [row["id_aset"] for row in _export_rows(world, planner)] == [str(world.sby_pc)]
    data = _csv([["id_aset", "nomor_seri", "kondisi"],
                 [str(world.pc), "", "Rusak Berat"],
                 ["", "PF3ABCD1", "Rusak Berat"],
                 [str(world.sby_pc), "", "Rusak Ringan"]])  # fmt: skip
    report = _import(world, data, "csv", planner)
    assert [(u.row, u.key) for u in report.unmatched] == [
        (2, f"id_aset={world.pc}"),
        (3, "nomor_seri=PF3ABCD1"),
    ]
    assert (report.matched, report.updated) == (1, 1) and report.applied
    assert _bmn(world, world.pc)["kondisi"] == "Baik"
    assert _bmn(world, world.sby_pc)["kondisi"] == "Rusak Ringan"


def test_unknown_and_ambiguous_serials_are_unmatched(world: World) -> None:
    for _ in range(2):
        _add_asset(world.sessions, world.central, serial="DUP-1")
    data = _csv([["nomor_seri", "kondisi"], ["dup-1", "Baik"], ["NOPE", "Baik"],
                 ["", "Baik"]])  # fmt: skip
    report = _import(world, data, "csv")
    assert report.errors == (RowError(4, "", "baris tanpa id_aset maupun nomor_seri"),)
    assert [(u.row, u.key, u.reason) for u in report.unmatched] == [
        (2, "nomor_seri=dup-1", "nomor seri cocok dengan 2 aset; isi id_aset"),
        (3, "nomor_seri=NOPE", "nomor seri tidak ditemukan dalam cakupan situs Anda"),
    ]


def test_two_rows_for_one_asset_change_nothing(world: World) -> None:
    data = _csv([["id_aset", "nomor_seri", "kondisi"], [str(world.pc), "", "Rusak Berat"],
                 ["", "pf3abcd1", "Baik"]])  # fmt: skip
    report = _import(world, data, "csv")
    assert report.errors == (RowError(3, "", f"aset #{world.pc} sudah diisi oleh baris 2"),)
    assert not report.applied and _bmn(world, world.pc)["kondisi"] == "Baik"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPERATOR])
def test_import_needs_planner_or_admin(world: World, role: Role) -> None:
    data = _csv([["id_aset", "kondisi"], [str(world.pc), "Rusak Berat"]])
    with pytest.raises(Refused) as refused:
        _import(world, data, "csv", Viewer(3, "someone", role, None))
    assert (refused.value.status, refused.value.code) == (403, "forbidden")
    assert _bmn(world, world.pc)["kondisi"] == "Baik"
    assert len(_export_rows(world, Viewer(3, "someone", role, None))) == 3


def _zip_of(name: str, content: bytes, copies: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(copies):
            archive.writestr(f"{number}-{name}", content)
    return buffer.getvalue()


HOSTILE = {
    "csv-as-xlsx": ("xlsx", b"id_aset,kondisi\r\n1,Baik\r\n", 400, "bad_file"),
    "zip-not-xlsx": ("xlsx", _zip_of("hello.txt", b"hi"), 400, "bad_file"),
    "zip-of-1001": ("xlsx", _zip_of("part.xml", b"<a/>", 1001), 413, "file_too_large"),
    "utf16-csv": ("csv", "id_aset,kondisi\n1,Baik\n".encode("utf-16"), 400, "bad_file"),
    "cp1252-csv": ("csv", "id_aset,kondisi\n1,Bäik\n".encode("cp1252"), 400, "bad_file"),
    "unclosed-quote": ("csv", b'id_aset,kondisi\n1,"Baik\n', 400, "bad_file"),
    "unknown-header": ("csv", b"id_aset,kondsi\n1,Baik\n", 400, "bad_header"),
    "no-key-column": ("csv", b"nama_host,kondisi\nx,Baik\n", 400, "bad_header"),
    "no-bmn-column": ("csv", b"id_aset,nama_host\n1,x\n", 400, "bad_header"),
    "repeated-header": ("csv", b"id_aset,nup,NUP\n1,1,2\n", 400, "bad_header"),
    "empty": ("csv", b"", 400, "no_rows"),
    "header-only": ("csv", b"id_aset,kondisi\r\n\r\n", 400, "no_rows"),
    "pdf": ("pdf", b"%PDF-1.7", 400, "bad_format"),
    "too-large": ("csv", b"id_aset,kondisi\n" + b" " * MAX_IMPORT_BYTES, 413, "file_too_large"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(world: World, case: str) -> None:
    fmt, data, status, code = HOSTILE[case]
    with pytest.raises(Refused) as refused:
        _import(world, data, fmt)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.message
    assert _bmn(world, world.pc)["kondisi"] == "Baik" and _history(world) == []


def test_too_many_rows_is_refused(world: World) -> None:
    lines = [f"{world.pc},Baik" for _ in range(MAX_IMPORT_ROWS + 1)]
    data = ("id_aset,kondisi\n" + "\n".join(lines)).encode()
    with pytest.raises(Refused) as refused:
        _import(world, data, "csv")
    assert (refused.value.status, refused.value.code) == (413, "too_many_rows")


def test_extra_cells_beyond_the_header_are_an_error(world: World) -> None:
    data = b"id_aset,kondisi\n%d,Rusak,Berat\n" % world.pc
    report = _import(world, data, "csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "")]
    assert "pemisah" in report.errors[0].message and not report.applied


# --- pure row parsing ----------------------------------------------------------------------


def test_header_names_are_matched_loosely() -> None:
    header = read_header(["ID Aset", "Kode-Barang", " NUP ", None, "pic", ""])
    assert header.positions == {"id_aset": 0, "kode_barang": 1, "nup": 2, "pic": 4}
    assert header.bmn_columns == ("kode_barang", "nup", "pic")
    with pytest.raises(HeaderError, match="paling banyak 64"):
        read_header(["id_aset", "nup", *[None] * 63])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-01-31", date(2024, 1, 31)),
        ("31/01/2024", date(2024, 1, 31)),
        (" 1/2/2024 ", date(2024, 2, 1)),
        (datetime(2024, 1, 31, 10, 0), date(2024, 1, 31)),
        (date(2024, 1, 31), date(2024, 1, 31)),
        ("2024-02-30", None),
        ("31-01-2024", None),
        ("01/31/2024", None),
        (45000, None),
    ],
)
def test_date_cells(cell: object, expected: date | None) -> None:
    value, message = parse_date_cell(cell)
    assert value == expected
    assert (message is None) == (expected is not None)


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        ("kode_barang", "3.10.01.02.002", "3.10.01.02.002"),
        ("kode_barang", "'0310010200", "0310010200"),
        ("kode_barang", "3.10..01", None),
        ("kode_barang", "31 00", None),
        ("kode_barang", "1" * 65, None),
        ("nup", "000012", "000012"),
        ("nup", "12.0", None),
        ("nup", 12.0, None),
        ("nup", True, None),
        ("kondisi", "rusak-berat", "Rusak Berat"),
        ("kondisi", "RUSAK_RINGAN", "Rusak Ringan"),
        ("kondisi", "rr", "Rusak Ringan"),
        ("kondisi", "bagus", None),
        ("pemilik", "'=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),
        ("pemilik", "x" * 257, None),
        ("pic", Formula("#N/A"), None),
        ("pic", "   ", None),
    ],
)
def test_bmn_cells(column: str, cell: object, expected: str | None) -> None:
    value, message = parse_bmn_cell(column, cell)
    assert value == expected
    blank = isinstance(cell, str) and not cell.strip()
    assert (message is None) == (expected is not None or blank)
