"""Both SOP reports rendered in every format and read back: the PDF opened with pypdf (text,
pages, the table header on every page), the XLSX with openpyxl, the CSV with the csv module."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from collector.adapters.reports.render import ReportFormat, render_evaluation, render_maintenance
from collector.adapters.reports.wording import (
    Language,
    LanguageError,
    Wording,
    catalogue,
    language,
)
from collector.domain.kpis import compute_kpis
from collector.domain.maintenance_records import MaintenanceRecords
from collector.domain.periods import parse_period
from tests.collector.reports.records import context, long_records, quarter_records

ID, EN = Wording(Language.ID), Wording(Language.EN)


def _maintenance(records: MaintenanceRecords, fmt: ReportFormat, words: Wording) -> bytes:
    return render_maintenance(records, compute_kpis(records, context()), context(), fmt, words)


def _evaluation(records: MaintenanceRecords, fmt: ReportFormat, words: Wording) -> bytes:
    return render_evaluation(records, compute_kpis(records, context()), context(), fmt, words)


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def test_every_message_has_both_languages() -> None:
    messages = catalogue()
    assert len(messages) > 100
    assert all(set(texts) == {"id", "en"} and all(texts.values()) for texts in messages.values())


def test_figures_as_a_reader_writes_them() -> None:
    assert ID.date(date(2026, 11, 28)) == "28 November 2026"
    assert EN.date(date(2026, 8, 17)) == "17 August 2026" and ID.date(date(2026, 8, 17)) == (
        "17 Agustus 2026"
    )
    assert ID.rupiah(Decimal(1_234_500)) == "Rp 1.234.500"
    assert EN.rupiah(Decimal(1_234_500)) == "Rp 1,234,500"
    assert ID.number(1234.5) == "1.234,5" and ID.number(80) == "80" and EN.number(12.25) == "12.2"
    assert ID.period(parse_period("2026-Q3")) == "Triwulan III 2026"
    assert ID.period(parse_period("2026-H2")) == "Semester II 2026"
    assert ID.period(parse_period("2026-07")) == "Juli 2026"
    assert EN.period(parse_period("2026-Q3")) == "Quarter 3 of 2026"
    assert language(None) is Language.ID and language("EN") is Language.EN
    with pytest.raises(LanguageError, match="id atau en"):
        language("fr")


@pytest.fixture(scope="module")
def maintenance_pdf() -> list[str]:
    return _pages(_maintenance(quarter_records(), ReportFormat.PDF, ID))


def test_maintenance_pdf_reads_as_the_sop_report(maintenance_pdf: list[str]) -> None:
    text = " ".join(maintenance_pdf)
    assert "LAPORAN PEMELIHARAAN TIK" in text
    assert "Triwulan III 2026 (1 Juli 2026 \u2013 30 September 2026)" in text
    assert "Balai Besar POM di Surabaya" in text
    for expected in (
        "22 Juli 2026",
        "Rp 2.400.000",
        "Rp 175.000",
        "3100102001",
        "000003",
        "vendor.pdf",
        "PT Data Prima Nusantara",
        "KTR-017/2026",
        "Dibatalkan",
        "Terjadwal",
        "Mengetahui,",
        "Kepala Balai Besar POM di Surabaya",
        "Dr. Rina Wulandari, S.Si., Apt.",
        "NIP 197805122003122001",
        "NIP 199001012015031002",
        "Surabaya, 7 Oktober 2026",
        "4.150.000",
    ):
        assert expected in text, expected
    assert f"Halaman {len(maintenance_pdf)} dari {len(maintenance_pdf)}" in maintenance_pdf[-1]


def test_evaluation_pdf_in_english() -> None:
    text = " ".join(_pages(_evaluation(quarter_records(), ReportFormat.PDF, EN)))
    for expected in (
        "ICT MAINTENANCE MONITORING AND EVALUATION RESULTS",
        "Quarter 3 of 2026",
        "Mean time to repair (working days)",
        "12.5",
        "450.5",
        "Identification → plan: within the standard",
        "≤ 10 working days",
        "disk.smart_failing",
        "15 September 2026",
        "Rp 3,700,000",
        "Periksa ulang disk srv-lims bersama vendor",
        "20 October 2026",
        "Ahmad Fauzi, S.Kom.",
        "NIP 198503172010121003",
        "Pranata Komputer Ahli Muda",
        "Slightly damaged (Rusak Ringan)",
    ):
        assert expected in text, expected


def test_evaluation_without_a_record_says_so() -> None:
    text = " ".join(_pages(_evaluation(quarter_records(evaluated=False), ReportFormat.PDF, ID)))
    assert "Catatan evaluasi untuk periode ini belum dibuat." in text
    assert "Tingkat penyelesaian" in text


@pytest.mark.slow
def test_long_report_repeats_its_header_and_keeps_rows_whole() -> None:
    records = long_records(150)
    pages = _pages(_maintenance(records, ReportFormat.PDF, ID))
    assert len(pages) >= 4
    work_pages = [page for page in pages if "PRN-0" in page]
    assert len(work_pages) >= 3
    header = "No. Jadwal Selesai Jenis Kegiatan Aset"
    assert all(header in page for page in work_pages), [p[:200] for p in work_pages]
    # Every order's row appears once, whole (its number, asset name and NUP on one page).
    text = " ".join(pages)
    for n in (0, 59, 149):
        assert len(re.findall(rf"PRN-{n:04d} 3100203003 {n:06d}", text)) == 1, n


def test_maintenance_xlsx_keeps_codes_as_text_and_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(_maintenance(quarter_records(), ReportFormat.XLSX, ID)))
    assert book.sheetnames == ["Ringkasan", "Rencana", "Pekerjaan"]
    rows = list(book["Pekerjaan"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == ["No.", "Jadwal", "Selesai", "Jenis"]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(by_number) == 6
    disk = by_number[2]
    assert disk["Kode barang"] == "3100102001" and disk["NUP"] == "000003"
    assert disk["Biaya (Rp)"] == 2_400_000 and isinstance(disk["Biaya (Rp)"], int)
    assert disk["Selesai"] == datetime(2026, 7, 22)  # a date cell reads back naive
    assert disk["Bukti"] == "berita-acara-vendor.pdf"
    sheet = book["Pekerjaan"]
    assert sheet["G3"].data_type == "s" and sheet["H3"].value == "000003"
    assert sheet["N3"].number_format == '"Rp "#,##0'
    assert sheet["B3"].number_format == "[$-421]d mmmm yyyy"
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Pekerjaan direncanakan"] == 5 and summary["Realisasi biaya (Rp)"] == 3_725_000


def test_evaluation_xlsx_sheets_and_values() -> None:
    book = load_workbook(io.BytesIO(_evaluation(quarter_records(), ReportFormat.XLSX, EN)))
    assert book.sheetnames == ["Indicators", "Overdue", "Recurring", "Cost", "Condition",
                               "Follow-ups"]  # fmt: skip
    kpis = {row[0]: row[1:] for row in book["Indicators"].iter_rows(min_row=2, values_only=True)}
    assert kpis["Completion rate"] == (80.0, "%", None)
    assert kpis["Mean time to repair (calendar hours)"] == (450.5, "hours", None)
    assert kpis["Monitoring and evaluation: within the standard"] == (1, "of 1", "≤ 5 working days")
    overdue = list(book["Overdue"].iter_rows(min_row=2, values_only=True))
    assert [(row[4], row[5], row[6]) for row in overdue] == [("3100203003", "000012", 11)]


def test_csv_has_a_bom_and_reads_back() -> None:
    data = _maintenance(quarter_records(), ReportFormat.CSV, ID)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 6
    assert rows[0]["NUP"] == "000012" and rows[0]["Jadwal"] == "2026-07-15"
    assert rows[1]["Bukti"] == "berita-acara-vendor.pdf" and rows[1]["Biaya (Rp)"] == "2400000"
    assert rows[4]["Status"] == "Dibatalkan" and rows[4]["Biaya (Rp)"] == ""
    kpis = list(csv.reader(io.StringIO(_evaluation(quarter_records(), ReportFormat.CSV, EN)
                                       .decode("utf-8-sig"))))  # fmt: skip
    assert kpis[0] == ["Indicator", "Value", "Unit", "Standard"]
    assert ["Completion rate", "80.0", "%", ""] in kpis


def test_formula_text_is_kept_inert() -> None:
    base = quarter_records()
    item = base.items[0]
    hostile = type(item)(**{**item.__dict__, "activity": "=HYPERLINK(\"http://x\")",
                            "pic": "<script>alert(1)</script>"})  # fmt: skip
    records = MaintenanceRecords(base.site, base.period, base.plans, (hostile, *base.items[1:]),
                                 base.orders)  # fmt: skip
    rows = list(csv.reader(io.StringIO(_maintenance(records, ReportFormat.CSV, ID)
                                       .decode("utf-8-sig"))))  # fmt: skip
    assert rows[1][4] == '\'=HYPERLINK("http://x")'
    book = load_workbook(io.BytesIO(_maintenance(records, ReportFormat.XLSX, ID)))
    cell = book["Pekerjaan"]["E2"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    text = " ".join(_pages(_maintenance(records, ReportFormat.PDF, ID)))
    assert "<script>" in text and "alert(1)" in text  # printed as text, not taken as markup
