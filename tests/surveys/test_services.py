"""The survey's services called directly, on SQLite and PostgreSQL: periods, storing a
questionnaire (all nine unsur or nothing), the one-time links after a finished counter
visit or a used room, and the follow-up of suggestions (audited, while the answers
never are).

The office is the counter's and the rooms' test office: NTT (WITA), Monday 30 November
2026 07.00 pinned; the open period is "Triwulan IV 2026"."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_login import login_user
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter import queue
from lpse_web.counter.models import Booking
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.rooms import services as rooms
from lpse_web.rooms.models import Reservation
from lpse_web.surveys import invitations, periods, responses, suggestions
from lpse_web.surveys.catalogue import ROOMS, Served, counter_key, session_of
from lpse_web.surveys.invitations import (
    ExpiredLinkError,
    ForgedLinkError,
    UsedLinkError,
    for_booking,
    for_reservation,
    offer,
    read,
    token_for,
    use,
)
from lpse_web.surveys.models import (
    ANSWERED,
    CLOSED,
    DRAFT,
    IN_PROGRESS,
    KIOSK,
    LINK,
    NEW,
    OPEN,
    PAGI,
    SIANG,
    SurveyConfig,
    SurveyFollowUp,
    SurveyInvitationUse,
    SurveyPeriod,
    SurveyResponse,
    SurveySuggestion,
)
from lpse_web.surveys.periods import PeriodError
from lpse_web.surveys.responses import (
    SUGGESTION_MAX,
    InvalidProfileError,
    MissingElementsError,
    NoOpenPeriodError,
    Profile,
    ResponseError,
)

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # Monday 30 Nov 2026, 07.00 WITA
NOW_ISO = "2026-11-30T07:00:00+08:00"
DAY = date(2026, 11, 30)
Q4 = ("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31))
ALL_FOURS = {n: 4 for n in range(1, 10)}
SCORES = {1: 3, 2: 4, 3: 2, 4: 4, 5: 3, 6: 3, 7: 4, 8: 3, 9: 1}
PROFILE = Profile(sex="P", age_band="30-39", education="S1", occupation="Swasta")


def at(hhmm: str, day: int = 30, month: int = 11) -> datetime:
    """A WITA wall-clock time in 2026 as a UTC instant."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(2026, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


# --- helpers shared with test_schema.py and test_races.py (call inside an app context) ---

def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def make_period(name=Q4[0], first=Q4[1], last=Q4[2], status=OPEN) -> SurveyPeriod:
    period = periods.save_period(None, name=name, first=first, last=last)
    if status in (OPEN, CLOSED):
        periods.open_period(period, NOW)
    if status == CLOSED:
        periods.close_period(period, NOW)
    db.session.commit()
    return period


def service(code: str) -> CounterService:
    return db.session.scalar(select(CounterService).where(CounterService.code == code))


def set_up_counters() -> None:
    """Loket 1: verification (V) and account help (A); Loket 2: V; Loket 3: consultation (K)."""
    if db.session.scalar(select(func.count()).select_from(Counter)):
        return
    for name, codes in (("Loket 1", "VA"), ("Loket 2", "V"), ("Loket 3", "K")):
        db.session.add(Counter(name=name, services=[service(c) for c in codes]))
    db.session.commit()


def new_user(make_user, role) -> User:
    """make_user works in its own app context: end this one's transaction first (on
    SQLite an open transaction holds the write lock)."""
    db.session.commit()
    return make_user(role)


def booked_visit(make_user, code: str = "V", start: str = "09.00") -> Booking:
    """An online booking on 30 Nov, not yet served."""
    set_up_counters()
    vendor = db.session.get(User, new_user(make_user, Role.VENDOR).id)
    booking = bookings.book(service(code), vendor, at(start), NOW)
    db.session.commit()
    return booking


def serve(booking: Booking, make_user, finish: str = "09.20") -> Booking:
    """Check the booking in, call it to a counter and finish it (committed)."""
    code = booking.service.code
    if booking.status == "booked":
        queue.check_in(booking.code, DAY, at("08.30"))
    counter_name = {"V": "Loket 2", "A": "Loket 1", "K": "Loket 3"}[code]
    counter = db.session.scalar(select(Counter).where(Counter.name == counter_name))
    staff = new_user(make_user, Role.VERIFIKATOR if code == "V" else Role.HELPDESK)
    called = queue.call_next(counter, staff.id, DAY, at("08.35"))
    assert called.id == booking.id
    queue.finish(called, outcome="approved" if code == "V" else "served", reason=None, note="",
                 documents=[], staff_id=staff.id, now=at(finish))
    db.session.commit()
    return db.session.get(Booking, booking.id)


def finished_visit(make_user, code: str = "V", start: str = "09.00", finish: str = "09.20") -> Booking:
    return serve(booked_visit(make_user, code, start), make_user, finish)


def room_reservation(make_user) -> Reservation:
    """The verification room (no approval needed) reserved for Tuesday 1 Dec 09.00-10.00."""
    room = Room(name="Ruang Verifikasi", kind="verification", seats=4, computers=0, equipment="",
                active=True, needs_approval=False)
    db.session.add(room)
    db.session.commit()
    official = db.session.get(User, new_user(make_user, Role.ROOM_USER).id)
    stored, refused = rooms.reserve(room, official, start=at("09.00", 1, 12), end=at("10.00", 1, 12),
                                    purpose="verification", title="Verifikasi dokumen", attendees=2,
                                    now=NOW)
    assert len(stored) == 1 and not refused
    db.session.commit()
    return stored[0]


def answer(invitation, scores=None, profile=PROFILE, suggestion="") -> SurveyResponse:
    """What the questionnaire page does with a link: spend it (one transaction), then
    store the answers (another; surveys/respond_views.py)."""
    use(invitation, invitation.served.day)
    db.session.commit()
    response = responses.record(invitation.served, scores=scores or SCORES, profile=profile,
                                channel=LINK, suggestion=suggestion)
    db.session.commit()
    return response

# --- periods ---------------------------------------------------------------------------------


def test_a_period_is_saved_as_a_draft_with_its_name_trimmed(ctx):
    period = periods.save_period(None, name="  Triwulan IV 2026 ", first=Q4[1], last=Q4[2])
    db.session.commit()
    stored = db.session.get(SurveyPeriod, period.id)
    assert (stored.name, stored.starts_on, stored.ends_on) == Q4
    assert (stored.status, stored.published, stored.opened_at, stored.closed_at) == (DRAFT, False, None, None)
    assert periods.all_periods() == [stored]


def test_a_period_name_is_unique(ctx):
    first = make_period(status=DRAFT)
    with pytest.raises(PeriodError) as refused:
        periods.save_period(None, name=" Triwulan IV 2026", first=date(2027, 1, 1), last=date(2027, 3, 31))
    assert refused.value.code == "name" and refused.value.other.id == first.id
    db.session.rollback()
    assert count(SurveyPeriod) == 1
    # Saving the period under its own name is not a clash.
    periods.save_period(first, name=Q4[0], first=Q4[1], last=date(2026, 12, 30))
    db.session.commit()
    assert db.session.get(SurveyPeriod, first.id).ends_on == date(2026, 12, 30)


@pytest.mark.parametrize(("first", "last"), [
    (date(2026, 12, 1), date(2026, 12, 31)),  # inside
    (date(2026, 9, 1), date(2026, 10, 1)),  # shares its first day
    (date(2026, 12, 31), date(2027, 1, 31)),  # shares its last day
    (date(2026, 1, 1), date(2027, 12, 31)),  # around it
])
def test_overlapping_periods_are_refused_naming_the_other(ctx, first, last):
    q4 = make_period(status=DRAFT)
    with pytest.raises(PeriodError) as refused:
        periods.save_period(None, name="Desember 2026", first=first, last=last)
    assert refused.value.code == "overlap"
    assert refused.value.other.id == q4.id and refused.value.other.name == "Triwulan IV 2026"
    db.session.rollback()
    assert count(SurveyPeriod) == 1


def test_adjacent_periods_do_not_overlap_and_a_period_never_overlaps_itself(ctx):
    q4 = make_period(status=DRAFT)
    periods.save_period(None, name="Triwulan III 2026", first=date(2026, 7, 1), last=date(2026, 9, 30))
    periods.save_period(None, name="Triwulan I 2027", first=date(2027, 1, 1), last=date(2027, 3, 31))
    periods.save_period(q4, name="Triwulan IV 2026 (ubah)", first=Q4[1], last=Q4[2])
    db.session.commit()
    assert [p.name for p in periods.all_periods()] == [
        "Triwulan I 2027", "Triwulan IV 2026 (ubah)", "Triwulan III 2026"]
    # ... but moving Q4 onto Q3's last day is refused, naming Q3.
    with pytest.raises(PeriodError) as refused:
        periods.save_period(q4, name=q4.name, first=date(2026, 9, 30), last=Q4[2])
    assert (refused.value.code, refused.value.other.name) == ("overlap", "Triwulan III 2026")


def test_the_first_day_must_not_be_after_the_last(ctx):
    with pytest.raises(PeriodError) as refused:
        periods.save_period(None, name="Terbalik", first=date(2026, 12, 31), last=date(2026, 10, 1))
    assert refused.value.code == "order"
    one_day = periods.save_period(None, name="Satu hari", first=DAY, last=DAY)
    db.session.commit()
    assert count(SurveyPeriod) == 1 and one_day.starts_on == one_day.ends_on == DAY


def test_the_database_refuses_a_period_ending_before_it_starts(ctx):
    period = make_period(status=DRAFT)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE survey_period SET ends_on = :d WHERE id = :id"),
                           {"d": date(2026, 9, 1), "id": period.id})
        db.session.flush()
    db.session.rollback()


def test_open_close_publish(ctx):
    period = make_period(status=DRAFT)
    with pytest.raises(PeriodError) as refused:
        periods.publish(period)
    assert refused.value.code == "not_closed"
    with pytest.raises(PeriodError) as refused:
        periods.close_period(period, NOW)
    assert refused.value.code == "not_open"

    periods.open_period(period, at("08.00"))
    assert (period.status, period.opened_at) == (OPEN, at("08.00"))
    periods.open_period(period, at("09.00"))  # opening an open period changes nothing
    assert period.opened_at == at("08.00")
    with pytest.raises(PeriodError) as refused:
        periods.publish(period)
    assert refused.value.code == "not_closed"

    periods.close_period(period, at("16.00"))
    assert (period.status, period.closed_at) == (CLOSED, at("16.00"))
    with pytest.raises(PeriodError) as refused:  # nothing to publish: it would hide the last result
        periods.publish(period)
    assert refused.value.code == "no_answers"
    period.status = OPEN
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK)
    period.status = CLOSED
    with pytest.raises(PeriodError) as refused:
        periods.close_period(period, at("16.01"))
    assert refused.value.code == "not_open"
    periods.publish(period)
    db.session.commit()
    assert periods.latest_published().id == period.id

    periods.publish(period, False)  # taken off the results page
    db.session.commit()
    assert periods.latest_published() is None
    periods.publish(period)
    periods.open_period(period, at("16.30"))  # reopened: no longer published
    db.session.commit()
    stored = db.session.get(SurveyPeriod, period.id)
    assert (stored.status, stored.published) == (OPEN, False)


@pytest.mark.parametrize("status", [DRAFT, OPEN])
def test_the_database_refuses_publishing_a_period_that_is_not_closed(ctx, status):
    period = make_period(status=status)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE survey_period SET published = :yes WHERE id = :id"),
                           {"yes": True, "id": period.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(SurveyPeriod, period.id).published is False


def test_the_database_accepts_publishing_a_closed_period(ctx):
    period = make_period(status=CLOSED)
    db.session.execute(text("UPDATE survey_period SET published = :yes WHERE id = :id"),
                       {"yes": True, "id": period.id})
    db.session.commit()
    assert periods.latest_published().id == period.id


def test_a_draft_without_answers_can_be_deleted(ctx):
    period = make_period(status=DRAFT)
    periods.delete_period(period)
    db.session.commit()
    assert count(SurveyPeriod) == 0


def test_a_period_with_answers_cannot_be_deleted(ctx):
    period = make_period()
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK)
    db.session.commit()
    with pytest.raises(PeriodError) as refused:
        periods.delete_period(period)
    assert refused.value.code == "in_use"
    period.status = DRAFT  # even a draft: the answers decide it, not only the status
    with pytest.raises(PeriodError) as refused:
        periods.delete_period(period)
    assert refused.value.code == "in_use"
    db.session.rollback()
    # And the database itself keeps the answers' period (ON DELETE RESTRICT).
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM survey_period WHERE id = :id"), {"id": period.id})
        db.session.flush()
    db.session.rollback()
    assert count(SurveyPeriod) == 1 and count(SurveyResponse) == 1


def test_open_and_closed_periods_cannot_be_deleted_even_empty(ctx):
    opened = make_period()
    closed = make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), status=CLOSED)
    for period in (opened, closed):
        with pytest.raises(PeriodError) as refused:
            periods.delete_period(period)
        assert refused.value.code == "in_use"


def test_a_period_with_answers_keeps_its_days(ctx):
    period = make_period()
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK)
    db.session.commit()
    with pytest.raises(PeriodError) as refused:
        periods.save_period(period, name=period.name, first=date(2026, 11, 1), last=Q4[2])
    assert refused.value.code == "has_answers"
    db.session.rollback()
    widened = periods.save_period(period, name=period.name, first=date(2026, 9, 1), last=Q4[2])
    db.session.commit()
    assert widened.starts_on == date(2026, 9, 1)


def test_open_period_for_holds_its_first_and_last_day(ctx):
    period = make_period()
    assert periods.open_period_for(date(2026, 9, 30)) is None
    assert periods.open_period_for(date(2026, 10, 1)).id == period.id
    assert periods.open_period_for(DAY).id == period.id
    assert periods.open_period_for(date(2026, 12, 31)).id == period.id
    assert periods.open_period_for(date(2027, 1, 1)) is None


@pytest.mark.parametrize("status", [DRAFT, CLOSED])
def test_only_an_open_period_takes_answers(ctx, status):
    make_period(status=status)
    assert periods.open_period_for(DAY) is None


def test_quarters_are_named_as_offices_name_them(ctx):
    assert periods.quarter_of(DAY) == periods.Quarter(*Q4)
    assert periods.quarter_of(date(2027, 2, 28)) == periods.Quarter(
        "Triwulan I 2027", date(2027, 1, 1), date(2027, 3, 31))
    assert periods.quarter_of(date(2026, 6, 30)).last == date(2026, 6, 30)


# --- storing a questionnaire -------------------------------------------------------------------

def _nothing_stored():
    db.session.commit()  # whatever a refused call left in the session would be stored now
    return count(SurveyResponse) == 0 and count(SurveySuggestion) == 0


def test_a_complete_questionnaire_is_stored_in_the_period_of_the_service_day(ctx):
    make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    q4 = make_period()
    served = Served(counter_key(service("K").id), date(2026, 11, 27), SIANG)
    response = responses.record(served, scores=SCORES, profile=PROFILE, channel=KIOSK)
    db.session.commit()
    stored = db.session.get(SurveyResponse, response.id)
    assert stored.period_id == q4.id
    assert (stored.service_key, stored.answered_on, stored.session, stored.channel) == (
        f"loket-{service('K').id}", date(2026, 11, 27), SIANG, KIOSK)
    assert (stored.sex, stored.age_band, stored.education, stored.occupation) == (
        "P", "30-39", "S1", "Swasta")
    assert stored.scores == [3, 4, 2, 4, 3, 3, 4, 3, 1]
    assert responses.response_count(q4.id) == 1
    assert count(SurveySuggestion) == 0  # nothing written, nothing stored


@pytest.mark.parametrize(("scores", "missing"), [
    ({n: 3 for n in (1, 2, 4, 5, 6, 8, 9)}, ["U3", "U7"]),
    ({}, ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]),
    ({**ALL_FOURS, 1: 0}, ["U1"]),
    ({**ALL_FOURS, 9: 5}, ["U9"]),
    ({**ALL_FOURS, 2: "4"}, ["U2"]),  # a string is not a score
    ({**ALL_FOURS, 4: True}, ["U4"]),  # True == 1 in Python, but it is not an answer
    ({**ALL_FOURS, 5: None, 6: 4.0, 8: -1}, ["U5", "U6", "U8"]),
    ({**{n: 4 for n in range(2, 10)}, 0: 4, 10: 4}, ["U1"]),  # keys outside 1..9 answer nothing
])
def test_a_questionnaire_missing_an_unsur_is_refused_naming_exactly_the_missing(ctx, scores, missing):
    make_period()
    with pytest.raises(MissingElementsError) as refused:
        responses.record(Served(ROOMS, DAY, PAGI), scores=scores, profile=PROFILE, channel=KIOSK,
                         suggestion="Tolong perbaiki")
    assert refused.value.codes == missing
    assert str(refused.value) == ", ".join(missing)
    assert _nothing_stored()


def test_an_invalid_profile_is_refused_naming_the_fields(ctx):
    make_period()
    profile = Profile(sex="X", age_band="30-39", education="S4", occupation="Swasta")
    with pytest.raises(InvalidProfileError) as refused:
        responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=profile, channel=KIOSK,
                         suggestion="Tolong perbaiki")
    assert refused.value.fields == ["sex", "education"]
    for bad in (replace(PROFILE, age_band=""), replace(PROFILE, occupation="lainnya"),
                replace(PROFILE, sex=None)):
        with pytest.raises(InvalidProfileError):
            responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=bad, channel=KIOSK)
    assert _nothing_stored()


def test_an_unknown_channel_or_kind_is_refused(ctx):
    make_period()
    with pytest.raises(ResponseError):
        responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel="email")
    with pytest.raises(ResponseError):
        responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                         suggestion="x", kind="pujian")
    assert _nothing_stored()


@pytest.mark.parametrize("periods_there", ["none", "draft", "closed", "another_quarter"])
def test_no_open_period_for_the_service_day_is_refused(ctx, periods_there):
    if periods_there == "draft":
        make_period(status=DRAFT)
    elif periods_there == "closed":
        make_period(status=CLOSED)
    elif periods_there == "another_quarter":
        make_period("Triwulan I 2027", date(2027, 1, 1), date(2027, 3, 31))
    with pytest.raises(NoOpenPeriodError):
        responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                         suggestion="Tolong perbaiki")
    assert responses.accepting(DAY) is None
    assert _nothing_stored()


def test_a_suggestion_is_stored_apart_and_trimmed(ctx):
    period = make_period()
    served = Served(ROOMS, DAY, SIANG)
    response = responses.record(served, scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                                suggestion="  Antrean terlalu lama di loket 2.\n ", kind="pengaduan")
    db.session.commit()
    stored = db.session.scalars(select(SurveySuggestion)).one()
    assert (stored.period_id, stored.service_key, stored.answered_on, stored.kind, stored.text) == (
        period.id, ROOMS, DAY, "pengaduan", "Antrean terlalu lama di loket 2.")
    assert stored.id != response.id and len(stored.id) == 32
    assert suggestions.status_of(stored) == NEW


@pytest.mark.parametrize("blank", ["", "   ", " \n\t \r\n", None])
def test_a_blank_suggestion_stores_none(ctx, blank):
    make_period()
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                     suggestion=blank)
    db.session.commit()
    assert count(SurveyResponse) == 1 and count(SurveySuggestion) == 0


def test_a_long_suggestion_is_cut_to_the_maximum(ctx):
    make_period()
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                     suggestion="   " + "a" * (SUGGESTION_MAX - 1) + "bcdef")
    db.session.commit()
    assert db.session.scalar(select(SurveySuggestion.text)) == "a" * (SUGGESTION_MAX - 1) + "b"
    assert SUGGESTION_MAX == 2000


# --- one-time links: counter visits ------------------------------------------------------------

def test_a_counter_visit_gives_a_link_only_once_finished(ctx, make_user):
    booking = booked_visit(make_user)
    assert for_booking(booking) is None and offer(for_booking(booking), NOW) is None
    queue.check_in(booking.code, DAY, at("08.30"))
    db.session.commit()
    assert for_booking(booking) is None
    booking = serve(db.session.get(Booking, booking.id), make_user, finish="09.20")
    invitation = for_booking(booking)
    assert (invitation.source, invitation.source_id) == ("loket", booking.id)
    assert invitation.served == Served(f"loket-{service('V').id}", DAY, PAGI)
    assert invitation.expires_at == at("09.20") + timedelta(days=7)
    assert invitation.used is False
    assert offer(invitation, at("09.21")) == "open"


def test_an_afternoon_visit_is_the_siang_session(ctx, make_user):
    booking = finished_visit(make_user, code="K", start="13.00", finish="13.10")
    assert for_booking(booking).served == Served(f"loket-{service('K').id}", DAY, SIANG)
    assert session_of(datetime(2026, 11, 30, 11, 59)) == PAGI
    assert session_of(datetime(2026, 11, 30, 12, 0)) == SIANG


def test_a_no_show_or_a_walk_in_gets_no_link(ctx, make_user):
    missed = booked_visit(make_user)
    queue.check_in(missed.code, DAY, at("08.30"))
    counter = db.session.scalar(select(Counter).where(Counter.name == "Loket 2"))
    staff = new_user(make_user, Role.VERIFIKATOR)
    queue.call_next(counter, staff.id, DAY, at("08.35"))
    queue.mark_absent(missed, at("08.45"))
    db.session.commit()
    assert for_booking(db.session.get(Booking, missed.id)) is None
    with pytest.raises(ForgedLinkError):
        read(token_for("loket", missed.id), at("09.00"))
    # A walk-in has no account to receive a link (the kiosk asks them instead).
    walk_in = queue.issue_walk_in(service("V"), "Tamu", DAY, at("09.00"))
    queue.call_next(counter, staff.id, DAY, at("09.05"))
    queue.finish(walk_in, outcome="approved", reason=None, note="", documents=[], staff_id=staff.id,
                 now=at("09.15"))
    db.session.commit()
    assert walk_in.status == "done" and for_booking(walk_in) is None


def test_the_token_reads_back_to_the_same_invitation(ctx, make_user):
    make_period()
    booking = finished_visit(make_user)
    invitation = for_booking(booking)
    token = invitation.token
    assert token == token_for("loket", booking.id)
    read_back = read(token, at("10.00"))
    assert read_back == invitation


def test_a_link_is_used_once(ctx, make_user):
    make_period()
    booking = finished_visit(make_user)
    invitation = read(for_booking(booking).token, at("10.00"))
    response = answer(invitation)
    assert db.session.get(SurveyResponse, response.id).channel == LINK
    use_row = db.session.get(SurveyInvitationUse, ("loket", booking.id))
    assert use_row.used_on == DAY
    with pytest.raises(UsedLinkError):
        read(invitation.token, at("10.05"))
    assert for_booking(booking).used is True
    assert offer(for_booking(booking), at("10.05")) == "used"
    # Two tabs that both read the link before either sent it: the second use fails
    # (the primary key), and its transaction is rolled back. (The other tab is another
    # request: a fresh session, which has not loaded the use row.)
    db.session.remove()
    with pytest.raises(UsedLinkError):
        use(invitation, DAY)
    db.session.commit()
    assert count(SurveyInvitationUse) == 1 and count(SurveyResponse) == 1


def test_a_link_expires_link_valid_days_after_the_service(ctx, make_user):
    make_period()
    booking = finished_visit(make_user)  # finished 09.20 on 30 Nov
    token = for_booking(booking).token
    deadline = at("09.20") + timedelta(days=7)
    assert read(token, deadline - timedelta(microseconds=1)).expires_at == deadline
    with pytest.raises(ExpiredLinkError):
        read(token, deadline)
    with pytest.raises(ExpiredLinkError):
        read(token, deadline + timedelta(days=300))
    assert offer(for_booking(booking), deadline - timedelta(seconds=1)) == "open"
    assert offer(for_booking(booking), deadline) == "expired"
    assert invitations.link_valid_days() == 7 and db.session.get(SurveyConfig, 1) is None

    invitations.save_link_valid_days(1)
    db.session.commit()
    assert invitations.link_valid_days() == 1
    with pytest.raises(ExpiredLinkError):
        read(token, at("09.20", day=1, month=12))
    assert read(token, at("09.19", day=1, month=12)).expires_at == at("09.20", day=1, month=12)

    invitations.save_link_valid_days(30)
    db.session.commit()
    assert read(token, deadline + timedelta(days=20)).expires_at == at("09.20") + timedelta(days=30)


@pytest.mark.parametrize("days", [0, 91, -1])
def test_link_valid_days_stay_between_1_and_90(ctx, days):
    """Refused by the service, and by the database's check for a write that skips it."""
    with pytest.raises(ValueError):
        invitations.save_link_valid_days(days)
    db.session.add(SurveyConfig(id=1, link_valid_days=days))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert invitations.link_valid_days() == 7


def test_a_used_link_reads_used_even_after_it_expired(ctx, make_user):
    make_period()
    booking = finished_visit(make_user)
    answer(read(for_booking(booking).token, at("10.00")))
    with pytest.raises(UsedLinkError):
        read(for_booking(booking).token, at("09.20") + timedelta(days=30))


def _altered(token: str) -> list[str]:
    payload, signature = token.rsplit(".", 1)
    middle = len(signature) // 2
    flipped = signature[:middle] + ("A" if signature[middle] != "A" else "B") + signature[middle + 1:]
    other_payload = URLSafeSerializer("x").dump_payload(["loket", 2]).decode()
    return [
        f"{payload}.{flipped}",  # a changed signature
        f"{other_payload}.{signature}",  # another booking's id under this signature
        f"{payload}.",  # no signature
        payload,
        f"{payload}.{signature}x",
        f"x{payload}.{signature}",
        token.upper(),
    ]


def test_forged_links_are_refused(ctx, make_user, app):
    make_period()
    booking = finished_visit(make_user)
    unfinished = booked_visit(make_user, start="10.00")
    good = for_booking(booking).token
    secret = app.config["SECRET_KEY"]
    forged = [
        *_altered(good),
        URLSafeSerializer("another-secret-key", salt=invitations.SALT).dumps(["loket", booking.id]),
        URLSafeSerializer(secret, salt="another-salt").dumps(["loket", booking.id]),
        URLSafeSerializer(secret).dumps(["loket", booking.id]),  # no salt
        token_for("loket", unfinished.id),  # signed, but not a finished visit
        token_for("loket", 999_999),  # no such booking
        token_for("ruang", booking.id),  # no such reservation
        token_for("loket", 2**31 - 1),
        token_for("loket", 2**31),  # too large for the id column
        token_for("loket", 10**40),
        token_for("loket", 0),
        token_for("loket", -booking.id),
        token_for("kiosk", booking.id),  # an unknown source
        token_for("loket", str(booking.id)),  # the id as a string
        token_for("loket", True),
        token_for("loket", float(booking.id)),
        token_for("loket", None),
        invitations._serializer().dumps(["loket", booking.id, 1]),
        invitations._serializer().dumps(["loket"]),
        invitations._serializer().dumps(booking.id),
        invitations._serializer().dumps("lo"),
        invitations._serializer().dumps({"loket": booking.id}),
        invitations._serializer().dumps(None),
        invitations._serializer().dumps([["loket"], booking.id]),
        "", " ", ".", "..", "abc", "a.b", "a.b.c", "%00", "\x00", "ü.ü", "x" * 5000,
        "../../etc/passwd", "<script>alert(1)</script>", "W10.", "eyJ9.e30",
    ]
    for token in forged:
        with pytest.raises(ForgedLinkError):
            read(token, at("10.00"))
    assert read(good, at("10.00")).source_id == booking.id  # the real one still works
    assert count(SurveyInvitationUse) == 0


def test_offer_states(ctx, make_user):
    make_period()
    assert offer(None, NOW) is None
    invitation = for_booking(finished_visit(make_user))
    assert offer(invitation, at("09.20")) == "open"
    assert offer(invitation, invitation.expires_at - timedelta(microseconds=1)) == "open"
    assert offer(invitation, invitation.expires_at) == "expired"
    assert offer(replace(invitation, used=True), at("09.20")) == "used"
    assert offer(replace(invitation, used=True), invitation.expires_at) == "used"


# --- one-time links: rooms --------------------------------------------------------------------

def test_a_room_reservation_gives_a_link_once_used(ctx, make_user):
    make_period()
    reservation = room_reservation(make_user)
    assert for_reservation(reservation, at("08.00", 1, 12)) is None  # approved, not yet used
    rooms.check_in(reservation, reservation.requester_id, at("09.00", 1, 12))
    db.session.commit()
    assert for_reservation(reservation, at("09.30", 1, 12)) is None  # in use
    # Past its end it reads completed even before a write records it: the link is offered.
    invitation = for_reservation(reservation, at("10.00", 1, 12))
    assert (invitation.source, invitation.source_id) == ("ruang", reservation.id)
    assert invitation.served == Served(ROOMS, date(2026, 12, 1), PAGI)
    assert invitation.expires_at == at("10.00", 1, 12) + timedelta(days=7)
    assert read(invitation.token, at("10.00", 1, 12)) == invitation


def test_a_room_finished_early_expires_from_when_it_was_left(ctx, make_user):
    make_period()
    reservation = room_reservation(make_user)
    rooms.check_in(reservation, reservation.requester_id, at("09.00", 1, 12))
    rooms.complete(reservation, at("09.40", 1, 12))
    db.session.commit()
    invitation = for_reservation(reservation, at("09.41", 1, 12))
    assert invitation.expires_at == at("09.40", 1, 12) + timedelta(days=7)
    token = invitation.token
    with pytest.raises(ExpiredLinkError):
        read(token, at("09.40", 8, 12))
    answer(read(token, at("09.39", 8, 12)))
    with pytest.raises(UsedLinkError):
        read(token, at("09.39", 8, 12))
    # The counter booking with the same id is another link: not spent by this one.
    assert db.session.get(SurveyInvitationUse, ("loket", reservation.id)) is None


def test_a_released_or_cancelled_room_gives_no_link(ctx, make_user):
    make_period()
    released = room_reservation(make_user)
    assert for_reservation(released, at("09.30", 1, 12)) is None  # nobody checked in
    with pytest.raises(ForgedLinkError):
        read(token_for("ruang", released.id), at("10.30", 1, 12))
    rooms.cancel(released, NOW)
    db.session.commit()
    assert for_reservation(released, at("10.30", 1, 12)) is None


# --- suggestions follow-up and the audit log -------------------------------------------------

def _suggestion() -> SurveySuggestion:
    make_period()
    responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                     suggestion="AC ruang verifikasi mati.", kind="pengaduan")
    db.session.commit()
    return db.session.scalars(select(SurveySuggestion)).one()


def test_follow_up_status_flow(ctx, make_user):
    staff = new_user(make_user, Role.SURVEY_MANAGER)
    suggestion = _suggestion()
    assert suggestions.status_counts(None) == {NEW: 1, IN_PROGRESS: 0, ANSWERED: 0}
    assert [s.id for s in suggestions.suggestions(None, NEW, 1).items] == [suggestion.id]

    suggestions.follow_up(suggestion, status=IN_PROGRESS, reply="", staff_id=staff.id, now=at("10.00"))
    db.session.commit()
    assert suggestions.status_of(suggestion) == IN_PROGRESS
    assert suggestions.status_counts(None) == {NEW: 0, IN_PROGRESS: 1, ANSWERED: 0}
    assert suggestions.suggestions(None, NEW, 1).items == []

    for blank in ("", "   \n"):
        with pytest.raises(suggestions.FollowUpError) as refused:
            suggestions.follow_up(suggestion, status=ANSWERED, reply=blank, staff_id=staff.id,
                                  now=at("10.05"))
        assert refused.value.code == "reply"
    with pytest.raises(suggestions.FollowUpError) as refused:
        suggestions.follow_up(suggestion, status="done", reply="Sudah", staff_id=staff.id, now=at("10.05"))
    assert refused.value.code == "status"
    db.session.commit()
    assert suggestions.status_of(db.session.get(SurveySuggestion, suggestion.id)) == IN_PROGRESS

    suggestions.follow_up(suggestion, status=ANSWERED, reply="  AC sudah diperbaiki, terima kasih. ",
                          staff_id=staff.id, now=at("11.00"))
    db.session.commit()
    row = db.session.get(SurveyFollowUp, suggestion.id)
    assert (row.status, row.reply, row.updated_by_id, row.updated_at) == (
        ANSWERED, "AC sudah diperbaiki, terima kasih.", staff.id, at("11.00"))
    assert suggestions.status_counts(None) == {NEW: 0, IN_PROGRESS: 0, ANSWERED: 1}
    # The suggestion itself never changes.
    assert db.session.get(SurveySuggestion, suggestion.id).text == "AC ruang verifikasi mati."


def test_the_database_refuses_an_answered_follow_up_without_reply(ctx, make_user):
    suggestion = _suggestion()
    db.session.add(SurveyFollowUp(suggestion_id=suggestion.id, status=ANSWERED, reply=""))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_follow_up_is_audited_with_the_staff_member(app, ctx, make_user):
    staff = new_user(make_user, Role.SURVEY_MANAGER)
    suggestion = _suggestion()
    with app.test_request_context(method="POST"):
        login_user(db.session.get(User, staff.id))
        suggestions.follow_up(suggestion, status=IN_PROGRESS, reply="", staff_id=staff.id, now=at("10.00"))
        db.session.commit()
        suggestions.follow_up(suggestion, status=ANSWERED, reply="Sudah diperbaiki.", staff_id=staff.id,
                              now=at("11.00"))
        db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "survey_follow_up")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.record_id, e.actor_id, e.actor_name) for e in entries] == [
        ("create", suggestion.id, staff.id, staff.email),
        ("update", suggestion.id, staff.id, staff.email),
    ]
    assert entries[0].after["status"] == IN_PROGRESS and entries[0].after["updated_by_id"] == staff.id
    assert entries[1].before == {"status": IN_PROGRESS, "reply": "",
                                 "updated_at": at("10.00").isoformat()}
    assert entries[1].after == {"status": ANSWERED, "reply": "Sudah diperbaiki.",
                                "updated_at": at("11.00").isoformat()}


def _audit_tables() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.table_name).order_by(AuditEntry.id)))


def test_answers_and_suggestions_leave_no_audit_entry(app, ctx, make_user):
    make_period()
    vendor = new_user(make_user, Role.VENDOR)
    before = count(AuditEntry)
    with app.test_request_context(method="POST"):  # a kiosk: nobody signed in
        responses.record(Served(ROOMS, DAY, PAGI), scores=ALL_FOURS, profile=PROFILE, channel=KIOSK,
                         suggestion="Ruang tunggu panas")
        db.session.commit()
    with app.test_request_context(method="POST"):  # signed in: still nothing names them
        login_user(db.session.get(User, vendor.id))
        responses.record(Served(ROOMS, DAY, SIANG), scores=SCORES, profile=PROFILE, channel=KIOSK,
                         suggestion="Terima kasih", kind="saran")
        db.session.commit()
    assert count(SurveyResponse) == 2 and count(SurveySuggestion) == 2
    assert count(AuditEntry) == before
    assert not {"survey_response", "survey_suggestion"} & set(_audit_tables())


def test_a_link_answer_leaves_no_audit_entry_either(app, ctx, make_user):
    """Who spent a link, and when, would name the person behind the one answer of that
    day, session and service: the spent link is not audited (surveys/models.py)."""
    make_period()
    booking = finished_visit(make_user)
    invitation = read(for_booking(booking).token, at("10.00"))
    before = count(AuditEntry)
    with app.test_request_context(method="POST"):
        login_user(db.session.get(User, booking.visitor_id))
        answer(invitation, suggestion="Petugas ramah")
    assert count(SurveyInvitationUse) == 1 and count(SurveyResponse) == 1
    assert count(AuditEntry) == before
