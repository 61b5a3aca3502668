"""The room report: per room and period (week or month), open hours against reserved
hours and used hours, no-shows, and the rejected requests with their reasons.

- open hours: the room's bookable hours over the period's days (holidays and closure
  days excluded), less its blackout periods;
- reserved hours: reservations that were approved (used, released or not);
- used hours: reservations checked in, from check-in (or the start) to their end;
- no-shows: approved reservations released for want of a check-in."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.office.models import Room
from lpse_web.rooms import rules
from lpse_web.rooms.models import CANCELLED, CHECKED_IN, COMPLETED, REJECTED, RELEASED, Blackout, Reservation


@dataclass
class RoomStats:
    room: Room
    open_hours: float = 0.0
    reserved_hours: float = 0.0
    used_hours: float = 0.0
    reservations: int = 0  # approved ones
    no_shows: int = 0
    rejected: int = 0
    cancelled: int = 0
    monthly: dict[str, int] = field(default_factory=dict)  # approved reservations per local month "2026-01"

    @property
    def reserved_share(self) -> float | None:
        return self.reserved_hours / self.open_hours if self.open_hours else None

    @property
    def used_share(self) -> float | None:
        return self.used_hours / self.open_hours if self.open_hours else None


@dataclass
class RoomReport:
    first: date
    last: date
    rooms: list[RoomStats]
    rejections: list[Reservation] = field(default_factory=list)


def _hours(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds(), 0) / 3600


def _hours_covered(hours: tuple[datetime, datetime], blackouts) -> float:
    """Hours of `hours` inside any blackout: overlapping blackouts count once."""
    clipped = sorted((max(hours[0], b.starts_at), min(hours[1], b.ends_at)) for b in blackouts)
    covered, reach = 0.0, hours[0]
    for start, end in clipped:
        start = max(start, reach)
        if end > start:
            covered += _hours(start, end)
            reach = end
    return covered


def _open_hours(room: Room, calendar: ServiceCalendar, first: date, last: date, blackouts) -> float:
    room_rules, total, day = rules.RoomRules.of(room), 0.0, first
    while day <= last:
        hours = rules.open_hours(calendar, room_rules, day)
        if hours:
            total += _hours(*hours) - _hours_covered(hours, blackouts)
        day += timedelta(days=1)
    return total


def room_report(first: date, last: date, calendar: ServiceCalendar, now: datetime) -> RoomReport:
    """Three queries (rooms, the period's reservations, its blackouts), whatever the period."""
    zone = calendar.zone
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    rooms = list(db.session.scalars(select(Room).order_by(Room.kind, Room.name)))
    stats = {room.id: RoomStats(room) for room in rooms}
    blackouts: dict[int, list] = {}
    for b in db.session.scalars(select(Blackout).where(Blackout.starts_at < end, Blackout.ends_at > start)):
        blackouts.setdefault(b.room_id, []).append(b)
    for room in rooms:
        stats[room.id].open_hours = _open_hours(room, calendar, first, last, blackouts.get(room.id, []))
    rejections = []
    rows = db.session.scalars(select(Reservation).where(  # room first: the (room, time) index
        Reservation.room_id.in_(list(stats)), Reservation.starts_at >= start, Reservation.starts_at < end)
        .order_by(Reservation.starts_at))
    for r in rows:
        s = stats[r.room_id]
        status = r.shown_status(now)
        if status == REJECTED:
            s.rejected += 1
            rejections.append(r)
        elif status == CANCELLED:
            s.cancelled += 1
        if r.approved_at is not None and status not in (CANCELLED, REJECTED):
            s.reservations += 1
            s.reserved_hours += r.hours
            month = r.starts_at.astimezone(zone).strftime("%Y-%m")
            s.monthly[month] = s.monthly.get(month, 0) + 1
            if status == RELEASED:
                s.no_shows += 1
            elif status in (CHECKED_IN, COMPLETED) and r.checked_in_at is not None:
                used_until = min(r.ends_at, max(now, r.starts_at))
                s.used_hours += _hours(max(r.checked_in_at, r.starts_at), used_until)
    return RoomReport(first, last, [stats[room.id] for room in rooms], rejections)


def served_between(start: datetime, end: datetime) -> int:
    """Reservations used (checked in, finished or not) that start in [start, end): the
    officials served, for the survey's population N (one query)."""
    return db.session.scalar(
        select(func.count()).select_from(Reservation).where(
            Reservation.status.in_((CHECKED_IN, COMPLETED)),
            Reservation.starts_at >= start, Reservation.starts_at < end)) or 0
