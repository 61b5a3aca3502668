"""The quarterly report's counter section against figures worked out by hand.

Triwulan I 2026, office zone WITA, read at 15.00 WITA on 31 March 2026. Visits (the
visit's local day decides the quarter; times in minutes, wait / service):

  V  Verifikasi dokumen penyedia          K  Konsultasi SPSE
  1  12 Jan walk-in  approved   10 / 20   10  15 Jan walk-in  served  25 / 5
  2  20 Jan walk-in  rejected*  20 / 30   11  20 Feb booked   served  50 / 60
  3   3 Feb booked   approved    5 / 10   12  12 Mar booked   cancelled
  4  10 Feb booked   rejected** 30 / 40   13  31 Mar booked, still "booked" before its
  5  31 Mar walk-in  rejected*  40 / 15           no-show time (16.15): not a no-show yet
  6   5 Mar booked   no_show (recorded)
  7   6 Mar booked   still "booked" past its no-show time: a no-show
  8  17 Feb booked   cancelled
  9  10 Mar walk-in  rejected, no reason recorded  15 / 25
  (* expired, ** incomplete)

Outside: 1 Apr 2026 (Q2) a walk-in approved; Q4 2025 (the previous period): 31 Dec a
walk-in served (7 / 3), 10 Nov a booked no-show, 1 Oct a booked cancellation; 30 Sep
2025 (Q3) a walk-in served.

By hand: V booked 5, walk-ins 4, served 6, no-shows 2, cancelled 1, approved 2,
rejected 4; waits 5 10 15 20 30 40 (median 17.5, p90 = 6th of 6 = 40), services 10 15
20 25 30 40 (median 22.5, p90 40). K booked 3, walk-ins 1, served 2, cancelled 1; waits
25 50 (37.5, 50), services 5 60 (32.5, 60). All: waits 5 10 15 20 25 30 40 50 (22.5,
8th of 8 = 50), services 5 10 15 20 25 30 40 60 (22.5, 60)."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from lpse_web.auth.roles import Role
from lpse_web.counter.models import (
    APPROVED,
    BOOKED,
    CANCELLED,
    DONE,
    NO_SHOW,
    REJECTED,
    SERVED,
    Booking,
    Slot,
)
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Office
from lpse_web.office.services import load_calendar
from lpse_web.reports import counter_section
from lpse_web.reports.periods import quarter
from tests.factories import counted_queries
from tests.reports.office_time import WITA, wita

NOW = datetime(2026, 3, 31, 15, 0, tzinfo=WITA).astimezone(UTC)
Q1 = quarter(2026, 1)
_codes = itertools.count(1)


@pytest.fixture
def office(app):
    """The office in WITA, and the four default services' ids by code."""
    with app.app_context():
        db.session.get(Office, 1).timezone = "Asia/Makassar"
        db.session.commit()
        return {s.code: s.id for s in db.session.scalars(select(CounterService))}


@pytest.fixture
def visit(app, office, make_user):
    """visit(code, day, ...) stores one visit as the queue would have left it."""
    visitor = make_user(Role.VENDOR).id

    def make(code, day, *, walk_in=False, status=DONE, outcome=None, reason=None, wait=None, serve=None,
             no_show_after=None):
        n = next(_codes)
        booking = Booking(code=f"T{n:06d}", service_id=office[code], is_walk_in=walk_in, day=day,
                          status=status, outcome=outcome, rejection_reason=reason,
                          visitor_name=f"Pengunjung {n}")
        if not walk_in:
            start = wita(day, "09.00") + timedelta(minutes=n)  # a slot per visit: (service, start) is unique
            slot = Slot(service_id=office[code], starts_at=start, ends_at=start + timedelta(minutes=30),
                        capacity=1, booked=1)
            db.session.add(slot)
            db.session.flush()
            booking.slot_id, booking.visitor_id, booking.scheduled_at = slot.id, visitor, start
            booking.no_show_after = no_show_after or start + timedelta(minutes=15)
        if wait is not None:
            booking.checked_in_at = wita(day, "08.00")
            booking.called_at = booking.checked_in_at + timedelta(minutes=wait)
            booking.finished_at = booking.called_at + timedelta(minutes=serve)
        if status == CANCELLED:
            booking.cancelled_at = wita(day, "07.00")
        db.session.add(booking)
        db.session.commit()

    return make


def _seed(visit):
    d = date
    visit("V", d(2026, 1, 12), walk_in=True, outcome=APPROVED, wait=10, serve=20)
    visit("V", d(2026, 1, 20), walk_in=True, outcome=REJECTED, reason="expired", wait=20, serve=30)
    visit("V", d(2026, 2, 3), outcome=APPROVED, wait=5, serve=10)
    visit("V", d(2026, 2, 10), outcome=REJECTED, reason="incomplete", wait=30, serve=40)
    visit("V", d(2026, 3, 31), walk_in=True, outcome=REJECTED, reason="expired", wait=40, serve=15)
    visit("V", d(2026, 3, 5), status=NO_SHOW)
    visit("V", d(2026, 3, 6), status=BOOKED)  # no-show time 09.xx on 6 March: long past
    visit("V", d(2026, 2, 17), status=CANCELLED)
    visit("V", d(2026, 3, 10), walk_in=True, outcome=REJECTED, wait=15, serve=25)
    visit("K", d(2026, 1, 15), walk_in=True, outcome=SERVED, wait=25, serve=5)
    visit("K", d(2026, 2, 20), outcome=SERVED, wait=50, serve=60)
    visit("K", d(2026, 3, 12), status=CANCELLED)
    visit("K", d(2026, 3, 31), status=BOOKED, no_show_after=wita(d(2026, 3, 31), "16.15"))
    # Outside the quarter.
    visit("V", d(2026, 4, 1), walk_in=True, outcome=APPROVED, wait=100, serve=100)
    visit("K", d(2025, 12, 31), walk_in=True, outcome=SERVED, wait=7, serve=3)
    visit("V", d(2025, 11, 10), status=NO_SHOW)
    visit("V", d(2025, 10, 1), status=CANCELLED)
    visit("K", d(2025, 9, 30), walk_in=True, outcome=SERVED, wait=8, serve=8)


def _build(period=Q1, now=NOW):
    return counter_section.build(period, now, load_calendar())


def _rows(section, key):
    return section.table(key).rows


SERVICES = ["Agregasi Data Penyedia", "Aktivasi / reset akun", "Konsultasi SPSE",
            "Verifikasi dokumen penyedia"]


def test_seeded_quarter_matches_direct_counts(ctx, visit):
    _seed(visit)
    # The seed itself, counted straight from the table: 13 visits on Q1's local days.
    assert db.session.scalar(text(
        "SELECT count(*) FROM counter_booking WHERE day BETWEEN '2026-01-01' AND '2026-03-31'")) == 13
    section = _build()
    assert (section.key, section.title) == ("counter", "1. Layanan loket")
    assert [(f.label, f.value, f.note) for f in section.figures] == [
        ("Dipesan daring", 8, "periode sebelumnya: 2"),
        ("Datang langsung", 5, "periode sebelumnya: 1"),
        ("Dilayani", 8, "periode sebelumnya: 1"),
        ("Tidak hadir", 2, "periode sebelumnya: 1"),
        ("Dibatalkan", 2, "periode sebelumnya: 1"),
    ]
    table = section.table("loket-layanan")
    assert [c.title for c in table.columns] == ["Layanan", "Dipesan daring", "Datang langsung", "Dilayani",
                                                "Tidak hadir", "Dibatalkan", "Disetujui", "Ditolak"]
    assert table.rows == [
        ["Agregasi Data Penyedia", 0, 0, 0, 0, 0, 0, 0],
        ["Aktivasi / reset akun", 0, 0, 0, 0, 0, 0, 0],
        ["Konsultasi SPSE", 3, 1, 2, 0, 1, 0, 0],
        ["Verifikasi dokumen penyedia", 5, 4, 6, 2, 1, 2, 4],
        ["Jumlah", 8, 5, 8, 2, 2, 2, 4],
    ]
    assert _rows(section, "loket-bulan") == [
        ["Januari 2026", 0, 3, 3, 0, 0, 1, 1],
        ["Februari 2026", 4, 0, 3, 0, 1, 1, 1],
        ["Maret 2026", 4, 2, 2, 2, 1, 0, 2],
        ["Jumlah", 8, 5, 8, 2, 2, 2, 4],
    ]
    assert _rows(section, "loket-verifikasi") == [
        ["Disetujui", 2, pytest.approx(2 / 6)], ["Ditolak", 4, pytest.approx(4 / 6)], ["Jumlah", 6, 1.0]]
    assert _rows(section, "loket-alasan") == [
        ["Dokumen sudah tidak berlaku", 2, 0.5], ["Dokumen tidak lengkap", 1, 0.25],
        ["Tanpa alasan tercatat", 1, 0.25]]
    assert _rows(section, "loket-waktu") == [
        ["Agregasi Data Penyedia", None, None, None, None],
        ["Aktivasi / reset akun", None, None, None, None],
        ["Konsultasi SPSE", 37.5, 50, 32.5, 60],
        ["Verifikasi dokumen penyedia", 17.5, 40, 22.5, 40],
        ["Semua layanan", 22.5, 50, 22.5, 60],
    ]
    assert [t.key for t in section.tables] == [
        "loket-layanan", "loket-bulan", "loket-verifikasi", "loket-alasan", "loket-waktu", "loket-banding",
        "loket-banding-waktu"]


def test_charts_carry_the_tables_numbers(ctx, visit):
    _seed(visit)
    months, services = _build().charts
    assert (months.kind, months.table, months.labels) == ("bars", "loket-bulan",
                                                          ["Januari 2026", "Februari 2026", "Maret 2026"])
    assert [(s.name, s.values) for s in months.series] == [
        ("Dilayani", [3, 3, 2]), ("Tidak hadir", [0, 0, 2]), ("Dibatalkan", [0, 1, 1])]
    assert (services.table, services.labels) == ("loket-layanan", SERVICES)
    assert [(s.name, s.values) for s in services.series] == [
        ("Dilayani", [0, 0, 2, 6]), ("Tidak hadir", [0, 0, 0, 2]), ("Dibatalkan", [0, 0, 1, 1])]


def test_comparison_with_the_quarter_before_a_new_year(ctx, visit):
    """Q1 2026 is compared with Q4 2025: booked 2 (10 Nov, 1 Oct), one walk-in served on
    31 Dec (7 / 3 minutes), a no-show, a cancellation; 30 September (Q3) is left out."""
    _seed(visit)
    assert Q1.previous() == quarter(2025, 4)
    section = _build()
    table = section.table("loket-banding")
    assert table.note == "Periode sebelumnya: Triwulan IV 2025."
    assert table.rows == [
        ["Dipesan daring", 8, 2, 6, 3.0],
        ["Datang langsung", 5, 1, 4, 4.0],
        ["Dilayani", 8, 1, 7, 7.0],
        ["Tidak hadir", 2, 1, 1, 1.0],
        ["Dibatalkan", 2, 1, 1, 1.0],
        ["Disetujui", 2, 0, 2, None],  # nothing to compare a share with
        ["Ditolak", 4, 0, 4, None],
    ]
    assert _rows(section, "loket-banding-waktu") == [
        ["Tunggu, median", 22.5, 7, 15.5, pytest.approx(15.5 / 7)],
        ["Tunggu, persentil 90", 50, 7, 43, pytest.approx(43 / 7)],
        ["Pelayanan, median", 22.5, 3, 19.5, 6.5],
        ["Pelayanan, persentil 90", 60, 3, 57, 19.0],
    ]


def test_quarter_boundary_is_the_visits_local_day(ctx, visit):
    """31 March is Q1 (counted above); 1 April is Q2, whose previous period is Q1."""
    _seed(visit)
    later = datetime(2026, 7, 1, tzinfo=WITA)
    section = _build(quarter(2026, 2), later)
    assert [f.value for f in section.figures] == [0, 1, 1, 0, 0]
    # Read in July, the 31 March booking is past its no-show time: Q1 now has three no-shows.
    assert [f.note for f in section.figures] == [
        "periode sebelumnya: 8", "periode sebelumnya: 5", "periode sebelumnya: 8", "periode sebelumnya: 3",
        "periode sebelumnya: 2"]
    assert _rows(section, "loket-bulan") == [
        ["April 2026", 0, 1, 1, 0, 0, 1, 0], ["Mei 2026", *[0] * 7], ["Juni 2026", *[0] * 7],
        ["Jumlah", 0, 1, 1, 0, 0, 1, 0]]
    assert _rows(section, "loket-waktu")[-1] == ["Semua layanan", 100, 100, 100, 100]


def test_an_empty_quarter_shows_zeros_and_dashes(ctx, office):
    section = _build(quarter(2026, 3))
    assert [(f.value, f.note) for f in section.figures] == [(0, "periode sebelumnya: 0")] * 5
    assert _rows(section, "loket-layanan") == [[name, *[0] * 7] for name in [*SERVICES, "Jumlah"]]
    assert _rows(section, "loket-bulan") == [[m, *[0] * 7] for m in
                                             ("Juli 2026", "Agustus 2026", "September 2026", "Jumlah")]
    assert _rows(section, "loket-verifikasi") == [
        ["Disetujui", 0, None], ["Ditolak", 0, None], ["Jumlah", 0, None]]
    reasons = section.table("loket-alasan")
    assert reasons.rows == [] and reasons.note
    assert _rows(section, "loket-waktu")[-1] == ["Semua layanan", None, None, None, None]
    assert _rows(section, "loket-banding")[0] == ["Dipesan daring", 0, 0, 0, None]
    assert _rows(section, "loket-banding-waktu")[0] == ["Tunggu, median", None, None, None, None]


def test_a_custom_range_is_compared_with_the_same_length_before(ctx, visit):
    """10 February - 10 March 2026 (29 days) against 12 January - 9 February."""
    _seed(visit)
    from lpse_web.reports.periods import custom

    section = _build(custom(date(2026, 2, 10), date(2026, 3, 10)))
    # In: 10 Feb (booked, rejected), 17 Feb (cancelled), 20 Feb (K served), 5 and 6 Mar
    # (no-shows), 10 Mar (walk-in rejected). Before: 12, 15 and 20 Jan walk-ins, 3 Feb booked.
    assert [f.value for f in section.figures] == [5, 1, 3, 2, 1]
    assert [f.note for f in section.figures] == [
        "periode sebelumnya: 1", "periode sebelumnya: 3", "periode sebelumnya: 4", "periode sebelumnya: 0",
        "periode sebelumnya: 0"]
    assert [row[0] for row in _rows(section, "loket-bulan")] == ["Februari 2026", "Maret 2026", "Jumlah"]


def test_query_count_does_not_grow_with_the_visits(app, visit):
    with app.app_context():
        _seed(visit)
        calendar = load_calendar()
    with counted_queries(app) as few, app.app_context():
        counter_section.build(Q1, NOW, calendar)
    with app.app_context():
        for n in range(30):
            visit("KVAD"[n % 4], date(2026, 1 + n % 3, 5 + n % 20), walk_in=True, outcome=SERVED,
                  wait=n, serve=n)
    with counted_queries(app) as many, app.app_context():
        counter_section.build(Q1, NOW, calendar)
    assert len(few) == len(many) <= 8
