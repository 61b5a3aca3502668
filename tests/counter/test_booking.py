"""The booking rules, called directly (no request)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter.models import Booking, CounterClosure, Slot
from lpse_web.extensions import db
from lpse_web.office.models import CounterService
from tests.counter.conftest import NOW, at


def _service(code):
    return db.session.scalar(select(CounterService).where(CounterService.code == code))


def _vendor(make_user):
    # make_user writes in its own session: end ours first (SQLite has one writer).
    db.session.commit()
    return db.session.get(User, make_user(Role.VENDOR).id)


def _booked(starts_at):
    return db.session.scalar(select(Slot.booked).where(Slot.starts_at == starts_at)) or 0


def test_the_days_last_slot_can_be_booked(ctx, office, make_user):
    booking = bookings.book(_service("V"), _vendor(make_user), at("15.30"), NOW)
    db.session.commit()
    assert booking.scheduled_at == at("15.30") and booking.day == date(2026, 11, 30)
    assert booking.no_show_after == at("15.45")  # 15 minutes' grace
    with pytest.raises(bookings.NotBookableError):
        bookings.book(_service("V"), _vendor(make_user), at("16.00"), NOW)


def test_a_counter_closed_for_the_day_lowers_capacity(ctx, office, make_user):
    db.session.add(CounterClosure(counter_id=office["counters"]["Loket 2"], day=date(2026, 11, 30),
                                  reason="Cuti"))
    db.session.commit()
    verification = _service("V")
    offers = bookings.day_offers(verification, date(2026, 11, 30), NOW)
    assert {o.capacity for o in offers} == {1}
    assert bookings.day_offers(verification, date(2026, 12, 1), NOW)[0].capacity == 2
    bookings.book(verification, _vendor(make_user), at("09.00"), NOW)
    db.session.commit()
    with pytest.raises(bookings.SlotFullError):
        bookings.book(verification, _vendor(make_user), at("09.00"), NOW)
    db.session.rollback()
    assert _booked(at("09.00")) == 1


def test_no_counter_no_slots(ctx, office, make_user):
    # Aggregasi Data Penyedia (D) is offered by no counter in this office.
    service = _service("D")
    assert bookings.open_days(service, NOW) != []  # the calendar has days...
    assert {o.remaining for o in bookings.day_offers(service, date(2026, 11, 30), NOW)} == {0}
    with pytest.raises(bookings.SlotFullError):
        bookings.book(service, _vendor(make_user), at("09.00"), NOW)
    assert service not in bookings.bookable_services()


def test_reschedule_frees_the_old_place_in_the_same_transaction(ctx, office, make_user):
    verification = _service("V")
    booking = bookings.book(verification, _vendor(make_user), at("09.00"), NOW)
    db.session.commit()
    bookings.reschedule(booking, at("10.00"), NOW)
    # Before the commit, one transaction holds both changes...
    assert (_booked(at("09.00")), _booked(at("10.00"))) == (0, 1)
    db.session.rollback()
    # ...and a rollback undoes both: never a lost or a doubled place.
    assert (_booked(at("09.00")), _booked(at("10.00"))) == (1, 0)


def test_reschedule_to_a_full_slot_keeps_the_old_place(ctx, office, make_user):
    verification = _service("V")
    booking = bookings.book(verification, _vendor(make_user), at("09.00"), NOW)
    for _ in range(2):
        bookings.book(verification, _vendor(make_user), at("10.00"), NOW)
    db.session.commit()
    with pytest.raises(bookings.SlotFullError):
        bookings.reschedule(booking, at("10.00"), NOW)
    db.session.rollback()
    assert (_booked(at("09.00")), _booked(at("10.00"))) == (1, 2)
    assert db.session.get(Booking, booking.id).scheduled_at == at("09.00")


def test_changes_stop_at_the_minimum_notice(ctx, office, make_user):
    booking = bookings.book(_service("V"), _vendor(make_user), at("11.00"), NOW)
    db.session.commit()
    assert bookings.can_change(booking, at("09.00"))
    assert not bookings.can_change(booking, at("09.01"))
    with pytest.raises(bookings.TooLateError):
        bookings.cancel(booking, at("09.30"))
    with pytest.raises(bookings.TooLateError):
        bookings.reschedule(booking, at("13.00"), at("09.30"))


def test_cancel_gives_the_place_back_and_allows_a_new_booking(ctx, office, make_user):
    vendor, verification = _vendor(make_user), _service("V")
    booking = bookings.book(verification, vendor, at("09.00"), NOW)
    db.session.commit()
    bookings.cancel(booking, NOW)
    db.session.commit()
    assert _booked(at("09.00")) == 0 and booking.cancelled_at == NOW
    again = bookings.book(verification, vendor, at("09.30"), NOW)
    db.session.commit()
    assert again.status == "booked"


def test_a_past_grace_period_is_a_no_show_recorded_by_the_system(ctx, office, make_user):
    vendor, verification = _vendor(make_user), _service("V")
    booking = bookings.book(verification, vendor, at("09.00"), NOW)
    db.session.commit()
    later = at("09.16")
    assert booking.shown_status(at("09.14")) == "booked" and booking.shown_status(later) == "no_show"
    # The vendor may book again once the no-show is recorded (by the next counter write).
    again = bookings.book(verification, vendor, at("13.00"), later)
    db.session.commit()
    assert db.session.get(Booking, booking.id).status == "no_show" and again.status == "booked"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.table_name == "counter_booking", AuditEntry.record_id == str(booking.id),
        AuditEntry.action == "update")).one()
    assert entry.actor_name == "sistem" and entry.after == {"status": "no_show"}


def test_every_booking_change_is_in_the_audit_log(ctx, office, make_user):
    booking = bookings.book(_service("V"), _vendor(make_user), at("09.00"), NOW)
    db.session.commit()
    bookings.reschedule(booking, at("10.00"), NOW)
    db.session.commit()
    bookings.cancel(booking, NOW)
    db.session.commit()
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.after).where(
        AuditEntry.table_name == "counter_booking").order_by(AuditEntry.id)).all()
    assert [a for a, _ in actions] == ["create", "update", "update"]
    assert actions[2][1]["status"] == "cancelled"


def test_open_days_count_the_places_left(ctx, office, make_user):
    verification = _service("V")
    days = dict(bookings.open_days(verification, NOW))
    # Monday from 09.00 (two-hour notice): 12 slots x 2 places.
    assert days[date(2026, 11, 30)] == 24
    bookings.book(verification, _vendor(make_user), at("09.00"), NOW)
    db.session.commit()
    assert dict(bookings.open_days(verification, NOW))[date(2026, 11, 30)] == 23
    assert max(days) <= date(2026, 11, 30) + timedelta(days=30)


def test_an_inactive_service_cannot_be_booked(ctx, office, make_user):
    service = _service("V")
    service.active = False
    db.session.commit()
    with pytest.raises(bookings.NotBookableError):
        bookings.book(service, _vendor(make_user), at("09.00"), NOW)
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 0


def test_parse_start_is_office_local_time(ctx, office):
    from lpse_web.office.services import load_calendar

    calendar = load_calendar()
    assert bookings.parse_start("2026-11-30T09.00", calendar) == at("09.00")
    for bad in ("2026-11-30 09:00", "x", "", "9999-01-01T09.00", "2026-02-30T09.00"):
        assert bookings.parse_start(bad, calendar) is None
    assert bookings.format_start(at("09.00"), calendar) == "2026-11-30T09.00"
