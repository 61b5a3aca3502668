"""The vendor's pages: choose a service and a slot, confirm, the ticket, reschedule,
cancel, and the list of own bookings. All of it as plain HTML forms (no JavaScript)."""

import re

from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter.models import Booking, Slot
from lpse_web.extensions import db


def _book(client, service_id, start="2026-11-30T09.00"):
    return client.post(f"/loket/{service_id}/{start}")


def test_vendor_books_a_slot_and_gets_a_ticket(app, client, make_user, login, office):
    vendor = make_user(Role.VENDOR, name="Yosef Lalo")
    login(client, vendor)
    verification = office["services"]["V"]

    page = client.get("/loket/")
    assert "Verifikasi dokumen penyedia" in page.get_data(as_text=True)
    slots = client.get(f"/loket/{verification}").get_data(as_text=True)
    # Monday 30 November, two places a slot (Loket 1 and 2 offer it); at 07.00 the
    # two-hour notice leaves 09.00 as the first slot.
    assert "sisa 2" in slots
    assert f"/loket/{verification}/2026-11-30T09.00" in slots
    assert f"/loket/{verification}/2026-11-30T08.30" not in slots

    confirm = client.get(f"/loket/{verification}/2026-11-30T09.00").get_data(as_text=True)
    assert "Akta pendirian" in confirm and "09.00 WITA" in confirm

    response = _book(client, verification)
    assert response.status_code == 303
    code = response.headers["Location"].rsplit("/", 1)[-1]
    ticket = client.get(f"/tiket/{code}").get_data(as_text=True)
    assert code in ticket and "09.00 WITA" in ticket and "<svg" in ticket
    assert "Senin, 30 November 2026" in ticket

    with app.app_context():
        booking = db.session.scalar(select(Booking).where(Booking.code == code))
        assert booking.visitor_id == vendor.id and booking.status == "booked"
        slot = db.session.get(Slot, booking.slot_id)
        assert (slot.booked, slot.capacity) == (1, 2)

    after = client.get(f"/loket/{verification}").get_data(as_text=True)
    assert "sisa 1" in after


def test_ticket_calendar_file(client, make_user, login, office):
    login(client, make_user(Role.VENDOR))
    code = _book(client, office["services"]["V"]).headers["Location"].rsplit("/", 1)[-1]
    response = client.get(f"/tiket/{code}/kalender.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    # 09.00 WITA is 01.00 UTC.
    assert "DTSTART:20261130T010000Z" in body.replace("DTSTART;VALUE=DATE-TIME:", "DTSTART:")
    assert "BEGIN:VEVENT" in body and code in body


def test_reschedule_moves_the_place_and_cancel_gives_it_back(app, client, make_user, login, office):
    login(client, make_user(Role.VENDOR))
    verification = office["services"]["V"]
    code = _book(client, verification).headers["Location"].rsplit("/", 1)[-1]

    page = client.get(f"/tiket/{code}/jadwal-ulang").get_data(as_text=True)
    assert 'name="start" value="2026-11-30T10.00"' in page
    moved = client.post(f"/tiket/{code}/jadwal-ulang", data={"start": "2026-11-30T10.00"})
    assert moved.status_code == 303
    with app.app_context():
        counts = dict(db.session.execute(select(Slot.starts_at, Slot.booked)).all())
        assert sorted(counts.values()) == [0, 1]  # 09.00 freed, 10.00 taken

    cancelled = client.post(f"/tiket/{code}/batal")
    assert cancelled.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == "cancelled"
        assert sorted(db.session.scalars(select(Slot.booked))) == [0, 0]
    mine = client.get("/tiket-saya").get_data(as_text=True)
    assert code in mine and "Dibatalkan" in mine


def test_second_open_booking_for_the_same_service_is_refused(app, client, make_user, login, office):
    login(client, make_user(Role.VENDOR))
    verification = office["services"]["V"]
    assert _book(client, verification).status_code == 303
    refused = _book(client, verification, "2026-11-30T10.00")
    assert refused.status_code == 303 and "/tiket/" not in refused.headers["Location"]
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "sudah memiliki pemesanan aktif" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 1
        assert db.session.scalar(select(db.func.sum(Slot.booked))) == 1


def test_a_start_that_is_not_a_slot_books_nothing(app, client, make_user, login, office):
    login(client, make_user(Role.VENDOR))
    verification = office["services"]["V"]
    for start in ("2026-11-30T12.00",  # the midday break
                  "2026-11-30T09.10",  # between slots
                  "2026-11-30T08.00",  # within the two-hour notice of 07.00
                  "2027-03-01T09.00"):  # beyond 30 days
        response = _book(client, verification, start)
        assert response.status_code == 303, start
        assert "tidak dapat dipesan" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/loket/{verification}/kemarin").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Booking)) == 0


def test_another_vendors_ticket_is_not_found(client, app, make_user, login, office):
    owner, other = make_user(Role.VENDOR), make_user(Role.VENDOR)
    login(client, owner)
    code = _book(client, office["services"]["V"]).headers["Location"].rsplit("/", 1)[-1]
    client.post("/keluar")
    login(client, other)
    for url in (f"/tiket/{code}", f"/tiket/{code}/kalender.ics", f"/tiket/{code}/jadwal-ulang"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/tiket/{code}/batal").status_code == 404
    assert client.post(f"/tiket/{code}/jadwal-ulang", data={"start": "2026-11-30T10.00"}).status_code == 404
    assert code not in client.get("/tiket-saya").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == "booked"


def test_slot_page_fragment_for_htmx(client, make_user, login, office):
    login(client, make_user(Role.VENDOR))
    response = client.get(f"/loket/{office['services']['V']}?hari=2026-12-01",
                          headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="slots"')
    assert "Selasa, 01 Desember 2026" in body or "Selasa, 1 Desember 2026" in body
    assert "<html" not in body
    assert re.search(r'hx-trigger="every 15s"', body)
