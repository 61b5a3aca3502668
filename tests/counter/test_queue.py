"""Queue steps called directly: the states a visit may and may not move between."""

from datetime import date

import pytest
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter import queue
from lpse_web.counter.models import Booking, CounterClosure
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService
from tests.counter.conftest import NOW, at

DAY = date(2026, 11, 30)


def _service(code):
    return db.session.scalar(select(CounterService).where(CounterService.code == code))


def _booking(make_user, start="09.00", day=30):
    db.session.commit()
    vendor = db.session.get(User, make_user(Role.VENDOR).id)
    booking = bookings.book(_service("V"), vendor, at(start, day=day), NOW)
    db.session.commit()
    return booking


def test_check_in_only_on_the_booked_day(ctx, office, make_user):
    booking = _booking(make_user, start="09.00", day=30)
    with pytest.raises(queue.NotTodayError):
        queue.check_in(booking.code, date(2026, 12, 1), at("08.30", day=1, month=12))
    with pytest.raises(queue.UnknownCodeError):
        queue.check_in("", DAY, at("08.30"))
    with pytest.raises(queue.UnknownCodeError):
        queue.check_in("NOPE2345", DAY, at("08.30"))
    checked = queue.check_in(f"  {booking.code.lower()} ", DAY, at("08.30"))
    assert (checked.status, checked.queue_number, checked.ticket) == ("checked_in", 1, "V-001")
    with pytest.raises(queue.WrongStateError):
        queue.check_in(booking.code, DAY, at("08.31"))


def test_a_late_visitor_marked_no_show_may_still_check_in(ctx, office, make_user):
    booking = _booking(make_user, start="09.00")
    assert queue.check_in(booking.code, DAY, at("10.00")).status == "checked_in"
    db.session.commit()
    entries = [b.status for b in db.session.scalars(select(Booking))]
    assert entries == ["checked_in"]


def test_cancelled_booking_cannot_check_in(ctx, office, make_user):
    booking = _booking(make_user)
    bookings.cancel(booking, NOW)
    db.session.commit()
    with pytest.raises(queue.WrongStateError):
        queue.check_in(booking.code, DAY, at("08.50"))


def test_booked_visitor_waits_for_their_slot_walk_ins_by_arrival(ctx, office, make_user):
    early = _booking(make_user, start="10.00")
    queue.check_in(early.code, DAY, at("08.00"))  # came two hours early
    walk_in = queue.issue_walk_in(_service("V"), "Ibu Rina", DAY, at("08.30"))
    db.session.commit()
    staff = make_user(Role.VERIFIKATOR)
    loket = db.session.get(Counter, office["counters"]["Loket 1"])
    assert queue.call_next(loket, staff.id, DAY, at("08.40")).id == walk_in.id
    ordered = queue.day_queue(DAY, at("08.40"))
    assert [b.id for b in ordered.waiting] == [early.id] and [b.id for b in ordered.serving] == [walk_in.id]


def test_a_closed_counter_cannot_call(ctx, office, make_user):
    db.session.add(CounterClosure(counter_id=office["counters"]["Loket 1"], day=DAY, reason="Cuti"))
    queue.issue_walk_in(_service("V"), "", DAY, at("08.00"))
    db.session.commit()
    staff = make_user(Role.VERIFIKATOR)
    with pytest.raises(queue.CounterClosedError):
        queue.call_next(db.session.get(Counter, office["counters"]["Loket 1"]), staff.id, DAY, at("08.10"))
    assert [c.name for c in queue.open_counters(DAY)] == ["Loket 2", "Loket 3"]
    assert [r.counter for r in queue.board(DAY, at("08.10")).rows] == ["Loket 2", "Loket 3"]


def test_outcome_must_fit_the_service(ctx, office, make_user):
    staff = make_user(Role.HELPDESK)
    consult = queue.issue_walk_in(_service("K"), "", DAY, at("08.00"))
    queue.call_next(db.session.get(Counter, office["counters"]["Loket 3"]), staff.id, DAY, at("08.05"))
    with pytest.raises(queue.OutcomeError):
        queue.finish(consult, outcome="approved", reason=None, note="", documents=[], staff_id=staff.id,
                     now=at("08.20"))
    queue.finish(consult, outcome="served", reason=None, note=" Dibantu ", documents=[], staff_id=staff.id,
                 now=at("08.20"))
    assert (consult.status, consult.outcome, consult.outcome_note) == ("done", "served", "Dibantu")
    with pytest.raises(queue.WrongStateError):
        queue.finish(consult, outcome="served", reason=None, note="", documents=[], staff_id=staff.id,
                     now=at("08.21"))
    verification = queue.issue_walk_in(_service("V"), "", DAY, at("08.00"))
    queue.call_next(db.session.get(Counter, office["counters"]["Loket 2"]), staff.id, DAY, at("08.05"))
    with pytest.raises(queue.OutcomeError):
        queue.finish(verification, outcome="rejected", reason="made-up", note="", documents=[],
                     staff_id=staff.id, now=at("08.20"))


def test_daily_numbers_restart_each_day(ctx, office):
    first = queue.issue_walk_in(_service("V"), "", DAY, at("08.00"))
    second = queue.issue_walk_in(_service("V"), "", DAY, at("08.01"))
    next_day = queue.issue_walk_in(_service("V"), "", date(2026, 12, 1), at("08.00", day=1, month=12))
    other_service = queue.issue_walk_in(_service("K"), "", DAY, at("08.02"))
    assert [first.ticket, second.ticket, next_day.ticket, other_service.ticket] == [
        "V-001", "V-002", "V-001", "K-001"]


def test_a_visit_left_open_at_closing_time_does_not_block_the_next_day(ctx, office, make_user):
    staff = make_user(Role.VERIFIKATOR)
    loket = db.session.get(Counter, office["counters"]["Loket 1"])
    queue.issue_walk_in(_service("V"), "", DAY, at("15.50"))
    left_open = queue.call_next(loket, staff.id, DAY, at("15.55"))
    db.session.commit()
    tomorrow = date(2026, 12, 1)
    queue.issue_walk_in(_service("V"), "", tomorrow, at("08.00", day=1, month=12))
    called = queue.call_next(loket, staff.id, tomorrow, at("08.05", day=1, month=12))
    db.session.commit()
    assert called.day == tomorrow
    assert db.session.get(Booking, left_open.id).status == "no_show"


def test_a_late_visitor_who_rebooked_is_told_to_use_the_new_code(ctx, office, make_user):
    missed = _booking(make_user, start="09.00")
    vendor = db.session.get(User, missed.visitor_id)
    bookings.book(_service("V"), vendor, at("14.00"), at("09.20"))  # records the no-show first
    db.session.commit()
    with pytest.raises(queue.RebookedError):
        queue.check_in(missed.code, DAY, at("09.30"))


def test_absent_only_for_a_called_visitor(ctx, office, make_user):
    booking = _booking(make_user, start="15.00")
    with pytest.raises(queue.WrongStateError):
        queue.mark_absent(booking, at("08.00"))  # a booked place is not taken away early
