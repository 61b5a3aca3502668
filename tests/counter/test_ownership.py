"""A booking is its owner's: another vendor (or official) who has or guesses its code or
id can neither see nor change it. Every ticket URL answers 404 to anyone but the owner
and the counter staff, as if the code did not exist; the queue's URLs with real booking
ids are staff-only (403); "my tickets" lists one's own bookings only. Officials (room
users) book too, and are shown the officials' documents, not the company papers."""

import random
import re

from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter.booking import CODE_ALPHABET
from lpse_web.counter.models import Booking, Slot
from lpse_web.extensions import db
from tests.counter.conftest import at
from tests.security.conftest import row_counts

NINE = "2026-11-30T09.00"  # Monday 30 November, the first slot after the two-hour notice
TEN = "2026-11-30T10.00"
COMPANY_PAPERS = ("Akta pendirian perusahaan", "NPWP perusahaan", "Izin usaha")
OFFICIAL_PAPERS = "Surat tugas / surat keputusan pengangkatan"
TICKET_LINK = re.compile(r'href="/tiket/([A-Z0-9]+)"')


def signed_in(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def book(client, service_id, start=NINE) -> str:
    response = client.post(f"/loket/{service_id}/{start}")
    assert response.status_code == 303 and "/tiket/" in response.location, response.location
    return response.location.rsplit("/", 1)[-1]


def ticket_requests(code: str):
    """Every ticket URL, GET and POST, each POST with a submission the owner could make."""
    return [("GET", f"/tiket/{code}", None), ("GET", f"/tiket/{code}/kalender.ics", None),
            ("GET", f"/tiket/{code}/jadwal-ulang", None),
            ("POST", f"/tiket/{code}/jadwal-ulang", {"start": TEN}),
            ("POST", f"/tiket/{code}/batal", {})]


def send(client, method, url, data=None, headers=None):
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, data=data, headers=headers)


def booking_state(app, code):
    with app.app_context():
        booking = db.session.scalar(select(Booking).where(Booking.code == code))
        slot = db.session.get(Slot, booking.slot_id)
        return booking.status, booking.scheduled_at, booking.visitor_id, slot.starts_at, slot.booked


def test_another_bookers_code_is_not_found_on_every_ticket_url_and_changes_nothing(
        app, make_user, login, office):
    owner = make_user(Role.VENDOR, name="Yosef Lalo", company="CV Flobamora")
    owner_client = signed_in(app, login, owner)
    code = book(owner_client, office["services"]["V"])
    intruders = {"another vendor": make_user(Role.VENDOR),
                 "an official": make_user(Role.ROOM_USER)}  # may book, so passes the guard
    state = booking_state(app, code)
    assert state == ("booked", at("09.00"), owner.id, at("09.00"), 1)

    for who, intruder in intruders.items():
        client = signed_in(app, login, intruder)
        book(client, office["services"]["V"], TEN)  # a booking of its own: still not this one
        before = row_counts(app)
        for variant in (code, code.lower(), f" {code} "):  # the lookup ignores case and spaces
            for method, url, data in ticket_requests(variant):
                for headers in ({}, {"HX-Request": "true"}):
                    response = send(client, method, url, data, headers)
                    assert response.status_code == 404, (who, method, url, headers, response.status_code)
                    body = response.get_data(as_text=True)
                    assert "Yosef Lalo" not in body and "CV Flobamora" not in body, (who, url)
        assert row_counts(app) == before, who
        assert booking_state(app, code) == state, who
        assert code not in client.get("/tiket-saya").get_data(as_text=True)

    # The code is real: its owner gets the ticket, still booked at 09.00.
    page = owner_client.get(f"/tiket/{code}")
    assert page.status_code == 200 and code in page.get_data(as_text=True)


def test_guessed_codes_are_not_found(app, make_user, login, office):
    vendor = make_user(Role.VENDOR)
    client = signed_in(app, login, vendor)
    code = book(client, office["services"]["V"])
    guesser = random.Random(20261130)
    guesses = {"".join(guesser.choice(CODE_ALPHABET) for _ in range(8)) for _ in range(20)}
    one_off = code[:-1] + next(c for c in CODE_ALPHABET if c != code[-1])
    odd = {one_off, code + "A", code[:-1], "A" * 12, "A" * 13, "ABC%00DEF", "%00", "%01ZZ",
           "abc'--", "ABC%25DEF", "%C3%A9T%C3%A9", "%E2%80%8B" + code}
    guesses = (guesses | odd) - {code}
    staff = signed_in(app, login, make_user(Role.VERIFIKATOR))  # may read any ticket that exists
    before = row_counts(app)
    for guess in sorted(guesses):
        for method, url, data in ticket_requests(guess):
            response = send(client, method, url, data)
            assert response.status_code == 404, (method, url, response.status_code)
            if method == "GET" and not url.endswith("/jadwal-ulang"):
                assert staff.get(url).status_code == 404, url
    assert row_counts(app) == before
    assert client.get(f"/tiket/{code}").status_code == 200  # the real one is found


def test_vendors_get_403_on_the_queue_with_real_booking_ids(app, make_user, login, office):
    owner = make_user(Role.VENDOR)
    owner_client = signed_in(app, login, owner)
    code = book(owner_client, office["services"]["V"])
    staff = signed_in(app, login, make_user(Role.VERIFIKATOR))
    assert staff.post("/antrian/check-in", data={"code": code}).status_code == 303
    assert staff.post("/antrian/panggil", data={"counter": office["counters"]["Loket 2"]}).status_code == 303
    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id).where(Booking.code == code))
    # The id is real and today's: the staff's outcome form opens.
    assert staff.get(f"/antrian/{booking_id}/selesai").status_code == 200

    requests = [("GET", "/antrian/", None), ("GET", f"/antrian/{booking_id}/selesai", None),
                ("POST", f"/antrian/{booking_id}/selesai", {"outcome": "approved", "note": "Lengkap"}),
                ("POST", f"/antrian/{booking_id}/tidak-hadir", {}),
                ("POST", "/antrian/check-in", {"code": code}),
                ("POST", "/antrian/walk-in", {"service": office["services"]["V"], "name": "Saya"}),
                ("POST", "/antrian/panggil", {"counter": office["counters"]["Loket 1"]}),
                ("GET", "/antrian/laporan/", None), ("GET", "/antrian/laporan/unduh.csv", None)]
    others = [signed_in(app, login, make_user(Role.VENDOR)), signed_in(app, login, make_user(Role.ROOM_USER))]
    before = row_counts(app)
    for client in (owner_client, *others):
        for method, url, data in requests:
            for headers in ({}, {"HX-Request": "true"}):
                response = send(client, method, url, data, headers)
                assert response.status_code == 403, (method, url, headers, response.status_code)
    assert row_counts(app) == before
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert (booking.status, booking.outcome, booking.counter_id) == (
            "called", None, office["counters"]["Loket 2"])


def test_my_tickets_lists_only_my_own_bookings(app, make_user, login, office):
    services = office["services"]
    alice, bob = make_user(Role.VENDOR), make_user(Role.VENDOR)
    alice_client, bob_client = signed_in(app, login, alice), signed_in(app, login, bob)
    alices = {book(alice_client, services["V"]), book(alice_client, services["K"], TEN)}
    bobs = {book(bob_client, services["V"]), book(bob_client, services["A"])}
    cancelled = book(bob_client, services["K"], "2026-11-30T11.00")
    assert bob_client.post(f"/tiket/{cancelled}/batal").status_code == 303
    bobs.add(cancelled)
    staff = signed_in(app, login, make_user(Role.HELPDESK))
    assert staff.post("/antrian/walk-in", data={"service": services["V"], "name": "Tamu"}).status_code == 303
    with app.app_context():
        walk_in = db.session.scalar(select(Booking.code).where(Booking.is_walk_in))

    for client, own, others in ((alice_client, alices, bobs), (bob_client, bobs, alices)):
        page = client.get("/tiket-saya")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert set(TICKET_LINK.findall(body)) == own
        assert not any(code in body for code in (*others, walk_in))
    # A new vendor has none at all.
    newcomer = signed_in(app, login, make_user(Role.VENDOR)).get("/tiket-saya").get_data(as_text=True)
    assert TICKET_LINK.findall(newcomer) == [] and "Belum ada pemesanan." in newcomer


def test_counter_staff_may_view_any_ticket_but_not_change_it(app, make_user, login, office):
    vendor = make_user(Role.VENDOR, name="Maria Ndun")
    code = book(signed_in(app, login, vendor), office["services"]["V"])
    state = booking_state(app, code)
    for role in (Role.VERIFIKATOR, Role.HELPDESK, Role.MANAGER, Role.ADMIN):
        client = signed_in(app, login, make_user(role))
        page = client.get(f"/tiket/{code}")
        assert page.status_code == 200, role
        body = page.get_data(as_text=True)
        assert code in body and "Maria Ndun" in body and "Akta pendirian" in body, role
        # Nothing on the page lets staff move or cancel the vendor's booking...
        assert "/jadwal-ulang" not in body and "/batal" not in body, role
        calendar = client.get(f"/tiket/{code}/kalender.ics")
        assert calendar.status_code == 200 and calendar.mimetype == "text/calendar", role
        assert code in calendar.get_data(as_text=True)
        # ...and the guard refuses it anyway: rescheduling and cancelling are the booker's.
        assert client.get(f"/tiket/{code}/jadwal-ulang").status_code == 403, role
        assert client.post(f"/tiket/{code}/jadwal-ulang", data={"start": TEN}).status_code == 403, role
        assert client.post(f"/tiket/{code}/batal").status_code == 403, role
    assert booking_state(app, code) == state
    for role in (Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.SURVEY_MANAGER):  # staff, not the counter's
        client = signed_in(app, login, make_user(role))
        assert client.get(f"/tiket/{code}").status_code == 404, role
        assert client.get(f"/tiket/{code}/kalender.ics").status_code == 404, role


def test_an_official_books_and_is_shown_the_officials_checklist(app, make_user, login, office):
    verification = office["services"]["V"]
    official = make_user(Role.ROOM_USER, name="Pokja Sabu Raijua")
    client = signed_in(app, login, official)
    assert "Verifikasi dokumen penyedia" in client.get("/loket/").get_data(as_text=True)

    confirm = client.get(f"/loket/{verification}/{NINE}").get_data(as_text=True)
    assert OFFICIAL_PAPERS in confirm and "pejabat / pengguna non-penyedia" in confirm
    assert not any(paper in confirm for paper in COMPANY_PAPERS)
    code = book(client, verification)
    ticket = client.get(f"/tiket/{code}").get_data(as_text=True)
    assert OFFICIAL_PAPERS in ticket and "KTP (asli)" in ticket
    assert not any(paper in ticket for paper in COMPANY_PAPERS)
    assert set(TICKET_LINK.findall(client.get("/tiket-saya").get_data(as_text=True))) == {code}
    with app.app_context():
        booking = db.session.scalar(select(Booking).where(Booking.code == code))
        assert (booking.visitor_id, booking.visitor_name, booking.status) == (
            official.id, "Pokja Sabu Raijua", "booked")

    # At the counter, the staff check the officials' documents for this visit.
    staff = signed_in(app, login, make_user(Role.VERIFIKATOR))
    staff.post("/antrian/check-in", data={"code": code})
    staff.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    finish = staff.get(f"/antrian/{booking.id}/selesai").get_data(as_text=True)
    assert OFFICIAL_PAPERS in finish and not any(paper in finish for paper in COMPANY_PAPERS)

    # A vendor booking the same slot is shown the company papers instead.
    vendor = signed_in(app, login, make_user(Role.VENDOR))
    vendor_confirm = vendor.get(f"/loket/{verification}/{NINE}").get_data(as_text=True)
    assert all(paper in vendor_confirm for paper in COMPANY_PAPERS)
    assert OFFICIAL_PAPERS not in vendor_confirm
