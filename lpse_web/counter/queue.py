"""The day's queue at the counter (the staff side): walk-in tickets, check-in, calling
the next visitor to a counter, the outcome, no-shows, and the display board.

Every step is time-stamped: waiting time is check-in -> called, service time is
called -> finished. Changes go through the ORM so the audit log records them; on
PostgreSQL the rows are locked (`FOR UPDATE SKIP LOCKED`), on SQLite the write lock
of BEGIN IMMEDIATE serialises the same steps."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defaultload

from lpse_web.auth.models import User
from lpse_web.counter.booking import lock_current, locked, new_code, sweep_no_shows
from lpse_web.counter.models import (
    APPROVED,
    BOOKED,
    CALLED,
    CHECKED_IN,
    DONE,
    NO_SHOW,
    OPEN_STATUSES,
    REJECTED,
    SERVED,
    Booking,
    CounterClosure,
    TicketSequence,
)
from lpse_web.database import upsert_insert
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService

# Why a verification is refused (ditolak). DOMAIN.md: LPSE may not add requirements
# beyond the listed documents, so the reasons are about those documents.
REJECTION_REASONS = {
    "incomplete": _l("Dokumen tidak lengkap"),
    "not_original": _l("Dokumen asli tidak dapat ditunjukkan"),
    "mismatch": _l("Salinan tidak sesuai dengan dokumen asli"),
    "data_mismatch": _l("Data pendaftaran di SPSE tidak sesuai dengan dokumen"),
    "expired": _l("Dokumen sudah tidak berlaku"),
    "not_authorised": _l("Pemohon bukan pihak yang berwenang"),
    "other": _l("Lainnya"),
}


class QueueError(Exception):
    """A queue step that cannot be done now; the view says why."""


class UnknownCodeError(QueueError):
    pass


class NotTodayError(QueueError):
    pass


class WrongStateError(QueueError):
    pass


class CounterBusyError(QueueError):
    """The counter is still serving someone."""


class CounterClosedError(QueueError):
    pass


class NobodyWaitingError(QueueError):
    pass


class OutcomeError(QueueError):
    pass


class RebookedError(QueueError):
    """A late visitor whose missed booking was followed by a new one: use the new code."""


def _next_number(service_id: int, day: date) -> int:
    """The next queue number of the service on that day, from one atomic upsert."""
    statement = upsert_insert(TicketSequence, db.session).values(service_id=service_id, day=day,
                                                                 last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=["service_id", "day"],
        set_={"last_number": TicketSequence.last_number + 1},
    ).returning(TicketSequence.last_number)
    return db.session.execute(statement).scalar_one()


def issue_walk_in(service: CounterService, name: str, day: date, now: datetime) -> Booking:
    """A ticket for someone who came without booking: numbered at once, waiting."""
    sweep_no_shows(now)
    if not service.active:
        raise WrongStateError()
    booking = Booking(code=new_code(), service_id=service.id, visitor_name=(name or "").strip(),
                      is_walk_in=True, day=day, status=CHECKED_IN, created_at=now, checked_in_at=now,
                      queue_number=_next_number(service.id, day))
    db.session.add(booking)
    db.session.flush()
    return booking


def check_in(code: str, day: date, now: datetime) -> Booking:
    """The visitor arrived: typed or scanned booking code. Late arrivals marked as
    no-shows may still be checked in on the same day."""
    sweep_no_shows(now)
    code = (code or "").strip().upper()
    booking = None
    if code:
        booking = db.session.scalar(locked(select(Booking).where(Booking.code == code), skip=False))
    if booking is None:
        raise UnknownCodeError()
    if booking.day != day:
        raise NotTodayError()
    if booking.status not in (BOOKED, NO_SHOW) or booking.is_walk_in:
        raise WrongStateError()
    if booking.status == NO_SHOW and db.session.scalar(select(Booking.id).where(
            Booking.visitor_id == booking.visitor_id, Booking.service_id == booking.service_id,
            Booking.status.in_(OPEN_STATUSES))):
        raise RebookedError()
    booking.status, booking.checked_in_at = CHECKED_IN, now
    # A visitor called earlier and marked absent starts the queue afresh.
    booking.called_at = booking.finished_at = booking.counter_id = booking.served_by_id = None
    booking.queue_number = _next_number(booking.service_id, day)
    db.session.flush()
    return booking


def queue_key(booking: Booking):
    """Serving order: a booked visitor's turn is its slot time (or arrival, if later);
    a walk-in's turn is its arrival."""
    if booking.scheduled_at is None:
        return (booking.checked_in_at, booking.id)
    return (max(booking.scheduled_at, booking.checked_in_at), booking.id)


def closed_counter_ids(day: date) -> set[int]:
    return set(db.session.scalars(select(CounterClosure.counter_id).where(CounterClosure.day == day)))


def open_counters(day: date) -> list[Counter]:
    closed = closed_counter_ids(day)
    return [c for c in db.session.scalars(select(Counter).where(Counter.active).order_by(Counter.name))
            if c.id not in closed]


def call_next(counter: Counter, staff_id: int, day: date, now: datetime, *,
              may_verify: bool = True) -> Booking:
    """Call the first waiting visitor of a service this counter offers (verification
    visitors only when the caller may decide verifications)."""
    sweep_no_shows(now)  # closes yesterday's unfinished visits, which would keep the counter busy
    if not counter.active or counter.id in closed_counter_ids(day):
        raise CounterClosedError()
    if db.session.scalar(select(Booking.id).where(Booking.counter_id == counter.id, Booking.day == day,
                                                  Booking.status == CALLED)):
        raise CounterBusyError()
    service_ids = [s.id for s in counter.services if may_verify or not s.is_verification]
    waiting = db.session.scalars(select(Booking).where(
        Booking.day == day, Booking.status == CHECKED_IN, Booking.service_id.in_(service_ids))).all()
    # Lock only the one taken: another desk calling at the same moment takes the next.
    for candidate in sorted(waiting, key=queue_key):
        booking = db.session.scalar(
            locked(select(Booking).where(Booking.id == candidate.id, Booking.status == CHECKED_IN))
            .execution_options(populate_existing=True))
        if booking is None:
            continue
        booking.status, booking.called_at = CALLED, now
        booking.counter_id, booking.served_by_id = counter.id, staff_id
        try:
            db.session.flush()
        except IntegrityError as error:  # another desk called to this counter at the same moment
            raise CounterBusyError() from error
        return booking
    raise NobodyWaitingError()


def finish(booking: Booking, *, outcome: str, reason: str | None, note: str, documents: list[str],
           staff_id: int, now: datetime) -> None:
    """Record how the visit ended. Verification: approved, or rejected with a reason."""
    booking = lock_current(booking)
    if booking.status != CALLED:
        raise WrongStateError()
    allowed = (APPROVED, REJECTED) if booking.service.is_verification else (SERVED,)
    if outcome not in allowed:
        raise OutcomeError()
    if outcome == REJECTED and reason not in REJECTION_REASONS:
        raise OutcomeError()
    booking.status, booking.finished_at, booking.outcome = DONE, now, outcome
    booking.rejection_reason = reason if outcome == REJECTED else None
    booking.outcome_note = (note or "").strip()
    booking.documents_checked = "\n".join(documents)
    booking.served_by_id = staff_id


def mark_absent(booking: Booking, now: datetime) -> None:
    """Called to the counter but did not come. (A booked visitor who never arrives
    becomes a no-show by the grace-period rule, keeping the place booked till then.)"""
    booking = lock_current(booking)
    if booking.status != CALLED:
        raise WrongStateError()
    booking.status, booking.finished_at = NO_SHOW, now


# --- reading ---------------------------------------------------------------------------

@dataclass
class DayQueue:
    waiting: list[Booking] = field(default_factory=list)  # checked in, in serving order
    expected: list[Booking] = field(default_factory=list)  # booked, not arrived yet
    serving: list[Booking] = field(default_factory=list)  # called to a counter
    finished: list[Booking] = field(default_factory=list)  # done or no-show, latest first


def day_queue(day: date, now: datetime) -> DayQueue:
    """Everyone of the day, in one query."""
    queue = DayQueue()
    # The visitors' names and companies are shown, their roles never: not loaded.
    rows = db.session.scalars(select(Booking).where(Booking.day == day, Booking.status != "cancelled")
                              .options(defaultload(Booking.visitor).lazyload(User.role_rows)))
    for booking in rows:
        status = booking.shown_status(now)
        if status == CHECKED_IN:
            queue.waiting.append(booking)
        elif status == BOOKED:
            queue.expected.append(booking)
        elif status == CALLED:
            queue.serving.append(booking)
        else:
            queue.finished.append(booking)
    queue.waiting.sort(key=queue_key)
    queue.expected.sort(key=lambda b: (b.scheduled_at, b.id))
    queue.serving.sort(key=lambda b: b.counter.name if b.counter else "")
    queue.finished.sort(key=lambda b: (b.finished_at or b.no_show_after or now), reverse=True)
    return queue


@dataclass
class BoardRow:
    counter: str
    ticket: str  # now called here, or ""


@dataclass
class Board:
    rows: list[BoardRow]
    next_tickets: list[str]


def board(day: date, now: datetime, next_count: int = 6) -> Board:
    """The waiting-room display: numbers only, never names."""
    queue = day_queue(day, now)
    called = {b.counter_id: b.ticket for b in queue.serving}
    rows = [BoardRow(c.name, called.get(c.id, "")) for c in open_counters(day)]
    return Board(rows, [b.ticket for b in queue.waiting[:next_count]])
