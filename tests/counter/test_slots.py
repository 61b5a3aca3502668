"""Slot generation: pure functions of the calendar, the service's rules and the clock."""

from datetime import UTC, date, datetime, time, timedelta

from lpse_web.counter.slots import Rules, bookable_slots, day_slots, find_slot, last_bookable_day
from lpse_web.office.calendar import ServiceCalendar
from tests.counter.conftest import at

NTT = ServiceCalendar(timezone="Asia/Makassar")  # WITA, the NTT hours of DOMAIN.md
HALF_HOUR = timedelta(minutes=30)
RULES = Rules(duration=HALF_HOUR, min_notice=timedelta(hours=2), max_advance_days=30)


def _local(slots, zone="Asia/Makassar"):
    from zoneinfo import ZoneInfo

    return [s.starts_at.astimezone(ZoneInfo(zone)).strftime("%H.%M") for s in slots]


def test_wita_monday_slots_around_the_midday_break():
    slots = day_slots(NTT, date(2026, 11, 30), HALF_HOUR)
    assert _local(slots) == ["08.00", "08.30", "09.00", "09.30", "10.00", "10.30", "11.00", "11.30",
                             "13.00", "13.30", "14.00", "14.30", "15.00", "15.30"]
    # Stored in UTC: 08.00 WITA is midnight UTC.
    assert slots[0].starts_at == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert slots[-1].ends_at == at("16.00")  # the day's last slot ends at closing time


def test_friday_has_the_longer_prayer_break():
    slots = _local(day_slots(NTT, date(2026, 12, 4), HALF_HOUR))
    assert "11.00" in slots and "11.30" not in slots and "12.30" not in slots and slots[7] == "13.00"
    assert len(slots) == 13


def test_no_slots_on_a_national_holiday_or_cuti_bersama_or_weekend():
    for day in (date(2026, 12, 25), date(2026, 12, 24), date(2026, 12, 5), date(2026, 12, 6)):
        assert day_slots(NTT, day, HALF_HOUR) == [], day


def test_no_slots_on_an_office_closure_day():
    closed = ServiceCalendar(timezone="Asia/Makassar", closures={date(2026, 11, 30): "Rapat kerja"})
    assert day_slots(closed, date(2026, 11, 30), HALF_HOUR) == []


def test_a_slot_never_crosses_a_break_or_closing_time():
    slots = _local(day_slots(NTT, date(2026, 11, 30), timedelta(minutes=45)))
    # 11.00-11.45 fits before the break; 11.45-12.30 would not.
    assert slots == ["08.00", "08.45", "09.30", "10.15", "11.00", "13.00", "13.45", "14.30", "15.15"]


def test_minimum_notice_hides_the_next_two_hours():
    now = at("09.10")
    assert _local(bookable_slots(NTT, RULES, date(2026, 11, 30), now))[:2] == ["11.30", "13.00"]
    no_notice = Rules(HALF_HOUR, timedelta(0), 30)
    assert _local(bookable_slots(NTT, no_notice, date(2026, 11, 30), now))[0] == "09.30"


def test_the_days_last_slot_is_bookable_until_its_notice():
    assert _local(bookable_slots(NTT, RULES, date(2026, 11, 30), at("13.30"))) == ["15.30"]
    assert bookable_slots(NTT, RULES, date(2026, 11, 30), at("13.31")) == []


def test_booking_window_ends_after_max_advance_days():
    now = at("07.00")
    assert last_bookable_day(NTT, RULES, now) == date(2026, 12, 30)
    assert bookable_slots(NTT, RULES, date(2026, 12, 30), now) != []
    assert bookable_slots(NTT, RULES, date(2026, 12, 31), now) == []  # a Thursday, one day too far
    assert bookable_slots(NTT, RULES, date(2026, 12, 24), now) == []  # cuti bersama


def test_find_slot_accepts_only_real_slot_starts():
    assert find_slot(NTT, RULES, at("15.30")) is not None
    for hhmm in ("12.00", "09.10", "16.00", "07.30"):
        assert find_slot(NTT, RULES, at(hhmm)) is None, hhmm


def test_wit_office_days_are_its_own_local_days():
    # 08.00 WIT on Monday is 23.00 UTC on Sunday: the slot belongs to Monday.
    papua = ServiceCalendar(timezone="Asia/Jayapura")
    first = day_slots(papua, date(2026, 11, 30), HALF_HOUR)[0]
    assert first.starts_at == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert papua.local_day(first.starts_at) == date(2026, 11, 30)


def test_custom_hours_with_a_saturday_morning():
    hours = {5: ((time(8), time(12)),)}
    saturday = ServiceCalendar(timezone="Asia/Jakarta", hours=hours, use_national_holidays=False)
    assert len(day_slots(saturday, date(2026, 12, 5), HALF_HOUR)) == 8
    assert day_slots(saturday, date(2026, 12, 7), HALF_HOUR) == []
