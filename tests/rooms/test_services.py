"""Reserving rooms through lpse_web/rooms/services.py, called directly (no request), on
committed data: what each step answers, and what the database holds afterwards."""

from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import ClosureDay
from lpse_web.rooms import services
from lpse_web.rooms.models import (
    APPROVED,
    CANCELLED,
    CHECKED_IN,
    COMPLETED,
    DAILY,
    MEETING,
    REJECTED,
    RELEASED,
    REQUESTED,
    VERIFICATION,
    WEEKLY,
    Blackout,
    Reservation,
    ReservationSeries,
)
from lpse_web.rooms.services import (
    BlackoutError,
    ClosedDayError,
    ConflictError,
    NothingToReserveError,
    OffGridError,
    OutsideHoursError,
    ReservationError,
    RoomUnavailableError,
    TooFarError,
    TooManyPeopleError,
    TooSoonError,
    WrongStateError,
)
from tests.rooms.conftest import NOW, at, person, room, tomorrow


def fresh(reservation_or_id) -> Reservation:
    """The row as the database holds it now (not the session's copy)."""
    reservation_id = getattr(reservation_or_id, "id", reservation_or_id)
    return db.session.scalar(select(Reservation).where(Reservation.id == reservation_id)
                             .execution_options(populate_existing=True))


def count_reservations(**where) -> int:
    query = select(func.count()).select_from(Reservation)
    for column, value in where.items():
        query = query.where(getattr(Reservation, column) == value)
    return db.session.scalar(query)


def audit_of(table: str, record_id) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.table_name == table, AuditEntry.record_id == str(record_id)).order_by(AuditEntry.id)))


OFFICE_PC = "10.20.30.40"


@contextmanager
def signed_in(app, user_id):
    """A request of the signed-in user, so the audit log names them (a POST: on SQLite
    its transaction takes the write lock at BEGIN, as a real POST does)."""
    with app.test_request_context("/ruang/pesan", method="POST",
                                  environ_base={"REMOTE_ADDR": OFFICE_PC}):
        user = db.session.get(User, user_id)
        login_user(user)
        yield user


# --- approval ------------------------------------------------------------------------------

def test_a_request_for_a_room_that_needs_approval_waits_for_an_approver(ctx, make_reservation, people):
    reservation = make_reservation()
    stored = fresh(reservation)
    assert stored.status == REQUESTED
    assert stored.decided_at is None and stored.approved_at is None and stored.decided_by_id is None
    assert stored.release_after == tomorrow("09.15")  # start + the default 15 minutes' grace
    assert [r.id for r in services.pending_requests()] == [reservation.id]

    services.approve(reservation, people["approver"], NOW + timedelta(minutes=5))
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == APPROVED
    assert stored.decided_by_id == people["approver"]
    assert stored.approved_at == stored.decided_at == NOW + timedelta(minutes=5)
    assert services.pending_requests() == []
    with pytest.raises(WrongStateError):  # a second approver, a double click
        services.approve(reservation, people["approver"], NOW)


def test_a_room_without_approval_is_approved_at_once(ctx, make_reservation, people):
    reservation = make_reservation(room="verification", purpose=VERIFICATION, attendees=3)
    stored = fresh(reservation)
    assert stored.status == APPROVED and stored.approved_at == NOW
    assert services.pending_requests() == []
    with pytest.raises(WrongStateError):
        services.approve(reservation, people["approver"], NOW)


def test_an_approvers_own_request_is_approved_at_once(ctx, make_reservation):
    reservation = make_reservation(requester="approver")
    assert fresh(reservation).status == APPROVED
    assert fresh(reservation).approved_at == NOW


@pytest.mark.parametrize(("role", "approves"), [
    (Role.ADMIN, True), (Role.HELPDESK, True), (Role.MANAGER, True),
    (Role.ROOM_USER, False), (Role.VERIFIKATOR, False), (Role.ASSET_MANAGER, False)])
def test_who_approves(ctx, make_user, make_reservation, role, approves):
    user_id = make_user(role).id
    assert services.is_approver(db.session.get(User, user_id)) is approves
    reservation = make_reservation(requester=user_id)
    assert fresh(reservation).status == (APPROVED if approves else REQUESTED)


def test_a_request_not_decided_in_time_is_released_and_cannot_be_approved(ctx, make_reservation, people):
    reservation = make_reservation()
    with pytest.raises(WrongStateError):
        services.approve(reservation, people["approver"], tomorrow("09.20"))
    db.session.commit()
    assert fresh(reservation).status == RELEASED


# --- rejection -----------------------------------------------------------------------------

def test_a_rejection_needs_a_reason(ctx, make_reservation, people):
    reservation = make_reservation()
    for reason in ("", "   \n"):
        with pytest.raises(ValueError, match="reason"):
            services.reject(reservation, people["approver"], reason, NOW)
    db.session.commit()
    assert fresh(reservation).status == REQUESTED


def test_a_rejected_request_is_kept_and_frees_the_room(ctx, make_reservation, people):
    reservation = make_reservation()
    services.reject(reservation, people["approver"], "  Ruang dipakai ujian CAT  ", NOW)
    db.session.commit()

    stored = fresh(reservation)  # kept, with the reason, in the requester's history
    assert stored.status == REJECTED and stored.rejection_reason == "Ruang dipakai ujian CAT"
    assert stored.decided_by_id == people["approver"] and stored.decided_at == NOW
    assert stored.approved_at is None
    assert [r.id for r in services.requester_reservations(people["official"])] == [reservation.id]
    assert not stored.holds_room(NOW)

    again = make_reservation(requester="other_official")  # the very same range
    assert fresh(again).status == REQUESTED
    assert count_reservations() == 2
    for step in (lambda: services.approve(reservation, people["approver"], NOW),
                 lambda: services.reject(reservation, people["approver"], "lagi", NOW),
                 lambda: services.cancel(reservation, NOW)):
        with pytest.raises(WrongStateError):
            step()


# --- cancellation --------------------------------------------------------------------------

@pytest.mark.parametrize("approved_first", [False, True])
def test_a_cancelled_reservation_is_kept_and_frees_the_room(ctx, make_reservation, people, approved_first):
    reservation = make_reservation()
    if approved_first:
        services.approve(reservation, people["approver"], NOW)
        db.session.commit()
    services.cancel(reservation, NOW + timedelta(minutes=1))
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == CANCELLED and stored.cancelled_at == NOW + timedelta(minutes=1)
    assert [r.id for r in services.requester_reservations(people["official"])] == [reservation.id]

    again = make_reservation(requester="other_official")
    assert fresh(again).status == REQUESTED
    assert services.conflicting(again.room_id, again.starts_at, again.ends_at, NOW).id == again.id
    with pytest.raises(WrongStateError):
        services.cancel(reservation, NOW)


def test_who_may_cancel_and_until_when(ctx, make_reservation, people):
    reservation = make_reservation()
    official, other, approver = (person(people, w) for w in ("official", "other_official", "approver"))
    assert services.can_cancel(reservation, official, NOW)
    assert services.can_cancel(reservation, approver, NOW)
    assert not services.can_cancel(reservation, other, NOW)  # not theirs
    assert not services.can_cancel(reservation, official, tomorrow("09.15"))  # released by then
    assert services.may_see_details(official, reservation) and services.may_see_details(approver, reservation)
    assert not services.may_see_details(other, reservation)


# --- auto-release and completion ----------------------------------------------------------

def test_a_no_show_is_released_by_the_system_and_the_room_is_free_again(ctx, make_reservation, people):
    reservation = make_reservation(end=tomorrow("12.00"))
    services.approve(reservation, people["approver"], NOW)
    db.session.commit()

    assert reservation.shown_status(tomorrow("09.14")) == APPROVED
    assert reservation.shown_status(tomorrow("09.15")) == RELEASED  # start + grace: shown at once
    assert not reservation.holds_room(tomorrow("09.15"))
    assert fresh(reservation).status == APPROVED  # a read never writes

    assert services.release_overdue(tomorrow("09.14")) == 0
    assert services.release_overdue(tomorrow("09.15")) == 1
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == RELEASED and stored.finished_at == tomorrow("09.15")
    assert services.release_overdue(tomorrow("09.30")) == 0  # recorded once

    release = audit_of("room_reservation", reservation.id)[-1]
    assert release.action == "update" and release.actor_name == "sistem" and release.actor_id is None
    assert release.before["status"] == APPROVED
    assert release.after == {"status": RELEASED, "finished_at": tomorrow("09.15").isoformat()}

    # The rest of the morning can be reserved again (with the hour of notice).
    again = make_reservation(requester="other_official", start=tomorrow("10.15"), end=tomorrow("12.00"),
                             now=tomorrow("09.15"))
    assert fresh(again).status == REQUESTED


def test_a_pending_request_past_its_grace_is_released_too(ctx, make_reservation):
    reservation = make_reservation()
    assert reservation.shown_status(tomorrow("09.15")) == RELEASED
    assert services.release_overdue(tomorrow("09.15")) == 1
    db.session.commit()
    assert fresh(reservation).status == RELEASED


def test_the_grace_period_is_the_rooms(ctx, make_room, make_reservation):
    relaxed = make_room("Ruang Rapat Lantai 2", grace_minutes=30, needs_approval=False)
    reservation = make_reservation(room=relaxed, purpose=MEETING)
    assert fresh(reservation).release_after == tomorrow("09.30")
    assert reservation.shown_status(tomorrow("09.29")) == APPROVED
    assert services.can_check_in(reservation, tomorrow("09.29"))
    assert services.release_overdue(tomorrow("09.29")) == 0
    assert services.release_overdue(tomorrow("09.30")) == 1


def test_the_next_reservation_records_the_release_first(app, ctx, rooms, make_reservation, people):
    """No one has to run `flask release-rooms`: every room write records what time has
    decided, as the system, in the same transaction as the user's own change."""
    no_show = make_reservation(end=tomorrow("12.00"))
    with signed_in(app, people["other_official"]) as other:
        (again,), refused = services.reserve(
            room("bidding", rooms), other, start=tomorrow("10.30"), end=tomorrow("12.00"),
            purpose=MEETING, title="Rapat Pokja", attendees=4, now=tomorrow("09.20"))
        db.session.commit()
    assert refused == []
    assert fresh(no_show).status == RELEASED and fresh(again).status == REQUESTED
    (release,) = [e for e in audit_of("room_reservation", no_show.id) if e.action == "update"]
    assert release.actor_name == "sistem"
    (create,) = audit_of("room_reservation", again.id)
    assert create.action == "create" and create.actor_id == people["other_official"]
    assert create.actor_name == other.email


def test_a_checked_in_reservation_is_not_released_and_completes_at_its_end(ctx, make_reservation, people):
    reservation = make_reservation(room="verification", purpose=VERIFICATION, attendees=2,
                                   end=tomorrow("11.00"))
    services.check_in(reservation, people["official"], tomorrow("09.05"))
    db.session.commit()
    assert services.release_overdue(tomorrow("09.30")) == 0  # past the grace, but in use
    assert fresh(reservation).status == CHECKED_IN
    assert reservation.shown_status(tomorrow("10.59")) == CHECKED_IN
    assert reservation.shown_status(tomorrow("11.00")) == COMPLETED
    assert services.release_overdue(tomorrow("11.10")) == 1
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == COMPLETED and stored.finished_at == tomorrow("11.00")
    assert stored.ends_at == tomorrow("11.00")
    assert audit_of("room_reservation", reservation.id)[-1].actor_name == "sistem"


def test_released_since_lists_recorded_and_unrecorded_releases(ctx, make_reservation):
    first = make_reservation(room="verification", purpose=VERIFICATION, attendees=1)
    second = make_reservation(room="verification", purpose=VERIFICATION, attendees=1,
                              start=tomorrow("10.00"), end=tomorrow("11.00"))
    services.release_overdue(tomorrow("09.15"))
    db.session.commit()
    assert [r.id for r in services.released_since(tomorrow("08.00"), tomorrow("10.15"))] == [
        first.id, second.id]
    assert [r.id for r in services.released_since(tomorrow("08.00"), tomorrow("10.00"))] == [first.id]


# --- check-in and finishing early -------------------------------------------------------------

def test_the_check_in_window(ctx, make_reservation, people):
    reservation = make_reservation(room="verification", purpose=VERIFICATION, attendees=2)
    assert not services.can_check_in(reservation, tomorrow("08.44"))
    assert services.can_check_in(reservation, tomorrow("08.45"))  # 15 minutes early
    assert services.can_check_in(reservation, tomorrow("09.15") - timedelta(seconds=1))
    assert not services.can_check_in(reservation, tomorrow("09.15"))  # released

    with pytest.raises(WrongStateError):
        services.check_in(reservation, people["official"], tomorrow("08.44"))
    db.session.rollback()
    assert fresh(reservation).status == APPROVED
    services.check_in(reservation, people["approver"], tomorrow("08.45"))
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == CHECKED_IN and stored.checked_in_at == tomorrow("08.45")
    assert stored.checked_in_by_id == people["approver"]
    with pytest.raises(WrongStateError):
        services.check_in(reservation, people["official"], tomorrow("08.50"))


def test_a_request_not_yet_approved_cannot_be_checked_in(ctx, make_reservation, people):
    reservation = make_reservation()
    assert not services.can_check_in(reservation, tomorrow("09.00"))
    with pytest.raises(WrongStateError):
        services.check_in(reservation, people["official"], tomorrow("09.00"))


def test_a_late_check_in_is_refused_and_the_release_recorded(ctx, make_reservation, people):
    reservation = make_reservation(room="verification", purpose=VERIFICATION, attendees=2)
    with pytest.raises(WrongStateError):
        services.check_in(reservation, people["official"], tomorrow("09.15"))
    db.session.commit()
    assert fresh(reservation).status == RELEASED


@pytest.fixture
def quick_room(make_room):
    """A meeting room with no notice and no approval: reservable right now."""
    return make_room("Ruang Rapat Kecil", min_notice_minutes=0, needs_approval=False)


def test_finishing_early_frees_the_rest_from_the_next_quarter_hour(ctx, quick_room, make_reservation, people):
    reservation = make_reservation(room=quick_room, purpose=MEETING, end=tomorrow("12.00"))
    services.check_in(reservation, people["official"], tomorrow("09.00"))
    db.session.commit()
    services.complete(reservation, tomorrow("10.05"))
    db.session.commit()
    stored = fresh(reservation)
    assert stored.status == COMPLETED and stored.finished_at == tomorrow("10.05")
    assert stored.ends_at == tomorrow("10.15")
    assert services.conflicting(quick_room, tomorrow("10.00"), tomorrow("10.15"), tomorrow("10.05")).id \
        == reservation.id  # the quarter in progress stays taken
    assert services.conflicting(quick_room, tomorrow("10.15"), tomorrow("12.00"), tomorrow("10.05")) is None
    after = make_reservation(room=quick_room, purpose=MEETING, requester="other_official",
                             start=tomorrow("10.15"), end=tomorrow("12.00"), now=tomorrow("10.05"))
    assert fresh(after).status == APPROVED


@pytest.mark.parametrize(("checked_in", "finished", "ends"), [
    ("09.00", "10.00", "10.00"),  # on a quarter hour: from now
    ("09.00", "09.00", "09.15"),  # at once: one quarter at least
    ("08.50", "08.52", "09.15"),  # before the start: the first quarter
    ("09.00", "11.59", "12.00"),  # never later than the end
])
def test_where_finishing_early_cuts_the_range(ctx, quick_room, make_reservation, people, checked_in,
                                             finished, ends):
    reservation = make_reservation(room=quick_room, purpose=MEETING, end=tomorrow("12.00"))
    services.check_in(reservation, people["official"], tomorrow(checked_in))
    services.complete(reservation, tomorrow(finished))
    db.session.commit()
    assert fresh(reservation).ends_at == tomorrow(ends)


def test_only_a_checked_in_reservation_can_be_completed(ctx, quick_room, make_reservation):
    reservation = make_reservation(room=quick_room, purpose=MEETING)
    with pytest.raises(WrongStateError):
        services.complete(reservation, tomorrow("09.05"))


# --- the rules of one range ----------------------------------------------------------------

def test_no_more_people_than_seats(ctx, make_room, make_reservation):
    hall = make_room("Aula", seats=0)  # seats not counted: no limit
    with pytest.raises(TooManyPeopleError) as refused:
        make_reservation(attendees=11)
    assert refused.value.seats == 10
    db.session.rollback()
    assert count_reservations() == 0
    assert fresh(make_reservation(attendees=10)).attendees == 10
    assert fresh(make_reservation(room=hall, attendees=200, start=tomorrow("13.00"),
                                  end=tomorrow("14.00"))).attendees == 200


@pytest.mark.parametrize(("start", "end"), [("07.00", "08.00"), ("07.45", "09.00"), ("15.30", "16.15"),
                                            ("16.00", "17.00")])
def test_outside_the_bookable_hours(ctx, make_reservation, start, end):
    with pytest.raises(OutsideHoursError) as refused:
        make_reservation(start=tomorrow(start), end=tomorrow(end))
    assert refused.value.hours == (tomorrow("08.00"), tomorrow("16.00"))


def test_the_offices_whole_day_through_the_lunch_break(ctx, make_reservation):
    assert fresh(make_reservation(start=tomorrow("08.00"), end=tomorrow("16.00"))).status == REQUESTED
    friday = make_reservation(requester="other_official", start=at("11.30", 4, 12), end=at("13.00", 4, 12))
    assert fresh(friday).status == REQUESTED  # the Friday-prayer break too


def test_a_rooms_own_hours(ctx, make_room, make_reservation):
    training = make_room("Ruang Pelatihan", kind="training", seats=30, opens=time(7), closes=time(18))
    assert fresh(make_reservation(room=training, start=tomorrow("07.00"), end=tomorrow("08.00"))).id
    assert fresh(make_reservation(room=training, start=tomorrow("16.00"), end=tomorrow("18.00"))).id
    with pytest.raises(OutsideHoursError):
        make_reservation(room=training, start=tomorrow("17.00"), end=tomorrow("18.15"))


@pytest.mark.parametrize(("start", "end"), [
    (tomorrow("09.10"), tomorrow("10.00")), (tomorrow("09.00"), tomorrow("09.50")),
    (tomorrow("09.00"), tomorrow("09.00")), (tomorrow("10.00"), tomorrow("09.00")),
    (tomorrow("09.00") + timedelta(seconds=30), tomorrow("10.00")),
    (tomorrow("15.00"), at("09.00", 2, 12)),  # over two days
])
def test_off_the_quarter_hour_grid(ctx, make_reservation, start, end):
    with pytest.raises(OffGridError):
        make_reservation(start=start, end=end)


def test_closed_days(ctx, make_reservation):
    db.session.add(ClosureDay(day=date(2026, 12, 2), reason="Rapat kerja"))
    db.session.commit()
    for day, month, reason in ((5, 12, None), (6, 12, None), (25, 12, "Hari Raya Natal"),
                               (24, 12, "Cuti Bersama Hari Raya Natal"), (2, 12, "Rapat kerja")):
        with pytest.raises(ClosedDayError) as refused:
            make_reservation(start=at("09.00", day, month), end=at("10.00", day, month))
        if reason:
            assert refused.value.reason == reason
        db.session.rollback()
    assert count_reservations() == 0


def test_a_weekend_room_can_be_reserved_on_saturday(ctx, make_room, make_reservation):
    weekend = make_room("Ruang Pelatihan", kind="training", seats=30, open_weekends=True)
    saturday = make_reservation(room=weekend, start=at("09.00", 5, 12), end=at("12.00", 5, 12))
    assert fresh(saturday).status == REQUESTED


def test_an_inactive_room_cannot_be_reserved(ctx, make_room, make_reservation):
    closed = make_room("Ruang Lama", active=False)
    with pytest.raises(RoomUnavailableError):
        make_reservation(room=closed)


def test_a_blackout_refuses_the_range_it_touches_and_no_more(ctx, rooms, make_reservation):
    blackout = services.add_blackout(room("bidding", rooms), tomorrow("10.00"), tomorrow("12.00"),
                                     " Perawatan jaringan ")
    db.session.commit()
    assert blackout.reason == "Perawatan jaringan"
    with pytest.raises(BlackoutError) as refused:
        make_reservation(start=tomorrow("11.45"), end=tomorrow("13.00"))
    assert refused.value.blackout.id == blackout.id
    db.session.rollback()
    make_reservation(start=tomorrow("09.00"), end=tomorrow("10.00"))  # touching
    make_reservation(start=tomorrow("12.00"), end=tomorrow("13.00"))
    make_reservation(room="verification", purpose=VERIFICATION, attendees=1,
                     start=tomorrow("10.00"), end=tomorrow("12.00"))  # another room
    services.remove_blackout(db.session.get(Blackout, blackout.id))
    db.session.commit()
    make_reservation(start=tomorrow("10.00"), end=tomorrow("12.00"))
    assert [e.action for e in audit_of("room_blackout", blackout.id)] == ["create", "delete"]


def test_minimum_notice(ctx, make_reservation):
    # 07.00 now, an hour's notice: 08.00 today is the first start.
    assert fresh(make_reservation(start=at("08.00"), end=at("09.00"))).status == REQUESTED
    with pytest.raises(TooSoonError):
        make_reservation(start=at("09.00"), end=at("10.00"), now=at("08.01"))
    db.session.rollback()
    with pytest.raises(TooSoonError):  # the past
        make_reservation(start=at("09.00"), end=at("10.00"), now=at("11.00"))


def test_no_notice_room_takes_a_start_right_now(ctx, quick_room, make_reservation):
    now = tomorrow("09.00")
    assert fresh(make_reservation(room=quick_room, purpose=MEETING, now=now)).status == APPROVED
    with pytest.raises(TooSoonError):
        make_reservation(room=quick_room, purpose=MEETING, start=tomorrow("10.00"), end=tomorrow("11.00"),
                         now=tomorrow("10.01"))


def test_maximum_advance(ctx, make_room, make_reservation):
    # 90 days from Monday 30 November 2026 is Sunday 28 February 2027.
    assert fresh(make_reservation(start=at("09.00", 26, 2, 2027), end=at("10.00", 26, 2, 2027))).id
    with pytest.raises(TooFarError):
        make_reservation(start=at("09.00", 1, 3, 2027), end=at("10.00", 1, 3, 2027))
    db.session.rollback()
    week = make_room("Ruang Rapat Mingguan", max_advance_days=7)
    assert fresh(make_reservation(room=week, start=at("09.00", 7, 12), end=at("10.00", 7, 12))).id
    with pytest.raises(TooFarError):
        make_reservation(room=week, start=at("09.00", 8, 12), end=at("10.00", 8, 12))


def test_title_and_note_are_trimmed(ctx, make_reservation):
    stored = fresh(make_reservation(title="  Paket Jalan Soe  ", note="  bawa laptop \n"))
    assert (stored.title, stored.note) == ("Paket Jalan Soe", "bawa laptop")


# --- conflicts --------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [("09.30", "10.30"), ("08.30", "09.15"), ("09.15", "09.45"),
                                            ("08.00", "12.00"), ("09.00", "10.00")])
def test_a_conflicting_request_names_the_reservation_in_the_way(ctx, make_reservation, start, end):
    first = make_reservation()
    with pytest.raises(ConflictError) as refused:
        make_reservation(requester="other_official", start=tomorrow(start), end=tomorrow(end))
    assert refused.value.other.id == first.id
    db.session.rollback()
    assert count_reservations() == 1


def test_touching_ranges_and_other_rooms_do_not_conflict(ctx, make_reservation):
    first = make_reservation()
    before = make_reservation(requester="other_official", start=tomorrow("08.00"), end=tomorrow("09.00"))
    after = make_reservation(requester="other_official", start=tomorrow("10.00"), end=tomorrow("11.00"))
    elsewhere = make_reservation(room="verification", purpose=VERIFICATION, attendees=2,
                                 requester="other_official")
    assert count_reservations() == 4
    assert len({first.id, before.id, after.id, elsewhere.id}) == 4


def test_the_database_refuses_what_the_plan_missed(ctx, monkeypatch, make_reservation):
    """Taken between the plan and the INSERT (another request committed meanwhile): the
    database's own guard refuses it, and the requester is still told who holds the room."""
    first = make_reservation()
    real_plan = services.plan

    def blind_plan(*args, **kwargs):
        occurrences = real_plan(*args, **kwargs)
        for occurrence in occurrences:
            if isinstance(occurrence.problem, ConflictError):
                occurrence.problem = None
        return occurrences

    monkeypatch.setattr(services, "plan", blind_plan)
    with pytest.raises(ConflictError) as refused:
        make_reservation(requester="other_official", start=tomorrow("09.30"), end=tomorrow("10.30"))
    assert refused.value.other.id == first.id
    # The savepoint undid only the refused INSERT: the session goes on.
    later = make_reservation(requester="other_official", start=tomorrow("10.30"), end=tomorrow("11.30"))
    assert count_reservations() == 2 and fresh(later).status == REQUESTED


# --- recurring requests ---------------------------------------------------------------------

def test_a_recurring_request_stores_the_free_occurrences_and_returns_the_refused(
        ctx, rooms, people, make_reservation):
    taken = make_reservation(requester="other_official", start=at("10.00", 17, 12), end=at("12.00", 17, 12))
    stored, refused = services.reserve(
        room("bidding", rooms), person(people, "official"), start=at("09.00", 3, 12), end=at("11.00", 3, 12),
        purpose=MEETING, title="Rapat Pokja mingguan", attendees=6, frequency=WEEKLY,
        until=date(2026, 12, 31), now=NOW)
    db.session.commit()

    assert [r.starts_at for r in stored] == [at("09.00", d, 12) for d in (3, 10, 31)]
    assert [o.starts_at for o in refused] == [at("09.00", 17, 12), at("09.00", 24, 12)]
    assert isinstance(refused[0].problem, ConflictError) and refused[0].problem.other.id == taken.id
    assert isinstance(refused[1].problem, ClosedDayError)
    assert refused[1].problem.reason == "Cuti Bersama Hari Raya Natal"

    series = db.session.scalars(select(ReservationSeries)).one()
    assert (series.frequency, series.until, series.room_id, series.requester_id) == (
        WEEKLY, date(2026, 12, 31), rooms["bidding"], people["official"])
    rows = db.session.scalars(select(Reservation).where(Reservation.series_id == series.id)
                              .order_by(Reservation.starts_at)).all()
    assert [r.id for r in rows] == [r.id for r in stored]
    assert {(r.status, r.title, r.attendees) for r in rows} == {(REQUESTED, "Rapat Pokja mingguan", 6)}
    assert count_reservations() == 4


def test_a_series_of_which_nothing_is_free_stores_nothing(ctx, rooms, people):
    with pytest.raises(NothingToReserveError):
        services.reserve(room("bidding", rooms), person(people, "official"), start=at("09.00", 24, 12),
                         end=at("10.00", 24, 12), purpose=MEETING, title="Rapat", attendees=2,
                         frequency=DAILY, until=date(2026, 12, 25), now=NOW)
    db.session.rollback()
    assert count_reservations() == 0
    assert db.session.scalar(select(func.count()).select_from(ReservationSeries)) == 0


def test_a_single_refused_request_raises_its_problem(ctx, rooms, people):
    with pytest.raises(ClosedDayError):
        services.reserve(room("bidding", rooms), person(people, "official"), start=at("09.00", 25, 12),
                         end=at("10.00", 25, 12), purpose=MEETING, title="Rapat", attendees=2, now=NOW)


def test_a_series_of_one_occurrence_is_a_plain_reservation(ctx, rooms, people):
    (only,), refused = services.reserve(
        room("bidding", rooms), person(people, "official"), start=tomorrow("09.00"), end=tomorrow("10.00"),
        purpose=MEETING, title="Rapat", attendees=2, frequency=DAILY, until=date(2026, 12, 1), now=NOW)
    db.session.commit()
    assert refused == [] and fresh(only).series_id is None
    assert db.session.scalar(select(func.count()).select_from(ReservationSeries)) == 0


def test_a_series_whose_until_is_before_its_start_is_refused_or_single(ctx, rooms, people):
    """A form may send `until` before the start day: the answer is a reason (a
    ReservationError) or the one reservation asked for, never a crash."""
    try:
        stored, refused = services.reserve(
            room("bidding", rooms), person(people, "official"), start=tomorrow("09.00"),
            end=tomorrow("10.00"), purpose=MEETING, title="Rapat", attendees=2, frequency=WEEKLY,
            until=date(2026, 11, 30), now=NOW)
    except ReservationError:
        db.session.rollback()
        assert count_reservations() == 0
    else:
        assert [r.starts_at for r in stored] == [tomorrow("09.00")] and refused == []


def test_seats_are_checked_before_a_series_is_stored(ctx, rooms, people):
    with pytest.raises(TooManyPeopleError):
        services.reserve(room("bidding", rooms), person(people, "official"), start=tomorrow("09.00"),
                         end=tomorrow("10.00"), purpose=MEETING, title="Rapat", attendees=25,
                         frequency=DAILY, until=date(2026, 12, 4), now=NOW)
    db.session.rollback()
    assert count_reservations() == 0


def _series(rooms, people, until=date(2026, 12, 4)):
    stored, _ = services.reserve(
        room("bidding", rooms), person(people, "official"), start=tomorrow("13.00"), end=tomorrow("15.00"),
        purpose=MEETING, title="Pelatihan SPSE", attendees=8, frequency=DAILY, until=until, now=NOW)
    db.session.commit()
    return stored


def test_deciding_a_series_approves_every_pending_occurrence(ctx, rooms, people):
    stored = _series(rooms, people)  # Tuesday 1 to Friday 4 December: four occurrences
    assert len(stored) == 4
    services.cancel(stored[1], NOW)
    db.session.commit()
    series_id = stored[0].series_id
    assert [r.id for r in services.pending_of_series(series_id)] == [stored[0].id, stored[2].id, stored[3].id]

    assert services.decide_series(series_id, people["approver"], NOW) == 3
    db.session.commit()
    statuses = [fresh(r).status for r in stored]
    assert statuses == [APPROVED, CANCELLED, APPROVED, APPROVED]
    assert {fresh(r).decided_by_id for r in stored if fresh(r).status == APPROVED} == {people["approver"]}
    assert services.decide_series(series_id, people["approver"], NOW) == 0  # nothing pending left


def test_rejecting_a_series_rejects_every_pending_occurrence_with_the_reason(ctx, rooms, people):
    stored = _series(rooms, people)
    series_id = stored[0].series_id
    with pytest.raises(ValueError, match="reason"):
        services.decide_series(series_id, people["approver"], NOW, reason=" ")
    db.session.rollback()
    assert services.decide_series(series_id, people["approver"], NOW, reason="Ruang dipakai Pokja lain") == 4
    db.session.commit()
    assert {(fresh(r).status, fresh(r).rejection_reason) for r in stored} == {
        (REJECTED, "Ruang dipakai Pokja lain")}
    assert count_reservations(status=REJECTED) == 4


# --- reading -------------------------------------------------------------------------------

def test_a_requesters_reservations_are_their_own_in_every_status(ctx, make_reservation, people):
    rejected = make_reservation(start=tomorrow("09.00"), end=tomorrow("10.00"))
    services.reject(rejected, people["approver"], "Bentrok dengan ujian", NOW)
    cancelled = make_reservation(start=tomorrow("10.00"), end=tomorrow("11.00"))
    services.cancel(cancelled, NOW)
    db.session.commit()
    kept = make_reservation(start=at("09.00", 2, 12), end=at("10.00", 2, 12))
    make_reservation(requester="other_official", start=at("13.00", 2, 12), end=at("14.00", 2, 12))
    mine = services.requester_reservations(people["official"])
    assert [r.id for r in mine] == [kept.id, cancelled.id, rejected.id]  # the latest first
    assert [r.status for r in mine] == [REQUESTED, CANCELLED, REJECTED]
    everything = services.reservations_between([rejected.room_id], tomorrow("00.00"), at("00.00", 3, 12))
    assert len(everything) == 4


# --- the audit log ------------------------------------------------------------------------

def test_every_change_is_in_the_audit_log_with_who(app, ctx, rooms, people):
    bidding = rooms["bidding"]
    official, approver = people["official"], people["approver"]
    with signed_in(app, official) as user:
        (used,), _ = services.reserve(room("bidding", rooms), user, start=tomorrow("09.00"),
                                      end=tomorrow("11.00"), purpose=MEETING, title="Rapat", attendees=3,
                                      now=NOW)
        (refused_one,), _ = services.reserve(room("bidding", rooms), user, start=tomorrow("13.00"),
                                             end=tomorrow("14.00"), purpose=MEETING, title="Rapat",
                                             attendees=3, now=NOW)
        (dropped,), _ = services.reserve(room("bidding", rooms), user, start=tomorrow("14.00"),
                                         end=tomorrow("15.00"), purpose=MEETING, title="Rapat",
                                         attendees=3, now=NOW)
        db.session.commit()
    with signed_in(app, approver):
        services.approve(used, approver, NOW)
        services.reject(refused_one, approver, "Ruang dipakai", NOW)
        db.session.commit()
    with signed_in(app, official):
        services.cancel(dropped, NOW)
        services.check_in(used, official, tomorrow("09.00"))
        db.session.commit()
    with signed_in(app, official):
        services.complete(used, tomorrow("10.00"))
        db.session.commit()

    emails = {official: person(people, "official").email, approver: person(people, "approver").email}

    def trail(reservation):
        return [(e.action, e.actor_name, (e.after or {}).get("status")) for e in
                audit_of("room_reservation", reservation.id)]

    assert trail(used) == [("create", emails[official], REQUESTED), ("update", emails[approver], APPROVED),
                           ("update", emails[official], CHECKED_IN), ("update", emails[official], COMPLETED)]
    assert trail(refused_one) == [("create", emails[official], REQUESTED),
                                  ("update", emails[approver], REJECTED)]
    assert trail(dropped) == [("create", emails[official], REQUESTED),
                              ("update", emails[official], CANCELLED)]
    entries = audit_of("room_reservation", used.id)
    assert [e.actor_id for e in entries] == [official, approver, official, official]
    assert {e.address for e in entries} == {OFFICE_PC}
    assert entries[0].after["room_id"] == bidding
    assert entries[0].after["starts_at"] == tomorrow("09.00").isoformat()
    assert entries[3].before["ends_at"] == tomorrow("11.00").isoformat()
    assert entries[3].after["ends_at"] == tomorrow("10.00").isoformat()


def test_a_recurring_requests_series_is_logged_too(app, ctx, rooms, people):
    with signed_in(app, people["official"]) as user:
        stored, _ = services.reserve(room("bidding", rooms), user, start=tomorrow("09.00"),
                                     end=tomorrow("10.00"), purpose=MEETING, title="Rapat", attendees=3,
                                     frequency=WEEKLY, until=date(2026, 12, 15), now=NOW)
        db.session.commit()
    (entry,) = audit_of("room_reservation_series", stored[0].series_id)
    assert entry.action == "create" and entry.actor_id == people["official"]
    assert len(stored) == 3
    assert all(audit_of("room_reservation", r.id)[0].actor_id == people["official"] for r in stored)
