"""A report's period: quarters, custom ranges, and the instants that bound them in the
office's zone (no database)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lpse_web.reports.periods import PeriodError, custom, from_args, quarter, quarter_of

WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(("number", "first", "last"), [
    (1, date(2026, 1, 1), date(2026, 3, 31)), (2, date(2026, 4, 1), date(2026, 6, 30)),
    (3, date(2026, 7, 1), date(2026, 9, 30)), (4, date(2026, 10, 1), date(2026, 12, 31)),
])
def test_the_four_quarters_cover_the_year(number, first, last):
    period = quarter(2026, number)
    assert (period.first, period.last, period.quarter) == (first, last, number)
    assert period.name == f"Triwulan {('I', 'II', 'III', 'IV')[number - 1]} 2026"


def test_an_event_at_23_30_wita_on_31_march_is_in_q1_and_00_10_on_1_april_in_q2():
    q1_start, q1_end = quarter(2026, 1).bounds(WITA)
    q2_start, _q2_end = quarter(2026, 2).bounds(WITA)
    late = datetime(2026, 3, 31, 23, 30, tzinfo=WITA)  # 15.30 UTC on 31 March
    early = datetime(2026, 4, 1, 0, 10, tzinfo=WITA)  # 16.10 UTC on 31 March: UTC says March
    assert early.astimezone(UTC).date() == date(2026, 3, 31)
    assert q1_start <= late < q1_end
    assert not (q1_start <= early < q1_end) and q2_start <= early
    assert q1_end == q2_start == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


def test_the_previous_period_of_q1_is_q4_of_the_year_before_and_of_a_range_the_same_length_before():
    assert quarter(2026, 1).previous() == quarter(2025, 4)
    assert quarter(2026, 3).previous() == quarter(2026, 2)
    special = custom(date(2026, 2, 10), date(2026, 2, 19))
    before = special.previous()
    assert (before.first, before.last, before.quarter) == (date(2026, 1, 31), date(2026, 2, 9), None)
    assert before.days == special.days == 10


def test_months_are_cut_to_the_period():
    months = custom(date(2026, 1, 20), date(2026, 3, 5)).months()
    assert [(m.first, m.last) for m in months] == [
        (date(2026, 1, 20), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 5))]
    assert [m.name for m in months] == ["Januari 2026", "Februari 2026", "Maret 2026"]
    assert [m.key for m in quarter(2026, 4).months()] == ["2026-10", "2026-11", "2026-12"]


def test_a_custom_range_is_named_by_its_days_and_bounded_by_midnight_after_its_last():
    special = custom(date(2026, 1, 1), date(2026, 2, 15))
    assert special.name == "1 Januari 2026 – 15 Februari 2026"
    start, end = special.bounds(WITA)
    assert end - start == timedelta(days=46)


@pytest.mark.parametrize(("args", "expected"), [
    ({}, quarter(2026, 4)),  # today's quarter
    ({"tahun": "2025", "triwulan": "2"}, quarter(2025, 2)),
    ({"triwulan": "3"}, quarter(2026, 3)),
    ({"dari": "2026-01-05", "sampai": "2026-01-05"}, custom(date(2026, 1, 5), date(2026, 1, 5))),
])
def test_the_query_names_the_period(args, expected):
    assert from_args(args, date(2026, 12, 2)) == expected


@pytest.mark.parametrize(("args", "code"), [
    ({"tahun": "2026", "triwulan": "5"}, "quarter"),
    ({"tahun": "2026", "triwulan": "0"}, "quarter"),
    ({"tahun": "2026", "triwulan": "-1"}, "quarter"),
    ({"tahun": "１２３", "triwulan": "1"}, "year"),  # full-width digits are not a year
    ({"tahun": "1999", "triwulan": "1"}, "year"),
    ({"tahun": "99999", "triwulan": "1"}, "year"),
    ({"dari": "2026-02-01", "sampai": "2026-01-31"}, "order"),
    ({"dari": "2026-02-01"}, "range_incomplete"),
    ({"dari": "kemarin", "sampai": "2026-01-31"}, "day"),
    ({"dari": "2020-01-01", "sampai": "2026-01-31"}, "too_long"),
    ({"dari": "1999-12-31", "sampai": "2000-01-31"}, "year"),
])
def test_a_refused_query_names_its_reason(args, code):
    with pytest.raises(PeriodError) as refused:
        from_args(args, date(2026, 12, 2))
    assert refused.value.code == code


def test_the_quarter_of_a_day():
    assert quarter_of(date(2026, 3, 31)) == quarter(2026, 1)
    assert quarter_of(date(2026, 4, 1)) == quarter(2026, 2)
    assert quarter_of(date(2026, 12, 31)).args() == {"tahun": 2026, "triwulan": 4}
