"""The dashboard's figures, request-free: each panel's numbers from one or two grouped
queries, so a panel costs the same few statements on a quiet day and a busy one.

The rules stay in their modules (a booking's no-show time, a reservation's release time,
the survey's index and sample size, the registers' alerts); this module only counts them
for one moment `now`."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select

from lpse_web.counter.models import BOOKED, CALLED, CANCELLED, CHECKED_IN, DONE, NO_SHOW, Booking
from lpse_web.extensions import db
from lpse_web.office.models import CounterService
from lpse_web.rooms import models as rooms
from lpse_web.rooms.models import Reservation
from lpse_web.surveys.index import Index, krejcie_morgan
from lpse_web.surveys.models import NEW, OPEN, SurveyPeriod
from lpse_web.surveys.report import period_index, served_in
from lpse_web.surveys.suggestions import status_counts


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- Loket hari ini ------------------------------------------------------------------------

@dataclass
class CounterLine:
    """One service's visits of the day (cancelled ones left out)."""

    name: str
    booked: int = 0  # appointments made in advance
    walk_ins: int = 0
    arrived: int = 0  # checked in at some point (walk-ins at once)
    waiting: int = 0  # checked in, not yet called
    serving: int = 0  # called to a counter
    served: int = 0  # finished
    no_shows: int = 0  # so far: recorded, or booked and past the grace period


FIGURES = ("booked", "walk_ins", "arrived", "waiting", "serving", "served", "no_shows")


@dataclass
class CounterToday:
    day: date
    lines: list[CounterLine]

    @property
    def total(self) -> CounterLine:
        line = CounterLine("")
        for name in FIGURES:
            setattr(line, name, sum(getattr(one, name) for one in self.lines))
        return line


def counter_today(day: date, now: datetime) -> CounterToday:
    """The day's visits per service, in one grouped query. A booking past its grace
    period counts as a no-show before a write records it (Booking.shown_status)."""
    status = Booking.status
    late = and_(status == BOOKED, Booking.no_show_after <= now)
    rows = db.session.execute(
        select(CounterService.name, _count(~Booking.is_walk_in), _count(Booking.is_walk_in),
               _count(Booking.checked_in_at.is_not(None)), _count(status == CHECKED_IN),
               _count(status == CALLED), _count(status == DONE), _count(or_(status == NO_SHOW, late)))
        .join(CounterService, CounterService.id == Booking.service_id)
        .where(Booking.day == day, status != CANCELLED)
        .group_by(CounterService.id, CounterService.name).order_by(CounterService.name))
    return CounterToday(day, [CounterLine(row[0], *(int(n) for n in row[1:])) for row in rows])


# --- Ruang ---------------------------------------------------------------------------------

@dataclass
class RoomsGlance:
    upcoming: list[Reservation]  # the next few, soonest first
    pending: int | None = None  # requests to decide (approvers only)
    awaiting: list[Reservation] = field(default_factory=list)  # started, not checked in, not yet released
    released_today: int | None = None  # approved, never checked in, released since midnight


def _holding(now: datetime):
    """Reservations not over and not released for want of a check-in, as shown now
    (Reservation.shown_status: a write may not have recorded it yet)."""
    return and_(Reservation.ends_at > now, or_(
        Reservation.status == rooms.CHECKED_IN,
        and_(Reservation.status.in_((rooms.REQUESTED, rooms.APPROVED)), Reservation.release_after > now)))


def rooms_glance(now: datetime, day_start: datetime, *, approver: bool, limit: int = 6) -> RoomsGlance:
    """The next reservations for every staff member; for approvers also the requests to
    decide, the approved ones whose start has passed without a check-in (the room is
    released at `release_after`), and how many were released so today."""
    upcoming = list(db.session.scalars(select(Reservation).where(_holding(now))
                                       .order_by(Reservation.starts_at, Reservation.id).limit(limit)))
    glance = RoomsGlance(upcoming)
    if not approver:
        return glance
    glance.pending, glance.released_today = db.session.execute(select(
        _count(and_(Reservation.status == rooms.REQUESTED, Reservation.release_after > now)),
        # As rooms.services.released_since: a request nobody decided is no one's no-show.
        _count(and_(Reservation.status.in_((rooms.APPROVED, rooms.RELEASED)),
                    Reservation.approved_at.is_not(None), Reservation.release_after >= day_start,
                    Reservation.release_after <= now)))
        .select_from(Reservation)).one()
    glance.awaiting = list(db.session.scalars(select(Reservation).where(
        Reservation.status == rooms.APPROVED, Reservation.starts_at <= now, Reservation.release_after > now)
        .order_by(Reservation.release_after, Reservation.id).limit(limit)))
    glance.pending, glance.released_today = int(glance.pending), int(glance.released_today)
    return glance


# --- Survei --------------------------------------------------------------------------------

@dataclass
class SurveyGlance:
    period: SurveyPeriod | None = None  # the open period of today (or the latest open one)
    index: Index | None = None
    served: int = 0  # N so far: people served in the period's days until now
    new_suggestions: int | None = None  # suggestion handlers only

    @property
    def sample(self) -> int:
        return krejcie_morgan(self.served)


def current_period(today: date) -> SurveyPeriod | None:
    """The open period whose days include today, else the open one starting last."""
    periods = list(db.session.scalars(select(SurveyPeriod).where(SurveyPeriod.status == OPEN)
                                      .order_by(SurveyPeriod.starts_on.desc())))
    return next((p for p in periods if p.starts_on <= today <= p.ends_on), periods[0] if periods else None)


def survey_glance(today: date, *, reader: bool, handler: bool) -> SurveyGlance:
    glance = SurveyGlance()
    if reader:
        glance.period = current_period(today)
        if glance.period is not None:
            glance.index = period_index(glance.period.id)
            glance.served = sum(served_in(glance.period).values())
    if handler:
        glance.new_suggestions = status_counts(None)[NEW]
    return glance


def day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of a local day, as aware instants."""
    start = datetime.combine(day, time(0), zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), zone)
