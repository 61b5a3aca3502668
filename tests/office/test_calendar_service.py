"""The calendar built from the stored office settings."""

from datetime import date, time

from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.models import Office


def test_defaults_are_the_ntt_hours_in_wita(ctx):
    calendar = services.load_calendar()
    assert calendar.timezone == "Asia/Makassar"
    assert calendar.hours[0] == ((time(8), time(12)), (time(13), time(16)))
    assert calendar.hours[4] == ((time(8), time(11, 30)), (time(13), time(16)))
    assert 5 not in calendar.hours and 6 not in calendar.hours


def test_stored_settings_change_the_calendar(ctx):
    db.session.get(Office, 1).timezone = "Asia/Jayapura"
    services.set_weekly_hours({5: [(time(9), time(12))]})
    services.add_closure_day(date(2026, 11, 28), "Bazar UMKM")
    db.session.commit()
    calendar = services.load_calendar()
    assert calendar.timezone == "Asia/Jayapura"
    assert calendar.hours == {5: ((time(9), time(12)),)}
    assert calendar.closed_reason(date(2026, 11, 28)) == "Bazar UMKM"
    assert calendar.open_intervals(date(2026, 11, 23)) == []  # Monday now closed
