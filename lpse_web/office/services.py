"""Office settings, the calendar built from them, and announcements. No request here."""

import itertools
from collections import defaultdict
from datetime import date, datetime, time

from flask import current_app, g
from sqlalchemy import select

from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.calendar import DEFAULT_HOURS, ServiceCalendar
from lpse_web.office.models import TIMEZONES, Announcement, ClosureDay, Office, ServiceHours

DEFAULT_COUNTER_SERVICES = (
    ("V", "Verifikasi dokumen penyedia"),
    ("K", "Konsultasi SPSE"),
    ("A", "Aktivasi / reset akun"),
    ("D", "Agregasi Data Penyedia"),
)


def get_office() -> Office:
    """The settings row. Before an administrator saves it, a default that is not stored
    (a read must never write); saving it adds it."""
    # Held for the app context (one request): the session only keeps a weak reference,
    # and the layout, the calendar and the view all ask for it.
    office = g.get("lpse_office")
    if office is not None and office in db.session:
        return office
    office = g.lpse_office = db.session.get(Office, 1)
    if office is None:
        office = Office(id=1, name="LPSE", address="", government_level="provinsi", region="",
                        timezone=current_app.config["LPSE_TIMEZONE"], national_holidays=True)
    return office


def zone_label(timezone: str) -> str:
    return TIMEZONES.get(timezone, timezone)


def weekly_hours() -> dict[int, tuple[tuple[time, time], ...]]:
    rows = db.session.scalars(select(ServiceHours).order_by(ServiceHours.weekday, ServiceHours.opens))
    hours: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for row in rows:
        hours[row.weekday].append((row.opens, row.closes))
    return {d: tuple(v) for d, v in hours.items()}


def set_weekly_hours(hours: dict[int, list[tuple[time, time]]]) -> None:
    """Replace the weekly hours. Intervals of one day must not overlap."""
    for intervals in hours.values():
        ordered = sorted(intervals)
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ValueError("overlapping intervals")
    for row in db.session.scalars(select(ServiceHours)):
        db.session.delete(row)
    db.session.flush()
    for weekday, intervals in sorted(hours.items()):
        for opens, closes in sorted(intervals):
            db.session.add(ServiceHours(weekday=weekday, opens=opens, closes=closes))


def install_default_hours() -> None:
    if db.session.scalar(select(ServiceHours.id).limit(1)) is None:
        set_weekly_hours({d: list(v) for d, v in DEFAULT_HOURS.items()})


def load_calendar() -> ServiceCalendar:
    office = get_office()
    closures = {c.day: c.reason for c in db.session.scalars(select(ClosureDay))}
    return ServiceCalendar(
        timezone=office.timezone,
        hours=weekly_hours(),
        closures=closures,
        use_national_holidays=office.national_holidays,
    )


def add_closure_day(day: date, reason: str) -> ClosureDay:
    closure = ClosureDay(day=day, reason=reason)
    db.session.add(closure)
    return closure


def remove_closure_day(closure_id: int) -> None:
    closure = db.session.get(ClosureDay, closure_id)
    if closure is not None:
        db.session.delete(closure)  # through the ORM, so the audit log records it


def active_announcements(at: datetime | None = None) -> list[Announcement]:
    at = at or utcnow()
    return list(db.session.scalars(
        select(Announcement)
        .where(Announcement.starts_at <= at, Announcement.ends_at > at)
        .order_by(Announcement.starts_at)
    ))
