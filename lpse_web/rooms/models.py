"""Room reservations, their recurring series, blackout periods and calendar-feed keys.

Two active reservations of one room never overlap: the database refuses it, on
PostgreSQL with an exclusion constraint over `tstzrange(starts_at, ends_at, '[)')`
(btree_gist), on SQLite with BEFORE INSERT/UPDATE triggers that run under SQLite's
single write lock (migration 20261201_rooms). Ranges are half-open everywhere:
10.00-11.00 and 11.00-12.00 do not clash."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime, utcnow
from lpse_web.extensions import db
from lpse_web.office.models import Room

REQUESTED, APPROVED, REJECTED, CHECKED_IN, COMPLETED, CANCELLED, RELEASED = (
    "requested", "approved", "rejected", "checked_in", "completed", "cancelled", "released")
STATUSES = (REQUESTED, APPROVED, REJECTED, CHECKED_IN, COMPLETED, CANCELLED, RELEASED)
# The statuses that hold the room. A pending request holds it too (first come, first
# served, as in MRBS): approving it can then never create an overlap. Rejected, cancelled
# and released reservations are kept, and free the room.
ACTIVE_STATUSES = (REQUESTED, APPROVED, CHECKED_IN, COMPLETED)

BID_SUBMISSION, TRAINING, VERIFICATION, MEETING, OTHER = (
    "bid_submission", "training", "verification", "meeting", "other")
PURPOSES = (BID_SUBMISSION, TRAINING, VERIFICATION, MEETING, OTHER)
DAILY, WEEKLY = "daily", "weekly"
FREQUENCIES = (DAILY, WEEKLY)


def sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class ReservationSeries(Audited, db.Model):
    """A recurring request: its occurrences are reservations of their own (each can be
    cancelled or checked in alone); the series remembers how they were asked for."""

    __tablename__ = "room_reservation_series"
    __table_args__ = (CheckConstraint(f"frequency IN ({sql_list(FREQUENCIES)})", name="known_frequency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    frequency: Mapped[str] = mapped_column(String(10))
    until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reservation(Audited, db.Model):
    __tablename__ = "room_reservation"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="known_status"),
        CheckConstraint(f"purpose IN ({sql_list(PURPOSES)})", name="known_purpose"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint("attendees >= 1", name="someone_attends"),
        Index("ix_room_reservation_room_time", "room_id", "starts_at", "ends_at"),
        Index("ix_room_reservation_status_release", "status", "release_after"),
        Index("ix_room_reservation_requester", "requester_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="RESTRICT"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("room_reservation_series.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # start + the room's grace period: not checked in by then, the room is released.
    release_after: Mapped[datetime] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))  # the package name for a bid submission
    attendees: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=REQUESTED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str] = mapped_column(String(300), default="")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # completed or released
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)
    requester = relationship("User", foreign_keys=[requester_id], lazy="joined", innerjoin=True)
    series: Mapped[ReservationSeries | None] = relationship(lazy="select")

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def shown_status(self, now: datetime) -> str:
        """The status as people should read it now: overdue reservations are released and
        finished ones completed even before a write has recorded it (a GET never writes)."""
        if self.status in (REQUESTED, APPROVED) and self.release_after <= now:
            return RELEASED
        if self.status == CHECKED_IN and self.ends_at <= now:
            return COMPLETED
        return self.status

    def holds_room(self, now: datetime) -> bool:
        return self.shown_status(now) in ACTIVE_STATUSES


class Blackout(Audited, db.Model):
    """A period a room cannot be reserved: maintenance, exam days."""

    __tablename__ = "room_blackout"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
                      Index("ix_room_blackout_room_time", "room_id", "starts_at", "ends_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200))

    room: Mapped[Room] = relationship(lazy="joined", innerjoin=True)


class FeedKey(Audited, db.Model):
    """The secret in a person's calendar-feed URLs (a calendar app cannot sign in).
    Only its hash is stored; making a new one ends the old links."""

    __tablename__ = "room_feed_key"
    __audit_secret__ = ("key_hash",)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
