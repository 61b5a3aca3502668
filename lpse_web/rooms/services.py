"""Reserving rooms: the rules, and the one function that writes a reservation.

No request here. Every path that makes a reservation hold a room goes through
`_insert`: a savepoint around the INSERT, so that when the database refuses an overlap
(PostgreSQL's exclusion constraint, SQLite's trigger) only that occurrence is undone
and the requester is told which reservation is in the way."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lpse_web.audit.recorder import SYSTEM, acting_as
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar
from lpse_web.office.models import ROOM_KINDS, Room
from lpse_web.office.services import load_calendar
from lpse_web.rooms import rules

# The views catch them as services.<Error>: they are the answers of these functions.
from lpse_web.rooms.errors import (
    BlackoutError,
    ClosedDayError,
    ConflictError,
    NothingToReserveError,
    Occurrence,
    OffGridError,
    OutsideHoursError,
    ReservationError,
    RoomUnavailableError,
    TooFarError,
    TooManyOccurrencesError,
    TooManyPeopleError,
    TooSoonError,
    WrongStateError,
)
from lpse_web.rooms.models import (
    ACTIVE_STATUSES,
    APPROVED,
    CANCELLED,
    CHECKED_IN,
    COMPLETED,
    REJECTED,
    RELEASED,
    REQUESTED,
    Blackout,
    Reservation,
    ReservationSeries,
)
from lpse_web.rooms.rules import GRID, RoomRules

# Who decides on requests and sees who reserved what and why. Everyone else who may
# reserve sees their own reservations in full and the others' as "taken".
APPROVERS = (Role.ADMIN, Role.HELPDESK, Role.MANAGER)
CHECK_IN_EARLY = timedelta(minutes=15)  # the room may be opened this long before the start


def is_approver(user) -> bool:
    return user.has_role(*APPROVERS)


def may_see_details(user, reservation: Reservation) -> bool:
    return reservation.requester_id == user.id or is_approver(user)


# --- the rules of one range ---------------------------------------------------------

def blackouts_between(room_ids, start: datetime, end: datetime) -> list[Blackout]:
    return list(db.session.scalars(select(Blackout).where(
        Blackout.room_id.in_(list(room_ids)), Blackout.starts_at < end, Blackout.ends_at > start)
        .order_by(Blackout.starts_at)))


def holding_between(room_ids, start: datetime, end: datetime, now: datetime) -> list[Reservation]:
    """Reservations holding a room for part of [start, end), as people read them now."""
    rows = db.session.scalars(select(Reservation).where(
        Reservation.room_id.in_(list(room_ids)), Reservation.status.in_(ACTIVE_STATUSES),
        Reservation.starts_at < end, Reservation.starts_at > start - rules.LONGEST,
        Reservation.ends_at > start).order_by(Reservation.starts_at))
    return [r for r in rows if r.holds_room(now)]


def check_range(room: Room, start: datetime, end: datetime, now: datetime, calendar: ServiceCalendar,
                room_rules: RoomRules | None = None) -> None:
    """The room's own rules for one range (not the other reservations): raise the first
    that fails."""
    room_rules = room_rules or RoomRules.of(room)
    if not room.active:
        raise RoomUnavailableError()
    if (start >= end or not rules.on_grid(start, calendar) or not rules.on_grid(end, calendar)
            or calendar.local_day(start) != calendar.local_day(end - timedelta(microseconds=1))):
        raise OffGridError()
    day = calendar.local_day(start)
    reason = rules.closed_reason(calendar, room_rules, day)
    if reason is not None:
        raise ClosedDayError(str(reason))
    hours = rules.open_hours(calendar, room_rules, day)
    if hours is None:
        raise ClosedDayError("")
    if start < hours[0] or end > hours[1]:
        raise OutsideHoursError(hours)
    if start < now + room_rules.min_notice:
        raise TooSoonError()
    if day > calendar.local_day(now) + timedelta(days=room_rules.max_advance_days):
        raise TooFarError()


def check_people(room: Room, attendees: int) -> None:
    if room.seats and attendees > room.seats:
        raise TooManyPeopleError(room.seats)


def plan(room: Room, start: datetime, end: datetime, now: datetime, *, frequency: str | None = None,
         until: date | None = None, calendar: ServiceCalendar | None = None) -> list[Occurrence]:
    """Every occurrence of a request with what stands in its way, if anything: a closed
    day, the room's rules, a blackout, another reservation. Two queries, whatever the
    number of occurrences."""
    calendar = calendar or load_calendar()
    room_rules = RoomRules.of(room)
    wanted = rules.expand(start, end, frequency, until, calendar,
                          skip=lambda day: rules.weekend_skipped(frequency, calendar, room_rules, day))
    span = (wanted[0][0], wanted[-1][1])
    blackouts = blackouts_between([room.id], *span)
    taken = holding_between([room.id], *span, now)
    occurrences = []
    for s, e in wanted:
        occurrence = Occurrence(s, e)
        try:
            check_range(room, s, e, now, calendar, room_rules)
            blackout = next((b for b in blackouts if rules.overlaps(s, e, b.starts_at, b.ends_at)), None)
            if blackout is not None:
                raise BlackoutError(blackout)
            other = next((r for r in taken if rules.overlaps(s, e, r.starts_at, r.ends_at)), None)
            if other is not None:
                raise ConflictError(other)
        except ReservationError as problem:
            occurrence.problem = problem
        occurrences.append(occurrence)
    last_day = calendar.local_day(wanted[-1][0])
    step = timedelta(days=1 if frequency == "daily" else 7)
    if len(wanted) == rules.MAX_OCCURRENCES and until is not None and last_day + step <= until:
        # The rest is not silently dropped: the requester reads where the request stops.
        following = (wanted[-1][0] + step, wanted[-1][1] + step)
        occurrences.append(Occurrence(*following, problem=TooManyOccurrencesError(rules.MAX_OCCURRENCES)))
    return occurrences


# --- writing --------------------------------------------------------------------------

def release_overdue(now: datetime) -> int:
    """Record what time has already decided: approved or pending reservations not checked
    in within the grace period are released (the room is free again: no-shows must not
    keep it blocked), checked-in ones past their end are completed. Run by every room
    write and by `flask release-rooms`; pages show the same rule through
    Reservation.shown_status. Logged as the system's doing."""
    rows = db.session.scalars(select(Reservation).where(
        (Reservation.status.in_((REQUESTED, APPROVED)) & (Reservation.release_after <= now))
        | ((Reservation.status == CHECKED_IN) & (Reservation.ends_at <= now)))
        # Wait for a row another request is changing (never skip it: a skipped overdue row
        # would still hold the room in the database), in one order, so sweeps never deadlock.
        .order_by(Reservation.id).with_for_update(of=Reservation)).all()
    if rows:
        db.session.flush()  # the caller's own changes are not the system's
        with acting_as(SYSTEM):
            for reservation in rows:
                reservation.status = RELEASED if reservation.status != CHECKED_IN else COMPLETED
                reservation.finished_at = min(now, reservation.ends_at) \
                    if reservation.status == COMPLETED else reservation.release_after
            db.session.flush()
    return len(rows)


def conflicting(room_id: int, start: datetime, end: datetime, now: datetime,
                except_id: int | None = None) -> Reservation | None:
    return next((r for r in holding_between([room_id], start, end, now) if r.id != except_id), None)


def _last_asked(occurrences: list[Occurrence]) -> Occurrence:
    return [o for o in occurrences if not isinstance(o.problem, TooManyOccurrencesError)][-1]


def calendar_day_of(at: datetime) -> date:
    return load_calendar().local_day(at)


def lock_room(room_id: int) -> None:
    """Reservations of one room are written one transaction at a time. On PostgreSQL
    two transactions inserting overlapping ranges at the same instant would each wait
    for the other inside the exclusion check, and the deadlock detector would abort one
    (SQLSTATE 40P01, not the overlap's 23P01; execIndexing.c, "exclusion constraints").
    Holding the room row first makes the second wait for the first's commit and then
    meet the plain overlap error. SQLite drops FOR UPDATE: its write lock is held."""
    # FOR NO KEY UPDATE: other rooms' and other tables' foreign-key checks are not held up.
    db.session.execute(select(Room.id).where(Room.id == room_id).with_for_update(key_share=True))


def _insert(reservation: Reservation, now: datetime) -> None:
    """Store one occurrence, or raise ConflictError naming the reservation in the way."""
    lock_room(reservation.room_id)
    try:
        with db.session.begin_nested():
            db.session.add(reservation)
    except IntegrityError as error:
        other = conflicting(reservation.room_id, reservation.starts_at, reservation.ends_at, now)
        if other is None:  # a row the database still holds active: name it all the same
            other = db.session.scalar(select(Reservation).where(
                Reservation.room_id == reservation.room_id, Reservation.status.in_(ACTIVE_STATUSES),
                Reservation.starts_at < reservation.ends_at, Reservation.ends_at > reservation.starts_at))
        if other is None:
            raise  # not an overlap: a bug, let the error handler say so
        raise ConflictError(other) from error


def reserve(room: Room, requester, *, start: datetime, end: datetime, purpose: str, title: str,
            attendees: int, note: str = "", frequency: str | None = None, until: date | None = None,
            now: datetime) -> tuple[list[Reservation], list[Occurrence]]:
    """Reserve the room for the range, or for each occurrence of a recurring request that
    is free. Returns (stored, refused). A single range that cannot be reserved raises
    its problem; a series raises only when no occurrence can be reserved."""
    release_overdue(now)
    check_people(room, attendees)
    lock_room(room.id)  # before the plan, so that what it reads is what the inserts meet
    occurrences = plan(room, start, end, now, frequency=frequency, until=until)
    series = None
    if frequency and len(occurrences) > 1:
        series = ReservationSeries(room_id=room.id, requester_id=requester.id, frequency=frequency,
                                   until=min(until, calendar_day_of(_last_asked(occurrences).starts_at)),
                                   created_at=now)
        db.session.add(series)
        db.session.flush()
    approved = not room.needs_approval or is_approver(requester)
    stored = []
    for occurrence in occurrences:
        if not occurrence.ok:
            continue
        reservation = Reservation(
            room_id=room.id, requester_id=requester.id, series_id=series.id if series else None,
            starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
            release_after=min(occurrence.starts_at + timedelta(minutes=room.grace_minutes),
                              occurrence.ends_at),
            purpose=purpose, title=title.strip(), attendees=attendees, note=(note or "").strip(),
            status=APPROVED if approved else REQUESTED, created_at=now,
            decided_at=now if approved else None, approved_at=now if approved else None,
            # An approver's own request is their decision; a room without approval has none.
            decided_by_id=requester.id if approved and room.needs_approval else None)
        try:
            _insert(reservation, now)
        except ConflictError as problem:  # taken between the plan and the insert
            occurrence.problem = problem
            continue
        stored.append(reservation)
    refused = [o for o in occurrences if not o.ok]
    if not stored:
        if len(occurrences) == 1:
            raise refused[0].problem
        raise NothingToReserveError()
    return stored, refused


def lock_current(reservation: Reservation) -> Reservation:
    """Lock the row and re-read it before a state change (two approvers, a double
    click). SQLite drops FOR UPDATE: its write lock is held already."""
    return db.session.scalar(select(Reservation).where(Reservation.id == reservation.id)
                             .with_for_update(of=Reservation).execution_options(populate_existing=True))


def _changing(reservation: Reservation, now: datetime, allowed: tuple[str, ...]) -> Reservation:
    release_overdue(now)
    reservation = lock_current(reservation)
    if reservation.status not in allowed:
        raise WrongStateError()
    return reservation


def approve(reservation: Reservation, staff_id: int, now: datetime) -> Reservation:
    reservation = _changing(reservation, now, (REQUESTED,))
    reservation.status, reservation.decided_by_id = APPROVED, staff_id
    reservation.decided_at = reservation.approved_at = now
    return reservation


def reject(reservation: Reservation, staff_id: int, reason: str, now: datetime) -> Reservation:
    """Refuse a request. It is kept, with the reason, in everyone's history."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    reservation = _changing(reservation, now, (REQUESTED,))
    reservation.status, reservation.decided_by_id, reservation.decided_at = REJECTED, staff_id, now
    reservation.rejection_reason = reason.strip()
    return reservation


def series_of(series_id: int) -> list[Reservation]:
    """Every occurrence of a recurring request, in every status."""
    return list(db.session.scalars(select(Reservation).where(Reservation.series_id == series_id)
                                   .order_by(Reservation.starts_at)))


def pending_of_series(series_id: int) -> list[Reservation]:
    return list(db.session.scalars(select(Reservation).where(
        Reservation.series_id == series_id, Reservation.status == REQUESTED).order_by(Reservation.starts_at)))


def decide_series(series_id: int, staff_id: int, now: datetime, *, reason: str | None = None) -> int:
    """Approve (no reason) or reject (with one) every pending occurrence of a series."""
    release_overdue(now)
    count = 0
    for reservation in pending_of_series(series_id):
        if reason is None:
            approve(reservation, staff_id, now)
        else:
            reject(reservation, staff_id, reason, now)
        count += 1
    return count


def can_cancel(reservation: Reservation, user, now: datetime) -> bool:
    return (reservation.shown_status(now) in (REQUESTED, APPROVED) and reservation.ends_at > now
            and may_see_details(user, reservation))


def cancel(reservation: Reservation, now: datetime) -> Reservation:
    reservation = _changing(reservation, now, (REQUESTED, APPROVED))
    if reservation.ends_at <= now:
        raise WrongStateError()  # over: nothing left to give back
    reservation.status, reservation.cancelled_at = CANCELLED, now
    return reservation


def can_check_in(reservation: Reservation, now: datetime) -> bool:
    return (reservation.shown_status(now) == APPROVED
            and reservation.starts_at - CHECK_IN_EARLY <= now < reservation.release_after)


def check_in(reservation: Reservation, user_id: int, now: datetime) -> Reservation:
    """The room is in use: by the requester or the staff who let them in."""
    reservation = _changing(reservation, now, (APPROVED,))
    if not can_check_in(reservation, now):
        raise WrongStateError()
    reservation.status, reservation.checked_in_at, reservation.checked_in_by_id = CHECKED_IN, now, user_id
    return reservation


def complete(reservation: Reservation, now: datetime) -> Reservation:
    """Finished early: the rest of the range is free again (from the next quarter hour)."""
    reservation = _changing(reservation, now, (CHECKED_IN,))
    local = now.astimezone(load_calendar().zone)
    past_mark = timedelta(minutes=local.minute % 15, seconds=local.second, microseconds=local.microsecond)
    next_mark = now - past_mark + (GRID if past_mark else timedelta(0))
    reservation.ends_at = min(reservation.ends_at, max(next_mark, reservation.starts_at + GRID))
    reservation.status, reservation.finished_at = COMPLETED, now
    return reservation


# --- reading ----------------------------------------------------------------------------

def active_rooms() -> list[Room]:
    """In the order of ROOM_KINDS (the bidding room first), then by name."""
    rooms = db.session.scalars(select(Room).where(Room.active))
    return sorted(rooms, key=lambda r: (ROOM_KINDS.index(r.kind), r.name))


def reservations_between(room_ids, start: datetime, end: datetime) -> list[Reservation]:
    """Every reservation (any status) of the rooms touching [start, end)."""
    return list(db.session.scalars(select(Reservation).where(
        Reservation.room_id.in_(list(room_ids)), Reservation.starts_at < end,
        Reservation.starts_at > start - rules.LONGEST, Reservation.ends_at > start)
        .order_by(Reservation.starts_at, Reservation.id)))


def pending_requests() -> list[Reservation]:
    return list(db.session.scalars(select(Reservation).where(Reservation.status == REQUESTED)
                                   .order_by(Reservation.starts_at)))


def pending_count(now: datetime) -> int:
    """Requests waiting for a decision (not yet past their start and grace period)."""
    return db.session.scalar(select(func.count()).select_from(Reservation).where(
        Reservation.status == REQUESTED, Reservation.release_after > now))


def released_since(start: datetime, now: datetime) -> list[Reservation]:
    """Reservations released for want of a check-in since `start`, recorded or not yet."""
    rows = db.session.scalars(select(Reservation).where(
        Reservation.release_after >= start, Reservation.release_after <= now,
        Reservation.approved_at.is_not(None),  # a request nobody decided is no one's no-show
        Reservation.status.in_((APPROVED, RELEASED))).order_by(Reservation.release_after))
    return list(rows)


def requester_reservations(user_id: int, limit: int = 200) -> list[Reservation]:
    return list(db.session.scalars(select(Reservation).where(Reservation.requester_id == user_id)
                                   .order_by(Reservation.starts_at.desc()).limit(limit)))


def upcoming_of(user_id: int, now: datetime) -> list[Reservation]:
    """A requester's reservations not yet over, soonest first (every status: a rejection
    must be seen)."""
    return list(db.session.scalars(select(Reservation).where(
        Reservation.requester_id == user_id, Reservation.starts_at > now - rules.LONGEST,
        Reservation.ends_at > now).order_by(Reservation.starts_at)))


def history_query(user_id: int, now: datetime):
    """A requester's past reservations, latest first, for paging."""
    return select(Reservation).where(Reservation.requester_id == user_id, Reservation.ends_at <= now) \
        .order_by(Reservation.starts_at.desc(), Reservation.id.desc())


def add_blackout(room: Room, start: datetime, end: datetime, reason: str) -> Blackout:
    blackout = Blackout(room_id=room.id, starts_at=start, ends_at=end, reason=reason.strip())
    db.session.add(blackout)
    return blackout


def remove_blackout(blackout: Blackout) -> None:
    db.session.delete(blackout)  # through the ORM: the audit log records it
