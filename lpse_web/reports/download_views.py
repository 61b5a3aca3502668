"""The quarterly report's downloads (managers, like the page): the whole report as PDF
(the page's own HTML with its print stylesheet), as XLSX (one sheet per section), and
one table as CSV. Each takes the page's period arguments; a period the page would refuse
gets the page with its message (400), never a file of some other period."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from lpse_web import clock
from lpse_web.reports import exports
from lpse_web.reports.periods import QUARTER_NAMES
from lpse_web.reports.quarterly import build_report
from lpse_web.reports.views import READERS, requested
from lpse_web.web.access import allow
from lpse_web.web.errors import error_page
from lpse_web.web.exports import XLSX, csv_download, download
from lpse_web.web.render import render

bp = Blueprint("quarterly_downloads", __name__, url_prefix="/laporan/triwulan")
TEMPLATE = "reports/quarterly.html"


def _report():
    """(report, refusal): the report of the requested period, or the page that refuses it."""
    period, error = requested()
    if error:
        return None, render(TEMPLATE, report=None, period=period, error=error, quarters=QUARTER_NAMES,
                            args=request.args, status=400)
    return build_report(period, clock.now()), None


@bp.route("/unduh.pdf")
@allow(*READERS)
def pdf():
    report, refusal = _report()
    if refusal:
        return refusal
    html = render_template(TEMPLATE, report=report, period=report.period, error=None,
                           quarters=QUARTER_NAMES, args=report.period.args(), for_pdf=True)
    static_root = request.host_url + current_app.static_url_path.strip("/") + "/"
    try:
        body = exports.pdf_bytes(html, request.host_url, static_root, current_app.static_folder)
    except exports.PdfUnavailableError as missing:
        current_app.logger.error("PDF unavailable, WeasyPrint cannot load: %s", missing)
        return error_page(503, _("PDF laporan belum dapat dibuat: pustaka Pango untuk WeasyPrint belum "
                                 "terpasang di server. Unduh versi XLSX, atau cetak halaman laporan dari "
                                 "peramban, dan minta administrator memasang Pango."))
    return download(body, "application/pdf", f"{exports.file_stem(report.period)}.pdf")


@bp.route("/unduh.xlsx")
@allow(*READERS)
def xlsx():
    report, refusal = _report()
    if refusal:
        return refusal
    return download(exports.workbook_bytes(report), XLSX, f"{exports.file_stem(report.period)}.xlsx")


@bp.route("/tabel/<key>.csv")
@allow(*READERS)
def csv(key: str):
    report, refusal = _report()
    if refusal:
        return refusal
    table = report.table(key)
    if table is None:
        abort(404)
    return csv_download([c.title for c in table.columns], table.rows,
                        f"{key}-{exports.period_slug(report.period)}.csv")
