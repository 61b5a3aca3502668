"""Believable counter history, written in bulk: for the demo office (a month) and for
the benchmarks (a year and more, 100,000+ visits). Deterministic for a given seed.

Rows go in with bulk INSERTs, not through the ORM: history is loaded data, like an
import, so it is not in the audit log (each run is logged as one CLI action instead)."""

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from lpse_web.counter.booking import new_code
from lpse_web.counter.models import (
    APPROVED,
    BOOKED,
    CANCELLED,
    CHECKED_IN,
    DONE,
    NO_SHOW,
    REJECTED,
    SERVED,
    Booking,
    Slot,
    TicketSequence,
)
from lpse_web.counter.queue import REJECTION_REASONS
from lpse_web.counter.slots import day_slots
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.office.models import Counter, CounterService

NOTES = ("", "", "", "Dokumen lengkap.", "Diminta melengkapi akta perubahan.", "Dibantu reset kata sandi.",
         "Konsultasi paket tender konstruksi.")


def generate(calendar: ServiceCalendar, *, first: date, last: date, now: datetime,
             visitors: list[tuple[int, str]], staff_ids: list[int], fill: float = 0.6,
             future_fill: float = 0.1, walk_ins_per_day: int = 4, seed: int = 2026,
             batch: int = 5000) -> int:
    """Insert the visits of every open day from `first` to `last`: past days finished
    (served, no-shows, cancellations), today's queue half-way, future days booked.
    Returns the number of visits written."""
    rng = random.Random(seed)
    # In a fixed order: the random draws follow it (the same rows on SQLite and PostgreSQL).
    services = db.session.scalars(select(CounterService).where(CounterService.active)
                                  .order_by(CounterService.id)).all()
    counters = db.session.scalars(select(Counter).where(Counter.active).order_by(Counter.id)).all()
    offered = {s.id: [c.id for c in counters if s in c.services] for s in services}
    codes: set[str] = set()
    open_visitor_services: set[tuple[int, int]] = set()
    written, pending = 0, []

    def code():
        while (value := new_code()) in codes:
            pass
        codes.add(value)
        return value

    day = first
    while day <= last:
        numbers: dict[int, int] = defaultdict(int)
        for service in services:
            counter_ids = offered[service.id]
            if not counter_ids:
                continue
            duration = timedelta(minutes=service.duration_minutes)
            visits = []
            for slot in day_slots(calendar, day, duration):
                rate = fill if slot.starts_at <= now else future_fill
                taken = sum(rng.random() < rate for _ in counter_ids)
                if not taken:
                    continue
                slot_visits = [_booked_visit(rng, service, slot.starts_at, None, counter_ids, now,
                                             visitors, open_visitor_services) for _ in range(taken)]
                # A cancelled booking has given its place back (booking.cancel): `booked`
                # counts the bookings that still hold one, as the app keeps it.
                holding = sum(v["status"] != CANCELLED for v in slot_visits)
                slot_id = db.session.execute(insert(Slot).values(
                    service_id=service.id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                    capacity=len(counter_ids), booked=holding).returning(Slot.id)).scalar_one()
                for visit in slot_visits:
                    visit["slot_id"] = slot_id
                visits.extend(slot_visits)
            intervals = calendar.open_intervals(day)
            for _ in range(rng.randint(0, 2 * walk_ins_per_day) if intervals else 0):
                opens, closes = intervals[rng.randrange(len(intervals))]
                minutes = int((closes - opens).total_seconds() // 60)
                arrival = opens + timedelta(minutes=rng.randrange(minutes))
                if arrival <= now:
                    visits.append(_walk_in(rng, service, arrival, counter_ids, now))
            visits = [v for v in visits if v is not None]
            # Queue numbers in order of arrival, per service and day.
            for visit in sorted((v for v in visits if v["checked_in_at"]), key=lambda v: v["checked_in_at"]):
                numbers[service.id] += 1
                visit["queue_number"] = numbers[service.id]
            for visit in visits:
                visit.update(code=code(), service_id=service.id, day=day,
                             served_by_id=rng.choice(staff_ids) if visit["called_at"] else None)
                visit.setdefault("queue_number", None)
            pending.extend(visits)
        if day == calendar.local_day(now):
            for service_id, number in numbers.items():
                db.session.execute(insert(TicketSequence).values(service_id=service_id, day=day,
                                                                 last_number=number))
        if len(pending) >= batch:
            written += _flush(pending)
        day += timedelta(days=1)
    return written + _flush(pending)


def _flush(pending: list[dict]) -> int:
    count = len(pending)
    if pending:
        # render_nulls: the ORM would otherwise leave out None values and split the rows
        # into one INSERT per run of rows with the same None columns (tens of thousands).
        db.session.execute(insert(Booking).execution_options(render_nulls=True), pending)
        pending.clear()
    return count


def _visit(**values) -> dict:
    base = dict(slot_id=None, visitor_id=None, visitor_name="", is_walk_in=False, scheduled_at=None,
                no_show_after=None, status=BOOKED, checked_in_at=None, called_at=None, finished_at=None,
                cancelled_at=None, counter_id=None, outcome=None, rejection_reason=None, outcome_note="",
                documents_checked="")
    base.update(values)
    return base


def _serve(rng, visit: dict, service, arrival: datetime, turn: datetime, counter_ids, now: datetime):
    """Fill in check-in, call and finish times that have happened by `now`."""
    visit.update(status=CHECKED_IN, checked_in_at=arrival)
    called = max(turn, arrival) + timedelta(minutes=rng.randint(0, 20), seconds=rng.randint(0, 59))
    if called > now:
        return visit
    finished = called + timedelta(minutes=rng.randint(4, service.duration_minutes + 10),
                                  seconds=rng.randint(0, 59))
    if finished > now:  # at the counter now: keep them waiting instead (one per counter)
        return visit
    visit.update(status=DONE, called_at=called, finished_at=finished, counter_id=rng.choice(counter_ids),
                 outcome_note=rng.choice(NOTES))
    if service.is_verification:
        rejected = rng.random() < 0.18
        visit.update(outcome=REJECTED if rejected else APPROVED,
                     rejection_reason=rng.choice(list(REJECTION_REASONS)) if rejected else None,
                     documents_checked="\n".join(service.checklist_for(official=False)))
    else:
        visit["outcome"] = SERVED
    return visit


def _booked_visit(rng, service, starts_at, slot_id, counter_ids, now, visitors, open_pairs):
    visitor_id, name = rng.choice(visitors)
    grace = starts_at + timedelta(minutes=service.grace_minutes)
    visit = _visit(slot_id=slot_id, visitor_id=visitor_id, visitor_name=name, scheduled_at=starts_at,
                   no_show_after=grace)
    if starts_at > now or (grace > now and rng.random() < 0.5):
        # Still to come: at most one open booking per visitor and service.
        if (visitor_id, service.id) in open_pairs:
            return _visit(slot_id=slot_id, visitor_id=visitor_id, visitor_name=name, scheduled_at=starts_at,
                          no_show_after=grace, status=CANCELLED, cancelled_at=starts_at - timedelta(days=1))
        open_pairs.add((visitor_id, service.id))
        return visit
    luck = rng.random()
    if luck < 0.07:
        visit.update(status=CANCELLED, cancelled_at=starts_at - timedelta(hours=rng.randint(3, 72)))
        return visit
    if luck < 0.15:
        visit["status"] = NO_SHOW
        return visit
    arrival = starts_at - timedelta(minutes=rng.randint(-10, 25))
    if arrival > now:
        open_pairs.add((visitor_id, service.id))
        return visit
    served = _serve(rng, visit, service, arrival, starts_at, counter_ids, now)
    if served["status"] != DONE:
        if (visitor_id, service.id) in open_pairs:
            served.update(status=NO_SHOW, checked_in_at=None)
        else:
            open_pairs.add((visitor_id, service.id))
    return served


def _walk_in(rng, service, arrival, counter_ids, now):
    visit = _visit(is_walk_in=True, visitor_name=rng.choice(("", "Bapak Yos", "Ibu Rina", "Pak Daniel")))
    return _serve(rng, visit, service, arrival, arrival, counter_ids, now)
