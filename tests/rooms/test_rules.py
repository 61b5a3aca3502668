"""The interval and calendar rules of room reservations (lpse_web/rooms/rules.py), with
hypothesis, and the same rules as the database enforces them and as `services.plan`
applies them to a recurring request (RELIABILITY.md "Tests that prove it")."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from lpse_web.extensions import db
from lpse_web.office.calendar import ServiceCalendar, national_holidays
from lpse_web.office.models import ClosureDay
from lpse_web.rooms import rules, services
from lpse_web.rooms.models import (
    ACTIVE_STATUSES,
    BID_SUBMISSION,
    DAILY,
    STATUSES,
    WEEKLY,
    Blackout,
    Reservation,
)
from lpse_web.rooms.rules import GRID, MAX_OCCURRENCES, RoomRules
from lpse_web.rooms.services import BlackoutError, ClosedDayError, TooFarError
from tests.rooms.conftest import NOW, WITA, at, room, tomorrow

NTT = ServiceCalendar("Asia/Makassar")  # the default hours: Mon-Fri, 08.00-16.00 with breaks
BASE = tomorrow("08.00")  # Tuesday 1 December 2026, 08.00 WITA
INACTIVE_STATUSES = tuple(s for s in STATUSES if s not in ACTIVE_STATUSES)


def quarters(n: int) -> timedelta:
    return n * GRID


# A range on the quarter-hour grid: (first quarter, number of quarters) from BASE.
grid_ranges = st.tuples(st.integers(0, 40), st.integers(1, 16)).map(
    lambda t: (BASE + quarters(t[0]), BASE + quarters(t[0] + t[1])))
# Any two instants in order (not only on the grid), for the pure predicate.
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(UTC))
any_ranges = st.tuples(instants, instants).filter(lambda t: t[0] != t[1]).map(sorted).map(tuple)


def _quarters_of(r) -> set[int]:
    start, end = r
    return set(range((start - BASE) // GRID, (end - BASE) // GRID))


# --- overlaps: the predicate alone -----------------------------------------------------

@given(any_ranges, any_ranges)
def test_overlap_is_symmetric(a, b):
    assert rules.overlaps(*a, *b) == rules.overlaps(*b, *a)


@given(st.integers(0, 60), st.integers(1, 16), st.integers(1, 16))
@example(8, 4, 4)  # 10.00-11.00 and 11.00-12.00
def test_touching_ranges_never_conflict(first, length_a, length_b):
    a_start = BASE + quarters(first)
    meet = a_start + quarters(length_a)
    b_end = meet + quarters(length_b)
    assert not rules.overlaps(a_start, meet, meet, b_end)
    assert not rules.overlaps(meet, b_end, a_start, meet)


def test_ten_to_eleven_and_eleven_to_twelve_do_not_clash():
    assert not rules.overlaps(tomorrow("10.00"), tomorrow("11.00"), tomorrow("11.00"), tomorrow("12.00"))
    assert rules.overlaps(tomorrow("10.00"), tomorrow("11.15"), tomorrow("11.00"), tomorrow("12.00"))


@given(grid_ranges, grid_ranges)
@example((BASE, BASE + quarters(4)), (BASE + quarters(4), BASE + quarters(8)))
@example((BASE, BASE + quarters(8)), (BASE + quarters(2), BASE + quarters(3)))  # nested
@example((BASE, BASE + quarters(1)), (BASE, BASE + quarters(1)))  # identical
def test_overlap_means_a_shared_quarter_hour(a, b):
    """On the grid, two ranges overlap exactly when some quarter hour lies in both."""
    assert rules.overlaps(*a, *b) == bool(_quarters_of(a) & _quarters_of(b))


@given(any_ranges, st.data())
def test_any_real_overlap_is_seen(a, data):
    """Any range that shares an instant strictly inside `a` (beyond a touching end)
    overlaps it."""
    start, end = a
    inside = data.draw(st.datetimes(min_value=start.replace(tzinfo=None),
                                    max_value=(end - timedelta(microseconds=1)).replace(tzinfo=None),
                                    timezones=st.just(UTC)))
    before = data.draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)))
    after = data.draw(st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3)))
    assert rules.overlaps(start, end, inside - before, inside + after)
    assert rules.overlaps(inside - before, inside + after, start, end)


@given(any_ranges, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)), st.booleans())
def test_a_range_never_overlaps_anything_placed_outside_it(a, gap, length, later):
    """Ranges wholly before or after `a` (touching included), and empty ranges placed at
    or beyond its ends, never overlap it."""
    start, end = a
    b = (end + gap, end + gap + length) if later else (start - gap - length, start - gap)
    assert not rules.overlaps(start, end, *b)
    assert not rules.overlaps(*b, start, end)
    point = end + gap if later else start - gap
    assert not rules.overlaps(start, end, point, point)


# --- the database agrees with the predicate ----------------------------------------------

def _is_overlap_refusal(error: IntegrityError) -> bool:
    """PostgreSQL's exclusion constraint (SQLSTATE 23P01), or the SQLite trigger."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate == "23P01" or "room_reservation_overlap" in str(error.orig)


def _row(room_id, requester_id, start, end, status) -> Reservation:
    return Reservation(room_id=room_id, requester_id=requester_id, starts_at=start, ends_at=end,
                       release_after=start + timedelta(minutes=15), purpose=BID_SUBMISSION,
                       title="Uji", attendees=1, status=status, created_at=NOW)


def _commit_refused() -> bool:
    """Commit; True when the database refused an overlap (anything else is re-raised)."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        assert _is_overlap_refusal(error), error
        return True
    return False


def _empty_reservations():
    db.session.rollback()
    db.session.execute(delete(Reservation))
    db.session.commit()


DB_SETTINGS = settings(max_examples=40, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture])
TOUCHING = ((BASE + quarters(8), BASE + quarters(12)), (BASE + quarters(12), BASE + quarters(16)))


@DB_SETTINGS
@given(a=grid_ranges, b=grid_ranges, statuses=st.tuples(st.sampled_from(ACTIVE_STATUSES),
                                                        st.sampled_from(ACTIVE_STATUSES)))
@example(a=TOUCHING[0], b=TOUCHING[1], statuses=("approved", "approved"))
@example(a=TOUCHING[1], b=TOUCHING[0], statuses=("requested", "checked_in"))
@example(a=TOUCHING[0], b=TOUCHING[0], statuses=("completed", "requested"))
def test_the_database_refuses_a_pair_exactly_when_overlaps_says_so(app, rooms, people, a, b, statuses):
    with app.app_context():
        try:
            db.session.add(_row(rooms["bidding"], people["official"], *a, statuses[0]))
            db.session.commit()
            db.session.add(_row(rooms["bidding"], people["other_official"], *b, statuses[1]))
            assert _commit_refused() == rules.overlaps(*a, *b)
        finally:
            _empty_reservations()


@DB_SETTINGS
@given(a=grid_ranges, b=grid_ranges, inactive=st.sampled_from(INACTIVE_STATUSES),
       active=st.sampled_from(ACTIVE_STATUSES), how=st.sampled_from(["status", "move", "other room"]))
def test_the_database_checks_updates_and_ignores_inactive_and_other_rooms(
        app, rooms, people, a, b, inactive, active, how):
    """Rejected, cancelled and released reservations never clash; making one active
    again (status) or moving an active one onto another (times) is refused exactly when
    the ranges overlap; another room's reservations never clash."""
    far = (b[0] + timedelta(days=7), b[1] + timedelta(days=7))
    with app.app_context():
        try:
            db.session.add(_row(rooms["bidding"], people["official"], *a, "approved"))
            db.session.commit()
            if how == "status":
                second = _row(rooms["bidding"], people["other_official"], *b, inactive)
            elif how == "move":
                second = _row(rooms["bidding"], people["other_official"], *far, active)
            else:
                second = _row(rooms["verification"], people["other_official"], *b, active)
            db.session.add(second)
            assert not _commit_refused()
            if how == "status":
                second.status = active
            elif how == "move":
                second.starts_at, second.ends_at = b
            else:
                second.status = active
            expected = rules.overlaps(*a, *b) and how != "other room"
            assert _commit_refused() == expected
        finally:
            _empty_reservations()


# --- recurrence --------------------------------------------------------------------------

def _local(at_utc: datetime, zone=WITA) -> datetime:
    return at_utc.astimezone(zone)


def test_a_daily_series_keeps_the_wall_clock_time():
    start, end = at("09.00", 1, 12), at("10.30", 1, 12)
    occurrences = rules.expand(start, end, DAILY, date(2026, 12, 10), NTT)
    assert [_local(s).date() for s, _ in occurrences] == [date(2026, 12, d) for d in range(1, 11)]
    assert {(_local(s).time(), _local(e).time()) for s, e in occurrences} == {(time(9), time(10, 30))}
    assert occurrences[0] == (start, end)  # the first is the one asked for


def test_a_weekly_series_keeps_the_wall_clock_time_and_includes_until():
    start, end = at("13.00", 3, 12), at("15.00", 3, 12)
    occurrences = rules.expand(start, end, WEEKLY, date(2026, 12, 31), NTT)
    assert [_local(s).date() for s, _ in occurrences] == [date(2026, 12, d) for d in (3, 10, 17, 24, 31)]
    assert all(e - s == timedelta(hours=2) for s, e in occurrences)
    assert {_local(s).time() for s, _ in occurrences} == {time(13)}


def test_wall_clock_time_is_kept_across_a_daylight_saving_change():
    """Indonesia has none, but the arithmetic is done in local time: 09.00 stays 09.00."""
    berlin = ServiceCalendar("Europe/Berlin")
    zone = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 10, 20, 9, 0, tzinfo=zone).astimezone(UTC)
    occurrences = rules.expand(start, start + timedelta(hours=1), WEEKLY, date(2026, 11, 10), berlin)
    assert [_local(s, zone).time() for s, _ in occurrences] == [time(9)] * 4
    assert {s.hour for s, _ in occurrences} == {7, 8}  # summer time, then winter time in UTC
    assert all(e - s == timedelta(hours=1) for s, e in occurrences)


def test_a_single_request_is_one_occurrence():
    start, end = tomorrow("09.00"), tomorrow("10.00")
    assert rules.expand(start, end, None, date(2026, 12, 31), NTT) == [(start, end)]
    assert rules.expand(start, end, DAILY, None, NTT) == [(start, end)]


def test_a_series_ending_before_it_starts_is_still_the_first_occurrence():
    """"The first one, then every day or every week ... up to and including until": an
    `until` before the first day leaves the first occurrence, not nothing (with nothing,
    services.plan fails on wanted[0])."""
    start, end = tomorrow("09.00"), tomorrow("10.00")
    assert rules.expand(start, end, DAILY, date(2026, 11, 30), NTT) == [(start, end)]


def test_a_series_never_has_more_than_max_occurrences():
    start, end = tomorrow("09.00"), tomorrow("10.00")
    assert len(rules.expand(start, end, DAILY, date(2028, 1, 1), NTT)) == MAX_OCCURRENCES
    weekly = rules.expand(start, end, WEEKLY, date(2031, 1, 1), NTT)
    assert len(weekly) == MAX_OCCURRENCES
    assert _local(weekly[-1][0]).date() == date(2026, 12, 1) + timedelta(weeks=MAX_OCCURRENCES - 1)


# --- plan: what stands in each occurrence's way -------------------------------------------

def _by_day(occurrences):
    return {_local(o.starts_at).date(): o.problem for o in occurrences}


def test_plan_marks_holidays_closure_days_and_blackouts(ctx, rooms):
    db.session.add(ClosureDay(day=date(2026, 12, 29), reason="Rapat kerja akhir tahun"))
    db.session.add(Blackout(room_id=rooms["bidding"], starts_at=at("10.00", 30, 12),
                            ends_at=at("11.00", 30, 12), reason="Perawatan jaringan"))
    # Touching the end of the occurrence: no clash.
    db.session.add(Blackout(room_id=rooms["bidding"], starts_at=at("10.30", 31, 12),
                            ends_at=at("12.00", 31, 12), reason="Perawatan AC"))
    # Another room's blackout is not this room's.
    db.session.add(Blackout(room_id=rooms["verification"], starts_at=at("08.00", 22, 12),
                            ends_at=at("16.00", 22, 12), reason="Ujian"))
    db.session.commit()
    occurrences = services.plan(room("bidding", rooms), at("09.00", 21, 12), at("10.30", 21, 12), NOW,
                                frequency=DAILY, until=date(2027, 1, 1))
    problems = _by_day(occurrences)
    assert list(problems) == [date(2026, 12, d) for d in (21, 22, 23, 24, 25, 28, 29, 30, 31)] + [
        date(2027, 1, 1)]  # the weekend of 26-27 December passed over silently
    ok_days = [d for d, p in problems.items() if p is None]
    assert ok_days == [date(2026, 12, d) for d in (21, 22, 23, 28, 31)]
    closed = {d: p.reason for d, p in problems.items() if isinstance(p, ClosedDayError)}
    assert closed == {date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
                      date(2026, 12, 25): "Hari Raya Natal",
                      date(2026, 12, 29): "Rapat kerja akhir tahun",
                      date(2027, 1, 1): "Tahun Baru Masehi"}
    blackout = problems[date(2026, 12, 30)]
    assert isinstance(blackout, BlackoutError) and blackout.blackout.reason == "Perawatan jaringan"
    assert all(o.ok == (o.problem is None) for o in occurrences)


def test_a_daily_series_passes_over_the_weekend(ctx, rooms, make_room):
    weekend_room = make_room("Ruang Pelatihan", kind="training", seats=30, open_weekends=True)
    start, end = at("09.00", 4, 12), at("11.00", 4, 12)  # Friday
    until = date(2026, 12, 8)
    weekdays = services.plan(room("bidding", rooms), start, end, NOW, frequency=DAILY, until=until)
    assert _by_day(weekdays) == {date(2026, 12, d): None for d in (4, 7, 8)}
    every_day = services.plan(room(weekend_room), start, end, NOW, frequency=DAILY, until=until)
    assert _by_day(every_day) == {date(2026, 12, d): None for d in (4, 5, 6, 7, 8)}


def test_weekend_occurrences_that_were_asked_for_are_listed_as_closed(ctx, rooms):
    bidding = room("bidding", rooms)
    saturday = at("09.00", 5, 12), at("10.00", 5, 12)
    weekly = _by_day(services.plan(bidding, *saturday, NOW, frequency=WEEKLY, until=date(2026, 12, 19)))
    assert list(weekly) == [date(2026, 12, 5), date(2026, 12, 12), date(2026, 12, 19)]
    assert all(isinstance(p, ClosedDayError) for p in weekly.values())
    # A daily series starting on a Saturday: the first occurrence is shown with why,
    # the Sunday is passed over.
    daily = _by_day(services.plan(bidding, *saturday, NOW, frequency=DAILY, until=date(2026, 12, 8)))
    assert list(daily) == [date(2026, 12, 5), date(2026, 12, 7), date(2026, 12, 8)]
    assert isinstance(daily[date(2026, 12, 5)], ClosedDayError)
    assert daily[date(2026, 12, 7)] is None and daily[date(2026, 12, 8)] is None


def test_plan_never_goes_beyond_max_occurrences(ctx, rooms):
    bidding = room("bidding", rooms)
    for frequency in (DAILY, WEEKLY):
        occurrences = services.plan(bidding, tomorrow("09.00"), tomorrow("10.00"), NOW,
                                    frequency=frequency, until=date(2030, 1, 1))
        # At most MAX_OCCURRENCES dates, then one line that says where the request stops.
        *asked, stop = occurrences
        assert len(asked) == MAX_OCCURRENCES
        assert isinstance(stop.problem, services.TooManyOccurrencesError)
        assert not any(isinstance(o.problem, services.TooManyOccurrencesError) for o in asked)
    # Weekly for 60 weeks goes past the 90 days' advance: those are refused, not dropped.
    assert any(isinstance(o.problem, TooFarError) for o in occurrences)


def _expected_closed(day: date, closures: dict[date, str], open_weekends: bool):
    if day in closures:
        return closures[day]
    holiday = national_holidays(day.year).get(day)
    if holiday:
        return holiday
    if day.weekday() >= 5 and not open_weekends:
        return "weekend"
    return None


SERIES_DAYS = st.dates(min_value=date(2026, 11, 30), max_value=date(2027, 2, 26))
CLOSURE_DAYS = st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 5, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first_day=SERIES_DAYS, first_quarter=st.integers(0, 24), length=st.integers(1, 8),
       frequency=st.sampled_from([DAILY, WEEKLY]), span=st.integers(0, 150),
       open_weekends=st.booleans(),
       closures=st.dictionaries(CLOSURE_DAYS, st.sampled_from(["Rapat kerja", "Pemadaman listrik"]),
                                max_size=6),
       blackouts=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 28), st.integers(1, 16)),
                          max_size=4))
def test_no_planned_occurrence_lies_on_a_closed_day_or_in_a_blackout(
        app, rooms, first_day, first_quarter, length, frequency, span, open_weekends,
        closures, blackouts):
    room_id = rooms["bidding"]
    with app.app_context():
        try:
            if open_weekends:
                room("bidding", rooms).open_weekends = True
            for day, reason in closures.items():
                db.session.add(ClosureDay(day=day, reason=reason))
            stored_blackouts = []
            for offset, quarter, quarters_long in blackouts:
                starts = datetime.combine(first_day + timedelta(days=offset), time(8), WITA).astimezone(UTC) \
                    + quarters(quarter)
                stored_blackouts.append(Blackout(room_id=room_id, starts_at=starts, reason="Perawatan",
                                                 ends_at=starts + quarters(quarters_long)))
            db.session.add_all(stored_blackouts)
            db.session.flush()

            start = datetime.combine(first_day, time(8), WITA).astimezone(UTC) + quarters(first_quarter)
            end = start + quarters(length)
            until = first_day + timedelta(days=span)
            occurrences = services.plan(room("bidding", rooms), start, end, NOW, frequency=frequency,
                                        until=until)

            if isinstance(occurrences[-1].problem, services.TooManyOccurrencesError):
                occurrences = occurrences[:-1]  # the line saying where the request stops
            assert 1 <= len(occurrences) <= MAX_OCCURRENCES
            assert (occurrences[0].starts_at, occurrences[0].ends_at) == (start, end)
            days = [_local(o.starts_at).date() for o in occurrences]
            # Every occurrence at the first one's wall-clock time, on the series' days.
            assert all((_local(o.starts_at).time(), _local(o.ends_at).time())
                       == (_local(start).time(), _local(end).time()) for o in occurrences)
            step = 1 if frequency == DAILY else 7
            candidates = [first_day + timedelta(days=step * k) for k in range(span // step + 1)]
            if frequency == DAILY and not open_weekends:  # weekends passed over, not counted
                candidates = [d for d in candidates if d == first_day or d.weekday() < 5]
            assert days == candidates[:MAX_OCCURRENCES]

            for day, occurrence in zip(days, occurrences, strict=True):
                closed = _expected_closed(day, closures, open_weekends)
                in_blackout = any(rules.overlaps(occurrence.starts_at, occurrence.ends_at,
                                                 b.starts_at, b.ends_at) for b in stored_blackouts)
                if occurrence.ok:
                    assert closed is None, (day, closed)
                    assert not in_blackout, day
                    assert day not in national_holidays(day.year) and day not in closures
                elif closed is not None:
                    assert isinstance(occurrence.problem, ClosedDayError), (day, occurrence.problem)
                    if closed != "weekend":
                        assert occurrence.problem.reason == closed
                elif day > date(2026, 11, 30) + timedelta(days=90):
                    assert isinstance(occurrence.problem, TooFarError), (day, occurrence.problem)
                else:
                    assert in_blackout and isinstance(occurrence.problem, BlackoutError), (
                        day, occurrence.problem)
        finally:
            db.session.rollback()


# --- open_hours and closed_reason ---------------------------------------------------------

def _hours(day: date, opens: time, closes: time, zone=WITA):
    return (datetime.combine(day, opens, zone).astimezone(UTC),
            datetime.combine(day, closes, zone).astimezone(UTC))


MONDAY, FRIDAY, SATURDAY, SUNDAY = date(2026, 11, 30), date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 6)


def test_a_room_without_own_hours_is_open_the_offices_whole_day():
    """Through the lunch break (a training runs through it), and on Friday through the
    longer Friday-prayer break: first opening to last closing."""
    assert rules.open_hours(NTT, RoomRules(), MONDAY) == _hours(MONDAY, time(8), time(16))
    assert rules.open_hours(NTT, RoomRules(), FRIDAY) == _hours(FRIDAY, time(8), time(16))
    assert rules.open_hours(NTT, RoomRules(), MONDAY)[0] == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert rules.closed_reason(NTT, RoomRules(), MONDAY) is None


def test_a_rooms_own_hours_replace_the_offices_day():
    own = RoomRules(opens=time(7, 30), closes=time(17, 30))
    assert rules.open_hours(NTT, own, MONDAY) == _hours(MONDAY, time(7, 30), time(17, 30))
    assert rules.open_hours(NTT, own, SATURDAY) is None  # own hours do not open the weekend
    only_opens = RoomRules(opens=time(7, 30))  # half a setting: the office's day
    assert rules.open_hours(NTT, only_opens, MONDAY) == _hours(MONDAY, time(8), time(16))


def test_the_weekend_is_closed_unless_the_room_opens_weekends():
    for day in (SATURDAY, SUNDAY):
        assert rules.closed_reason(NTT, RoomRules(), day) is not None
        assert rules.open_hours(NTT, RoomRules(), day) is None
        weekends = RoomRules(open_weekends=True)
        assert rules.closed_reason(NTT, weekends, day) is None
        # No office hours on a Saturday: the office's widest day is used.
        assert rules.open_hours(NTT, weekends, day) == _hours(day, time(8), time(16))
        own = RoomRules(opens=time(9), closes=time(13), open_weekends=True)
        assert rules.open_hours(NTT, own, day) == _hours(day, time(9), time(13))


def test_holidays_and_closure_days_close_every_room():
    closures = ServiceCalendar("Asia/Makassar", closures={SATURDAY: "Pemadaman listrik",
                                                          MONDAY: "Rapat kerja"})
    weekends = RoomRules(open_weekends=True)
    christmas = date(2026, 12, 25)
    for room_rules in (RoomRules(), weekends):
        assert rules.closed_reason(NTT, room_rules, christmas) == "Hari Raya Natal"
        assert rules.closed_reason(NTT, room_rules, date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
        assert rules.open_hours(NTT, room_rules, christmas) is None
        assert rules.closed_reason(closures, room_rules, MONDAY) == "Rapat kerja"
        assert rules.closed_reason(closures, room_rules, SATURDAY) == "Pemadaman listrik"
        assert rules.open_hours(closures, room_rules, SATURDAY) is None
    # A national holiday on a Saturday closes even a weekend room (Imlek 2027).
    imlek = date(2027, 2, 6)
    assert rules.closed_reason(NTT, weekends, imlek) == "Tahun Baru Imlek"
    assert rules.open_hours(NTT, weekends, imlek) is None
    # An office that does not follow the national holidays opens on them.
    secular = ServiceCalendar("Asia/Makassar", use_national_holidays=False)
    assert rules.closed_reason(secular, RoomRules(), christmas) is None
    assert rules.closed_reason(secular, weekends, imlek) is None


def test_open_hours_are_utc_instants_of_the_offices_zone():
    papua = ServiceCalendar("Asia/Jayapura")  # WIT: 08.00 on Monday is 23.00 UTC on Sunday
    start, end = rules.open_hours(papua, RoomRules(), MONDAY)
    assert start == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def test_on_grid_is_the_local_quarter_hour():
    assert rules.on_grid(tomorrow("09.45"), NTT)
    assert not rules.on_grid(tomorrow("09.50"), NTT)
    assert not rules.on_grid(tomorrow("09.45") + timedelta(seconds=1), NTT)
    # A zone 30 minutes off the hour: the grid is the local one.
    india = ServiceCalendar("Asia/Kolkata")
    assert rules.on_grid(datetime(2026, 12, 1, 3, 30, tzinfo=UTC), india)  # 09.00 IST


@pytest.mark.parametrize("frequency", [None, DAILY, WEEKLY])
def test_weekend_skipped_only_for_daily_series(frequency):
    assert rules.weekend_skipped(frequency, NTT, RoomRules(), SATURDAY) == (frequency == DAILY)
    assert not rules.weekend_skipped(frequency, NTT, RoomRules(open_weekends=True), SATURDAY)
    assert not rules.weekend_skipped(frequency, NTT, RoomRules(), MONDAY)
