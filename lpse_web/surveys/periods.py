"""Survey periods: the survey manager plans one ("Triwulan IV 2026"), opens it, closes
it, and publishes its result. Answers go to the open period whose days hold the day of
the service received."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.surveys.models import CLOSED, DRAFT, OPEN, SurveyPeriod

QUARTER_NAMES = ("I", "II", "III", "IV")


class PeriodError(Exception):
    """A change the period rules refuse; `code` names which (surveys/messages.py)."""

    def __init__(self, code: str, other: SurveyPeriod | None = None):
        super().__init__(code)
        self.code, self.other = code, other


@dataclass(frozen=True)
class Quarter:
    name: str
    first: date
    last: date


def quarter_of(day: date) -> Quarter:
    """The calendar quarter holding `day`, named as offices name it: "Triwulan IV 2026"."""
    index = (day.month - 1) // 3
    first = date(day.year, index * 3 + 1, 1)
    last = date(day.year + (index == 3), (index * 3 + 3) % 12 + 1, 1)
    return Quarter(f"Triwulan {QUARTER_NAMES[index]} {day.year}", first,
                   date.fromordinal(last.toordinal() - 1))


def all_periods() -> list[SurveyPeriod]:
    return list(db.session.scalars(select(SurveyPeriod).order_by(SurveyPeriod.starts_on.desc())))


def overlapping(first: date, last: date, except_id: int | None = None) -> SurveyPeriod | None:
    query = select(SurveyPeriod).where(SurveyPeriod.starts_on <= last, SurveyPeriod.ends_on >= first)
    if except_id is not None:
        query = query.where(SurveyPeriod.id != except_id)
    return db.session.scalars(query.limit(1)).first()


def save_period(period: SurveyPeriod | None, *, name: str, first: date, last: date) -> SurveyPeriod:
    """Plan a period or change one; a period with answers keeps its days."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise PeriodError("name_blank")
    if first > last:
        raise PeriodError("order")
    taken = db.session.scalar(select(SurveyPeriod).where(SurveyPeriod.name == name))
    if taken is not None and (period is None or taken.id != period.id):
        raise PeriodError("name", taken)
    other = overlapping(first, last, period.id if period else None)
    if other is not None:
        raise PeriodError("overlap", other)
    if period is not None and (first, last) != (period.starts_on, period.ends_on):
        from lpse_web.surveys.responses import response_count

        if response_count(period.id) and (first > period.starts_on or last < period.ends_on):
            raise PeriodError("has_answers")
    period = period or SurveyPeriod(status=DRAFT)
    period.name, period.starts_on, period.ends_on = name, first, last
    db.session.add(period)
    return period


def open_period(period: SurveyPeriod, now: datetime) -> None:
    if period.status == OPEN:
        return
    period.status, period.opened_at, period.published = OPEN, now, False


def close_period(period: SurveyPeriod, now: datetime) -> None:
    if period.status != OPEN:
        raise PeriodError("not_open")
    period.status, period.closed_at = CLOSED, now


def publish(period: SurveyPeriod, published: bool = True) -> None:
    """Put the closed period's result on the public results page (or take it off)."""
    if published and period.status != CLOSED:
        raise PeriodError("not_closed")
    if published:
        from lpse_web.surveys.responses import response_count

        if not response_count(period.id):  # it would hide the last real result
            raise PeriodError("no_answers")
    period.published = published


def delete_period(period: SurveyPeriod) -> None:
    from lpse_web.surveys.responses import response_count

    if period.status != DRAFT or response_count(period.id):
        raise PeriodError("in_use")
    db.session.delete(period)


def open_period_for(day: date) -> SurveyPeriod | None:
    """The open period that takes answers about a service received on `day`."""
    return db.session.scalars(select(SurveyPeriod).where(
        SurveyPeriod.status == OPEN, SurveyPeriod.starts_on <= day, SurveyPeriod.ends_on >= day)).first()


def closed_period_for(day: date) -> bool:
    return db.session.scalar(select(SurveyPeriod.id).where(
        SurveyPeriod.status == CLOSED, SurveyPeriod.starts_on <= day, SurveyPeriod.ends_on >= day)
        .limit(1)) is not None


def latest_published() -> SurveyPeriod | None:
    return db.session.scalars(select(SurveyPeriod).where(SurveyPeriod.published)
                              .order_by(SurveyPeriod.ends_on.desc()).limit(1)).first()
