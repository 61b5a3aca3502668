"""The service calendar (pure functions; no database)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lpse_web.office.calendar import ServiceCalendar, national_holidays

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "offset"), [
    ("Asia/Jakarta", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)])
def test_open_intervals_are_the_local_hours_in_utc(zone, offset):
    calendar = ServiceCalendar(timezone=zone)
    morning, afternoon = calendar.open_intervals(MONDAY)
    local_midnight_utc = utc(2026, 11, 23) - timedelta(hours=offset)
    assert morning == (local_midnight_utc + timedelta(hours=8), local_midnight_utc + timedelta(hours=12))
    assert afternoon == (local_midnight_utc + timedelta(hours=13),
                         local_midnight_utc + timedelta(hours=16))


def test_is_open_follows_the_break():
    calendar = ServiceCalendar(timezone="Asia/Makassar")  # WITA, UTC+8
    assert calendar.is_open(utc(2026, 11, 23, 0, 0))  # 08.00 WITA
    assert calendar.is_open(utc(2026, 11, 23, 3, 59))  # 11.59 WITA
    assert not calendar.is_open(utc(2026, 11, 23, 4, 0))  # 12.00 WITA: break
    assert not calendar.is_open(utc(2026, 11, 23, 4, 59))
    assert calendar.is_open(utc(2026, 11, 23, 5, 0))  # 13.00 WITA
    assert not calendar.is_open(utc(2026, 11, 23, 8, 0))  # 16.00 WITA: closed (half-open)
    assert not calendar.is_open(utc(2026, 11, 22, 23, 59))  # 07.59 WITA


def test_friday_break_starts_at_half_past_eleven():
    calendar = ServiceCalendar(timezone="Asia/Jakarta")  # WIB, UTC+7
    morning, afternoon = calendar.open_intervals(FRIDAY)
    assert morning[1] == utc(2026, 11, 27, 4, 30)  # 11.30 WIB
    assert afternoon[0] == utc(2026, 11, 27, 6, 0)  # 13.00 WIB
    assert calendar.is_open(utc(2026, 11, 27, 4, 29))  # 11.29 WIB
    assert not calendar.is_open(utc(2026, 11, 27, 4, 30))  # 11.30 WIB on a Friday
    # The same time on a Thursday is still open.
    assert calendar.is_open(utc(2026, 11, 26, 4, 45))


def test_weekend_is_closed():
    calendar = ServiceCalendar(timezone="Asia/Makassar")
    assert calendar.open_intervals(date(2026, 11, 28)) == []
    assert calendar.closed_reason(date(2026, 11, 29)) == "Di luar hari layanan"


def test_national_holiday_and_cuti_bersama_close_the_office():
    calendar = ServiceCalendar(timezone="Asia/Makassar")
    independence = date(2026, 8, 17)  # a Monday
    assert calendar.open_intervals(independence) == []
    assert "Kemerdekaan" in calendar.closed_reason(independence)
    joint_leave = date(2026, 12, 24)  # cuti bersama Natal, a Thursday
    assert joint_leave in national_holidays(2026)
    assert calendar.open_intervals(joint_leave) == []
    # An office may choose to ignore the national list (e.g. an on-call service).
    ignoring = ServiceCalendar(timezone="Asia/Makassar", use_national_holidays=False)
    assert len(ignoring.open_intervals(independence)) == 2


def test_closure_day_closes_the_office_with_its_reason():
    calendar = ServiceCalendar(timezone="Asia/Makassar", closures={MONDAY: "Rapat kerja"})
    assert calendar.open_intervals(MONDAY) == []
    assert calendar.closed_reason(MONDAY) == "Rapat kerja"
    assert not calendar.is_open(utc(2026, 11, 23, 1))
    assert calendar.open_intervals(date(2026, 11, 24))  # only that day


def test_local_day_that_begins_on_the_previous_utc_date():
    calendar = ServiceCalendar(timezone="Asia/Jayapura")  # WIT, UTC+9
    # 08.00 WIT on Monday 23 November is 23.00 UTC on Sunday 22 November.
    sunday_23_utc = utc(2026, 11, 22, 23, 0)
    assert calendar.local_day(sunday_23_utc) == MONDAY
    assert calendar.is_open(sunday_23_utc)
    assert calendar.open_intervals(MONDAY)[0][0] == sunday_23_utc
    # An hour earlier it is 07.00 WIT Monday: not yet open.
    assert not calendar.is_open(utc(2026, 11, 22, 22, 0))
    # And 23.00 UTC on Friday is 08.00 WIT on Saturday: closed.
    assert not calendar.is_open(utc(2026, 11, 27, 23, 0))


def test_is_open_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        ServiceCalendar(timezone="Asia/Jakarta").is_open(datetime(2026, 11, 23, 9))


def test_custom_hours_and_next_open_days():
    hours = {0: ((time(9), time(15)),), 2: ((time(9), time(12)),)}
    calendar = ServiceCalendar(timezone="Asia/Jakarta", hours=hours,
                               closures={date(2026, 11, 25): "Pelatihan"})
    assert calendar.next_open_days(MONDAY, 3) == [MONDAY, date(2026, 11, 30), date(2026, 12, 2)]
