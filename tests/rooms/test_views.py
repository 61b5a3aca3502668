"""Room pages: the day and week views, the reservation form (plain and htmx), a
reservation's page and its steps, my reservations, the approvers' desk, the report."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.rooms.models import Reservation
from tests.rooms.conftest import WITA, at

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


def reserve_via_page(client, room_id, **overrides):
    response = client.post("/ruang/pesan", data=request_form(room_id, **overrides))
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def test_someone_elses_reservation_is_404_and_taken_cells_say_only_taken(
        client, login, official, make_user, rooms, app):
    login(client, official)
    reservation_id = reserve_via_page(client, rooms["bidding"])
    client.post("/keluar")
    other = make_user(Role.ROOM_USER)
    login(client, other)
    assert client.get(f"/ruang/reservasi/{reservation_id}").status_code == 404
    for step in ("batal", "check-in", "selesai"):
        assert client.post(f"/ruang/reservasi/{reservation_id}/{step}").status_code == 404
    page = client.get("/ruang/?hari=2026-12-01").get_data(as_text=True)
    assert "Terpakai" in page and "Paket Jalan" not in page and "Yohanes" not in page
    assert count(app, Reservation.status == "requested") == 1


def test_approver_sees_who_and_why_in_the_grid(client, login, official, approver, rooms):
    login(client, official)
    reserve_via_page(client, rooms["bidding"])
    client.post("/keluar")
    login(client, approver)
    page = client.get(f"/ruang/{rooms['bidding']}/minggu?minggu=2026-12-01").get_data(as_text=True)
    assert "Paket Jalan Ruas Kupang-Soe" in page and "Yohanes Pokja" in page


def test_rejection_needs_a_reason_and_stays_in_the_requesters_history(
        client, login, official, approver, rooms, app):
    login(client, official)
    reservation_id = reserve_via_page(client, rooms["bidding"])
    client.post("/keluar")
    login(client, approver)
    response = client.post(f"/ruang/reservasi/{reservation_id}/tolak", data={"reason": ""})
    assert response.status_code == 303
    assert "Tulis alasan penolakan" in client.get("/ruang/kelola").get_data(as_text=True)
    assert count(app, Reservation.status == "requested") == 1
    client.post(f"/ruang/reservasi/{reservation_id}/tolak", data={"reason": "Ruang dipakai pimpinan"})
    client.post("/keluar")
    login(client, official)
    mine = client.get("/ruang/saya").get_data(as_text=True)
    assert "Ditolak" in mine and "Ruang dipakai pimpinan" in mine
    # The rejected request frees the room: the same range can be asked for again.
    reserve_via_page(client, rooms["bidding"], title="Permintaan ulang")
    assert count(app) == 2


def test_cancel_check_in_and_finish_early_as_plain_posts(client, login, official, rooms, app):
    login(client, official)
    reservation_id = reserve_via_page(client, rooms["verification"], start_date="2026-11-30",
                                      start_time="08:00", end_time="10:00", attendees="3")
    with app.app_context():
        assert db.session.get(Reservation, reservation_id).status == "approved"  # no approval needed
    # Check-in opens 15 minutes before the start: at 07.00 it is refused and nothing changes.
    client.post(f"/ruang/reservasi/{reservation_id}/check-in")
    page = client.get(f"/ruang/reservasi/{reservation_id}").get_data(as_text=True)
    assert "tidak dapat dilakukan" in page
    app.config["LPSE_NOW"] = "2026-11-30T08:05:00+08:00"
    client.post(f"/ruang/reservasi/{reservation_id}/check-in")
    app.config["LPSE_NOW"] = "2026-11-30T08:50:00+08:00"
    client.post(f"/ruang/reservasi/{reservation_id}/selesai")
    with app.app_context():
        reservation = db.session.get(Reservation, reservation_id)
        assert reservation.status == "completed"
        assert reservation.ends_at.astimezone(WITA).strftime("%H:%M") == "09:00"  # next quarter hour
    second = reserve_via_page(client, rooms["verification"], start_date="2026-12-02", attendees="3")
    client.post(f"/ruang/reservasi/{second}/batal")
    with app.app_context():
        assert db.session.get(Reservation, second).status == "cancelled"


def test_bad_form_is_422_with_messages_and_stores_nothing(client, login, official, rooms, app):
    login(client, official)
    cases = [
        ({"end_time": "08:00"}, "Waktu selesai harus setelah waktu mulai."),
        ({"attendees": "11"}, "melebihi kapasitas ruang (10 kursi)"),
        ({"start_time": "07:00", "end_time": "08:00"}, "Di luar jam pemakaian ruang"),
        ({"start_date": "2026-12-25"}, "Kantor tutup hari itu"),
        ({"start_date": "2026-11-30", "start_time": "07:30", "end_time": "08:30"}, "Di luar jam"),
        ({"start_date": "2027-12-01"}, "Terlalu jauh ke depan"),
        ({"start_time": "09:07"}, "Pilihan tidak valid"),
        ({"title": ""}, "Wajib diisi."),
        ({"repeat": "weekly", "until": ""}, "Isi tanggal akhir pengulangan."),
    ]
    for overrides, message in cases:
        response = client.post("/ruang/pesan", data=request_form(rooms["bidding"], **overrides), headers=HTMX)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, overrides
        assert message in page, (overrides, page[:3000])
    assert count(app) == 0


def test_minimum_notice_is_enforced_on_the_form(client, login, official, rooms, app):
    app.config["LPSE_NOW"] = "2026-12-01T08:30:00+08:00"
    login(client, official)
    response = client.post("/ruang/pesan", data=request_form(rooms["bidding"]))  # 09.00: 30 min ahead
    assert response.status_code == 422
    assert "Terlalu mendadak" in response.get_data(as_text=True)
    assert count(app) == 0


def test_recurring_request_stores_free_dates_and_reports_the_holidays(client, login, official, rooms, app):
    login(client, official)
    response = client.post("/ruang/pesan", data=request_form(
        rooms["bidding"], start_date="2026-12-17", repeat="weekly", until="2027-01-07"))
    assert response.status_code == 303
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hari Raya Natal" in detail  # the flash for 24 Dec (cuti bersama) is shown
    assert detail.count("/ruang/reservasi/") >= 3
    with app.app_context():
        days = sorted(r.starts_at.astimezone(WITA).date().isoformat()
                      for r in db.session.scalars(select(Reservation)))
    assert days == ["2026-12-17", "2026-12-31", "2027-01-07"]


def test_approvers_decide_a_series_at_once(client, login, official, approver, rooms, app):
    login(client, official)
    client.post("/ruang/pesan", data=request_form(rooms["bidding"], repeat="daily", until="2026-12-04"))
    client.post("/keluar")
    login(client, approver)
    manage = client.get("/ruang/kelola").get_data(as_text=True)
    assert "4 jadwal, setiap hari kerja" in manage
    series_id = int(re.search(r"/ruang/seri/(\d+)/setujui", manage).group(1))
    client.post(f"/ruang/seri/{series_id}/setujui", data={"kembali": "kelola"})
    assert count(app, Reservation.status == "approved") == 4


def test_overdue_reservation_is_shown_released_and_the_room_can_be_taken(
        client, login, official, make_user, rooms, app, runner):
    login(client, official)
    first = reserve_via_page(client, rooms["verification"], start_date="2026-11-30", start_time="09:00",
                             end_time="11:00", attendees="2")
    app.config["LPSE_NOW"] = "2026-11-30T09:20:00+08:00"  # grace of 15 minutes has passed
    assert "Dilepas (tidak hadir)" in client.get(f"/ruang/reservasi/{first}").get_data(as_text=True)
    client.post("/keluar")
    other = make_user(Role.ROOM_USER)
    login(client, other)
    reserve_via_page(client, rooms["verification"], start_date="2026-11-30", start_time="10:30",
                     end_time="11:00", title="Dadakan", attendees="2")
    with app.app_context():
        assert db.session.get(Reservation, first).status == "released"  # recorded by that write


def test_release_command_records_what_the_pages_show(runner, app, make_reservation):
    with app.app_context():
        reservation = make_reservation(room="verification", start=at("09.00"), end=at("10.00"), attendees=2)
        reservation_id = reservation.id
    app.config["LPSE_NOW"] = "2026-11-30T09:30:00+08:00"
    result = runner.invoke(args=["release-rooms"])
    assert "1 reservations released" in result.output
    with app.app_context():
        assert db.session.get(Reservation, reservation_id).status == "released"


def test_feed_key_shows_once_and_the_ics_hides_others_details(client, login, official, make_user, rooms):
    login(client, official)
    reserve_via_page(client, rooms["bidding"])
    page = client.post("/ruang/saya/tautan-kalender").get_data(as_text=True)
    links = re.findall(r'<code class="feed-link">(http[^<]+)</code>', page)
    assert len(links) == 1 + 2  # mine, then one per room
    mine_path = links[0].split("lpse.test", 1)[1]
    client.post("/keluar")  # a calendar app has no session
    ics = client.get(mine_path)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "Paket Jalan Ruas Kupang-Soe" in ics.get_data(as_text=True)
    assert "Paket Jalan" not in client.get("/ruang/saya").get_data(as_text=True)  # still signed out
    other = make_user(Role.ROOM_USER)
    login(client, other)
    other_links = re.findall(r'<code class="feed-link">(http[^<]+)</code>',
                             client.post("/ruang/saya/tautan-kalender").get_data(as_text=True))
    room_feed = client.get(other_links[1].split("lpse.test", 1)[1]).get_data(as_text=True)
    assert "Terpakai" in room_feed and "Paket Jalan" not in room_feed
    assert client.get(mine_path.replace(mine_path.split("/")[3], "x" * 32)).status_code == 404
    # A new key ends the old links.
    client.post("/keluar")
    login(client, official)
    client.post("/ruang/saya/tautan-kalender")
    assert client.get(mine_path).status_code == 404


def test_blackout_refuses_reservations_and_shows_in_the_grid(client, login, make_user, rooms, app):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = client.post(f"/admin/ruang/{rooms['bidding']}/penutupan", data={
        "start_date": "2026-12-01", "start_time": "08:00", "end_date": "2026-12-01", "end_time": "12:00",
        "reason": "Ujian CAT BKN"})
    assert response.status_code == 303
    page = client.get("/ruang/?hari=2026-12-01").get_data(as_text=True)
    assert "Ujian CAT BKN" in page
    refused = client.post("/ruang/pesan", data=request_form(rooms["bidding"]))
    assert refused.status_code == 422 and "Ruang ditutup" in refused.get_data(as_text=True)
    assert count(app) == 0


def test_room_rules_and_photo_from_the_admin_form(client, login, make_user, rooms, app):
    from lpse_web.office.models import Room

    admin = make_user(Role.ADMIN)
    login(client, admin)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    data = {"name": "Ruang Bidding", "kind": "bidding", "seats": "10", "computers": "10", "equipment": "",
            "active": "y", "opens": "07:30", "closes": "17:00", "needs_approval": "y",
            "min_notice_minutes": "30", "max_advance_days": "60", "grace_minutes": "10",
            "photo": (io.BytesIO(png), "ruang.png")}
    response = client.post(f"/admin/ruang/{rooms['bidding']}", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        room = db.session.get(Room, rooms["bidding"])
        assert (room.opens.isoformat(), room.closes.isoformat()) == ("07:30:00", "17:00:00")
        assert room.grace_minutes == 10
        assert room.photo == png and room.photo_type == "image/png"
    photo = client.get(f"/ruang/{rooms['bidding']}/foto")
    assert photo.status_code == 200 and photo.data == png and photo.mimetype == "image/png"
    # Not an image: refused with a message, nothing changed.
    data["photo"] = (io.BytesIO(b"MZ not a picture"), "ruang.png")
    data["grace_minutes"] = "20"
    response = client.post(f"/admin/ruang/{rooms['bidding']}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "JPEG atau PNG" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Room, rooms["bidding"]).grace_minutes == 10


def test_a_daily_series_counts_working_days_and_says_where_it_stops(client, login, official, rooms, app):
    """60 dates at most, weekends not counted; the rest is named, not silently dropped,
    and the series ends on its last date."""
    from lpse_web.rooms.models import ReservationSeries

    login(client, official)
    preview = client.post("/ruang/pesan", data=request_form(
        rooms["bidding"], repeat="daily", until="2027-02-26", confirm="", preview="Periksa jadwal"))
    page = preview.get_data(as_text=True)
    assert "paling banyak 60 jadwal" in page
    client.post("/ruang/pesan", data=request_form(rooms["bidding"], repeat="daily", until="2027-02-26"))
    with app.app_context():
        days = [r.starts_at.astimezone(WITA).date() for r in db.session.scalars(
            select(Reservation).order_by(Reservation.starts_at))]
        assert all(d.weekday() < 5 for d in days)
        assert len(days) < 60 and days[-1] > date(2027, 2, 1)  # holidays refused, weekends not counted
        series = db.session.scalar(select(ReservationSeries))
        assert series.until < date(2027, 2, 26) and series.until >= days[-1]


def test_an_undecided_request_is_not_a_no_show(client, login, official, approver, rooms, app):
    login(client, official)
    reservation_id = reserve_via_page(client, rooms["bidding"], start_date="2026-11-30")
    app.config["LPSE_NOW"] = "2026-11-30T09:20:00+08:00"
    assert "Kedaluwarsa" in client.get(f"/ruang/reservasi/{reservation_id}").get_data(as_text=True)
    client.post("/keluar")
    login(client, approver)
    manage = client.get("/ruang/kelola").get_data(as_text=True)
    released = manage.split("Dilepas hari ini karena tidak hadir", 1)[1]
    assert "Paket Jalan" not in released
