"""The counter report: per service and per counter, for a day, week or month (and per
month, for the quarterly report).

Counts come from one query of the period's visits. Waiting time is check-in -> called,
service time is called -> finished; the 90th percentile is the nearest-rank one (the
smallest time that at least 90 % of visits did not exceed)."""

import math
import statistics
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lpse_web.counter.models import APPROVED, BOOKED, CANCELLED, DONE, NO_SHOW, REJECTED, Booking
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService

PERIODS = ("day", "week", "month")


def period_range(period: str, anchor: date) -> tuple[date, date]:
    if period == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return first, first + timedelta(days=6)
    if period == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return anchor, anchor


def nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass
class Stats:
    name: str
    booked: int = 0  # booked online (cancelled ones included)
    walk_ins: int = 0
    done: int = 0
    no_shows: int = 0
    cancelled: int = 0
    approved: int = 0
    rejected: int = 0
    waits: list[float] = field(default_factory=list, repr=False)  # minutes
    services: list[float] = field(default_factory=list, repr=False)

    @property
    def wait_median(self):
        return statistics.median(self.waits) if self.waits else None

    @property
    def wait_p90(self):
        return nearest_rank(self.waits, 0.9)

    @property
    def service_median(self):
        return statistics.median(self.services) if self.services else None

    @property
    def service_p90(self):
        return nearest_rank(self.services, 0.9)

    def count(self, walk_in: bool, state: str, outcome: str | None, wait: float | None,
              service: float | None) -> None:
        """One visit, already classified by `classify` (a visit counts in several Stats:
        the total, its service, its month, its counter; it is classified once)."""
        if walk_in:
            self.walk_ins += 1
        else:
            self.booked += 1
        if state == CANCELLED:
            self.cancelled += 1
        elif state == NO_SHOW:
            self.no_shows += 1
        elif state == DONE:
            self.done += 1
            if outcome == APPROVED:
                self.approved += 1
            elif outcome == REJECTED:
                self.rejected += 1
        if wait is not None:
            self.waits.append(wait)
        if service is not None:
            self.services.append(service)


def classify(status, no_show_after, checked_in_at, called_at, finished_at, now: datetime):
    """(state, waiting minutes, service minutes) of one booking: a booking still "booked"
    after its no-show time is a no-show; the times are None where a step is missing."""
    state = NO_SHOW if status == BOOKED and no_show_after and no_show_after <= now else status
    wait = (called_at - checked_in_at).total_seconds() / 60 if checked_in_at and called_at else None
    service = ((finished_at - called_at).total_seconds() / 60
               if called_at and finished_at and status == DONE else None)
    return state, wait, service


@dataclass
class CounterReport:
    first: date
    last: date
    total: Stats
    by_service: list[Stats]
    by_counter: list[Stats]
    reasons: list[tuple[str, int]]  # rejection reason codes, most frequent first
    by_service_id: dict[int, Stats] = field(default_factory=dict)  # the same Stats as by_service
    by_month: dict[str, Stats] = field(default_factory=dict)  # "2026-01" -> Stats (the quarterly report)


def counter_report(first: date, last: date, now: datetime) -> CounterReport:
    service_names = dict(db.session.execute(select(CounterService.id, CounterService.name)).all())
    counter_names = dict(db.session.execute(select(Counter.id, Counter.name)).all())
    rows = db.session.execute(select(
        Booking.service_id, Booking.counter_id, Booking.is_walk_in, Booking.status, Booking.no_show_after,
        Booking.outcome, Booking.rejection_reason, Booking.checked_in_at, Booking.called_at,
        Booking.finished_at, Booking.day,
    ).where(Booking.day.between(first, last)))
    total = Stats("")
    by_service: dict[int, Stats] = {}
    by_counter: dict[int, Stats] = {}
    by_month: dict[str, Stats] = {}
    reasons: Tally = Tally()
    months: dict[date, str] = {}  # a day's month key, worked out once per day
    # Rows unpacked as tuples and classified once: two years of a busy office are a few
    # hundred thousand rows, and attribute access per row and per Stats was most of the time.
    for (service_id, counter_id, walk_in, status, no_show_after, outcome, reason, checked_in_at, called_at,
         finished_at, day) in rows:
        state, wait, service = classify(status, no_show_after, checked_in_at, called_at, finished_at, now)
        visit = (walk_in, state, outcome, wait, service)
        total.count(*visit)
        line = by_service.get(service_id)
        if line is None:
            line = by_service[service_id] = Stats(service_names.get(service_id, "?"))
        line.count(*visit)
        month = months.get(day)
        if month is None:
            month = months[day] = f"{day.year:04d}-{day.month:02d}"
        (by_month.get(month) or by_month.setdefault(month, Stats(month))).count(*visit)
        if counter_id is not None:
            desk = by_counter.get(counter_id)
            if desk is None:
                desk = by_counter[counter_id] = Stats(counter_names.get(counter_id, "?"))
            desk.count(*visit)
        if outcome == REJECTED and reason:
            reasons[reason] += 1
    return CounterReport(first, last, total, sorted(by_service.values(), key=lambda s: s.name),
                         sorted(by_counter.values(), key=lambda s: s.name), reasons.most_common(),
                         by_service, by_month)


def served_by_service(first: date, last: date) -> dict[int, int]:
    """Finished visits per service id over local days first..last (one grouped query):
    the people served, the survey's population N."""
    rows = db.session.execute(
        select(Booking.service_id, func.count()).where(
            Booking.status == DONE, Booking.day >= first, Booking.day <= last)
        .group_by(Booking.service_id))
    return {service_id: count for service_id, count in rows}
