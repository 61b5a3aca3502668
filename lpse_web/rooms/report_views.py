"""The room report page (manager) and its CSV and XLSX exports."""

from datetime import date

from flask import Blueprint, request
from flask_babel import gettext as _

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.counter.report import period_range
from lpse_web.office.services import load_calendar
from lpse_web.rooms.report import room_report
from lpse_web.web.access import allow
from lpse_web.web.exports import report_downloads
from lpse_web.web.render import render

bp = Blueprint("room_report", __name__, url_prefix="/ruang/laporan")
READERS = (Role.MANAGER,)
PERIODS = ("week", "month")


def _report():
    calendar = load_calendar()
    period = request.args.get("periode", "month")
    period = period if period in PERIODS else "month"
    try:
        anchor = date.fromisoformat(request.args.get("tanggal", "")[:10])
        if not 2000 <= anchor.year <= 2100:
            raise ValueError
    except ValueError:
        anchor = calendar.local_day(clock.now())
    first, last = period_range(period, anchor)
    return period, anchor, room_report(first, last, calendar, clock.now())


def _percent(share):
    return None if share is None else round(share * 100, 1)


def _tables(report):
    usage = [[s.room.name, round(s.open_hours, 2), round(s.reserved_hours, 2), _percent(s.reserved_share),
              round(s.used_hours, 2), _percent(s.used_share), s.reservations, s.no_shows, s.rejected,
              s.cancelled] for s in report.rooms]
    zone = load_calendar().zone
    rejected = [[r.room.name, r.starts_at.astimezone(zone).strftime("%Y-%m-%d %H.%M"), r.title,
                 r.requester.name, r.rejection_reason] for r in report.rejections]
    return {
        "pemakaian": (_("Pemakaian ruang"),
                      [_("Ruang"), _("Jam buka"), _("Jam dipesan"), _("Dipesan (%)"), _("Jam dipakai"),
                       _("Dipakai (%)"), _("Reservasi"), _("Tidak hadir"), _("Ditolak"), _("Dibatalkan")],
                      usage),
        "penolakan": (_("Permintaan ditolak"),
                      [_("Ruang"), _("Waktu"), _("Kegiatan"), _("Pemohon"), _("Alasan")], rejected),
    }



@bp.route("/")
@allow(*READERS)
def index():
    period, anchor, report = _report()
    return render("rooms/report.html", period=period, anchor=anchor, report=report, tables=_tables(report),
                  args={"periode": period, "tanggal": anchor.isoformat()})


@bp.route("/unduh.csv")
@allow(*READERS)
def export_csv():
    _period, _anchor, report = _report()
    return report_downloads(_tables(report), report.first, report.last, "laporan-ruang", "csv")


@bp.route("/unduh.xlsx")
@allow(*READERS)
def export_xlsx():
    _period, _anchor, report = _report()
    return report_downloads(_tables(report), report.first, report.last, "laporan-ruang", "xlsx")
