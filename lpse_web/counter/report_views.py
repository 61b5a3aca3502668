"""The counter report page and its CSV and XLSX exports."""

from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.counter.queue import REJECTION_REASONS
from lpse_web.counter.report import PERIODS, counter_report, period_range
from lpse_web.office.services import load_calendar
from lpse_web.web.access import allow
from lpse_web.web.exports import report_downloads
from lpse_web.web.render import render

bp = Blueprint("counter_report", __name__, url_prefix="/antrian/laporan")
READERS = (Role.MANAGER, Role.VERIFIKATOR)


def _period():
    period = request.args.get("periode", "month")
    period = period if period in PERIODS else "month"
    try:
        anchor = date.fromisoformat(request.args.get("tanggal", "")[:10])
        if not 2000 <= anchor.year <= 2100:
            raise ValueError
    except ValueError:
        anchor = load_calendar().local_day(clock.now())
    first, last = period_range(period, anchor)
    return period, anchor, counter_report(first, last, clock.now())


def _columns():
    return [_("Nama"), _("Dipesan"), _("Langsung"), _("Selesai"), _("Tidak hadir"), _("Batal"),
            _("Disetujui"), _("Ditolak"), _("Tunggu median (mnt)"), _("Tunggu p90 (mnt)"),
            _("Layanan median (mnt)"), _("Layanan p90 (mnt)")]


def _row(stats, name=None):
    def minutes(value):
        return None if value is None else round(value, 1)
    return [name or stats.name, stats.booked, stats.walk_ins, stats.done, stats.no_shows, stats.cancelled,
            stats.approved, stats.rejected, minutes(stats.wait_median), minutes(stats.wait_p90),
            minutes(stats.service_median), minutes(stats.service_p90)]


def _tables(report):
    total = _("Jumlah")
    return {
        "layanan": (_("Per layanan"), _columns(),
                    [_row(s) for s in report.by_service] + [_row(report.total, total)]),
        "loket": (_("Per loket"), _columns(), [_row(s) for s in report.by_counter]),
        "alasan": (_("Alasan penolakan"), [_("Alasan"), _("Jumlah")],
                   [[str(REJECTION_REASONS.get(code, code)), n] for code, n in report.reasons]),
    }



@bp.route("/")
@allow(*READERS)
def index():
    period, anchor, report = _period()
    return render("counter/report.html", period=period, anchor=anchor, report=report,
                  tables=_tables(report), args={"periode": period, "tanggal": anchor.isoformat()})


@bp.route("/unduh.csv")
@allow(*READERS)
def export_csv():
    _period_name, _anchor, report = _period()
    return report_downloads(_tables(report), report.first, report.last, "laporan-loket", "csv")


@bp.route("/unduh.xlsx")
@allow(*READERS)
def export_xlsx():
    _period_name, _anchor, report = _period()
    return report_downloads(_tables(report), report.first, report.last, "laporan-loket", "xlsx")
