"""Races between real processes over separate connections, released together by a
barrier, on SQLite and on PostgreSQL (RELIABILITY.md "Tests that prove it").

Each racer is a fresh interpreter running the whole app through its test client: log
in, wait at the barrier, then one request. What the racers were told is compared with
what the database holds."""

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.counter.models import Booking, Slot
from lpse_web.extensions import db
from tests.counter.conftest import NOW_ISO
from tests.racing import race

pytestmark = pytest.mark.race
RACERS = 20  # the floor: N >= 20 separate processes


def _racer(database_url, email, password_totp, request, barrier, results):
    from lpse_web import create_app
    from tests.conftest import CSRFClient, _test_config

    config = _test_config(database_url)
    config["LPSE_NOW"] = NOW_ISO
    app = create_app(config)
    app.test_client_class = CSRFClient
    client = app.test_client()
    password, totp_secret = password_totp
    client.post("/masuk", data={"email": email, "password": password})
    if totp_secret:
        import pyotp

        client.post("/masuk/kode", data={"code": pyotp.TOTP(totp_secret).now()})
    url, data = request
    client.get("/")  # the CSRF token is in the session before the race begins
    barrier.wait(timeout=60)
    try:
        response = client.post(url, data=data)
        location = response.headers.get("Location", "")
        page = client.get(location).get_data(as_text=True) if location else ""
        results.put((response.status_code, location, page))
    except Exception as error:  # an exception would be a bug: report it, fail the test
        results.put((500, "", repr(error)))
    with app.app_context():
        db.engine.dispose()


def _race(database_url, racers):
    """racers: [(email, (password, totp_secret), (url, form data))]"""
    return race(_racer, [(database_url, *racer) for racer in racers])


def test_last_places_of_a_slot_go_to_exactly_capacity_bookers(app, database_url, make_user, office):
    """20 vendors book the same verification slot (2 places) at the same moment."""
    from tests.factories import PASSWORD

    verification = office["services"]["V"]
    url = f"/loket/{verification}/2026-11-30T09.00"
    vendors = [make_user(Role.VENDOR) for _ in range(RACERS)]
    outcomes = _race(database_url, [(v.email, (PASSWORD, None), (url, {})) for v in vendors])

    assert all(status == 303 for status, _, _ in outcomes), outcomes
    winners = [loc for _, loc, _ in outcomes if "/tiket/" in loc]
    losers = [page for _, loc, page in outcomes if "/tiket/" not in loc]
    assert len(winners) == 2
    assert len(losers) == RACERS - 2
    assert all("baru saja penuh" in page for page in losers)  # "slot full", not an error
    with app.app_context():
        assert db.session.scalar(select(Slot.booked)) == 2
        stored = set(db.session.scalars(select(Booking.code)))
        assert stored == {loc.rsplit("/", 1)[-1] for loc in winners}  # nothing lost, nothing extra


def test_one_vendor_double_submitting_gets_one_booking(app, database_url, make_user, office):
    """The same vendor, in many tabs at once, on different slots of one service."""
    from tests.factories import PASSWORD

    verification = office["services"]["V"]
    vendor = make_user(Role.VENDOR)
    starts = ["09.00", "09.30", "10.00", "10.30", "11.00", "11.30", "13.00", "13.30"]
    outcomes = _race(database_url, [
        (vendor.email, (PASSWORD, None), (f"/loket/{verification}/2026-11-30T{s}", {}))
        for s in starts])
    winners = [loc for _, loc, _ in outcomes if "/tiket/" in loc]
    assert len(winners) == 1, outcomes
    assert all(status == 303 for status, _, _ in outcomes)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
        assert db.session.scalar(select(func.sum(Slot.booked))) == 1  # the losers' places were given back


def test_concurrent_walk_ins_get_distinct_numbers(app, database_url, make_user, office):
    from tests.factories import PASSWORD

    staff = [make_user(Role.VERIFIKATOR) for _ in range(10)]
    walk_in = ("/antrian/walk-in", {"service": office["services"]["V"]})
    outcomes = _race(database_url, [(s.email, (PASSWORD, s.totp_secret), walk_in) for s in staff])
    assert all(status == 303 for status, _, _ in outcomes), outcomes
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Booking.queue_number)))
    assert numbers == list(range(1, 11))


def test_two_counters_calling_the_one_waiting_visitor(app, database_url, make_user, login, client, office):
    from tests.factories import PASSWORD

    desk = make_user(Role.VERIFIKATOR)
    login(client, desk)
    client.post("/antrian/walk-in", data={"service": office["services"]["V"]})
    staff = [make_user(Role.VERIFIKATOR) for _ in range(2)]
    counters = [office["counters"]["Loket 1"], office["counters"]["Loket 2"]]
    outcomes = _race(database_url, [
        (s.email, (PASSWORD, s.totp_secret), ("/antrian/panggil", {"counter": c}))
        for s, c in zip(staff, counters, strict=True)])
    pages = [page for _, _, page in outcomes]
    assert sum("dipanggil ke" in p for p in pages) == 1, pages
    assert sum("Tidak ada pengunjung yang menunggu" in p for p in pages) == 1
    with app.app_context():
        called = select(func.count()).select_from(Booking).where(Booking.status == "called")
        assert db.session.scalar(called) == 1
