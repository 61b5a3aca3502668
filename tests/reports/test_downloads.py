"""The quarterly report's downloads, read back: the PDF with pypdf, the XLSX with openpyxl,
the CSV as Excel would open it. A refused period gives the page (400), never a file; an
unknown table is a 404; the PDF renderer reads nothing but the static folder.

The XLSX writer is also tested on a report built by hand, so its layout does not depend
on what the section builders happen to put in a section."""

import csv
import io
import math
import re
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter import queue
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Office
from lpse_web.reports.exports import sheet_name, static_fetcher, workbook_bytes
from lpse_web.reports.periods import quarter
from lpse_web.reports.quarterly import QuarterlyReport, build_report
from lpse_web.reports.tables import Column, Figure, Section, Table
from lpse_web.web.exports import XLSX

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 4, 15, 10, 0, tzinfo=WITA)
OFFICE_NAME = "LPSE Provinsi Nusa Tenggara Timur"
Q1 = "tahun=2026&triwulan=1"
BASE = "/laporan/triwulan"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW.isoformat()}


@pytest.fixture
def seeded(app):
    """The office (WITA) with its name, and three walk-ins of the verification service on
    Monday 2 February 2026 (inside Q1)."""
    with app.app_context():
        office = db.session.get(Office, 1)
        office.name, office.timezone = OFFICE_NAME, "Asia/Makassar"
        service = db.session.scalar(select(CounterService).where(CounterService.code == "V"))
        for hour in (9, 10, 11):
            moment = datetime(2026, 2, 2, hour, 0, tzinfo=WITA)
            queue.issue_walk_in(service, f"Tamu {hour}", moment.date(), moment)
        db.session.commit()


@pytest.fixture
def manager(client, make_user, login, seeded):
    login(client, make_user(Role.MANAGER))
    return client


def _report(app, period=None):
    with app.app_context():
        return build_report(period or quarter(2026, 1), NOW)


def _words(text: str) -> str:
    return " ".join(text.split())


def _attachment(response) -> str | None:
    match = re.search(r'filename="([^"]+)"', response.headers.get("Content-Disposition", ""))
    return match.group(1) if match else None


# -- PDF --------------------------------------------------------------------------------

def test_pdf_holds_the_office_the_period_and_every_section(app, manager):
    response = manager.get(f"{BASE}/unduh.pdf?{Q1}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert _attachment(response) == "laporan-triwulan-2026-q1.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) >= 1
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    assert OFFICE_NAME in text
    assert "Triwulan I 2026" in text
    report = _report(app)
    assert len(report.sections) == 5
    for section in report.sections:
        assert _words(section.title) in text, section.title


def test_pdf_of_a_special_report_is_named_after_its_days(app, manager):
    response = manager.get(f"{BASE}/unduh.pdf?dari=2026-01-01&sampai=2026-02-15")
    assert response.status_code == 200
    assert _attachment(response) == "laporan-khusus-2026-01-01-2026-02-15.pdf"
    text = _words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages))
    assert "1 Januari 2026 – 15 Februari 2026" in text


def test_pdf_without_weasyprint_is_a_clear_503(manager, monkeypatch):
    # As on a machine without Pango: importing WeasyPrint fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = manager.get(f"{BASE}/unduh.pdf?{Q1}")
    assert response.status_code == 503
    assert _attachment(response) is None
    page = response.get_data(as_text=True)
    assert "Pango" in page and "XLSX" in page


def test_pdf_fetcher_reads_only_the_static_folder(app):
    root = "http://lpse.test/static/"
    fetch = static_fetcher(root, app.static_folder)
    stylesheet = fetch(root + "css/app.css?v=3")
    assert stylesheet.read() == Path(app.static_folder, "css", "app.css").read_bytes()
    assert stylesheet.content_type == "text/css"
    assert fetch("data:text/css,p%7Bcolor:red%7D").read() == b"p{color:red}"  # inline, nothing fetched
    refused = [
        "http://example.com/static/css/app.css",  # another host
        "http://lpse.test/laporan/triwulan/",  # this app, outside the static folder
        "https://lpse.test/static/css/app.css",  # not the page's own origin
        "file:///etc/passwd",
        "ftp://lpse.test/static/css/app.css",
        root + "../../../../etc/passwd",
        root + "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        root + "css/tidak-ada.css",
        root,
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetch(url)


# -- XLSX -------------------------------------------------------------------------------

def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _expected_sheet_name(title: str) -> str:
    return " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())[:31].strip()


def _title_row(sheet, table) -> int:
    """The row of the table's title: the one followed by its header (a figure above may
    bear the same words)."""
    header = tuple(c.title for c in table.columns)
    for n in range(1, sheet.max_row):
        following = tuple(sheet.cell(n + 1, m + 1).value for m in range(len(header)))
        if sheet.cell(n, 1).value == table.title and following == header:
            return n
    raise AssertionError(f"table {table.key} ({table.title}) with its header is not on sheet {sheet.title}")


def _same(cell, value) -> bool:
    if value is None:
        return cell.value is None
    if isinstance(value, str):
        return cell.value == ("'" + value if value.startswith(FORMULA_STARTS) else value)
    if isinstance(value, date):
        return isinstance(cell.value, datetime) and cell.value.date() == value
    return isinstance(cell.value, int | float) and math.isclose(cell.value, float(value))


def test_xlsx_has_one_sheet_per_section_with_every_table(app, manager):
    response = manager.get(f"{BASE}/unduh.xlsx?{Q1}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert _attachment(response) == "laporan-triwulan-2026-q1.xlsx"
    book = load_workbook(io.BytesIO(response.data))
    report = _report(app)
    assert book.sheetnames == [_expected_sheet_name(s.title) for s in report.sections]
    numbers = 0
    for section, sheet in zip(report.sections, book.worksheets, strict=True):
        heading = [sheet.cell(n, 1).value for n in (1, 2, 3, 4)]
        made = "Dibuat 15 April 2026 10.00 WITA"
        assert heading == [OFFICE_NAME, "Laporan triwulan", "Triwulan I 2026", made]
        assert section.title in [sheet.cell(n, 1).value for n in range(1, sheet.max_row + 1)]
        for table in section.tables:
            at = _title_row(sheet, table)
            header = [sheet.cell(at + 1, n + 1) for n in range(len(table.columns))]
            assert all(c.font.bold for c in header)
            for offset, row in enumerate(table.rows, start=at + 2):
                for n, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                    cell = sheet.cell(offset, n)
                    assert _same(cell, value), (table.key, offset, n, cell.value, value)
                    if isinstance(cell.value, int | float):
                        numbers += abs(cell.value)
                        assert column.kind != "int" or cell.number_format == "#,##0"
                        assert column.kind != "pct" or cell.number_format == "0.0%"
    assert numbers >= 3  # the seeded walk-ins are in there somewhere, as numbers


def _hand_built_report() -> QuarterlyReport:
    visits = Table("t-kunjungan", "Kunjungan per layanan",
                   [Column("Layanan", "text"), Column("Jumlah"), Column("Bagian", "pct"),
                    Column("Tunggu", "minutes"), Column("Tanggal", "date"), Column("Nilai", "dec2"),
                    Column("Rata-rata", "dec1")],
                   [["=SUM(A1:A9)", 1204, 0.452, 12.5, date(2026, 2, 3), 3.25, 7.5],
                    ["Kosong", None, None, None, None, None, None]],
                   note="Kunjungan dihitung menurut hari kantor.")
    second = Table("t-kedua", "Tabel kedua", [Column("Nama", "text"), Column("Nilai", "dec1")], [["x", 1.25]])
    title = "1. Loket: [ringkasan] per/bulan *?"
    sections = [Section("counter", title, figures=[Figure("Dilayani", 1204)], tables=[visits, second],
                        notes=["Paragraf pengantar."]),
                Section("rooms", title),  # the same title twice: sheet names stay unique
                Section("survey", "S" * 40)]
    office = Office(id=1, name='=HYPERLINK("http://contoh.test")', timezone="Asia/Makassar")
    return QuarterlyReport(office, quarter(2026, 1), NOW, sections)


def test_xlsx_writer_layout_on_a_hand_built_report(ctx):
    book = load_workbook(io.BytesIO(workbook_bytes(_hand_built_report())))
    # 31 characters at most, the suffix included
    assert book.sheetnames == ["1. Loket ringkasan per bulan", "1. Loket ringkasan per bula (2)", "S" * 31]
    sheet = book.worksheets[0]
    rows = _rows(sheet)
    assert rows[0][0] == "'=HYPERLINK(\"http://contoh.test\")"  # the office's name, inert
    assert sheet["A1"].data_type == "s"
    assert [r[0] for r in rows[1:4]] == ["Laporan triwulan", "Triwulan I 2026",
                                         "Dibuat 15 April 2026 10.00 WITA"]
    assert rows[4] == (None,) * len(rows[4])
    assert rows[5][0] == "1. Loket: [ringkasan] per/bulan *?"
    assert rows[6][0] == "Paragraf pengantar."
    assert rows[7][:2] == ("Dilayani", 1204)
    assert rows[8][0] is None
    assert rows[9][0] == "Kunjungan per layanan"
    assert list(rows[10]) == ["Layanan", "Jumlah", "Bagian", "Tunggu", "Tanggal", "Nilai", "Rata-rata"]
    assert all(sheet.cell(11, n).font.bold for n in range(1, 8))
    values = [sheet.cell(12, n) for n in range(1, 8)]
    assert values[0].value == "'=SUM(A1:A9)" and values[0].data_type == "s"
    assert [c.value for c in values[1:4]] == [1204, 0.452, 12.5]
    assert values[4].value == datetime(2026, 2, 3) and values[4].is_date
    assert [c.value for c in values[5:]] == [3.25, 7.5]
    assert [c.number_format for c in values[1:]] == ["#,##0", "0.0%", "0.0", "dd/mm/yyyy", "0.00", "0.0"]
    assert rows[12] == ("Kosong",) + (None,) * 6  # no value: an empty cell, not "–"
    assert rows[13][0] == "Kunjungan dihitung menurut hari kantor."
    assert rows[14] == (None,) * 7  # a blank row between tables
    assert rows[15][0] == "Tabel kedua"
    assert rows[16][:2] == ("Nama", "Nilai")
    assert rows[17][:2] == ("x", 1.25)
    empty = book.worksheets[1]
    assert empty["F1"].value is None and empty["A6"].value == "1. Loket: [ringkasan] per/bulan *?"


def test_sheet_names_are_what_excel_accepts(ctx):
    taken: set[str] = set()
    assert sheet_name("Aset: [kelas]/status*?\\", taken) == "Aset kelas status"
    assert sheet_name("ASET KELAS STATUS", taken) == "ASET KELAS STATUS (2)"  # Excel ignores case
    assert sheet_name("'Kutip'", taken) == "Kutip"
    assert sheet_name("[]:*?/\\", taken) == "Bagian"
    long = sheet_name("Risiko " * 10, taken)
    assert len(long) <= 31 and long == ("Risiko " * 10)[:31].strip()


# -- CSV --------------------------------------------------------------------------------

def test_csv_of_each_table(app, manager):
    report = _report(app)
    assert report.tables(), "the report has tables to download"
    for table in report.tables():
        response = manager.get(f"{BASE}/tabel/{table.key}.csv?{Q1}")
        assert response.status_code == 200, table.key
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert _attachment(response) == f"{table.key}-2026-q1.csv"
        body = response.get_data(as_text=True)
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body[1:])))
        assert rows[0] == [c.title for c in table.columns]
        assert rows[1:] == [[_csv_text(v) for v in row] for row in table.rows]


def _csv_text(value) -> str:
    """A raw value as the CSV writes it: text that would start a formula gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def test_csv_of_a_special_report_names_its_days(manager):
    response = manager.get(f"{BASE}/tabel/loket-layanan.csv?dari=2026-01-01&sampai=2026-02-15")
    assert response.status_code == 200
    assert _attachment(response) == "loket-layanan-2026-01-01-2026-02-15.csv"


def test_unknown_table_is_404(manager):
    response = manager.get(f"{BASE}/tabel/tidak-ada.csv?{Q1}")
    assert response.status_code == 404
    assert _attachment(response) is None
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


# -- refused periods --------------------------------------------------------------------

@pytest.mark.parametrize(("path", "query", "message"), [
    ("unduh.pdf", "tahun=2026&triwulan=5", "Pilih triwulan I sampai IV."),
    ("unduh.xlsx", "dari=2026-03-01&sampai=2026-01-01",
     "Tanggal awal harus sebelum atau sama dengan tanggal akhir."),
    ("tabel/loket-layanan.csv", "dari=2026-01-01",
     "Isi tanggal awal dan tanggal akhir untuk laporan khusus."),
    ("unduh.pdf", "dari=2020-01-01&sampai=2026-01-01", "Laporan khusus mencakup paling lama tiga tahun."),
])
def test_a_refused_period_gives_the_page_not_a_file(manager, path, query, message):
    response = manager.get(f"{BASE}/{path}?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert _attachment(response) is None
    assert message in response.get_data(as_text=True)



# -- the earliest periods one may ask for ----------------------------------------------

@pytest.mark.parametrize(("path", "query", "mimetype"), [
    ("", "tahun=2000&triwulan=1", "text/html"),  # compares with Q4 1999
    ("", "dari=2000-01-01&sampai=2000-01-01", "text/html"),  # its survey trend reaches into 1998
    ("unduh.xlsx", "tahun=2000&triwulan=4", XLSX),
    ("tabel/loket-layanan.csv", "tahun=2001&triwulan=3", "text/csv"),
    ("unduh.pdf", "dari=2001-09-01&sampai=2001-09-30", "application/pdf"),
])
def test_the_first_years_allowed_are_reported_with_the_years_before_them(manager, path, query, mimetype):
    """The year check is on the request: the previous period and the trend may be in 1999."""
    response = manager.get(f"{BASE}/{path}?{query}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
