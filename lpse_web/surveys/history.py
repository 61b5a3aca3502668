"""Survey history for the demo office and the scale data set: a period per calendar
quarter, and answers from a share of the people the counter and the rooms served in it.

Written with bulk INSERTs (the scale set has tens of thousands of answers). The
answers lean the way real LPSE offices report them: most elements "good" to "very
good", the cost always "free", the waiting time the weakest."""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from lpse_web.counter.models import DONE, Booking
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.rooms.models import CHECKED_IN, COMPLETED, Reservation
from lpse_web.surveys.catalogue import ROOMS, counter_key, session_of
from lpse_web.surveys.models import (
    AGE_BANDS,
    ANSWERED,
    CLOSED,
    EDUCATIONS,
    IN_PROGRESS,
    KIOSK,
    LINK,
    OPEN,
    PENGADUAN,
    SARAN,
    SurveyFollowUp,
    SurveyInvitationUse,
    SurveyPeriod,
    SurveyResponse,
    SurveySuggestion,
    random_key,
)
from lpse_web.surveys.periods import quarter_of

# Per unsur: the weights of the scores 1, 2, 3, 4.
LEANINGS = ((1, 4, 50, 45), (1, 6, 55, 38), (3, 14, 55, 28), (0, 0, 3, 97), (1, 5, 54, 40),
            (0, 3, 50, 47), (0, 2, 42, 56), (2, 8, 60, 30), (2, 9, 57, 32))
SUGGESTIONS = (
    (SARAN, "Mohon ruang tunggu ditambah kursinya, saat ramai banyak yang berdiri."),
    (SARAN, "Pelayanan sudah baik, pertahankan."),
    (PENGADUAN, "Antrean verifikasi lama, saya menunggu lebih dari satu jam."),
    (SARAN, "Sebaiknya daftar dokumen persyaratan dikirim juga lewat WhatsApp."),
    (PENGADUAN, "Wi-Fi di ruang pemasukan penawaran sering terputus."),
    (SARAN, "Petugas ramah dan membantu, terima kasih."),
    (SARAN, "Perlu papan petunjuk arah ke ruang pelatihan."),
    (PENGADUAN, "Jadwal di tiket berbeda dengan waktu saya dipanggil."),
)
REPLY = "Terima kasih atas masukannya. Sudah kami tindak lanjuti dalam rapat evaluasi layanan."


def _quarters(first: date, last: date) -> list:
    quarters, day = [], first
    while day <= last:
        quarter = quarter_of(day)
        quarters.append(quarter)
        day = quarter.last + timedelta(days=1)
    return quarters


def _periods(first: date, today: date, now: datetime) -> tuple[list[SurveyPeriod], int]:
    """One period per quarter from `first`'s on: past ones closed and published, the
    current one open. Quarters that already have a period are left as they are.
    Returns the periods and how many were created."""
    periods, created = [], 0
    for quarter in _quarters(first, today):
        period = db.session.scalar(select(SurveyPeriod).where(SurveyPeriod.name == quarter.name))
        if period is None:
            current = quarter.first <= today <= quarter.last
            period = SurveyPeriod(name=quarter.name, starts_on=quarter.first, ends_on=quarter.last,
                                  status=OPEN if current else CLOSED, published=not current,
                                  opened_at=now, closed_at=None if current else now)
            db.session.add(period)
            created += 1
        periods.append(period)
    db.session.flush()
    return periods, created


def _response(rng: random.Random, period_id: int, service_key: str, day: date, session: str,
              channel: str) -> dict:
    row = {"id": random_key(), "period_id": period_id, "service_key": service_key, "answered_on": day,
           "session": session, "channel": channel, "sex": rng.choices("LP", (62, 38))[0],
           "age_band": rng.choices(AGE_BANDS, (4, 30, 34, 22, 10))[0],
           "education": rng.choices(EDUCATIONS, (1, 2, 24, 14, 45, 12, 2))[0],
           "occupation": rng.choices(("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"),
                                     (18, 1, 1, 48, 28, 4))[0]}
    for n, weights in enumerate(LEANINGS, start=1):
        row[f"u{n}"] = rng.choices((1, 2, 3, 4), weights)[0]
    return row


def generate(calendar: ServiceCalendar, *, first: date, now: datetime, share: float = 0.4,
             seed: int = 2026, batch: int = 5000, with_follow_up: bool = True) -> dict[str, int]:
    """Periods from `first`'s quarter to today's, and answers from `share` of the finished
    counter visits and used room reservations in them (most through their one-time
    link, which is then marked used; walk-ins through the kiosk). Periods that already
    have answers get none added. Returns the rows written."""
    rng = random.Random(seed)
    today = calendar.local_day(now)
    zone = calendar.zone
    periods, created = _periods(first, today, now)
    written = {"periods": created, "responses": 0, "suggestions": 0}
    for period in periods:
        if db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.period_id == period.id)):
            continue
        responses, suggestions, uses = [], [], []
        visits = db.session.execute(
            select(Booking.id, Booking.service_id, Booking.day, Booking.finished_at, Booking.visitor_id)
            .where(Booking.status == DONE, Booking.day >= period.starts_on,
                   Booking.day <= min(period.ends_on, today))
            .order_by(Booking.id))
        for booking_id, service_id, day, finished_at, visitor_id in visits:
            if rng.random() >= share:
                continue
            session = session_of(finished_at.astimezone(zone))
            channel = LINK if visitor_id is not None else KIOSK
            responses.append(_response(rng, period.id, counter_key(service_id), day, session, channel))
            if channel == LINK:
                uses.append({"source": "loket", "source_id": booking_id, "used_on": day})
        start = datetime.combine(period.starts_on, time(0), zone)
        end = min(datetime.combine(period.ends_on + timedelta(days=1), time(0), zone), now)
        used_rooms = db.session.execute(
            select(Reservation.id, Reservation.starts_at).where(
                Reservation.status.in_((CHECKED_IN, COMPLETED)), Reservation.starts_at >= start,
                Reservation.ends_at <= end).order_by(Reservation.id))
        for reservation_id, starts_at in used_rooms:
            if rng.random() >= share:
                continue
            local = starts_at.astimezone(zone)
            responses.append(_response(rng, period.id, ROOMS, local.date(), session_of(local), LINK))
            uses.append({"source": "ruang", "source_id": reservation_id, "used_on": local.date()})
        for row in responses:
            if rng.random() < 0.08:
                kind, text = rng.choice(SUGGESTIONS)
                suggestions.append({"id": random_key(), "period_id": period.id, "kind": kind, "text": text,
                                    "service_key": row["service_key"], "answered_on": row["answered_on"]})
        for table, rows in ((SurveyResponse, responses), (SurveySuggestion, suggestions),
                            (SurveyInvitationUse, uses)):
            for at in range(0, len(rows), batch):
                db.session.execute(insert(table), rows[at:at + batch])
        if with_follow_up:
            for row in suggestions[: len(suggestions) * 2 // 3]:
                answered = period.status == CLOSED or rng.random() < 0.5
                db.session.add(SurveyFollowUp(suggestion_id=row["id"], reply=REPLY if answered else "",
                                              status=ANSWERED if answered else IN_PROGRESS, updated_at=now))
        written["responses"] += len(responses)
        written["suggestions"] += len(suggestions)
    db.session.flush()
    return written


def earlier_quarters(calendar: ServiceCalendar, *, quarters: int, now: datetime, per_quarter: int = 120,
                     seed: int = 2026) -> int:
    """Closed, published periods for the `quarters` quarters before today's, with kiosk
    answers only (the demo has no counter history that far back: their N is 0), so the
    trend chart and the public page have something to show. Returns answers written."""
    rng = random.Random(seed + 1)
    quarter = quarter_of(calendar.local_day(now))
    past = []
    for _ in range(quarters):
        quarter = quarter_of(quarter.first - timedelta(days=1))
        past.append(quarter)
    written = 0
    services = [counter_key(service_id) for service_id in db.session.scalars(
        select(Booking.service_id).distinct().order_by(Booking.service_id))] or [ROOMS]
    for quarter in reversed(past):
        if db.session.scalar(select(SurveyPeriod.id).where(SurveyPeriod.name == quarter.name)):
            continue
        period = SurveyPeriod(name=quarter.name, starts_on=quarter.first, ends_on=quarter.last,
                              status=CLOSED, published=True, opened_at=now, closed_at=now)
        db.session.add(period)
        db.session.flush()
        days = [quarter.first + timedelta(days=n) for n in range((quarter.last - quarter.first).days + 1)]
        days = [d for d in days if calendar.open_intervals(d)] or days
        rows = [_response(rng, period.id, rng.choice(services), rng.choice(days),
                          rng.choice(("pagi", "siang")), KIOSK)
                for _ in range(per_quarter + rng.randrange(-20, 40))]
        db.session.execute(insert(SurveyResponse), rows)
        written += len(rows)
    return written
