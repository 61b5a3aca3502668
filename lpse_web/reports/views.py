"""The quarterly report page (managers): a quarter or a custom range, in Indonesian, with
the office's name and the period in the heading; the downloads are in download_views.py."""

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.office.services import load_calendar
from lpse_web.reports.periods import QUARTER_NAMES, PeriodError, from_args, quarter_of
from lpse_web.reports.quarterly import build_report
from lpse_web.web.access import allow
from lpse_web.web.render import render

bp = Blueprint("quarterly_report", __name__, url_prefix="/laporan/triwulan")
READERS = (Role.MANAGER,)

MESSAGES = {
    "quarter": _l("Pilih triwulan I sampai IV."),
    "year": _l("Tahun harus antara 2000 dan 2100."),
    "day": _l("Tanggal harus berformat TTTT-BB-HH, misalnya 2026-01-31."),
    "order": _l("Tanggal awal harus sebelum atau sama dengan tanggal akhir."),
    "range_incomplete": _l("Isi tanggal awal dan tanggal akhir untuk laporan khusus."),
    "too_long": _l("Laporan khusus mencakup paling lama tiga tahun."),
}


def requested():
    """(period, error message): the period the query names, or the current quarter with
    the reason the query was refused."""
    today = load_calendar().local_day(clock.now())
    try:
        return from_args(request.args, today), None
    except PeriodError as refused:
        return quarter_of(today), MESSAGES[refused.code]


@bp.route("/")
@allow(*READERS)
def index():
    period, error = requested()
    if error:  # the form again with the message; no report for a period nobody asked for
        return render("reports/quarterly.html", report=None, period=period, error=error,
                      quarters=QUARTER_NAMES, args=request.args, status=400)
    report = build_report(period, clock.now())
    return render("reports/quarterly.html", report=report, period=period, error=None,
                  quarters=QUARTER_NAMES, args=period.args())
