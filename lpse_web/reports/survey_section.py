"""Section of the quarterly report: survey (being written)."""

from datetime import datetime

from lpse_web.office.calendar import ServiceCalendar
from lpse_web.reports.periods import ReportPeriod
from lpse_web.reports.tables import Section


def build(period: ReportPeriod, now: datetime, calendar: ServiceCalendar) -> Section:
    return Section("survey", "survey")
