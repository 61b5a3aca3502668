"""The room report against figures worked out by hand, and its downloads.

The week of Monday 30 November 2026 for the bidding room (office hours 08.00-16.00 on
weekdays: 5 x 8 = 40 open hours), less a two-hour blackout on Wednesday: 38 hours.
- 1 Dec 09.00-11.00, approved, checked in at 09.05: 2 h reserved, 1 h 55 min used;
- 1 Dec 13.00-14.00, approved, nobody came (released): 1 h reserved, a no-show;
- 3 Dec 09.00-10.00, rejected ("Dipakai pimpinan"); 4 Dec 09.00-10.00 cancelled.
Reserved 3 h of 38 (7.9 %), used 1.9167 h (5.0 %)."""

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.rooms import services
from lpse_web.rooms.report import room_report
from tests.rooms.conftest import NOW, at, person, room

MONDAY = date(2026, 11, 30)
LATER = NOW + timedelta(days=7)  # the report is read the week after


def _seed_week(rooms, people):
    approver = person(people, "approver")
    official = person(people, "official")
    bidding = room("bidding", rooms)

    def ask(day, start, end):  # a December day
        (reservation,), _ = services.reserve(
            bidding, official, start=at(start, day, 12), end=at(end, day, 12), purpose="training",
            title=f"Kegiatan {day} {start}", attendees=5, now=NOW)
        return reservation

    used, absent, refused, dropped = ask(1, "09.00", "11.00"), ask(1, "13.00", "14.00"), \
        ask(3, "09.00", "10.00"), ask(4, "09.00", "10.00")
    for reservation in (used, absent):
        services.approve(reservation, approver.id, NOW)
    services.reject(refused, approver.id, "Dipakai pimpinan", NOW)
    services.cancel(dropped, NOW)
    services.check_in(used, official.id, at("09.05", 1, 12))
    services.add_blackout(bidding, at("08.00", 2, 12), at("10.00", 2, 12), "Pemeliharaan jaringan")
    db.session.commit()


def test_utilisation_no_shows_and_rejections_by_hand(ctx, rooms, people):
    _seed_week(rooms, people)
    report = room_report(MONDAY, MONDAY + timedelta(days=6), load_calendar(), LATER)
    stats = {s.room.name: s for s in report.rooms}
    bidding = stats["Ruang Bidding"]
    assert bidding.open_hours == 38
    assert bidding.reserved_hours == 3
    assert round(bidding.used_hours, 4) == round(1 + 55 / 60, 4)
    assert (bidding.reservations, bidding.no_shows, bidding.rejected, bidding.cancelled) == (2, 1, 1, 1)
    assert round(bidding.reserved_share * 100, 1) == 7.9
    assert [r.rejection_reason for r in report.rejections] == ["Dipakai pimpinan"]
    # The verification room was free all week: 40 open hours, nothing reserved.
    assert (stats["Ruang Verifikasi"].open_hours, stats["Ruang Verifikasi"].reserved_hours) == (40, 0)


def test_report_page_and_downloads_for_managers_only(app, client, login, make_user, rooms, people):
    with app.app_context():
        _seed_week(rooms, people)
    app.config["LPSE_NOW"] = "2026-12-07T09:00:00+08:00"
    manager = make_user(Role.MANAGER)
    login(client, manager)
    args = "periode=week&tanggal=2026-12-02"
    page = client.get(f"/ruang/laporan/?{args}").get_data(as_text=True)
    assert "Ruang Bidding" in page and "7.9" in page and "Dipakai pimpinan" in page
    body = client.get(f"/ruang/laporan/unduh.csv?{args}&tabel=pemakaian")
    assert body.headers["Content-Disposition"].endswith('laporan-ruang-2026-11-30-2026-12-06.pemakaian.csv"')
    rows = list(csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Ruang", "Jam buka", "Jam dipesan"]
    assert ["Ruang Bidding", "38.0", "3.0", "7.9", "1.92", "5.0", "2", "1", "1", "1"] in rows
    workbook = load_workbook(io.BytesIO(client.get(f"/ruang/laporan/unduh.xlsx?{args}").data))
    assert workbook.sheetnames == ["Pemakaian ruang", "Permintaan ditolak"]
    rejected = list(workbook["Permintaan ditolak"].iter_rows(values_only=True))
    assert rejected[2][-1] == "Dipakai pimpinan"
    client.post("/keluar")
    login(client, make_user(Role.HELPDESK))
    assert client.get(f"/ruang/laporan/?{args}").status_code == 403
