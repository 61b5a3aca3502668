"""Report downloads shared by every module: CSV that Excel opens with the right
characters, and XLSX with one sheet per table."""

import csv
import io

from flask import current_app, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body, mimetype: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A cell starting with one of these is a formula to a spreadsheet: typed text (a title, a
# reason) must never run in the manager's Excel (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A typed value made inert for a spreadsheet: text starting like a formula gets a
    leading apostrophe, which Excel and LibreOffice show as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_download(columns, rows, filename: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([as_text(c) for c in columns])
    writer.writerows([as_text(v) for v in row] for row in rows)
    # A byte-order mark, so that Excel opens the UTF-8 file with the right characters.
    return download("\ufeff" + buffer.getvalue(), "text/csv", filename)  # Flask adds "; charset=utf-8"


def xlsx_download(tables, period: str, filename: str):
    """`tables`: (title, columns, rows) each; every sheet starts with its title and period."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([f"{title}: {period}"])
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # openpyxl makes any "=..." string a formula
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download(buffer.getvalue(), XLSX, filename)


def xlsx_stream_download(tables, period: str | None, filename: str):
    """Like `xlsx_download`, for tables too big to hold as cells: openpyxl's write-only
    mode writes each row as it comes (`rows` may be a generator streaming a query).
    Numbers stay numbers; text that looks like a formula is stored as plain text.
    With no `period` there is no title row: the header is row 1, as an import reads it."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        if period is not None:
            sheet.append([_inert_cell(sheet, f"{title}: {period}")])
        sheet.append([_inert_cell(sheet, c) for c in columns])
        for row in rows:
            sheet.append([_inert_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return download(buffer.getvalue(), XLSX, filename)


def _inert_cell(sheet, value):
    if isinstance(value, str) and value.startswith("="):  # openpyxl would write a formula
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def report_downloads(tables: dict, first, last, stem: str, ext: str):
    """A report's download: `ext` "xlsx" is every table, "csv" the one named by
    ?tabel= (only known names: it names the file). `tables`: key -> (title, columns, rows)."""
    filename = f"{stem}-{first.isoformat()}-{last.isoformat()}"
    if ext == "xlsx":
        return xlsx_download(tables.values(), f"{first.isoformat()} – {last.isoformat()}", f"{filename}.xlsx")
    name = request.args.get("tabel", "")
    name = name if name in tables else next(iter(tables))
    _title, columns, rows = tables[name]
    return csv_download(columns, rows, f"{filename}.{name}.csv")
