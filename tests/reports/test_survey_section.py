"""Section 3 of the quarterly report (reports/survey_section.py) against figures worked
out here, by hand, with Fractions: never with surveys/index.py.

Triwulan I 2026 (1 January - 31 March 2026, office zone Asia/Makassar, WITA). The
answers lie in two survey periods ("2025-2026", which the quarter cuts across, and a
later one): what counts is the day of the service received.

    in Q1   V  5 Jan   4 4 4 4 4 4 4 4 4
            V  31 Mar  3 3 3 3 3 3 3 3 3     (the quarter's last day)
            rooms 10 Feb  2 3 4 2 2 3 4 1 2
            A  1 Mar   3 4 3 4 3 4 3 4 2
    outside V  1 Apr 2026 (Q2), all 1; V 31 Dec 2025 (Q4 2025), all 2;
            V 15 Aug 2024 (Q3 2024), all 4; V 15 Feb 2024 (Q1 2024: before the trend)

People served (N) in Q1: V 3 finished (one no-show and one finished on 1 April not
counted), A 1, K 2; rooms 2 used (one checked in at 23.30 WITA on 31 March; one at
00.10 WITA on 1 April is Q2's; approved and cancelled ones not counted)."""

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lpse_web.counter.booking import new_code
from lpse_web.counter.models import DONE, NO_SHOW, Booking
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Room
from lpse_web.office.services import get_office, load_calendar
from lpse_web.reports import survey_section
from lpse_web.reports.periods import custom, quarter
from lpse_web.rooms.models import APPROVED, CANCELLED, CHECKED_IN, COMPLETED, Reservation
from lpse_web.surveys.models import (
    CLOSED,
    OPEN,
    SurveyFollowUp,
    SurveyPeriod,
    SurveyResponse,
    SurveySuggestion,
)
from tests.factories import counted_queries

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 4, 15, 2, 0, tzinfo=UTC)
Q1 = quarter(2026, 1)

R1 = (4, 4, 4, 4, 4, 4, 4, 4, 4)
R2 = (3, 3, 3, 3, 3, 3, 3, 3, 3)
R3 = (2, 3, 4, 2, 2, 3, 4, 1, 2)
R4 = (3, 4, 3, 4, 3, 4, 3, 4, 2)
IN_Q1 = (("V", date(2026, 1, 5), R1), ("V", date(2026, 3, 31), R2), ("ruang", date(2026, 2, 10), R3),
         ("A", date(2026, 3, 1), R4))
OUTSIDE = (("V", date(2026, 4, 1), (1,) * 9), ("V", date(2025, 12, 31), (2,) * 9),
           ("V", date(2024, 8, 15), (4,) * 9), ("V", date(2024, 2, 15), (1,) * 9))
NAMES = ("Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian", "Biaya/Tarif",
         "Produk Spesifikasi Jenis Pelayanan", "Kompetensi Pelaksana", "Perilaku Pelaksana",
         "Penanganan Pengaduan, Saran dan Masukan", "Sarana dan Prasarana")


# --- the index by hand ---------------------------------------------------------------

def half_up(value: Fraction, places: int) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cut(value: Fraction, places: int) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def by_hand(answers):
    """(NRR per unsur, weighted NRR, IKM, IKM x 25) of score tuples, as SKM.md says."""
    n = len(answers)
    nrr = [Fraction(sum(a[u] for a in answers), n) for u in range(9)]
    weighted = [value / 9 for value in nrr]
    ikm = sum(weighted, Fraction(0))
    return nrr, weighted, ikm, ikm * 25


def grade(converted: Fraction) -> str:
    for lower, name in ((Fraction(8831, 100), "A"), (Fraction(7661, 100), "B"), (Fraction(65), "C")):
        if converted >= lower:
            return name
    return "D"


def sample_for(population: int) -> int:
    """Krejcie & Morgan, written out here: S = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P))."""
    if population == 0:
        return 0
    chi2, p, d = Fraction("3.841"), Fraction("0.5"), Fraction("0.05")
    s = chi2 * population * p * (1 - p) / (d ** 2 * (population - 1) + chi2 * p * (1 - p))
    return int(half_up(s, 0))


# --- the rows --------------------------------------------------------------------------

@pytest.fixture
def office(ctx):
    get_office().timezone = "Asia/Makassar"
    db.session.commit()


def service_id(code: str) -> int:
    return db.session.scalar(select(CounterService.id).where(CounterService.code == code))


def key(code: str) -> str:
    return "ruang" if code == "ruang" else f"loket-{service_id(code)}"


def wita(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=WITA).astimezone(UTC)


def seed_periods():
    periods = [SurveyPeriod(name="Survei 2024", starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31),
                            status=CLOSED),
               SurveyPeriod(name="Survei 2025-2026", starts_on=date(2025, 7, 1), ends_on=date(2026, 2, 28),
                            status=CLOSED),
               SurveyPeriod(name="Survei 2026", starts_on=date(2026, 3, 1), ends_on=date(2026, 12, 31),
                            status=OPEN)]
    db.session.add_all(periods)
    db.session.flush()
    return periods


def period_of(periods, day):
    return next(p for p in periods if p.starts_on <= day <= p.ends_on)


def add_response(periods, code, day, scores):
    db.session.add(SurveyResponse(
        period_id=period_of(periods, day).id, service_key=key(code), answered_on=day, session="pagi",
        channel="kiosk", sex="L", age_band="30-39", education="S1", occupation="Swasta",
        **{f"u{n}": s for n, s in enumerate(scores, start=1)}))


def add_suggestion(periods, day, kind, status=None):
    suggestion = SurveySuggestion(period_id=period_of(periods, day).id, service_key=key("V"), answered_on=day,
                                  kind=kind, text="Teks")
    db.session.add(suggestion)
    db.session.flush()
    if status is not None:
        db.session.add(SurveyFollowUp(suggestion_id=suggestion.id, status=status,
                                      reply="Terima kasih" if status == "answered" else ""))


def seed_served(requester_id: int):
    v, a, k = service_id("V"), service_id("A"), service_id("K")
    visits = [(v, date(2026, 1, 5), DONE), (v, date(2026, 2, 2), DONE), (v, date(2026, 3, 31), DONE),
              (v, date(2026, 3, 30), NO_SHOW), (v, date(2026, 4, 1), DONE), (v, date(2025, 12, 31), DONE),
              (a, date(2026, 3, 1), DONE), (k, date(2026, 1, 20), DONE), (k, date(2026, 2, 20), DONE)]
    for number, (service, day, status) in enumerate(visits, start=1):
        db.session.add(Booking(code=new_code(), service_id=service, day=day, is_walk_in=True,
                               queue_number=number, status=status, visitor_name="Tamu"))
    room = Room(name="Ruang Verifikasi", kind="verification", seats=4, computers=0, equipment="", active=True)
    db.session.add(room)
    db.session.flush()
    uses = [(wita(2026, 3, 31, 23, 30), COMPLETED), (wita(2026, 4, 1, 0, 10), COMPLETED),
            (wita(2026, 2, 15), CHECKED_IN), (wita(2026, 2, 16), APPROVED), (wita(2026, 2, 17), CANCELLED)]
    for start, status in uses:
        db.session.add(Reservation(room_id=room.id, requester_id=requester_id, starts_at=start,
                                   ends_at=start + timedelta(minutes=20), release_after=start,
                                   purpose="verification", title="Verifikasi", attendees=1, status=status))


@pytest.fixture
def seeded(app, office, make_user):
    requester = make_user("room_user")
    periods = seed_periods()
    for code, day, scores in IN_Q1 + OUTSIDE:
        add_response(periods, code, day, scores)
    # In Q1: complaints answered, in progress, new (no row); suggestions answered, new (a row).
    for day, kind, status in ((date(2026, 1, 6), "pengaduan", "answered"),
                              (date(2026, 3, 31), "pengaduan", "in_progress"),
                              (date(2026, 2, 1), "pengaduan", None), (date(2026, 1, 1), "saran", "answered"),
                              (date(2026, 3, 2), "saran", "new"),
                              # outside: Q2 and Q4 2025
                              (date(2026, 4, 1), "pengaduan", "answered"),
                              (date(2025, 12, 31), "saran", None)):
        add_suggestion(periods, day, kind, status)
    seed_served(requester.id)
    db.session.commit()


def build(period=Q1):
    return survey_section.build(period, NOW, load_calendar())


def figure(section, label):
    return next(f for f in section.figures if f.label == label)


# --- the tests ---------------------------------------------------------------------------

def test_heading_and_index_of_the_quarter(seeded):
    section = build()
    assert (section.key, section.title) == ("survey", "3. Kepuasan pengguna layanan (SKM)")
    nrr, _weighted, ikm, converted = by_hand([scores for _c, _d, scores in IN_Q1])
    assert ikm == Fraction(116, 36)
    assert figure(section, "Responden").value == 4
    assert figure(section, "IKM").value == cut(ikm, 4) == Decimal("3.2222")
    assert figure(section, "IKM unit pelayanan (IKM × 25)").value == half_up(converted, 2) == Decimal("80.56")
    assert figure(section, "Mutu pelayanan").value == grade(converted) == "B"
    assert figure(section, "Mutu pelayanan").note == "Baik"
    # U9 is the weakest: (4 + 3 + 2 + 2) / 4 = 2.75, below every other.
    assert min(range(9), key=lambda u: nrr[u]) == 8 and sorted(nrr)[0] < sorted(nrr)[1]
    assert figure(section, "Unsur terlemah").value == "U9 Sarana dan Prasarana"
    assert figure(section, "Unsur terlemah").note == "NRR 2,75"


def test_nrr_per_unsur_table_and_chart(seeded):
    section = build()
    nrr, weighted, _ikm, _converted = by_hand([scores for _c, _d, scores in IN_Q1])
    table = section.table("survei-unsur")
    assert table.rows == [[f"U{u + 1}", NAMES[u], half_up(nrr[u], 2), half_up(weighted[u], 3)]
                          for u in range(9)]
    assert table.rows[1][2:] == [Decimal("3.50"), Decimal("0.389")]
    chart = next(c for c in section.charts if c.table == "survei-unsur")
    assert chart.kind == "bars" and chart.labels == [f"U{u}" for u in range(1, 10)]
    assert chart.series[0].values == [half_up(value, 2) for value in nrr]


def test_sample_and_index_per_service(seeded):
    section = build()
    served = {"Aktivasi / reset akun": 1, "Konsultasi SPSE": 2, "Verifikasi dokumen penyedia": 3,
              "Peminjaman ruang": 2, "Agregasi Data Penyedia": 0}
    rows = {row[0]: row for row in section.table("survei-layanan").rows}
    scores = {"Verifikasi dokumen penyedia": [R1, R2], "Peminjaman ruang": [R3],
              "Aktivasi / reset akun": [R4], "Konsultasi SPSE": [], "Agregasi Data Penyedia": []}
    assert set(rows) == {*served, "Semua layanan"}
    for name, answers in scores.items():
        converted = by_hand(answers)[3] if answers else None
        assert rows[name][1:] == [served[name], sample_for(served[name]), len(answers),
                                  half_up(converted, 2) if answers else None,
                                  grade(converted) if answers else None], name
    assert rows["Verifikasi dokumen penyedia"][4] == Decimal("87.50") and rows["Peminjaman ruang"][5] == "D"
    total = sum(served.values())
    assert total == 8 and sample_for(8) == 8
    assert rows["Semua layanan"][1:] == [8, 8, 4, Decimal("80.56"), "B"]
    assert figure(section, "Sampel minimal (Krejcie & Morgan)").value == 8
    assert figure(section, "Sampel minimal (Krejcie & Morgan)").note == "dari 8 orang dilayani"
    assert figure(section, "Responden").note == "sampel minimal 8: belum cukup"


def test_complaints_and_suggestions(seeded):
    section = build()
    rows = {row[0]: row[1:] for row in section.table("survei-saran").rows}
    # received, answered, in progress, new
    assert rows == {"Saran": [2, 1, 0, 1], "Pengaduan": [3, 1, 1, 1], "Jumlah": [5, 2, 1, 2]}
    assert figure(section, "Pengaduan diterima").value == 3
    assert figure(section, "Pengaduan diterima").note == "1 dijawab"
    assert figure(section, "Saran diterima").value == 2


def test_trend_of_eight_quarters(seeded):
    section = build()
    table = section.table("survei-tren")
    names = [f"Triwulan {n} {y}" for y, ns in ((2024, ("II", "III", "IV")), (2025, ("I", "II", "III", "IV")),
                                                (2026, ("I",))) for n in ns]
    assert [row[0] for row in table.rows] == names
    by_name = {row[0]: row[1:] for row in table.rows}
    assert by_name["Triwulan III 2024"] == [1, Decimal("100.00"), "A"]
    assert by_name["Triwulan IV 2025"] == [1, Decimal("50.00"), "D"]
    assert by_name["Triwulan I 2026"] == [4, Decimal("80.56"), "B"]
    assert all(by_name[n] == [0, None, None] for n in names if n not in
               ("Triwulan III 2024", "Triwulan IV 2025", "Triwulan I 2026"))
    chart = next(c for c in section.charts if c.table == "survei-tren")
    assert chart.kind == "lines" and chart.labels == names
    assert chart.series[0].values == [row[2] for row in table.rows]


def test_zone_boundary_second_quarter(seeded):
    """1 April (a response, a finished visit, a room used at 00.10 WITA) is Q2's."""
    section = build(quarter(2026, 2))
    assert figure(section, "Responden").value == 1
    assert figure(section, "IKM unit pelayanan (IKM × 25)").value == Decimal("25.00")
    rows = {row[0]: row for row in section.table("survei-layanan").rows}
    assert rows["Verifikasi dokumen penyedia"][1] == 1 and rows["Peminjaman ruang"][1] == 1
    assert rows["Semua layanan"][1:4] == [2, sample_for(2), 1]
    assert {row[0]: row[1] for row in section.table("survei-saran").rows}["Pengaduan"] == 1


def test_custom_range_counts_its_days_only(seeded):
    section = build(custom(date(2026, 3, 1), date(2026, 3, 31)))
    _nrr, _w, ikm, _converted = by_hand([R2, R4])
    assert figure(section, "Responden").value == 2
    assert figure(section, "IKM").value == cut(ikm, 4)
    assert section.table("survei-tren").rows[-1][0] == "Triwulan I 2026"


def test_empty_quarter(app, office):
    section = build(quarter(2023, 3))
    assert figure(section, "Responden").value == 0
    assert figure(section, "IKM").value is None
    assert figure(section, "Mutu pelayanan").value is None
    assert figure(section, "Unsur terlemah").value is None
    assert all(row[2] is None and row[3] is None for row in section.table("survei-unsur").rows)
    assert section.table("survei-layanan").rows[-1][1:] == [0, 0, 0, None, None]
    assert all(row[1:] == [0, 0, 0, 0] for row in section.table("survei-saran").rows)
    assert all(row[1:] == [0, None, None] for row in section.table("survei-tren").rows)


def test_query_count_does_not_grow(app, seeded):
    with counted_queries(app) as few:
        build()
    periods = list(db.session.scalars(select(SurveyPeriod).order_by(SurveyPeriod.starts_on)))
    for n in range(40):
        add_response(periods, ("V", "A", "K", "ruang")[n % 4], date(2026, 1, 1) + timedelta(days=n), R2)
        add_suggestion(periods, date(2026, 1, 1) + timedelta(days=n), "saran", ("answered", None)[n % 2])
    db.session.commit()
    with counted_queries(app) as many:
        build()
    assert len(many) == len(few)
