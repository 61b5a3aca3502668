"""Booking, rescheduling and cancelling counter slots (the vendor's side).

Every path that takes a place goes through `_take_place`, one guarded UPDATE on the
slot row: `booked = booked + 1 WHERE booked < capacity`. The database decides who gets
the last place, on SQLite and PostgreSQL alike, whatever the number of workers."""

import secrets
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lpse_web.audit.recorder import SYSTEM, acting_as
from lpse_web.auth.roles import Role
from lpse_web.counter.models import (
    BOOKED,
    CALLED,
    CANCELLED,
    CHECKED_IN,
    NO_SHOW,
    OPEN_STATUSES,
    Booking,
    CounterClosure,
    Slot,
)
from lpse_web.counter.slots import (
    Rules,
    SlotTime,
    bookable,
    bookable_slots,
    day_slots,
    find_slot,
    last_bookable_day,
)
from lpse_web.database import upsert_insert
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.office.models import Counter, CounterService, counter_offers
from lpse_web.office.services import load_calendar

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed


class BookingError(Exception):
    """A booking that cannot be made or changed; the view says why in words."""


class SlotFullError(BookingError):
    pass


class AlreadyBookedError(BookingError):
    pass


class NotBookableError(BookingError):
    """Not a slot, outside the booking window, or a service that is closed."""


class TooLateError(BookingError):
    """Changing or cancelling within the minimum notice."""


@dataclass(frozen=True)
class SlotOffer:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def is_official(user) -> bool:
    """Procurement officials show a letter of assignment, not company papers."""
    return not user.has_role(Role.VENDOR)


# --- capacity and availability -------------------------------------------------------

def capacities(service_id: int, first: date, last: date) -> dict[date, int]:
    """Counters open for the service on each day from `first` to `last`: the active
    counters offering it, less those closed for that day."""
    counter_ids = set(db.session.scalars(
        select(Counter.id).join(counter_offers, counter_offers.c.counter_id == Counter.id)
        .where(counter_offers.c.service_id == service_id, Counter.active)))
    closed = Tally(db.session.scalars(
        select(CounterClosure.day).where(CounterClosure.day.between(first, last),
                                         CounterClosure.counter_id.in_(counter_ids))))
    days, day = {}, first
    while day <= last:
        days[day] = len(counter_ids) - closed[day]
        day += timedelta(days=1)
    return days


def booked_counts(service_id: int, start: datetime, end: datetime) -> dict[datetime, int]:
    rows = db.session.execute(select(Slot.starts_at, Slot.booked).where(
        Slot.service_id == service_id, Slot.starts_at >= start, Slot.starts_at < end))
    return {starts_at: booked for starts_at, booked in rows}


def day_offers(service: CounterService, day: date, now: datetime,
               calendar: ServiceCalendar | None = None) -> list[SlotOffer]:
    """The bookable slots of a day with their remaining places (full ones included)."""
    calendar = calendar or load_calendar()
    slots = bookable_slots(calendar, Rules.of(service), day, now)
    if not slots:
        return []
    capacity = capacities(service.id, day, day)[day]
    booked = booked_counts(service.id, slots[0].starts_at, slots[-1].ends_at)
    return [SlotOffer(s.starts_at, s.ends_at, capacity, booked.get(s.starts_at, 0)) for s in slots]


def open_days(service: CounterService, now: datetime,
              calendar: ServiceCalendar | None = None) -> list[tuple[date, int]]:
    """The bookable days with the places left on each (three queries, whatever the range)."""
    calendar = calendar or load_calendar()
    rules = Rules.of(service)
    slots_of = {day: bookable_slots(calendar, rules, day, now)
                for day in _days(calendar.local_day(now), last_bookable_day(calendar, rules, now))}
    slots_of = {day: slots for day, slots in slots_of.items() if slots}
    if not slots_of:
        return []
    days = sorted(slots_of)
    caps = capacities(service.id, days[0], days[-1])
    booked = booked_counts(service.id, slots_of[days[0]][0].starts_at, slots_of[days[-1]][-1].ends_at)
    return [(day, sum(max(caps[day] - booked.get(s.starts_at, 0), 0) for s in slots_of[day]))
            for day in days]


def _days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def overfull_slots(service_ids: list[int], day: date) -> int:
    """Slots of the day already holding more bookings than the counters now open for
    them (after a counter is closed for the day): staff must call those visitors."""
    calendar, count = load_calendar(), 0
    for service in db.session.scalars(select(CounterService).where(CounterService.id.in_(service_ids))):
        slots = day_slots(calendar, day, timedelta(minutes=service.duration_minutes))
        if slots:
            capacity = capacities(service.id, day, day)[day]
            booked = booked_counts(service.id, slots[0].starts_at, slots[-1].ends_at)
            count += sum(1 for n in booked.values() if n > capacity)
    return count


# --- the one place that takes and gives back places ------------------------------------

def _insert_ignore(table, values: dict, keys: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING."""
    return upsert_insert(table, db.session).values(**values).on_conflict_do_nothing(index_elements=keys)


def _take_place(service_id: int, slot: SlotTime, capacity: int) -> int:
    """Take one place of the slot or raise SlotFullError. Returns the slot row's id."""
    db.session.execute(_insert_ignore(
        Slot, {"service_id": service_id, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
               "capacity": max(capacity, 0), "booked": 0},
        ["service_id", "starts_at"]))
    # The guard is in the WHERE clause, evaluated under the row lock: of N concurrent
    # bookings of the last place, exactly one matches. The capacity is today's count of
    # open counters, so a counter closed after bookings were made lowers it.
    slot_id = db.session.execute(
        update(Slot)
        .where(Slot.service_id == service_id, Slot.starts_at == slot.starts_at, Slot.booked < capacity)
        .values(booked=Slot.booked + 1, capacity=capacity)
        .returning(Slot.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if slot_id is None:
        raise SlotFullError()
    return slot_id


def _give_back_place(slot_id: int) -> None:
    db.session.execute(update(Slot).where(Slot.id == slot_id, Slot.booked > 0)
                       .values(booked=Slot.booked - 1).execution_options(synchronize_session=False))


def _checked_slot(service: CounterService, starts_at: datetime, now: datetime,
                  calendar: ServiceCalendar) -> SlotTime:
    if not service.active:
        raise NotBookableError()
    rules = Rules.of(service)
    slot = find_slot(calendar, rules, starts_at)
    if slot is None or not bookable(calendar, rules, slot, now):
        raise NotBookableError()
    return slot


def locked(query, skip: bool = True):
    """FOR UPDATE [SKIP LOCKED] of the booking rows only (their eager joins are outer
    joins, which PostgreSQL will not lock). SQLite drops it: its write lock is already
    held. Skip rows another desk is changing when any row will do (the next visitor);
    wait for them when one row is meant (a scanned code)."""
    return query.with_for_update(skip_locked=skip, of=Booking)


def lock_current(booking: Booking) -> Booking:
    """Lock the booking's row and re-read it before a state change: on PostgreSQL two
    requests (a double click, two desks) must not both act on the state they read
    before the other's commit. On SQLite the write lock is held already."""
    return db.session.scalar(
        locked(select(Booking).where(Booking.id == booking.id), skip=False)
        .execution_options(populate_existing=True))


def sweep_no_shows(now: datetime) -> int:
    """Record as no-shows the booked visitors whose grace period has passed, and close
    visits of earlier days left open at closing time (checked in or called, never
    finished): they would keep a counter busy and the visitor blocked. Run by every
    counter write; pages show the same rule through Booking.shown_status. Logged as the
    system's doing, not as whoever's request happened to run it."""
    today = load_calendar().local_day(now)
    rows = db.session.scalars(locked(select(Booking).where(
        ((Booking.status == BOOKED) & (Booking.no_show_after <= now))
        | (Booking.status.in_((CHECKED_IN, CALLED)) & (Booking.day < today))))).all()
    if rows:
        db.session.flush()
        with acting_as(SYSTEM):
            for booking in rows:
                booking.status = NO_SHOW
            db.session.flush()
    return len(rows)


def _schedule(booking: Booking, service: CounterService, slot: SlotTime, slot_id: int,
              calendar: ServiceCalendar) -> None:
    booking.slot_id = slot_id
    booking.scheduled_at = slot.starts_at
    booking.no_show_after = slot.starts_at + timedelta(minutes=service.grace_minutes)
    booking.day = calendar.local_day(slot.starts_at)


def book(service: CounterService, visitor, starts_at: datetime, now: datetime) -> Booking:
    """Book a place for `visitor`. Raises a BookingError; on any error the caller rolls
    back (a place taken before a failure is then given back with it)."""
    calendar = load_calendar()
    slot = _checked_slot(service, starts_at, now, calendar)
    sweep_no_shows(now)
    if open_booking(visitor.id, service.id) is not None:
        raise AlreadyBookedError()
    day = calendar.local_day(slot.starts_at)
    slot_id = _take_place(service.id, slot, capacities(service.id, day, day)[day])
    booking = Booking(code=new_code(), service_id=service.id, visitor_id=visitor.id,
                      visitor_name=visitor.name, is_walk_in=False, status=BOOKED, created_at=now)
    _schedule(booking, service, slot, slot_id, calendar)
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError as error:
        # The unique index on open bookings: the same visitor booking twice at once.
        raise AlreadyBookedError() from error
    return booking


def can_change(booking: Booking, now: datetime) -> bool:
    """Vendors may reschedule or cancel until the minimum notice before the visit."""
    return (booking.status == BOOKED and booking.scheduled_at is not None
            and booking.scheduled_at - timedelta(minutes=booking.service.min_notice_minutes) >= now)


def reschedule(booking: Booking, starts_at: datetime, now: datetime) -> Booking:
    """Move the booking to another slot: the new place is taken and the old one given
    back in the same transaction."""
    booking = lock_current(booking)
    if not can_change(booking, now):
        raise TooLateError()
    calendar = load_calendar()
    slot = _checked_slot(booking.service, starts_at, now, calendar)
    if slot.starts_at == booking.scheduled_at:
        return booking
    day = calendar.local_day(slot.starts_at)
    new_slot_id = _take_place(booking.service_id, slot, capacities(booking.service_id, day, day)[day])
    _give_back_place(booking.slot_id)
    _schedule(booking, booking.service, slot, new_slot_id, calendar)
    return booking


def cancel(booking: Booking, now: datetime) -> None:
    booking = lock_current(booking)
    if not can_change(booking, now):
        raise TooLateError()
    _give_back_place(booking.slot_id)
    booking.status, booking.cancelled_at = CANCELLED, now


# --- reading ---------------------------------------------------------------------------

def open_booking(visitor_id: int, service_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(
        Booking.visitor_id == visitor_id, Booking.service_id == service_id,
        Booking.status.in_(OPEN_STATUSES)))


def visitor_bookings(visitor_id: int, limit: int = 100) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).where(Booking.visitor_id == visitor_id)
        .order_by(Booking.scheduled_at.desc(), Booking.id.desc()).limit(limit)))


def find_booking(code: str) -> Booking | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12 or not code.isalnum():  # a NUL would be a 500 on PostgreSQL
        return None
    return db.session.scalar(select(Booking).where(Booking.code == code))


def bookable_services() -> list[CounterService]:
    """Active services with at least one active counter offering them."""
    offered = select(counter_offers.c.service_id).join(
        Counter, Counter.id == counter_offers.c.counter_id).where(Counter.active)
    return list(db.session.scalars(select(CounterService).where(
        CounterService.active, CounterService.id.in_(offered)).order_by(CounterService.code)))


def parse_start(value: str, calendar: ServiceCalendar) -> datetime | None:
    """A slot start written in the URL as the office's local time: 2026-11-24T09.30."""
    try:
        naive = datetime.strptime(value, "%Y-%m-%dT%H.%M")
    except (TypeError, ValueError):
        return None
    if not 2000 <= naive.year <= 2100:
        return None
    return naive.replace(tzinfo=calendar.zone).astimezone(UTC)


def format_start(starts_at: datetime, calendar: ServiceCalendar) -> str:
    return starts_at.astimezone(calendar.zone).strftime("%Y-%m-%dT%H.%M")

