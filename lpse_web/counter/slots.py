"""Slot generation: pure functions of the calendar, a service's rules and the clock.

A slot is `duration` long and lies wholly inside one open interval of the office's
day, so breaks (the Friday prayer) and holidays produce no slots. Days are the office's
local days; instants are UTC."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lpse_web.office.calendar import ServiceCalendar


@dataclass(frozen=True)
class Rules:
    duration: timedelta
    min_notice: timedelta
    max_advance_days: int

    @classmethod
    def of(cls, service) -> "Rules":
        return cls(timedelta(minutes=service.duration_minutes),
                   timedelta(minutes=service.min_notice_minutes), service.max_advance_days)


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime
    ends_at: datetime


def day_slots(calendar: ServiceCalendar, day: date, duration: timedelta) -> list[SlotTime]:
    """Every slot of the day, bookable or not."""
    slots = []
    for opens, closes in calendar.open_intervals(day):
        start = opens
        while start + duration <= closes:
            slots.append(SlotTime(start, start + duration))
            start += duration
    return slots


def last_bookable_day(calendar: ServiceCalendar, rules: Rules, now: datetime) -> date:
    return calendar.local_day(now) + timedelta(days=rules.max_advance_days)


def bookable(calendar: ServiceCalendar, rules: Rules, slot: SlotTime, now: datetime) -> bool:
    """Within the booking window: not sooner than the minimum notice, not further ahead
    than the maximum advance."""
    return (slot.starts_at >= now + rules.min_notice
            and calendar.local_day(slot.starts_at) <= last_bookable_day(calendar, rules, now))


def bookable_slots(calendar: ServiceCalendar, rules: Rules, day: date, now: datetime) -> list[SlotTime]:
    return [s for s in day_slots(calendar, day, rules.duration) if bookable(calendar, rules, s, now)]


def find_slot(calendar: ServiceCalendar, rules: Rules, starts_at: datetime) -> SlotTime | None:
    """The slot starting at `starts_at`, if the calendar really has one (a start typed
    into a URL by hand is not a slot)."""
    for slot in day_slots(calendar, calendar.local_day(starts_at), rules.duration):
        if slot.starts_at == starts_at:
            return slot
    return None
