"""The period report (surveys/report.py) against figures worked out by hand.

Four questionnaires of "Triwulan IV 2026", scores U1..U9:

    r1  verification (V)  4 4 4 4 4 4 4 4 4   pagi   L  <20    SD  PNS
    r2  verification (V)  3 3 3 3 3 3 3 3 3   siang  P  20-29  S1  Swasta
    r3  rooms             2 3 4 1 2 3 4 1 2   pagi   P  30-39  S1  Lainnya
    r4  account help (A)  3 4 3 4 3 4 3 4 3   pagi   L  50+    S2  PNS

    sums       12 14 14 12 12 14 14 12 12
    NRR        3  3.5 3.5 3  3  3.5 3.5 3  3     (sum / 4)
    IKM        sum of NRR / 9 = 29/9 = 3.2222...
    IKM x 25   725/9 = 80.5555... -> shown 80.56, grade B (Baik)

    V only:    every NRR 3.5 -> IKM 3.5 -> 87.50 B (just under A's 88.31)
    rooms:     22/9 -> 61.11 D (Tidak baik)
    A only:    31/9 -> 86.11 B

People served N over the period's days (1 October - 31 December 2026, WITA): finished
counter visits per service, used room reservations (checked in or completed)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter.booking import new_code
from lpse_web.counter.models import CHECKED_IN as COUNTER_CHECKED_IN
from lpse_web.counter.models import DONE, NO_SHOW, Booking
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Room
from lpse_web.rooms.models import APPROVED, CANCELLED, CHECKED_IN, COMPLETED, Reservation
from lpse_web.surveys import periods, report, responses
from lpse_web.surveys.catalogue import ROOMS, Served, counter_key
from lpse_web.surveys.index import krejcie_morgan, shown, shown_index
from lpse_web.surveys.responses import Profile

WITA = ZoneInfo("Asia/Makassar")
Q3 = ("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
Q4 = ("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31))
OPENED = datetime(2026, 7, 1, tzinfo=UTC)

R1 = (4, 4, 4, 4, 4, 4, 4, 4, 4)
R2 = (3, 3, 3, 3, 3, 3, 3, 3, 3)
R3 = (2, 3, 4, 1, 2, 3, 4, 1, 2)
R4 = (3, 4, 3, 4, 3, 4, 3, 4, 3)


def service_id(code: str) -> int:
    return db.session.scalar(select(CounterService.id).where(CounterService.code == code))


def key(code: str) -> str:
    return ROOMS if code == "ruang" else counter_key(service_id(code))


def plan(name, first, last):
    period = periods.save_period(None, name=name, first=first, last=last)
    periods.open_period(period, OPENED)
    db.session.flush()
    return period


def answer(code, day, session, scores, profile=("L", "<20", "SD", "PNS"), suggestion="", kind="saran"):
    return responses.record(Served(key(code), day, session), scores=dict(enumerate(scores, start=1)),
                            profile=Profile(*profile), channel="kiosk", suggestion=suggestion, kind=kind)


def four_answers():
    answer("V", date(2026, 10, 1), "pagi", R1, ("L", "<20", "SD", "PNS"))
    answer("V", date(2026, 11, 30), "siang", R2, ("P", "20-29", "S1", "Swasta"), suggestion="Antrean lama")
    answer("ruang", date(2026, 12, 31), "pagi", R3, ("P", "30-39", "S1", "Lainnya"))
    answer("A", date(2026, 11, 2), "pagi", R4, ("L", "50+", "S2", "PNS"))


def wita(y, m, d, hh=9):
    return datetime(y, m, d, hh, tzinfo=WITA).astimezone(UTC)


def served_records(requester_id: int):
    """Counter: V 3 finished in the period (its first and last day included), 1 finished
    the day before it, 1 no-show, 1 still checked in; K 1 finished. Rooms: used on
    1 October 07.00 WITA (30 September in UTC: inside), 30 November (completed),
    1 December (checked in); not counted: approved only, cancelled, and 1 January 2027
    07.00 WITA (31 December in UTC: outside)."""
    v, k = service_id("V"), service_id("K")
    visits = [(v, date(2026, 10, 1), DONE), (v, date(2026, 11, 30), DONE), (v, date(2026, 12, 31), DONE),
              (v, date(2026, 9, 30), DONE), (v, date(2026, 11, 30), NO_SHOW),
              (v, date(2026, 12, 1), COUNTER_CHECKED_IN), (k, date(2026, 11, 30), DONE)]
    for number, (service, day, status) in enumerate(visits, start=1):
        db.session.add(Booking(code=new_code(), service_id=service, day=day, is_walk_in=True,
                               queue_number=number, status=status, visitor_name="Tamu"))
    room = Room(name="Ruang Verifikasi", kind="verification", seats=4, computers=0, equipment="", active=True)
    db.session.add(room)
    db.session.flush()
    uses = [(wita(2026, 10, 1, 7), COMPLETED), (wita(2026, 11, 30), COMPLETED),
            (wita(2026, 12, 1), CHECKED_IN), (wita(2026, 12, 2), APPROVED), (wita(2026, 12, 3), CANCELLED),
            (wita(2027, 1, 1, 7), COMPLETED)]
    for start, status in uses:
        db.session.add(Reservation(room_id=room.id, requester_id=requester_id, starts_at=start,
                                   ends_at=start + timedelta(hours=1), release_after=start,
                                   purpose="verification", title="Verifikasi", attendees=1, status=status))
    db.session.flush()


def test_index_of_the_four(ctx):
    period = plan(*Q4)
    four_answers()
    db.session.commit()
    result = report.period_report(period)
    index = result.index
    assert index.respondents == 4
    assert index.sums == (12, 14, 14, 12, 12, 14, 14, 12, 12)
    assert index.nrr == (3, Fraction(7, 2), Fraction(7, 2), 3, 3, Fraction(7, 2), Fraction(7, 2), 3, 3)
    assert index.weighted[1] == Fraction(7, 18)
    assert index.ikm == Fraction(29, 9)
    assert index.converted == Fraction(725, 9)
    assert shown(index.ikm, 3) == Decimal("3.222") and shown_index(index.converted) == Decimal("80.56")
    assert (index.grade, index.kinerja) == ("B", "Baik")
    # Weakest first (ties in the regulation's order); the strongest last.
    assert index.ranked() == [0, 3, 4, 7, 8, 1, 2, 5, 6]


def test_per_service_lines_and_filter(ctx):
    period = plan(*Q4)
    four_answers()
    db.session.commit()
    result = report.period_report(period)
    lines = {line.service.key: line.index for line in result.lines}
    # Every active counter service and the rooms have a line, answered or not.
    assert set(lines) == {key("V"), key("A"), key("K"), key("D"), ROOMS}
    assert lines[key("V")].converted == Fraction(175, 2) and lines[key("V")].grade == "B"
    assert lines[ROOMS].converted == Fraction(550, 9) and lines[ROOMS].grade == "D"
    assert lines[ROOMS].kinerja == "Tidak baik"
    assert shown_index(lines[key("A")].converted) == Decimal("86.11")
    assert lines[key("K")].empty and lines[key("K")].grade is None

    rooms = report.period_report(period, ROOMS)
    assert rooms.service_key == ROOMS and rooms.index.respondents == 1
    assert rooms.index.sums == R3
    assert rooms.profile["sex"] == [("L", 0), ("P", 1)]
    assert report.period_index(period.id, key("V")).sums == (7,) * 9
    # An unknown service is the whole period.
    assert report.period_report(period, "loket-999999").service_key is None


def test_people_served_and_sample(make_user, ctx):
    requester_id = make_user(Role.ROOM_USER).id  # before this test's transaction
    period = plan(*Q4)
    four_answers()
    served_records(requester_id)
    db.session.commit()
    result = report.period_report(period)
    served = {line.service.key: line.served for line in result.lines}
    assert served[key("V")] == 3 and served[key("K")] == 1 and served[key("A")] == 0
    assert served[ROOMS] == 3
    assert result.served == 7 and result.sample == krejcie_morgan(7) == 7
    v_line = next(line for line in result.lines if line.service.key == key("V"))
    assert (v_line.sample, v_line.index.respondents, v_line.enough) == (3, 2, False)
    rooms_line = next(line for line in result.lines if line.service.key == ROOMS)
    assert (rooms_line.sample, rooms_line.enough) == (3, False)
    # The report of one service counts the people that service served.
    assert report.period_report(period, ROOMS).served == 3
    assert krejcie_morgan(100) == 80 and krejcie_morgan(1000) == 278


def test_profile_breakdown(ctx):
    period = plan(*Q4)
    four_answers()
    db.session.commit()
    profile = report.period_report(period).profile
    assert profile["session"] == [("pagi", 3), ("siang", 1)]
    assert profile["sex"] == [("L", 2), ("P", 2)]
    assert profile["age_band"] == [("<20", 1), ("20-29", 1), ("30-39", 1), ("40-49", 0), ("50+", 1)]
    assert dict(profile["education"]) == {"SD": 1, "SMP": 0, "SMA": 0, "D1-D4": 0, "S1": 2, "S2": 1, "S3": 0}
    assert dict(profile["occupation"])["PNS"] == 2 and dict(profile["occupation"])["TNI"] == 0
    assert dict(profile["service_key"]) == {key("V"): 2, key("A"): 1, ROOMS: 1}


def test_trend_over_two_periods(ctx):
    earlier = plan(*Q3)
    answer("V", date(2026, 8, 3), "pagi", (2,) * 9)
    answer("ruang", date(2026, 9, 1), "siang", (3,) * 9)
    periods.close_period(earlier, OPENED)
    later = plan(*Q4)
    four_answers()
    db.session.commit()
    trend = report.period_report(later).trend
    assert [p.name for p, _index in trend] == ["Triwulan III 2026", "Triwulan IV 2026"]
    assert trend[0][1].respondents == 2 and trend[0][1].converted == Fraction(125, 2)  # 62.50 D
    assert trend[1][1].converted == Fraction(725, 9)
    # Per service: the rooms were 3 all through in Q3 (75.00 C), 61.11 in Q4.
    rooms = report.period_report(later, ROOMS).trend
    assert [(p.name, i.converted) for p, i in rooms] == [("Triwulan III 2026", 75),
                                                        ("Triwulan IV 2026", Fraction(550, 9))]
    assert report.period_report(earlier).index.respondents == 2


def test_an_empty_period(ctx):
    period = plan(*Q4)
    db.session.commit()
    result = report.period_report(period)
    assert result.index.empty and result.index.grade is None
    assert result.served == 0 and result.sample == 0
    assert all(n == 0 for _value, n in result.profile["sex"])
    # An open period is in the trend even before its first answer.
    assert [p.id for p, _index in result.trend] == [period.id]


def test_respondent_pages_number_on(ctx):
    period = plan(*Q4)
    for n in range(55):
        answer("V", date(2026, 10, 1 + n // 10), "pagi", (4,) * 9 if n < 50 else (1,) * 9)
    db.session.commit()
    first = report.respondents(period.id, None, 1, 50)
    second = report.respondents(period.id, None, 2, 50)
    assert (first.total, len(first.items), len(second.items)) == (55, 50, 5)
    assert all(r.scores == [1] * 9 for r in second.items)  # the last days come last
    assert len(list(report.all_respondents(period.id, None))) == 55
    assert report.period_index(period.id).sums == (205,) * 9


@pytest.mark.parametrize("code", ["V", "ruang"])
def test_all_respondents_of_one_service(ctx, code):
    period = plan(*Q4)
    four_answers()
    db.session.commit()
    rows = list(report.all_respondents(period.id, key(code)))
    assert len(rows) == (2 if code == "V" else 1)
    assert {r.service_key for r in rows} == {key(code)}
