"""The counter report, against figures worked out by hand."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter import queue
from lpse_web.counter.report import counter_report, nearest_rank, period_range
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService
from tests.counter.conftest import NOW, at

DAY = date(2026, 11, 30)


def _seed_day(make_user, office):
    """Three verification walk-ins served at Loket 1, one booked no-show, one cancelled.
    Waits 10, 15, 30 minutes; service times 10, 15, 20 minutes."""
    staff = make_user(Role.VERIFIKATOR)
    vendors = [make_user(Role.VENDOR) for _ in range(2)]
    verification = db.session.scalar(select(CounterService).where(CounterService.code == "V"))
    loket = db.session.get(Counter, office["counters"]["Loket 1"])
    timeline = [("08.00", "08.10", "08.20", "approved", None),
                ("08.05", "08.20", "08.35", "rejected", "expired"),
                ("08.10", "08.40", "09.00", "rejected", "expired")]
    visits = [queue.issue_walk_in(verification, "", DAY, at(arrive)) for arrive, *_ in timeline]
    for visit, (_, call, finish, outcome, reason) in zip(visits, timeline, strict=True):
        queue.call_next(loket, staff.id, DAY, at(call))
        queue.finish(visit, outcome=outcome, reason=reason, note="", documents=[], staff_id=staff.id,
                     now=at(finish))
    absent = bookings.book(verification, db.session.get(User, vendors[0].id), at("10.00"), NOW)
    cancelled = bookings.book(verification, db.session.get(User, vendors[1].id), at("10.30"), NOW)
    bookings.cancel(cancelled, NOW)
    db.session.commit()
    return absent


def test_nearest_rank_percentile():
    assert nearest_rank([10, 15, 30], 0.9) == 30
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank([5], 0.9) == 5 and nearest_rank([], 0.9) is None


def test_periods_are_calendar_weeks_and_months():
    assert period_range("day", DAY) == (DAY, DAY)
    assert period_range("week", date(2026, 12, 3)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_range("month", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_range("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_report_figures(ctx, make_user, office):
    _seed_day(make_user, office)
    report = counter_report(DAY, DAY, at("17.00"))
    total = report.total
    assert (total.booked, total.walk_ins, total.done, total.no_shows, total.cancelled) == (2, 3, 3, 1, 1)
    assert (total.approved, total.rejected) == (1, 2)
    assert (total.wait_median, total.wait_p90) == (15, 30)
    assert (total.service_median, total.service_p90) == (15, 20)
    assert report.reasons == [("expired", 2)]
    assert [s.name for s in report.by_counter] == ["Loket 1"] and report.by_counter[0].done == 3
    # Before its grace period has passed, the 10.00 booking is not a no-show yet.
    assert counter_report(DAY, DAY, at("10.10")).total.no_shows == 0
    # Another day holds nothing.
    assert counter_report(date(2026, 12, 1), date(2026, 12, 1), at("17.00")).total.done == 0


def test_report_page_and_exports(app, client, make_user, login, office):
    with app.app_context():
        _seed_day(make_user, office)
    login(client, make_user(Role.MANAGER))
    page = client.get("/antrian/laporan/?periode=day&tanggal=2026-11-30")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Dokumen sudah tidak berlaku" in body and "Loket 1" in body

    exported = client.get("/antrian/laporan/unduh.csv?periode=day&tanggal=2026-11-30&tabel=layanan")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    header, verification = rows[0], rows[1]
    assert header[:3] == ["Nama", "Dipesan", "Langsung"]
    assert verification[0] == "Verifikasi dokumen penyedia"
    # The app's clock says 07.00: the 10.00 booking is not a no-show yet.
    assert verification[1:8] == ["2", "3", "3", "0", "1", "1", "2"]
    assert verification[8:] == ["15.0", "30.0", "15.0", "20.0"]

    workbook = load_workbook(io.BytesIO(client.get(
        "/antrian/laporan/unduh.xlsx?periode=week&tanggal=2026-12-02").data))
    assert workbook.sheetnames == ["Per layanan", "Per loket", "Alasan penolakan"]
    reasons = list(workbook["Alasan penolakan"].iter_rows(values_only=True))
    assert reasons[2] == ("Dokumen sudah tidak berlaku", 2)


def test_report_ignores_a_bad_date(client, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    for query in ("tanggal=kemarin", "tanggal=0001-01-01", "periode=year", "tanggal=2026-13-40"):
        assert client.get(f"/antrian/laporan/?{query}").status_code == 200, query
