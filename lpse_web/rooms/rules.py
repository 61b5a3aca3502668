"""When a room can be reserved: pure functions over values, tested without a database
(tests/rooms/test_rules.py, with hypothesis).

Times are UTC instants; days are the office's local days. Ranges are half-open
[start, end): a reservation ending at 11.00 and one starting at 11.00 do not clash."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from lpse_web.office.calendar import ServiceCalendar, national_holidays

GRID = timedelta(minutes=15)  # reservations start and end on the quarter hour
# A reservation lies within one local day (check_range): what overlaps a range started
# less than a day before it, which bounds the index scan of the reservation queries.
LONGEST = timedelta(days=1)
MAX_OCCURRENCES = 60  # a recurring request makes at most this many reservations


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open ranges overlap when each starts before the other ends."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class RoomRules:
    opens: time | None = None  # None: the office's day, first opening to last closing
    closes: time | None = None
    open_weekends: bool = False
    min_notice: timedelta = timedelta(minutes=60)
    max_advance_days: int = 90
    grace: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, room) -> "RoomRules":
        return cls(opens=room.opens, closes=room.closes, open_weekends=room.open_weekends,
                   min_notice=timedelta(minutes=room.min_notice_minutes),
                   max_advance_days=room.max_advance_days, grace=timedelta(minutes=room.grace_minutes))


def _office_span(calendar: ServiceCalendar, weekday: int) -> tuple[time, time] | None:
    intervals = calendar.hours.get(weekday) or ()
    if intervals:
        return min(a for a, _ in intervals), max(b for _, b in intervals)
    every = [iv for day in calendar.hours.values() for iv in day]  # a weekend opened for rooms
    return (min(a for a, _ in every), max(b for _, b in every)) if every else None


def closed_reason(calendar: ServiceCalendar, rules: RoomRules, day: date) -> str | None:
    """Why the room cannot be reserved at all on `day` (holiday, closure day, a day the
    office does not open), or None."""
    reason = calendar.closed_reason(day)
    if reason is None:
        return None
    weekend = day.weekday() >= 5
    if weekend and rules.open_weekends and day not in calendar.closures:
        return national_holidays(day.year).get(day) if calendar.use_national_holidays else None
    return reason


def open_hours(calendar: ServiceCalendar, rules: RoomRules, day: date) -> tuple[datetime, datetime] | None:
    """The room's bookable range on local day `day`, as UTC instants, or None."""
    if closed_reason(calendar, rules, day) is not None:
        return None
    own = (rules.opens, rules.closes) if rules.opens and rules.closes else None
    span = own or _office_span(calendar, day.weekday())
    if span is None:
        return None
    zone = calendar.zone
    return (datetime.combine(day, span[0], zone).astimezone(UTC),
            datetime.combine(day, span[1], zone).astimezone(UTC))


def on_grid(at: datetime, calendar: ServiceCalendar) -> bool:
    local = at.astimezone(calendar.zone)
    return local.second == 0 and local.microsecond == 0 and local.minute % 15 == 0


def expand(first_start: datetime, first_end: datetime, frequency: str | None, until: date | None,
           calendar: ServiceCalendar, skip=None) -> list[tuple[datetime, datetime]]:
    """The occurrences of a request: the first one, then every day or every week at the
    same local wall-clock time up to and including `until` (a daylight-saving change
    never moves them; Indonesia has none, but the arithmetic is done in local time).
    Days the room is closed are not skipped here: `plan()` reports them, so the
    requester sees why an occurrence is missing; `skip(day)` names the days passed over
    without a word (they do not count towards MAX_OCCURRENCES)."""
    zone = calendar.zone
    local_start, local_end = first_start.astimezone(zone), first_end.astimezone(zone)
    if not frequency or until is None:
        return [(first_start, first_end)]
    step = timedelta(days=1 if frequency == "daily" else 7)
    occurrences, day = [(first_start, first_end)], local_start.date() + step
    while day <= until and len(occurrences) < MAX_OCCURRENCES:
        if skip is not None and skip(day):
            day += step
            continue
        start = datetime.combine(day, local_start.timetz().replace(tzinfo=None), zone)
        end = start + (local_end - local_start)
        occurrences.append((start.astimezone(UTC), end.astimezone(UTC)))
        day += step
    return occurrences


def weekend_skipped(frequency: str | None, calendar: ServiceCalendar, rules: RoomRules, day: date) -> bool:
    """A daily series simply passes over the weekdays the room never opens (the weekend):
    nobody needs to read about those. Holidays and closure days are listed, with why."""
    never_opens = not calendar.hours.get(day.weekday()) and not (day.weekday() >= 5 and rules.open_weekends)
    return frequency == "daily" and never_opens
