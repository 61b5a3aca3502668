"""The quarterly report: the office, the period and the five sections in the order of
the issue (counter, rooms, satisfaction, assets, risks). Each section's builder reads
the database with no request; `now` is the instant the report is made (a visit still
booked after its no-show time counts as a no-show, as on the counter's pages)."""

from dataclasses import dataclass
from datetime import datetime

from lpse_web.office.models import Office
from lpse_web.office.services import get_office, load_calendar
from lpse_web.reports import assets_section, counter_section, risks_section, rooms_section, survey_section
from lpse_web.reports.periods import ReportPeriod
from lpse_web.reports.tables import Section, Table

BUILDERS = (counter_section.build, rooms_section.build, survey_section.build,
            assets_section.build, risks_section.build)


@dataclass
class QuarterlyReport:
    office: Office
    period: ReportPeriod
    made_at: datetime  # in the office's zone
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)


def build_report(period: ReportPeriod, now: datetime) -> QuarterlyReport:
    calendar = load_calendar()
    sections = [build(period, now, calendar) for build in BUILDERS]
    return QuarterlyReport(get_office(), period, now.astimezone(calendar.zone), sections)
