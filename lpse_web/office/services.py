"""Office settings, the calendar built from them, and announcements. No request here."""

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, time

from flask import current_app, g
from sqlalchemy import select

from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.calendar import DEFAULT_HOURS, ServiceCalendar
from lpse_web.office.models import (
    TIMEZONES,
    Announcement,
    ClosureDay,
    Counter,
    CounterService,
    Office,
    Room,
    ServiceHours,
)

DEFAULT_COUNTER_SERVICES = (
    ("V", "Verifikasi dokumen penyedia"),
    ("K", "Konsultasi SPSE"),
    ("A", "Aktivasi / reset akun"),
    ("D", "Agregasi Data Penyedia"),
)
# What a visitor brings (DOMAIN.md "Service counter", 001_6ab587347c85cf9e.txt Pasal 26):
# LPSE may not ask for more than this.
VERIFICATION_CHECKLIST_VENDOR = "\n".join((
    "KTP direktur utama / pemilik perusahaan / pejabat yang berwenang (asli dan salinan)",
    "Akta pendirian perusahaan dan akta perubahan terakhir (asli dan salinan)",
    "NPWP perusahaan, atau NPWP pribadi untuk usaha perseorangan (asli dan salinan)",
    "Izin usaha (Surat Izin Usaha / NIB) sesuai bidang usaha (asli dan salinan)",
    "Formulir pendaftaran yang sudah dicetak dan ditandatangani",
    "Formulir keikutsertaan yang sudah dicetak dan ditandatangani",
))
VERIFICATION_CHECKLIST_OFFICIAL = "\n".join((
    "Surat tugas / surat keputusan pengangkatan (asli dan salinan)",
    "KTP (asli)",
    "Formulir pendaftaran yang sudah dicetak dan ditandatangani",
))
ACCOUNT_CHECKLIST = "\n".join((
    "KTP pemohon (asli)",
    "Surat kuasa bila diwakilkan",
))
DEFAULT_SERVICE_RULES = {
    "V": {"duration_minutes": 30, "is_verification": True,
          "checklist_vendor": VERIFICATION_CHECKLIST_VENDOR,
          "checklist_official": VERIFICATION_CHECKLIST_OFFICIAL},
    "K": {"duration_minutes": 30},
    "A": {"duration_minutes": 15, "checklist_vendor": ACCOUNT_CHECKLIST,
          "checklist_official": ACCOUNT_CHECKLIST},
    "D": {"duration_minutes": 30},
}


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


def local_to_utc(naive: datetime) -> datetime:
    """A time typed in the office's zone, as a UTC instant."""
    return naive.replace(tzinfo=load_calendar().zone).astimezone(UTC)


class DuplicateError(ValueError):
    """The same thing exists already (a double click, most likely)."""


def publish_announcement(*, kind: str, title: str, body: str, starts_local: datetime,
                         ends_local: datetime, author_id: int | None) -> Announcement:
    title, starts_at = title.strip(), local_to_utc(starts_local)
    duplicate = select(Announcement.id).where(Announcement.title == title,
                                              Announcement.starts_at == starts_at)
    if db.session.scalar(duplicate):
        raise DuplicateError(title)
    announcement = Announcement(kind=kind, title=title, body=(body or "").strip(), starts_at=starts_at,
                                ends_at=local_to_utc(ends_local), created_by_id=author_id)
    db.session.add(announcement)
    return announcement


def end_announcement(announcement: Announcement) -> None:
    """End it now; one that has not started yet is withdrawn altogether."""
    now = utcnow()
    if announcement.ends_at <= now:
        return
    if announcement.starts_at >= now:
        db.session.delete(announcement)
    else:
        announcement.ends_at = now


def name_taken(model, name: str, except_id: int | None = None) -> bool:
    query = select(model.id).where(model.name == name.strip())
    if except_id:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None


def save_counter(counter: Counter | None, *, name: str, active: bool, service_ids) -> Counter:
    if name_taken(Counter, name, counter.id if counter else None):
        raise DuplicateError(name)
    counter = counter or Counter()
    counter.name, counter.active = name.strip(), active
    counter.services = list(db.session.scalars(
        select(CounterService).where(CounterService.id.in_(service_ids or []))))
    db.session.add(counter)
    return counter


def save_room(room: Room | None, **fields) -> Room:
    if name_taken(Room, fields["name"], room.id if room else None):
        raise DuplicateError(fields["name"])
    room = room or Room()
    for key, value in fields.items():
        setattr(room, key, value.strip() if isinstance(value, str) else value)
    db.session.add(room)
    return room


SERVICE_RULE_FIELDS = ("duration_minutes", "min_notice_minutes", "max_advance_days", "grace_minutes",
                       "is_verification", "checklist_vendor", "checklist_official")


def save_counter_service(service: CounterService | None, *, code: str, name: str,
                         active: bool, **rules) -> CounterService:
    """Save a service; `rules` are any of SERVICE_RULE_FIELDS."""
    code = code.strip().upper()
    clash = select(CounterService.id).where(
        (CounterService.code == code) | (CounterService.name == name.strip()))
    if service is not None:
        clash = clash.where(CounterService.id != service.id)
    if db.session.scalar(clash):
        raise DuplicateError(code)
    service = service or CounterService()
    service.code, service.name, service.active = code, name.strip(), active
    for key, value in rules.items():
        if key not in SERVICE_RULE_FIELDS:
            raise TypeError(key)
        setattr(service, key, value.strip() if isinstance(value, str) else value)
    db.session.add(service)
    return service
