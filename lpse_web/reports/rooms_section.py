"""Section 2 of the quarterly report: the rooms (ruang). Reservations and utilisation per
room, no-shows, rejections and their reasons, approved reservations per month.

The figures are those of the rooms' own report (rooms/report.py): a reservation belongs
to the period by its start in the office's zone; utilisation is reserved hours over the
room's open hours (holidays, closure days and blackouts excluded). Three queries,
whatever the data size."""

from collections import Counter as Tally
from datetime import datetime

from flask_babel import gettext as _

from lpse_web.office.calendar import ServiceCalendar
from lpse_web.reports.periods import ReportPeriod
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table
from lpse_web.rooms.report import RoomStats, room_report


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _total(rooms: list[RoomStats]) -> dict:
    keys = ("open_hours", "reserved_hours", "used_hours", "reservations", "no_shows", "rejected", "cancelled")
    return {key: sum(getattr(s, key) for s in rooms) for key in keys}


def _row(name: str, v: dict) -> list:
    return [name, v["open_hours"], v["reserved_hours"], v["used_hours"],
            _share(v["reserved_hours"], v["open_hours"]), _share(v["used_hours"], v["open_hours"]),
            v["reservations"], v["no_shows"], v["rejected"], v["cancelled"]]


def _usage_table(rooms: list[RoomStats], total: dict) -> Table:
    columns = [Column(_("Ruang"), "text"), Column(_("Jam buka"), "dec1"), Column(_("Jam dipesan"), "dec1"),
               Column(_("Jam dipakai"), "dec1"), Column(_("Bagian dipesan"), "pct"),
               Column(_("Bagian dipakai"), "pct"), Column(_("Reservasi")), Column(_("Tidak hadir")),
               Column(_("Ditolak")), Column(_("Dibatalkan"))]
    rows = [*(_row(s.room.name, vars(s)) for s in rooms), _row(_("Semua ruang"), total)]
    return Table("ruang-pemakaian", _("Pemakaian ruang"), columns, rows,
                 note=_("Jam buka: jam pesan ruang pada hari layanan, di luar hari libur, hari tutup dan "
                        "masa blokir. Jam dipesan: reservasi yang disetujui; jam dipakai: sejak check-in "
                        "sampai selesai. Tidak hadir: reservasi disetujui yang dilepas karena tidak ada "
                        "check-in."))


def _monthly_table(rooms: list[RoomStats], period: ReportPeriod) -> Table:
    months = period.months()
    columns = [Column(_("Ruang"), "text")] + [Column(m.name) for m in months] + [Column(_("Jumlah"))]
    rows = [[s.room.name, *(s.monthly.get(m.key, 0) for m in months), s.reservations] for s in rooms]
    rows.append([_("Semua ruang"), *(sum(s.monthly.get(m.key, 0) for s in rooms) for m in months),
                 sum(s.reservations for s in rooms)])
    return Table("ruang-bulan", _("Reservasi disetujui per bulan"), columns, rows)


def _reasons_table(rejections) -> Table:
    tally = Tally(r.rejection_reason.strip() or _("(tanpa alasan)") for r in rejections)
    rows = [[reason, count] for reason, count in sorted(tally.items(), key=lambda item: (-item[1], item[0]))]
    return Table("ruang-penolakan", _("Alasan penolakan permintaan ruang"),
                 [Column(_("Alasan"), "text"), Column(_("Jumlah"))], rows)


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    report = room_report(period.first, period.last, calendar, now)
    # A room taken out of service is left out unless it had requests in the period: its
    # open hours would only dilute the others' utilisation.
    rooms = [s for s in report.rooms if s.room.active or s.reservations or s.rejected or s.cancelled]
    total = _total(rooms)
    usage = _usage_table(rooms, total)
    chart = Chart("bars", _("Bagian jam buka yang dipesan dan dipakai"), usage.key,
                  [s.room.name for s in rooms],
                  [Series(_("Dipesan"), [_percent(s.reserved_share) for s in rooms]),
                   Series(_("Dipakai"), [_percent(s.used_share) for s in rooms])], unit="%")
    figures = [
        Figure(_("Reservasi disetujui"), total["reservations"]),
        Figure(_("Tingkat pemakaian (jam dipesan / jam buka)"),
               _share(total["reserved_hours"], total["open_hours"]), "pct"),
        Figure(_("Jam dipakai / jam buka"), _share(total["used_hours"], total["open_hours"]), "pct"),
        Figure(_("Tidak hadir"), total["no_shows"]),
        Figure(_("Permintaan ditolak"), total["rejected"]),
    ]
    tables = [usage, _monthly_table(rooms, period)]
    if report.rejections:
        tables.append(_reasons_table(report.rejections))
    return Section("rooms", _("2. Ruang"), figures, [chart], tables)


def _percent(share: float | None) -> float | None:
    """The chart's axis is in percent (unit "%"); the table keeps the share."""
    return None if share is None else share * 100
