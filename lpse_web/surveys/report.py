"""The evaluation of a survey period (SKM.md "What the report shows").

Every figure comes from SQL aggregates: one grouped query gives the count and the nine
sums per service, one scan with conditional sums the profile breakdown, one grouped query the
trend over every period. The page's query count does not grow with the responses
(bench/ measures it over 50,000); `surveys/index.py` turns the sums into the index."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, extract, func, select

from lpse_web.counter.report import served_by_service
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.rooms.report import served_between
from lpse_web.surveys.catalogue import ROOMS, SurveyService, counter_key, survey_services
from lpse_web.surveys.index import Index, krejcie_morgan
from lpse_web.surveys.models import (
    AGE_BANDS,
    EDUCATIONS,
    OCCUPATIONS,
    SESSIONS,
    SEXES,
    UNSUR_COLUMNS,
    UNSUR_COUNT,
    SurveyPeriod,
    SurveyResponse,
)
from lpse_web.web.pagination import Page, paginate

# The profile of SKM.md, in the order the report shows it: (column, its values in order).
PROFILE = (("session", SESSIONS), ("sex", SEXES), ("age_band", AGE_BANDS),
           ("education", EDUCATIONS), ("occupation", OCCUPATIONS), ("service_key", None))


def _sums():
    return [func.count(), *(func.coalesce(func.sum(getattr(SurveyResponse, c)), 0) for c in UNSUR_COLUMNS)]


def _index(row) -> Index:
    return Index(int(row[0]), tuple(int(v) for v in row[1:1 + UNSUR_COUNT]))


@dataclass
class ServiceLine:
    service: SurveyService
    index: Index
    served: int  # N: people served in the period (the app's own counter and room records)

    @property
    def sample(self) -> int:  # S: Krejcie & Morgan's minimum for N
        return krejcie_morgan(self.served)

    @property
    def enough(self) -> bool:
        return self.index.respondents >= self.sample


@dataclass
class PeriodReport:
    period: SurveyPeriod
    service_key: str | None  # the report of one service, or of all (None)
    index: Index
    lines: list[ServiceLine]
    profile: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    trend: list[tuple[SurveyPeriod, Index]] = field(default_factory=list)

    @property
    def served(self) -> int:
        lines = [line for line in self.lines if self.service_key in (None, line.service.key)]
        return sum(line.served for line in lines)

    @property
    def sample(self) -> int:
        return krejcie_morgan(self.served)

    @property
    def service_name(self) -> str | None:
        return next((line.service.name for line in self.lines if line.service.key == self.service_key), None)


def _filtered(query, period_id: int | None, service_key: str | None):
    if period_id is not None:
        query = query.where(SurveyResponse.period_id == period_id)
    if service_key:
        query = query.where(SurveyResponse.service_key == service_key)
    return query


def index_by_service(period_id: int) -> dict[str, Index]:
    rows = db.session.execute(select(SurveyResponse.service_key, *_sums())
                              .where(SurveyResponse.period_id == period_id)
                              .group_by(SurveyResponse.service_key))
    return {row[0]: _index(row[1:]) for row in rows}


def combined(indexes) -> Index:
    indexes = list(indexes)
    return Index(sum(i.respondents for i in indexes),
                 tuple(sum(i.sums[n] for i in indexes) for n in range(UNSUR_COUNT)))


def period_index(period_id: int, service_key: str | None = None) -> Index:
    return _index(db.session.execute(_filtered(select(*_sums()), period_id, service_key)).one())


def served_in(period: SurveyPeriod) -> dict[str, int]:
    """N per service key over the period's days, from the counter's and rooms' records."""
    return served_on_days(period.starts_on, period.ends_on, load_calendar().zone)


def served_on_days(first: date, last: date, zone: ZoneInfo) -> dict[str, int]:
    """N per service key over the office days first..last (two queries)."""
    served = {counter_key(service_id): n for service_id, n in served_by_service(first, last).items()}
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    served[ROOMS] = served_between(start, end)
    return served


def index_by_service_on_days(first: date, last: date) -> dict[str, Index]:
    """The index per service of the answers about services received on days first..last,
    whatever survey period holds them (the quarterly report's own period)."""
    rows = db.session.execute(select(SurveyResponse.service_key, *_sums())
                              .where(SurveyResponse.answered_on >= first, SurveyResponse.answered_on <= last)
                              .group_by(SurveyResponse.service_key))
    return {row[0]: _index(row[1:]) for row in rows}


def index_by_month(first: date, last: date) -> dict[tuple[int, int], Index]:
    """{(year, month): index} of the answers about days first..last, in one grouped query
    (a trend over calendar months or the quarters made of them)."""
    year, month = extract("year", SurveyResponse.answered_on), extract("month", SurveyResponse.answered_on)
    rows = db.session.execute(select(year, month, *_sums())
                              .where(SurveyResponse.answered_on >= first, SurveyResponse.answered_on <= last)
                              .group_by(year, month))
    return {(int(row[0]), int(row[1])): _index(row[2:]) for row in rows}


def service_lines(by_service: dict[str, Index], served: dict[str, int],
                  services: list[SurveyService] | None = None) -> list[ServiceLine]:
    """One line per service (`services`: every one, inactive included), in the
    catalogue's order: the active ones, and inactive ones only where they have answers
    or people served."""
    services = survey_services(include_inactive=True) if services is None else services
    active = {s.key for s in survey_services()}
    return [ServiceLine(s, by_service.get(s.key, Index(0, (0,) * UNSUR_COUNT)), served.get(s.key, 0))
            for s in services if s.key in active or s.key in by_service or served.get(s.key)]


def profile_breakdown(period_id: int, service_key: str | None = None) -> dict[str, list[tuple[str, int]]]:
    """Respondents per value of each profile item, in one scan of the period's answers:
    a count per (item, value) as a conditional sum, and the services grouped."""
    fixed = [(column, value) for column, values in PROFILE if values is not None for value in values]
    counts = [func.coalesce(func.sum(case((getattr(SurveyResponse, column) == value, 1), else_=0)), 0)
              for column, value in fixed]
    row = db.session.execute(_filtered(select(*counts), period_id, service_key)).one()
    found = {item: int(n) for item, n in zip(fixed, row, strict=True)}
    services = db.session.execute(_filtered(
        select(SurveyResponse.service_key, func.count()), period_id, service_key)
        .group_by(SurveyResponse.service_key).order_by(SurveyResponse.service_key)).all()
    breakdown = {column: [(value, found[(column, value)]) for value in values]
                 for column, values in PROFILE if values is not None}
    breakdown["service_key"] = [(key, n) for key, n in services]
    return breakdown


def trend(service_key: str | None = None) -> list[tuple[SurveyPeriod, Index]]:
    """Every period that has answers (or is open), oldest first, with its index."""
    sums = {row[0]: _index(row[1:]) for row in db.session.execute(
        _filtered(select(SurveyResponse.period_id, *_sums()), None, service_key)
        .group_by(SurveyResponse.period_id))}
    periods = db.session.scalars(select(SurveyPeriod).order_by(SurveyPeriod.starts_on))
    return [(p, sums.get(p.id, Index(0, (0,) * UNSUR_COUNT))) for p in periods
            if p.id in sums or p.status == "open"]


def period_report(period: SurveyPeriod, service_key: str | None = None) -> PeriodReport:
    by_service = index_by_service(period.id)
    services = survey_services(include_inactive=True)
    lines = service_lines(by_service, served_in(period), services)
    known = {s.key for s in services}
    if service_key not in known:
        service_key = None
    index = by_service.get(service_key, Index(0, (0,) * UNSUR_COUNT)) if service_key \
        else combined(by_service.values())
    return PeriodReport(period, service_key, index, lines,
                        profile=profile_breakdown(period.id, service_key), trend=trend(service_key))


def respondents(period_id: int, service_key: str | None, page, size: int = 50) -> Page:
    """The per-respondent table, one page: responses in the order they are numbered."""
    query = _filtered(select(SurveyResponse), period_id, service_key).order_by(
        SurveyResponse.answered_on, SurveyResponse.session, SurveyResponse.id)
    return paginate(query, page, size)


def all_respondents(period_id: int, service_key: str | None):
    """Every response of the period, streamed in numbering order (the exports)."""
    query = _filtered(select(SurveyResponse), period_id, service_key).order_by(
        SurveyResponse.answered_on, SurveyResponse.session, SurveyResponse.id)
    return db.session.scalars(query.execution_options(yield_per=2000))
