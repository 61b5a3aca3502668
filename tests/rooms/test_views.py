"""Room pages: the day and week views, the reservation form (plain and htmx), a
reservation's page and its steps, my reservations, the approvers' desk, the report."""

import re

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.rooms.models import Reservation

HTMX = {"HX-Request": "true"}


@pytest.fixture
def official(make_user):
    return make_user(Role.ROOM_USER, name="Yohanes Pokja")


@pytest.fixture
def approver(make_user):
    return make_user(Role.HELPDESK, name="Agustina Helpdesk")


def request_form(room_id, **overrides):
    data = {"room": room_id, "start_date": "2026-12-01", "start_time": "09:00", "end_time": "11:00",
            "purpose": "bid_submission", "title": "Paket Jalan Ruas Kupang-Soe", "attendees": "5",
            "note": "", "repeat": "", "until": "", "confirm": "Ajukan reservasi"}
    data.update(overrides)
    return data


def count(app, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Reservation).where(*where))


def test_day_view_shows_rooms_as_columns_and_free_cells_link_to_the_form(client, login, official, rooms):
    login(client, official)
    page = client.get("/ruang/?hari=2026-12-01").get_data(as_text=True)
    assert "Ruang Bidding" in page and "Ruang Verifikasi" in page
    link = f"/ruang/pesan?ruang={rooms['bidding']}&amp;hari=2026-12-01&amp;mulai=08:00&amp;selesai=09:00"
    assert link in page


def test_request_then_approve_then_week_view(client, login, official, approver, rooms, app):
    login(client, official)
    response = client.post("/ruang/pesan", data=request_form(rooms["bidding"]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Menunggu persetujuan" in detail
    week = client.get(f"/ruang/{rooms['bidding']}/minggu?minggu=2026-12-01").get_data(as_text=True)
    assert "Paket Jalan Ruas Kupang-Soe" in week
    client.post("/keluar")
    login(client, approver)
    manage = client.get("/ruang/kelola").get_data(as_text=True)
    assert "Paket Jalan Ruas Kupang-Soe" in manage
    reservation_id = int(re.search(r"/ruang/reservasi/(\d+)/setujui", manage).group(1))
    response = client.post(f"/ruang/reservasi/{reservation_id}/setujui", data={"kembali": "kelola"})
    assert response.status_code == 303
    assert count(app, Reservation.status == "approved") == 1


def test_conflicting_request_is_refused_naming_the_conflict(client, login, official, make_user, rooms, app):
    login(client, official)
    client.post("/ruang/pesan", data=request_form(rooms["bidding"]))
    other = make_user(Role.ROOM_USER, name="Maria PPK")
    client.post("/keluar")
    login(client, other)
    response = client.post("/ruang/pesan", data=request_form(rooms["bidding"], start_time="10:00",
                                                              end_time="12:00", title="Rapat lain"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bentrok dengan reservasi lain" in page and "09.00–11.00" in page
    assert "Paket Jalan" not in page  # another's purpose is not for her eyes
    assert count(app) == 1


def test_htmx_form_fragment_and_preview(client, login, official, rooms):
    login(client, official)
    fragment = client.get(f"/ruang/pesan?ruang={rooms['bidding']}&hari=2026-12-01&mulai=13:00&selesai=14:00",
                          headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="reservation-form"' in fragment
    assert re.search(r'<option selected value="13:00"|<option value="13:00" selected', fragment)
    preview = client.post("/ruang/pesan", headers=HTMX, data=request_form(
        rooms["bidding"], start_date="2026-12-21", repeat="daily", until="2026-12-28", confirm="",
        preview="Periksa jadwal")).get_data(as_text=True)
    assert "Natal" in preview and "Tersedia" in preview
