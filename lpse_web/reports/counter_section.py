"""Section 1 of the quarterly report: the counter (layanan loket). Visits per service and
per month, verifications approved and rejected with the reasons, waiting and service
times, and the comparison with the previous period.

The figures are those of the counter's own report (counter/report.py), so the two pages
never disagree: a visit belongs to the period by its office-local day, and a booking
still "booked" after its no-show time counts as a no-show. Queries: two counter reports
(this period and the previous one) and the service list, whatever the data size."""

from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lpse_web.counter.queue import REJECTION_REASONS
from lpse_web.counter.report import CounterReport, Stats, counter_report
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.office.models import CounterService
from lpse_web.reports.periods import ReportPeriod
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table

# The counts every table repeats: (Stats attribute, column title).
COUNTS = (
    ("booked", _l("Dipesan daring")),
    ("walk_ins", _l("Datang langsung")),
    ("done", _l("Dilayani")),
    ("no_shows", _l("Tidak hadir")),
    ("cancelled", _l("Dibatalkan")),
    ("approved", _l("Disetujui")),
    ("rejected", _l("Ditolak")),
)
FIGURES = COUNTS[:5]  # the headline numbers: bookings, walk-ins, served, no-shows, cancellations
CHARTED = ("done", "no_shows", "cancelled")
TIMES = (
    ("wait_median", _l("Tunggu, median")),
    ("wait_p90", _l("Tunggu, persentil 90")),
    ("service_median", _l("Pelayanan, median")),
    ("service_p90", _l("Pelayanan, persentil 90")),
)


def _counts(stats: Stats) -> list[int]:
    return [getattr(stats, attribute) for attribute, _title in COUNTS]


def _change(this, before) -> tuple:
    """(difference, difference as a share of the previous value); None where unknown."""
    if this is None or before is None:
        return None, None
    difference = this - before
    return difference, (difference / before if before else None)


def _services(report: CounterReport) -> list[tuple[str, Stats]]:
    """Every active service (zeros included, so an empty quarter still lists them) and any
    inactive one that had visits, by name."""
    rows = db.session.execute(select(CounterService.id, CounterService.name, CounterService.active)
                              .order_by(CounterService.name, CounterService.id))
    return [(name, report.by_service_id.get(service_id) or Stats(name))
            for service_id, name, active in rows if active or service_id in report.by_service_id]


def _count_table(key: str, caption: str, first: str, rows: list[tuple[str, Stats]], total: Stats) -> Table:
    columns = [Column(first, "text")] + [Column(str(title)) for _a, title in COUNTS]
    body = [[name, *_counts(stats)] for name, stats in rows]
    return Table(key, caption, columns, [*body, [_("Jumlah"), *_counts(total)]])


def _bars(title: str, table: Table, rows: list[tuple[str, Stats]]) -> Chart:
    series = [Series(str(label), [getattr(stats, attribute) for _n, stats in rows])
              for attribute, label in COUNTS if attribute in CHARTED]
    return Chart("bars", title, table.key, [name for name, _s in rows], series)


def _verification_tables(total: Stats, reasons: list[tuple[str, int]]) -> list[Table]:
    decided = total.approved + total.rejected
    outcomes = Table("loket-verifikasi", _("Hasil verifikasi"),
                     [Column(_("Hasil"), "text"), Column(_("Jumlah")), Column(_("Bagian"), "pct")],
                     [[_("Disetujui"), total.approved, total.approved / decided if decided else None],
                      [_("Ditolak"), total.rejected, total.rejected / decided if decided else None],
                      [_("Jumlah"), decided, 1.0 if decided else None]])
    rows = [[str(REJECTION_REASONS.get(code, code)), count] for code, count in reasons]
    unstated = total.rejected - sum(count for _c, count in reasons)
    if unstated > 0:  # a rejection recorded without a reason still counts in the shares
        rows.append([_("Tanpa alasan tercatat"), unstated])
    # A reason is counted on any rejected row, the shares over finished visits: guard the
    # division, though the queue records the two together.
    rows = [[label, count, count / total.rejected if total.rejected else None] for label, count in rows]
    reasons_table = Table("loket-alasan", _("Alasan penolakan verifikasi"),
                          [Column(_("Alasan"), "text"), Column(_("Jumlah")),
                           Column(_("Bagian dari penolakan"), "pct")], rows,
                          note="" if rows else _("Tidak ada verifikasi yang ditolak pada periode ini."))
    return [outcomes, reasons_table]


def _times_table(rows: list[tuple[str, Stats]], total: Stats) -> Table:
    columns = [Column(_("Layanan"), "text")] + [Column(str(title), "minutes") for _a, title in TIMES]
    body = [[name, *(getattr(stats, a) for a, _t in TIMES)]
            for name, stats in [*rows, (_("Semua layanan"), total)]]
    return Table("loket-waktu", _("Waktu tunggu dan waktu pelayanan (menit)"), columns, body,
                 note=_("Waktu tunggu: dari kedatangan sampai dipanggil ke loket; waktu pelayanan: dari "
                        "dipanggil sampai selesai. Persentil 90: waktu terpendek yang tidak dilampaui "
                        "oleh sekurang-kurangnya 90 % kunjungan."))


def _comparison_tables(this: Stats, before: Stats, previous: ReportPeriod) -> list[Table]:
    def columns(kind):
        return [Column(_("Ukuran"), "text"), Column(_("Periode ini"), kind),
                Column(_("Periode sebelumnya"), kind),
                Column(_("Selisih"), kind), Column(_("Selisih (%)"), "pct")]

    def rows(pairs):
        return [[str(title), getattr(this, a), getattr(before, a),
                 *_change(getattr(this, a), getattr(before, a))] for a, title in pairs]

    note = _("Periode sebelumnya: %(name)s.", name=previous.name)
    return [Table("loket-banding", _("Dibanding periode sebelumnya"), columns("int"), rows(COUNTS),
                  note=note),
            Table("loket-banding-waktu", _("Waktu tunggu dan pelayanan dibanding periode sebelumnya (menit)"),
                  columns("minutes"), rows(TIMES), note=note)]


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    # Booking.day is already the office's local day: no zone arithmetic here.
    report = counter_report(period.first, period.last, now)
    previous = period.previous()
    before = counter_report(previous.first, previous.last, now).total
    total = report.total
    services = _services(report)
    months = [(month.name, report.by_month.get(month.key) or Stats(month.name)) for month in period.months()]

    by_service = _count_table("loket-layanan", _("Kunjungan per layanan"), _("Layanan"), services, total)
    by_month = _count_table("loket-bulan", _("Kunjungan per bulan"), _("Bulan"), months, total)
    figures = [Figure(str(label), getattr(total, a),
                      note=_("periode sebelumnya: %(value)s", value=format_decimal(getattr(before, a))))
               for a, label in FIGURES]
    return Section(
        "counter", _("1. Layanan loket"), figures,
        charts=[_bars(_("Kunjungan per bulan"), by_month, months),
                _bars(_("Kunjungan per layanan"), by_service, services)],
        tables=[by_service, by_month, *_verification_tables(total, report.reasons),
                _times_table(services, total), *_comparison_tables(total, before, previous)],
        notes=[_("Dipesan daring menghitung semua pemesanan, termasuk yang kemudian dibatalkan. Pemesan yang "
                 "belum datang setelah batas waktu hadirnya dihitung tidak hadir.")])
