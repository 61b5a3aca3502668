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

from lpse_web.counter.models import APPROVED, CANCELLED, DONE, REJECTED, Booking
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

    def add(self, row, now: datetime) -> None:
        if row.is_walk_in:
            self.walk_ins += 1
        else:
            self.booked += 1
        if row.status == CANCELLED:
            self.cancelled += 1
        elif row.status == "no_show" or (row.status == "booked" and row.no_show_after
                                         and row.no_show_after <= now):
            self.no_shows += 1
        elif row.status == DONE:
            self.done += 1
            self.approved += row.outcome == APPROVED
            self.rejected += row.outcome == REJECTED
        if row.checked_in_at and row.called_at:
            self.waits.append((row.called_at - row.checked_in_at).total_seconds() / 60)
        if row.called_at and row.finished_at and row.status == DONE:
            self.services.append((row.finished_at - row.called_at).total_seconds() / 60)


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
    for row in rows:
        total.add(row, now)
        by_service.setdefault(row.service_id, Stats(service_names.get(row.service_id, "?"))).add(row, now)
        month = f"{row.day.year:04d}-{row.day.month:02d}"
        by_month.setdefault(month, Stats(month)).add(row, now)
        if row.counter_id is not None:
            by_counter.setdefault(row.counter_id, Stats(counter_names.get(row.counter_id, "?"))).add(row, now)
        if row.outcome == REJECTED and row.rejection_reason:
            reasons[row.rejection_reason] += 1
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
