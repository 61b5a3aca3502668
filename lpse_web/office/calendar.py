"""The service calendar: when is the office open?

Pure functions over a `ServiceCalendar` value, so the rules are tested without a
database. Days are the office's local days; answers are UTC instants, because every
time is stored in UTC (08.00 WIT on Monday is 23.00 UTC on Sunday)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib
from flask_babel import lazy_gettext as _l  # lazy: evaluated when shown, no request needed here

WEEKDAY_NAMES = (_l("Senin"), _l("Selasa"), _l("Rabu"), _l("Kamis"), _l("Jumat"), _l("Sabtu"),
                 _l("Minggu"))
OUTSIDE_SERVICE_DAYS = _l("Di luar hari layanan")

# DOMAIN.md, from 002_4c8a922e36bb6a70.txt (NTT): Mon-Thu 08.00-12.00 and 13.00-16.00,
# Fri 08.00-11.30 and 13.00-16.00 (the longer Friday-prayer break); weekend closed.
DEFAULT_HOURS: dict[int, tuple[tuple[time, time], ...]] = {
    **{d: ((time(8), time(12)), (time(13), time(16))) for d in range(4)},
    4: ((time(8), time(11, 30)), (time(13), time(16))),
}


@cache
def national_holidays(year: int) -> dict[date, str]:
    """Indonesia's national holidays and cuti bersama (joint leave days), in Indonesian."""
    cls = holidays_lib.Indonesia
    return dict(holidays_lib.Indonesia(years=year, language="id",
                                       categories=cls.supported_categories).items())


@dataclass(frozen=True)
class ServiceCalendar:
    timezone: str
    hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=lambda: DEFAULT_HOURS)
    closures: dict[date, str] = field(default_factory=dict)
    use_national_holidays: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def closed_reason(self, day: date) -> str | None:
        """Why the office is closed all day on `day`, or None if it opens."""
        if day in self.closures:
            return self.closures[day]
        if self.use_national_holidays:
            name = national_holidays(day.year).get(day)
            if name:
                return name
        if not self.hours.get(day.weekday()):
            return OUTSIDE_SERVICE_DAYS
        return None

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office's open intervals on local day `day`, as UTC [start, end) pairs."""
        if self.closed_reason(day) is not None:
            return []
        zone = self.zone
        return [
            (datetime.combine(day, opens, zone).astimezone(UTC),
             datetime.combine(day, closes, zone).astimezone(UTC))
            for opens, closes in sorted(self.hours.get(day.weekday(), ()))
        ]

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def is_open(self, at: datetime) -> bool:
        if at.tzinfo is None:
            raise ValueError("is_open needs a timezone-aware datetime")
        return any(start <= at < end for start, end in self.open_intervals(self.local_day(at)))

    def next_open_days(self, start: date, count: int, horizon_days: int = 120) -> list[date]:
        days, day = [], start
        while len(days) < count and day <= start + timedelta(days=horizon_days):
            if self.closed_reason(day) is None:
                days.append(day)
            day += timedelta(days=1)
        return days
