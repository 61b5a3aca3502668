"""A report's period: a calendar quarter ("Triwulan I 2026") or a custom range of days
(a special report). Days are the office's days: the instants that bound a period are
midnight in the office's zone, so an event at 23.30 WITA on 31 March lies in Q1 and one
at 00.10 WITA on 1 April in Q2, whatever UTC says."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUARTER_NAMES = ("I", "II", "III", "IV")
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")
MAX_DAYS = 3 * 366  # a special report covers at most three years


class PeriodError(ValueError):
    """A period the report refuses; `code` names which (views.MESSAGES)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Month:
    first: date
    last: date  # the month's last day inside the period

    @property
    def name(self) -> str:
        return f"{MONTH_NAMES[self.first.month - 1]} {self.first.year}"

    @property
    def key(self) -> str:  # "2026-01"
        return f"{self.first.year:04d}-{self.first.month:02d}"


@dataclass(frozen=True)
class ReportPeriod:
    first: date
    last: date  # inclusive
    quarter: int | None = None  # 1..4 for a quarter, None for a custom range

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def name(self) -> str:
        if self.quarter:
            return f"Triwulan {QUARTER_NAMES[self.quarter - 1]} {self.first.year}"
        return f"{day_name(self.first)} – {day_name(self.last)}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: midnight of the first day and of the day after
        the last, in the office's zone. Compare timestamps with `>= start` and `< end`."""
        start = datetime.combine(self.first, time(0), zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), zone)
        return start, end

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last

    def months(self) -> list[Month]:
        """The calendar months the period touches, each cut to the period."""
        found, day = [], self.first
        while day <= self.last:
            following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            found.append(Month(day, min(self.last, following - timedelta(days=1))))
            day = following
        return found

    def previous(self) -> "ReportPeriod":
        """What the report compares with: the quarter before, or for a custom range the
        range of the same length just before it."""
        if self.quarter:
            day = self.first - timedelta(days=1)
            return quarter_of(day)
        last = self.first - timedelta(days=1)
        return ReportPeriod(last - timedelta(days=self.days - 1), last)

    def args(self) -> dict:
        """The query arguments that name this period (links, downloads)."""
        if self.quarter:
            return {"tahun": self.first.year, "triwulan": self.quarter}
        return {"dari": self.first.isoformat(), "sampai": self.last.isoformat()}


def day_name(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _check_year(*years: int) -> None:
    """What a user may ask for: 2000..2100. Only the request is checked: a report of 2000
    still compares with 1999 and draws its survey trend from the quarters before it."""
    if not all(2000 <= year <= 2100 for year in years):
        raise PeriodError("year")


def quarter(year: int, number: int) -> ReportPeriod:
    if not 1 <= number <= 4:
        raise PeriodError("quarter")
    first = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return ReportPeriod(first, following - timedelta(days=1), number)


def quarter_of(day: date) -> ReportPeriod:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def custom(first: date, last: date) -> ReportPeriod:
    if first > last:
        raise PeriodError("order")
    _check_year(first.year, last.year)
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError("too_long")
    return ReportPeriod(first, last)


def _day(value: str, code: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise PeriodError(code) from None


def _number(value: str, code: str) -> int:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise PeriodError(code)
    return int(value)


def from_args(args, today: date) -> ReportPeriod:
    """The period a request names: ?dari=&sampai= (a special report), else
    ?tahun=&triwulan=, else the quarter holding `today`."""
    first, last = args.get("dari", ""), args.get("sampai", "")
    if first or last:
        if not (first and last):
            raise PeriodError("range_incomplete")
        return custom(_day(first, "day"), _day(last, "day"))
    year, number = args.get("tahun", ""), args.get("triwulan", "")
    if year or number:
        year = _number(year, "year") if year else today.year
        chosen = quarter(year, _number(number, "quarter") if number else 1)
        _check_year(year)
        return chosen
    return quarter_of(today)
