"""Counter bookings and the queue.

A `Slot` row is the place counter of one service's time slot: it exists from the first
booking on, and `booked` only ever moves through a guarded UPDATE (RELIABILITY.md), so
the database itself refuses an overbooking (`booked <= capacity`). A `Booking` is one
visit: booked online (with a slot) or a walk-in (no slot), then checked in, called to a
counter, and finished with an outcome, each step time-stamped."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime, utcnow
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService

BOOKED, CHECKED_IN, CALLED, DONE, NO_SHOW, CANCELLED = (
    "booked", "checked_in", "called", "done", "no_show", "cancelled")
STATUSES = (BOOKED, CHECKED_IN, CALLED, DONE, NO_SHOW, CANCELLED)
OPEN_STATUSES = (BOOKED, CHECKED_IN, CALLED)  # a visit still to happen or happening
APPROVED, REJECTED, SERVED = "approved", "rejected", "served"
OUTCOMES = (APPROVED, REJECTED, SERVED)


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Slot(db.Model):
    __tablename__ = "counter_slot"
    __table_args__ = (
        UniqueConstraint("service_id", "starts_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("counter_service.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]  # counters open for the service when last booked
    booked: Mapped[int] = mapped_column(default=0)


class Booking(Audited, db.Model):
    __tablename__ = "counter_booking"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="known_status"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_in(OUTCOMES)})", name="known_outcome"),
        CheckConstraint("is_walk_in OR (slot_id IS NOT NULL AND visitor_id IS NOT NULL)",
                        name="booked_has_slot"),
        UniqueConstraint("service_id", "day", "queue_number"),
        # At most one open booking per visitor and service (DB-enforced, races included).
        Index("uq_counter_booking_open_per_visitor", "visitor_id", "service_id", unique=True,
              sqlite_where=text(f"status IN ({_in(OPEN_STATUSES)})"),
              postgresql_where=text(f"status IN ({_in(OPEN_STATUSES)})")),
        # One visitor at a time at a counter (two staff pressing "call next" together).
        Index("uq_counter_booking_called_per_counter", "counter_id", unique=True,
              sqlite_where=text(f"status = '{CALLED}'"), postgresql_where=text(f"status = '{CALLED}'")),
        Index("ix_counter_booking_day_status", "day", "status"),
        Index("ix_counter_booking_no_show", "status", "no_show_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # on the ticket and its QR code
    service_id: Mapped[int] = mapped_column(ForeignKey("counter_service.id", ondelete="RESTRICT"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("counter_slot.id", ondelete="RESTRICT"))
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    visitor_name: Mapped[str] = mapped_column(String(120), default="")
    is_walk_in: Mapped[bool] = mapped_column(default=False)
    day: Mapped[date]  # the office's local day of the visit
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queue_number: Mapped[int | None]  # given at check-in (booked) or at the desk (walk-in)
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id", ondelete="RESTRICT"))
    served_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    rejection_reason: Mapped[str | None] = mapped_column(String(40))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    documents_checked: Mapped[str] = mapped_column(Text, default="")  # one per line

    service: Mapped[CounterService] = relationship(lazy="joined", innerjoin=True)
    counter: Mapped[Counter | None] = relationship(lazy="joined")
    visitor = relationship("User", foreign_keys=[visitor_id], lazy="joined")

    @property
    def ticket(self) -> str:
        """The number called out and shown on the board: V-007."""
        if self.queue_number is None:
            return ""
        return f"{self.service.code}-{self.queue_number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def shown_status(self, now: datetime) -> str:
        """The status as people should read it now: a booking past its grace period
        is a no-show even before a write has recorded it."""
        if self.status == BOOKED and self.no_show_after and self.no_show_after <= now:
            return NO_SHOW
        return self.status

    @property
    def documents(self) -> list[str]:
        return [d for d in self.documents_checked.splitlines() if d]


class TicketSequence(db.Model):
    """The last queue number given per service and local day (numbers restart daily)."""

    __tablename__ = "counter_ticket_sequence"

    service_id: Mapped[int] = mapped_column(
        ForeignKey("counter_service.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class CounterClosure(Audited, db.Model):
    """A counter closed for one day (staff on leave, equipment broken)."""

    __tablename__ = "counter_closure"
    __table_args__ = (UniqueConstraint("counter_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")

    counter: Mapped[Counter] = relationship(lazy="joined")
