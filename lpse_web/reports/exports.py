"""The quarterly report's files: the XLSX workbook (one sheet per section), the names of
the downloads, and the PDF made by WeasyPrint from the report's own HTML page.

Every file draws on the same `QuarterlyReport` as the page (tables.py), so a figure
cannot differ between them. Values stay raw here too: a spreadsheet gets numbers and
dates with a number format, not the page's formatted text.

The PDF renderer reads stylesheets and images from the static folder on disk: it makes
no HTTP request (not even to this app) and refuses every other URL, so a hostile URL in
the HTML could neither reach the network nor read a file such as /etc/passwd."""

import io
import logging
import mimetypes
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from werkzeug.security import safe_join

from lpse_web.office.services import zone_label
from lpse_web.reports.periods import ReportPeriod, day_name
from lpse_web.reports.tables import Section, Table
from lpse_web.web.exports import as_text

# Excel's number formats per column kind (tables.KINDS); "text" keeps the cell's own.
NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "dec1": "0.0", "dec2": "0.00", "dec3": "0.000",
                  "dec4": "0.0000", "minutes": "0.0", "date": "dd/mm/yyyy"}
SHEET_NAME_MAX = 31  # Excel's limit
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=13)
NOTE = Font(italic=True)


# -- names ------------------------------------------------------------------------------

def period_slug(period: ReportPeriod) -> str:
    """"2026-q1" for a quarter, "2026-01-01-2026-02-15" for a custom range."""
    if period.is_quarter:
        return f"{period.first.year}-q{period.quarter}"
    return f"{period.first.isoformat()}-{period.last.isoformat()}"


def file_stem(period: ReportPeriod) -> str:
    """"laporan-triwulan-2026-q1", or "laporan-khusus-…" for a special report."""
    kind = "triwulan" if period.is_quarter else "khusus"
    return f"laporan-{kind}-{period_slug(period)}"


def report_title(period: ReportPeriod) -> str:
    return _("Laporan triwulan") if period.is_quarter else _("Laporan khusus")


def made_at_text(report) -> str:
    """'15 April 2026 10.30 WITA': when the figures were read, in the office's zone."""
    made = report.made_at
    return f"{day_name(made.date())} {made:%H.%M} {zone_label(report.office.timezone)}"


def sheet_name(title: str, taken: set[str]) -> str:
    """A section's title as Excel accepts a sheet's name: none of []:*?/\\, not starting
    or ending with an apostrophe, at most 31 characters, unique in the workbook."""
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split()).strip("'")[:SHEET_NAME_MAX].strip()
    name = name or _("Bagian")
    candidate, n = name, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = name[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix, n + 1
    taken.add(candidate)
    return candidate


# -- XLSX -------------------------------------------------------------------------------

def workbook_bytes(report) -> bytes:
    """The report as an XLSX file: one sheet per section, in the report's order."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for section in report.sections:
        _write_section(book.create_sheet(sheet_name(section.title, taken)), report, section)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_section(sheet, report, section: Section) -> None:
    # The heading every sheet repeats: a sheet may be forwarded on its own.
    _text_row(sheet, report.office.name, BOLD)
    _text_row(sheet, report_title(report.period))
    _text_row(sheet, report.period.name)
    _text_row(sheet, _("Dibuat %(when)s", when=made_at_text(report)))
    sheet.append([])
    _text_row(sheet, section.title, HEADING)
    for paragraph in section.notes:
        _text_row(sheet, paragraph)
    for figure in section.figures:
        sheet.append([as_text(figure.label), _cell_value(figure.value), as_text(figure.note) or None])
        _number_format(sheet.cell(sheet.max_row, 2), figure.kind)
    if section.notes or section.figures:
        sheet.append([])
    for table in section.tables:
        _write_table(sheet, table)
        sheet.append([])  # a blank row between tables
    _widths(sheet, section)


def _write_table(sheet, table: Table) -> None:
    _text_row(sheet, table.title, BOLD)
    sheet.append([as_text(c.title) for c in table.columns])
    for n in range(1, len(table.columns) + 1):
        sheet.cell(sheet.max_row, n).font = BOLD
    for row in table.rows:
        sheet.append([_cell_value(v) for v in row])
        for n, column in enumerate(table.columns, 1):
            _number_format(sheet.cell(sheet.max_row, n), column.kind)
    if table.note:
        _text_row(sheet, table.note, NOTE)


def _text_row(sheet, text: str, font: Font | None = None) -> None:
    sheet.append([as_text(text)])
    if font:
        sheet.cell(sheet.max_row, 1).font = font


def _cell_value(value):
    if isinstance(value, str):
        return as_text(value)  # typed text never runs as a formula
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; the value is office time
    return value


def _number_format(cell, kind: str) -> None:
    if kind in NUMBER_FORMATS and cell.value is not None and not isinstance(cell.value, str):
        cell.number_format = NUMBER_FORMATS[kind]


def _widths(sheet, section: Section) -> None:
    # Wide enough for the labels of the first column and the numbers of the others; the
    # long titles and notes of column A overflow into empty neighbours as Excel shows them.
    columns = max([len(t.columns) for t in section.tables] + [3])
    sheet.column_dimensions["A"].width = 34
    for n in range(2, columns + 1):
        sheet.column_dimensions[get_column_letter(n)].width = 16


# -- PDF --------------------------------------------------------------------------------

class PdfUnavailableError(RuntimeError):
    """WeasyPrint cannot load on this machine (most often: no Pango library)."""


def static_file(url: str, static_root: str, folder: str) -> Path | None:
    """The file of the static folder that `url` names, or None for any other URL.

    `static_root` is the static folder's URL as the HTML resolves it
    ("http://lpse.test/static/"): only URLs under it are read, from disk; the query
    (a cache-buster) and fragment are ignored; "..", also percent-encoded, cannot climb out."""
    if not url.startswith(static_root):
        return None
    relative = unquote(urlsplit(url[len(static_root):]).path)
    joined = safe_join(folder, relative) if relative else None
    path = Path(joined) if joined else None
    return path if path and path.is_file() else None


def static_fetcher(static_root: str, folder: str):
    """A WeasyPrint URL fetcher that reads only the static folder (`static_file`) and
    inline data: URLs (the CSS framework's icons); everything else is refused."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # lazy: it needs Pango

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # decoded in memory, nothing fetched
            path = static_file(url, static_root, folder)
            if path is None:
                raise ValueError(f"the PDF reads only the static folder, not {url}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticFetcher(allowed_protocols=("data",))


def pdf_bytes(html: str, base_url: str, static_root: str, folder: str) -> bytes:
    """The page's HTML as a PDF. `base_url` resolves the page's links and its
    /static/... references; `static_root` is the static folder's URL under it."""
    try:
        from weasyprint import HTML  # lazy: importing it loads Pango
    except (ImportError, OSError) as missing:
        raise PdfUnavailableError(str(missing)) from missing
    quiet = logging.getLogger("weasyprint")
    if quiet.level == logging.NOTSET:  # unless the operator set it: the screen CSS's unknown
        quiet.setLevel(logging.ERROR)  # rules are noise; unreadable resources stay errors
    fetcher = static_fetcher(static_root, folder)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
