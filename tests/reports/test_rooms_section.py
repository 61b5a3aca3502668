"""The quarterly report's rooms section against figures worked out by hand.

Triwulan I 2026, office zone WITA, national holidays switched off so the open days are
plain weekdays: January 22, February 20, March 22 = 64 days of 08.00-16.00 (the rooms'
own hours) = 512 hours per room, less the closure day of Monday 16 February (8 h); the
bidding room also loses a two-hour blackout on 2 February. Read on 15 April 2026.

Ruang Bidding (502 open hours):
  13 Jan 09-11 completed, in at 09.00          2 h reserved, 2 h used
   4 Feb 13-15 checked in at 13.30 (never closed: shown completed)  2 h, 1.5 h used
  18 Feb 09-10 approved, nobody came (shown released)   1 h, a no-show
   3 Mar 09-12 released                                  3 h, a no-show
  10 and 11 Mar rejected "Dipakai pimpinan"; 12 Mar approved then cancelled
  20 Mar a request never decided, its time past: neither reserved nor rejected
  31 Mar 23.30-24.00 WITA completed, in at 23.30  0.5 h, 0.5 h used   (Q1)
   1 Apr 00.10-01.10 WITA completed (16.10 UTC on 31 March, but Q2); 31 Dec 2025 (Q4)
Ruang Pelatihan (504 open hours):
  20 Jan 08-16 completed, in at 08.15          8 h reserved, 7.75 h used
  25 Feb rejected "Ruang sedang direnovasi"; 16 Mar requested then cancelled
Ruang Lama: out of service, no requests: left out.

Bidding: 5 reservations, 8.5 h reserved, 4 h used, 2 no-shows, 2 rejected, 1 cancelled.
Training: 1 reservation, 8 h, 7.75 h, 0, 1, 1. All: 1006 open, 16.5 reserved, 11.75 used."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import text

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import ClosureDay, Office, Room
from lpse_web.office.services import load_calendar
from lpse_web.reports import rooms_section
from lpse_web.reports.periods import quarter
from lpse_web.rooms.models import (
    APPROVED,
    CANCELLED,
    CHECKED_IN,
    COMPLETED,
    REJECTED,
    RELEASED,
    REQUESTED,
    Blackout,
    Reservation,
)
from tests.factories import counted_queries
from tests.reports.office_time import WITA, wita

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=WITA).astimezone(UTC)
Q1 = quarter(2026, 1)
_titles = itertools.count(1)


@pytest.fixture
def rooms(app):
    """The office in WITA without national holidays; three rooms open 08.00-16.00."""
    with app.app_context():
        office = db.session.get(Office, 1)
        office.timezone, office.national_holidays = "Asia/Makassar", False
        made = {}
        for key, name, kind, active in (("bidding", "Ruang Bidding", "bidding", True),
                                        ("training", "Ruang Pelatihan", "training", True),
                                        ("old", "Ruang Lama", "meeting", False)):
            made[key] = Room(name=name, kind=kind, seats=10, active=active, opens=time(8), closes=time(16))
            db.session.add(made[key])
        db.session.commit()
        return {key: room.id for key, room in made.items()}


@pytest.fixture
def reserve(app, rooms, make_user):
    """reserve(room, day, "09.00", "11.00", status, ...) stores one reservation as the
    rooms' services would have left it."""
    official = make_user(Role.ROOM_USER).id

    def make(room, day, start, end, status, *, approved=True, checked_in=None, reason="", end_day=None):
        starts_at, ends_at = wita(day, start), wita(end_day or day, end)
        reservation = Reservation(
            room_id=rooms[room], requester_id=official, starts_at=starts_at, ends_at=ends_at,
            release_after=starts_at + timedelta(minutes=15), purpose="meeting",
            title=f"Rapat {next(_titles)}", attendees=5, status=status, rejection_reason=reason,
            approved_at=starts_at - timedelta(days=2) if approved else None,
            checked_in_at=wita(day, checked_in) if checked_in else None)
        db.session.add(reservation)
        db.session.commit()

    return make


def _seed(reserve, rooms):
    d = date
    reserve("bidding", d(2026, 1, 13), "09.00", "11.00", COMPLETED, checked_in="09.00")
    reserve("bidding", d(2026, 2, 4), "13.00", "15.00", CHECKED_IN, checked_in="13.30")
    reserve("bidding", d(2026, 2, 18), "09.00", "10.00", APPROVED)
    reserve("bidding", d(2026, 3, 3), "09.00", "12.00", RELEASED)
    reserve("bidding", d(2026, 3, 10), "09.00", "10.00", REJECTED, approved=False, reason="Dipakai pimpinan")
    reserve("bidding", d(2026, 3, 11), "09.00", "10.00", REJECTED, approved=False, reason="Dipakai pimpinan ")
    reserve("bidding", d(2026, 3, 12), "10.00", "11.00", CANCELLED)
    reserve("bidding", d(2026, 3, 20), "09.00", "10.00", REQUESTED, approved=False)
    reserve("bidding", d(2026, 3, 31), "23.30", "00.00", COMPLETED, checked_in="23.30", end_day=d(2026, 4, 1))
    reserve("bidding", d(2026, 4, 1), "00.10", "01.10", COMPLETED, checked_in="00.10")
    reserve("bidding", d(2025, 12, 31), "10.00", "12.00", COMPLETED, checked_in="10.00")
    reserve("training", d(2026, 1, 20), "08.00", "16.00", COMPLETED, checked_in="08.15")
    reserve("training", d(2026, 2, 25), "09.00", "10.00", REJECTED, approved=False,
            reason="Ruang sedang direnovasi")
    reserve("training", d(2026, 3, 16), "13.00", "14.00", CANCELLED, approved=False)
    db.session.add(ClosureDay(day=d(2026, 2, 16), reason="Rapat kerja"))
    db.session.add(Blackout(room_id=rooms["bidding"], starts_at=wita(d(2026, 2, 2), "08.00"),
                            ends_at=wita(d(2026, 2, 2), "10.00"), reason="Pemeliharaan jaringan"))
    db.session.commit()


def _build(period=Q1):
    return rooms_section.build(period, NOW, load_calendar())


def test_seeded_quarter_matches_hand_counts(ctx, reserve, rooms):
    _seed(reserve, rooms)
    # The seed, counted straight from the table: twelve requests start inside Q1's WITA
    # days (16.00 UTC on 31 December to 16.00 UTC on 31 March).
    assert db.session.scalar(text(
        "SELECT count(*) FROM room_reservation WHERE starts_at >= :a AND starts_at < :b"),
        {"a": wita(date(2026, 1, 1), "00.00"), "b": wita(date(2026, 4, 1), "00.00")}) == 12
    section = _build()
    assert (section.key, section.title) == ("rooms", "2. Ruang")
    assert [(f.label, f.value, f.kind) for f in section.figures] == [
        ("Reservasi disetujui", 6, "int"),
        ("Tingkat pemakaian (jam dipesan / jam buka)", pytest.approx(16.5 / 1006), "pct"),
        ("Jam dipakai / jam buka", pytest.approx(11.75 / 1006), "pct"),
        ("Tidak hadir", 2, "int"),
        ("Permintaan ditolak", 3, "int"),
    ]
    usage = section.table("ruang-pemakaian")
    assert [c.title for c in usage.columns] == [
        "Ruang", "Jam buka", "Jam dipesan", "Jam dipakai", "Bagian dipesan", "Bagian dipakai", "Reservasi",
        "Tidak hadir", "Ditolak", "Dibatalkan"]
    assert usage.rows == [
        ["Ruang Bidding", 502, 8.5, 4.0, pytest.approx(8.5 / 502), pytest.approx(4 / 502), 5, 2, 2, 1],
        ["Ruang Pelatihan", 504, 8, 7.75, pytest.approx(8 / 504), pytest.approx(7.75 / 504), 1, 0, 1, 1],
        ["Semua ruang", 1006, 16.5, 11.75, pytest.approx(16.5 / 1006), pytest.approx(11.75 / 1006),
         6, 2, 3, 2],
    ]
    assert section.table("ruang-penolakan").rows == [["Dipakai pimpinan", 2], ["Ruang sedang direnovasi", 1]]
    monthly = section.table("ruang-bulan")
    assert [c.title for c in monthly.columns] == [
        "Ruang", "Januari 2026", "Februari 2026", "Maret 2026", "Jumlah"]
    assert monthly.rows == [["Ruang Bidding", 1, 2, 2, 5], ["Ruang Pelatihan", 1, 0, 0, 1],
                            ["Semua ruang", 2, 2, 2, 6]]
    (chart,) = section.charts
    assert (chart.kind, chart.table, chart.unit, chart.labels) == (
        "bars", "ruang-pemakaian", "%", ["Ruang Bidding", "Ruang Pelatihan"])
    assert [(s.name, s.values) for s in chart.series] == [
        ("Dipesan", [pytest.approx(850 / 502), pytest.approx(800 / 504)]),
        ("Dipakai", [pytest.approx(400 / 502), pytest.approx(775 / 504)])]


def test_quarter_boundary_is_midnight_in_the_office_zone(ctx, reserve, rooms):
    """00.10 WITA on 1 April is 16.10 UTC on 31 March, yet it is Q2's; 31 December 2025
    is Q4's."""
    _seed(reserve, rooms)
    spring = _build(quarter(2026, 2)).table("ruang-pemakaian").rows[0]
    assert spring[0] == "Ruang Bidding" and spring[2:4] == [1, 1] and spring[6] == 1
    winter = _build(quarter(2025, 4)).table("ruang-pemakaian").rows[0]
    assert winter[0] == "Ruang Bidding" and winter[2:4] == [2, 2] and winter[6] == 1


def test_an_out_of_service_room_with_requests_is_listed(ctx, reserve, rooms):
    reserve("old", date(2026, 1, 14), "09.00", "10.00", REJECTED, approved=False, reason="Ruang ditutup")
    section = _build()
    assert [row[0] for row in section.table("ruang-pemakaian").rows] == [
        "Ruang Bidding", "Ruang Lama", "Ruang Pelatihan", "Semua ruang"]
    assert section.table("ruang-penolakan").rows == [["Ruang ditutup", 1]]


def test_an_empty_quarter_shows_zeros_and_no_rejections_table(ctx, rooms):
    section = _build()
    assert [f.value for f in section.figures] == [0, 0.0, 0.0, 0, 0]
    assert section.table("ruang-pemakaian").rows[-1] == ["Semua ruang", 1024, 0, 0, 0.0, 0.0, 0, 0, 0, 0]
    assert [t.key for t in section.tables] == ["ruang-pemakaian", "ruang-bulan"]


def test_no_rooms_at_all_gives_dashes(ctx):
    section = _build()
    assert [f.value for f in section.figures] == [0, None, None, 0, 0]
    assert section.table("ruang-pemakaian").rows == [["Semua ruang", 0, 0, 0, None, None, 0, 0, 0, 0]]
    assert section.charts[0].labels == []


def test_query_count_does_not_grow_with_the_reservations(app, reserve, rooms):
    with app.app_context():
        _seed(reserve, rooms)
        calendar = load_calendar()
    with counted_queries(app) as few, app.app_context():
        rooms_section.build(Q1, NOW, calendar)
    with app.app_context():
        for n in range(30):
            reserve("training", date(2026, 1, 5) + timedelta(days=n), "06.00", "07.00",
                    REJECTED if n % 2 else COMPLETED, approved=not n % 2, checked_in="06.00",
                    reason=f"Alasan {n}")
    with counted_queries(app) as many, app.app_context():
        rooms_section.build(Q1, NOW, calendar)
    assert len(few) == len(many) <= 4
