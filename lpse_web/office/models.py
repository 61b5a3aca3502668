"""The office's own facts (DOMAIN.md "Office facts"): one settings row, weekly service
hours, closure days, counters (loket) with their services, rooms, announcements."""

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime, utcnow
from lpse_web.extensions import db

# WIB / WITA / WIT: the three Indonesian zones, by their IANA names.
TIMEZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
GOVERNMENT_LEVELS = ("provinsi", "kabupaten", "kota")
ROOM_KINDS = ("bidding", "training", "verification", "meeting")
ANNOUNCEMENT_KINDS = ("maintenance", "outage", "info")


class Office(Audited, db.Model):
    """The one row of office settings (id = 1)."""

    __tablename__ = "office"
    __table_args__ = (
        CheckConstraint("timezone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')",
                        name="known_timezone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    government_level: Mapped[str] = mapped_column(String(20), default="provinsi")
    region: Mapped[str] = mapped_column(String(120), default="")  # e.g. Provinsi NTT
    timezone: Mapped[str] = mapped_column(String(32), default="Asia/Makassar")
    national_holidays: Mapped[bool] = mapped_column(default=True)  # incl. cuti bersama


class ServiceHours(Audited, db.Model):
    """One open interval of a weekday (0 = Monday). Gaps between intervals are breaks."""

    __tablename__ = "service_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class ClosureDay(Audited, db.Model):
    """A day the office itself is closed (besides national holidays)."""

    __tablename__ = "closure_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    reason: Mapped[str] = mapped_column(String(200))


class CounterService(Audited, db.Model):
    """A service offered at the counter (verification, consultation, ...) with its own
    slot length and booking rules. The checklists hold one document per line."""

    __tablename__ = "counter_service"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 240", name="duration_range"),
        CheckConstraint("min_notice_minutes >= 0 AND max_advance_days >= 1 AND grace_minutes >= 0",
                        name="rules_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # ticket prefix, e.g. "V"
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    duration_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    min_notice_minutes: Mapped[int] = mapped_column(default=120, server_default="120")
    max_advance_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # A booked visitor not checked in this long after the slot starts is a no-show.
    grace_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    # Verification ends approved (disetujui) or rejected (ditolak); other services "served".
    is_verification: Mapped[bool] = mapped_column(default=False, server_default=false())
    checklist_vendor: Mapped[str] = mapped_column(Text, default="", server_default="")
    checklist_official: Mapped[str] = mapped_column(Text, default="", server_default="")

    def checklist_for(self, *, official: bool) -> list[str]:
        text = self.checklist_official if official else self.checklist_vendor
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


counter_offers = Table(
    "counter_offers",
    db.metadata,
    Column("counter_id", ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("counter_service.id", ondelete="CASCADE"), primary_key=True),
)


class Counter(Audited, db.Model):
    """A loket: a service desk with its number and the services it offers."""

    __tablename__ = "counter"
    __audit_collections__ = {"services": "code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)  # "Loket 1"
    active: Mapped[bool] = mapped_column(default=True)
    services: Mapped[list[CounterService]] = relationship(
        secondary=counter_offers, lazy="selectin", order_by=CounterService.name, active_history=True
    )


class Room(Audited, db.Model):
    """A room the office lends (001_6ab587347c85cf9e.txt Pasal 27): the bidding room, the
    training room, the verification room. Its reservation rules live here; the
    reservations themselves are in lpse_web/rooms."""

    __tablename__ = "room"
    __table_args__ = (
        CheckConstraint("seats >= 0 AND computers >= 0", name="non_negative"),
        CheckConstraint("kind IN ('bidding', 'training', 'verification', 'meeting')",
                        name="known_kind"),
        CheckConstraint("(opens IS NULL AND closes IS NULL) OR opens < closes", name="hours_order"),
        CheckConstraint("min_notice_minutes >= 0 AND max_advance_days >= 1 AND grace_minutes >= 0",
                        name="rules_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int] = mapped_column(default=0)
    computers: Mapped[int] = mapped_column(default=0)
    equipment: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Bookable hours of each open day; both empty: the office's day, first opening to last
    # closing (a training runs through the lunch break, the counter does not).
    opens: Mapped[time | None]
    closes: Mapped[time | None]
    open_weekends: Mapped[bool] = mapped_column(default=False, server_default=false())
    needs_approval: Mapped[bool] = mapped_column(default=True, server_default=true())
    min_notice_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    max_advance_days: Mapped[int] = mapped_column(default=90, server_default="90")
    # An approved reservation not checked in this long after its start is released.
    grace_minutes: Mapped[int] = mapped_column(default=15, server_default="15")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(20))  # image/jpeg, image/png


class Announcement(Audited, db.Model):
    """A maintenance or outage notice, shown on every page while active
    (001_6ab587347c85cf9e.txt Pasal 27 d, Pasal 30 (4))."""

    __tablename__ = "announcement"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        UniqueConstraint("title", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="maintenance")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
