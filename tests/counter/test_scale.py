"""`flask seed-scale` (lpse_web/scale.py), on a small scale: three weeks, a dozen vendors,
two counters. The rows must be as the app itself would have written them."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from lpse_web.audit.recorder import acting_as
from lpse_web.auth.models import User
from lpse_web.counter.models import CANCELLED, OPEN_STATUSES, Booking, Slot, TicketSequence
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService
from lpse_web.scale import SCALE_DOMAIN, seed_scale
from tests.conftest import _empty_all_tables
from tests.counter.conftest import at

SMALL = {"years": 3 / 52, "vendors": 12, "counters": 2, "assets": 300, "risks": 40}
NOW = at("10.00")  # Monday 30 November 2026, mid-morning: the day's queue half-way


def _seed(seed=2026):
    with acting_as("seed-scale"):
        return {step.name: step.rows for step in seed_scale(seed=seed, now=NOW, **SMALL)}


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _fingerprint():
    """Every visit as the people involved would see it (ids and codes left out)."""
    rows = db.session.execute(
        select(Booking.day, CounterService.code, Booking.status, User.email, Booking.is_walk_in,
               Booking.scheduled_at, Booking.queue_number, Booking.checked_in_at, Booking.finished_at,
               Booking.outcome, Booking.rejection_reason)
        .join(CounterService, CounterService.id == Booking.service_id)
        .outerjoin(User, User.id == Booking.visitor_id))
    return sorted(tuple("" if v is None else str(v) for v in row) for row in rows)


def test_seed_scale_writes_accounts_counters_and_history(ctx):
    written = _seed()
    assert written["accounts"] == {"vendors": 12, "staff": 1}
    assert written["counter"]["counters"] == 2
    vendors = select(User).where(User.email.like(f"vendor%@{SCALE_DOMAIN}"))
    assert _count(vendors) == 12
    assert all(u.roles == {"vendor"} for u in db.session.scalars(vendors))
    assert User.by_email(f"verifikator@{SCALE_DOMAIN}").roles == {"verifikator"}
    # Each scale counter offers every service.
    counters = db.session.scalars(select(Counter).where(Counter.name.like("Loket S%"))).all()
    assert len(counters) == 2 and all(len(c.services) == 4 for c in counters)

    bookings = written["counter"]["bookings"]
    assert bookings == _count(select(Booking)) > 500
    assert written["counter"]["slots"] == _count(select(Slot)) > 100
    statuses = set(db.session.scalars(select(Booking.status).distinct()))
    assert {"done", "no_show", "cancelled", "booked", "checked_in"} <= statuses
    assert _count(select(Booking).where(Booking.is_walk_in)) > 0
    # Today's queue numbers continue where the history left them.
    assert _count(select(TicketSequence).where(TicketSequence.day == date(2026, 11, 30))) > 0


def test_seeded_slots_and_bookings_keep_the_apps_rules(ctx):
    _seed()
    # No slot is overbooked, and a slot counts the bookings holding a place in it (a
    # cancelled booking gave its place back), as booking.py keeps it.
    assert _count(select(Slot).where(Slot.booked > Slot.capacity)) == 0
    holding = dict(db.session.execute(
        select(Booking.slot_id, func.count()).where(Booking.slot_id.is_not(None), Booking.status != CANCELLED)
        .group_by(Booking.slot_id)).all())
    slots = dict(db.session.execute(select(Slot.id, Slot.booked)).all())
    assert slots == {slot_id: holding.get(slot_id, 0) for slot_id in slots}
    # At most one open booking per vendor and service.
    open_pairs = (select(Booking.visitor_id, Booking.service_id)
                  .where(Booking.status.in_(OPEN_STATUSES), Booking.visitor_id.is_not(None))
                  .group_by(Booking.visitor_id, Booking.service_id).having(func.count() > 1))
    assert _count(open_pairs) == 0
    # Online bookings have a slot and a vendor; queue numbers are unique per service and day.
    assert _count(select(Booking).where(~Booking.is_walk_in, Booking.slot_id.is_(None))) == 0
    numbers = (select(Booking.service_id, Booking.day, Booking.queue_number)
               .where(Booking.queue_number.is_not(None))
               .group_by(Booking.service_id, Booking.day, Booking.queue_number).having(func.count() > 1))
    assert _count(numbers) == 0


def test_seed_scale_is_idempotent(ctx):
    _seed()
    before = _fingerprint()
    again = _seed()
    assert again == {"accounts": {"vendors": 0, "staff": 0},
                     "counter": {"counters": 0, "slots": 0, "bookings": 0},
                     "rooms": {"rooms": 0, "officials": 0, "reservations": 0},
                     "survey": {"periods": 0, "responses": 0, "suggestions": 0},
                     "assets": {"staff": 0, "assets": 0, "assignments": 0, "stocktakes": 0},
                     "risks": {"staff": 0, "risks": 0, "links": 0, "actions": 0, "reviews": 0, "scores": 0}}
    assert _fingerprint() == before


def test_seed_scale_is_deterministic_for_a_seed(ctx):
    first = _seed(seed=7)
    rows = _fingerprint()
    db.session.remove()
    _empty_all_tables()
    assert _seed(seed=7) == first
    assert _fingerprint() == rows
    db.session.remove()
    _empty_all_tables()
    _seed(seed=8)
    assert _fingerprint() != rows


def _room_fingerprint():
    from lpse_web.office.models import Room
    from lpse_web.rooms.models import Reservation

    rows = db.session.execute(
        select(Room.name, Reservation.starts_at, Reservation.ends_at, Reservation.status, User.email)
        .join(Room, Room.id == Reservation.room_id).join(User, User.id == Reservation.requester_id))
    return sorted(tuple(str(v) for v in row) for row in rows)


def test_seed_scale_rooms(ctx):
    """Five active rooms, the officials and the approver, and reservations of the rooms
    (the database refuses overlaps): the same for a seed, not written twice."""
    from lpse_web.office.models import Room
    from lpse_web.rooms.models import Reservation

    written = _seed(seed=7)["rooms"]
    assert written["rooms"] == 5 and written["officials"] == 11
    assert _count(select(Room).where(Room.active)) == 5
    assert User.by_email(f"pokja01@{SCALE_DOMAIN}").roles == {"room_user"}
    assert User.by_email(f"helpdesk@{SCALE_DOMAIN}").roles == {"helpdesk"}
    assert written["reservations"] == _count(select(Reservation)) > 50
    statuses = set(db.session.scalars(select(Reservation.status).distinct()))
    assert {"completed", "approved"} <= statuses
    rows = _room_fingerprint()
    assert _seed(seed=7)["rooms"] == {"rooms": 0, "officials": 0, "reservations": 0}
    db.session.remove()
    _empty_all_tables()
    assert _seed(seed=7)["rooms"] == written
    assert _room_fingerprint() == rows


def test_seed_scale_command(runner, monkeypatch):
    monkeypatch.setattr("lpse_web.scale.ASSETS", 50)  # the registers' full size takes seconds
    monkeypatch.setattr("lpse_web.scale.RISKS", 10)
    result = runner.invoke(args=["seed-scale", "--years", "0.02", "--vendors", "5"])
    assert result.exit_code == 0, result.output
    assert "wrote 5 vendors, 1 staff" in result.output
    assert "seed-scale done in" in result.output and "vendor0005@scale.test" in result.output
    assert "wrote 3 staff, 50 assets" in result.output and "10 risks" in result.output


def test_seed_scale_survey(ctx):
    """A period per quarter of the history, the current one open, and answers from a
    share of the finished visits and used reservations, each through a link spent once."""
    from lpse_web.counter.models import DONE, Booking
    from lpse_web.rooms.models import CHECKED_IN, COMPLETED, Reservation
    from lpse_web.surveys.models import OPEN, SurveyInvitationUse, SurveyPeriod, SurveyResponse

    written = _seed(seed=7)["survey"]
    periods = db.session.scalars(select(SurveyPeriod).order_by(SurveyPeriod.starts_on)).all()
    assert written["periods"] == len(periods) >= 1
    assert [p.status for p in periods].count(OPEN) == 1 and periods[-1].status == OPEN
    responses = _count(select(SurveyResponse.id))
    served = _count(select(Booking.id).where(Booking.status == DONE)) + _count(
        select(Reservation.id).where(Reservation.status.in_((CHECKED_IN, COMPLETED))))
    assert written["responses"] == responses and 0 < responses < served
    # Every link answer spent its booking's or reservation's link; kiosk ones none.
    link_answers = _count(select(SurveyResponse.id).where(SurveyResponse.channel == "tautan"))
    assert _count(select(SurveyInvitationUse.source_id)) == link_answers


def test_seed_scale_years_spans_every_module(ctx):
    """`years=2` (as `flask seed-scale --years 2`): two years of days ending now in every
    module's history, at a small size (one counter, 2 % of its places taken)."""
    from lpse_web.assets.models import Asset, Stocktake
    from lpse_web.risks.models import Risk, RiskReview
    from lpse_web.rooms.models import Reservation
    from lpse_web.surveys.models import SurveyPeriod, SurveyResponse

    with acting_as("seed-scale"):
        written = {s.name: s.rows for s in seed_scale(years=2, seed=7, now=NOW, vendors=12, counters=1,
                                                      fill=0.02, assets=80, risks=12)}
    today = date(2026, 11, 30)
    # The counter: from two years back (the first open day after 30 Nov 2024, a Saturday
    # in WITA is 2 Dec) to 14 days ahead.
    first, last = db.session.execute(select(func.min(Booking.day), func.max(Booking.day))).one()
    assert (date(2024, 11, 30) <= first <= date(2024, 12, 6)
            and date(2026, 12, 7) <= last <= date(2026, 12, 14))
    assert written["counter"]["bookings"] == _count(select(Booking)) > 1000
    # Every month of the two years has visits, rooms used and survey answers.
    months = {(d.year, d.month) for d in db.session.scalars(select(Booking.day).distinct())}
    assert len([m for m in months if (2024, 12) <= m <= (2026, 11)]) == 24
    starts = db.session.scalars(select(Reservation.starts_at)).all()
    assert len({(s.year, s.month) for s in starts if s.date() < today}) >= 24
    assert min(starts).date() <= date(2024, 12, 6) and len(starts) > 4000  # every range of five rooms
    answered = set(db.session.scalars(select(SurveyResponse.answered_on).distinct()))
    assert len({(d.year, d.month) for d in answered}) >= 24 and min(answered) <= date(2024, 12, 31)
    # A survey period per quarter, Q4 2024 to Q4 2026.
    assert _count(select(SurveyPeriod)) == 9
    # Assets: a yearly stock opname over the two years. Every asset checked in the past
    # year that was in the register a year before that was checked then too (with one
    # year of history, only some are).
    seen = defaultdict(set)
    for asset_id, day in db.session.execute(select(Stocktake.asset_id, Stocktake.seen_on)):
        seen[asset_id].add(day)
    entered = dict(db.session.execute(select(Asset.id, Asset.created_at)).all())
    yearly = [(asset_id, max(days)) for asset_id, days in seen.items()
              if max(days) >= today - timedelta(days=365)
              and entered[asset_id].date() <= max(days) - timedelta(days=365)]
    assert len(yearly) >= 10
    assert all(latest - timedelta(days=365) in seen[asset_id] for asset_id, latest in yearly)
    assert _count(select(Asset)) == 80
    # Risks: recorded over the years before now, each reviewed at least once.
    assert _count(select(Risk)) == 12
    assert _count(select(RiskReview.risk_id).distinct()) == 12
