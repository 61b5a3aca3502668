"""What the database holds after a stress or fault run, counted by the database itself
(call inside an app context): places taken beyond a slot's capacity, slots whose
counter disagrees with their bookings, overlapping active room reservations."""

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lpse_web.counter.models import CANCELLED, Booking, Slot
from lpse_web.extensions import db
from lpse_web.rooms.models import ACTIVE_STATUSES, Reservation


def slot_problems() -> list[str]:
    """Slots with more bookings than places, or whose `booked` differs from the bookings
    holding a place in them (every booking of the slot but a cancelled one: a cancel or
    a move gives the place back, lpse_web/counter/booking.py)."""
    problems = []
    holding = dict(db.session.execute(
        select(Booking.slot_id, func.count()).where(Booking.slot_id.is_not(None), Booking.status != CANCELLED)
        .group_by(Booking.slot_id)).all())
    for slot in db.session.scalars(select(Slot)):
        held = holding.get(slot.id, 0)
        if held > slot.capacity:
            problems.append(f"slot {slot.id} at {slot.starts_at}: {held} bookings, {slot.capacity} places")
        if held != slot.booked:
            problems.append(f"slot {slot.id}: counter says {slot.booked}, {held} bookings hold a place")
    return problems


def overlapping_reservations() -> int:
    """Pairs of active reservations of one room whose times overlap."""
    a, b = aliased(Reservation), aliased(Reservation)
    return db.session.scalar(
        select(func.count()).select_from(a).join(b, (a.room_id == b.room_id) & (a.id < b.id))
        .where(a.status.in_(ACTIVE_STATUSES), b.status.in_(ACTIVE_STATUSES),
               a.starts_at < b.ends_at, b.starts_at < a.ends_at))


def stored_codes() -> set[str]:
    return set(db.session.scalars(select(Booking.code).where(Booking.status != CANCELLED)))


def stored_reservations() -> set[int]:
    return set(db.session.scalars(select(Reservation.id).where(Reservation.status.in_(ACTIVE_STATUSES))))
