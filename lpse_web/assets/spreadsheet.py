"""Reading an uploaded CSV or XLSX file into its header row and data rows."""

import csv
import io
import logging
import warnings
from dataclasses import dataclass

import openpyxl
from flask_babel import gettext as _

from lpse_web.assets import columns as cols

log = logging.getLogger(__name__)

MAX_ROWS = 50_000
MAX_COLUMNS = 64  # cells read per row: a sheet 16,384 columns wide is no asset list
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP, _OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xlsx; old .xls


class FileError(Exception):
    """The file cannot be read as an asset list; the message says why, in Indonesian."""


@dataclass
class Sheet:
    header_row: int  # the spreadsheet's row number of the header (1 unless rows above are empty)
    header: list
    rows: list[tuple[int, list]]  # (row number, cells), fully empty rows left out


def _empty(cells) -> bool:
    return all(cols.text_of(c) == "" for c in cells)


def file_kind(filename: str, content: bytes) -> str:
    """"csv" or "xlsx", from the first bytes and the name; FileError otherwise."""
    name = (filename or "").lower()
    if not content:
        raise FileError(_("Berkas kosong."))
    if content.startswith(_ZIP):
        return "xlsx"
    if content.startswith(_OLE2) or name.endswith(".xls"):
        raise FileError(_("Format .xls lama tidak didukung: simpan berkas sebagai .xlsx atau CSV."))
    if name.endswith(XLSX_SUFFIXES):
        raise FileError(_("Berkas ini bukan XLSX yang dapat dibaca."))
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    raise FileError(_("Hanya berkas CSV atau XLSX yang dapat diimpor."))


def _csv_text(content: bytes) -> str:
    """UTF-8 with or without a byte-order mark; else Windows-1252, what Excel's plain
    "CSV" writes on an Indonesian Windows. A file with NUL bytes is no text."""
    if b"\x00" in content:
        raise FileError(_("Berkas ini bukan teks CSV."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileError(_("Berkas CSV tidak dapat dibaca: simpan sebagai \"CSV UTF-8\".")) from None


def _delimiter(text: str) -> str:
    """`;` (Excel in an Indonesian locale), `,` or tab: whichever the header line uses most."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(content: bytes):
    text = _csv_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as error:
        raise FileError(_("Berkas CSV tidak dapat dibaca (%(reason)s).", reason=str(error))) from None


def _xlsx_rows(content: bytes):
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they change no value.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a dozen kinds (ParseError, KeyError...) for a bad file
        log.info("unreadable xlsx: %r", error)
        raise FileError(_("Berkas XLSX tidak dapat dibaca.")) from None
    try:
        if not workbook.worksheets:
            raise FileError(_("Berkas XLSX tidak memuat lembar kerja."))
        sheet = workbook.worksheets[0]
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                yield number, list(cells)
        except Exception as error:  # as above: any failure to read is a bad file
            log.info("unreadable xlsx sheet: %r", error)
            raise FileError(_("Berkas XLSX tidak dapat dibaca.")) from None
    finally:
        workbook.close()


def read_file(filename: str, content: bytes, max_rows: int | None = None, header_only: bool = False) -> Sheet:
    """The file's header and data rows (the first sheet of an XLSX). FileError when it
    is no CSV/XLSX, cannot be read, has no header or more than `max_rows` data rows."""
    max_rows = MAX_ROWS if max_rows is None else max_rows
    kind = file_kind(filename, content)
    rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    header_row, header, data = 0, [], []
    for number, cells in rows:
        if _empty(cells):
            continue
        if not header_row:
            header_row, header = number, cells
            if header_only:
                break
            continue
        if len(data) == max_rows:
            raise FileError(_("Berkas memuat lebih dari %(n)s baris data: bagi menjadi beberapa berkas.",
                                n=f"{max_rows:,}".replace(",", ".")))
        data.append((number, cells))
    if not header_row:
        raise FileError(_("Berkas tidak memuat judul kolom maupun data."))
    return Sheet(header_row, header, data)


def inspect_file(filename: str, content: bytes) -> None:
    """The upload's quick check, before it is queued: the file is a CSV/XLSX with a
    header row. FileError otherwise."""
    read_file(filename, content, header_only=True)
