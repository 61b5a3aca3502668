"""Office settings pages, closure days, counters, rooms, announcements."""

from datetime import time, timedelta

from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.models import Announcement, ClosureDay, Counter, Office


def test_admin_changes_office_and_time_zone(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    response = client.post("/admin/kantor", data={
        "name": "LPSE Kota Salatiga", "address": "Jl. Letjend Sukowati 51", "government_level": "kota",
        "region": "Kota Salatiga", "timezone": "Asia/Jakarta", "national_holidays": "y"})
    assert response.status_code == 303
    with app.app_context():
        office = db.session.get(Office, 1)
        assert (office.name, office.timezone) == ("LPSE Kota Salatiga", "Asia/Jakarta")
    assert "WIB" in client.get("/kalender-layanan").get_data(as_text=True)


def test_hours_form_parses_and_validates(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    data = {f"day{d}": "" for d in range(7)}
    data.update(day0="07.30-12.00, 13.00-15.30", day4="08:00-11:30, 13:00-16:00")
    assert client.post("/admin/kantor/jam", data=data).status_code == 303
    with app.app_context():
        hours = services.weekly_hours()
    assert hours == {0: ((time(7, 30), time(12)), (time(13), time(15, 30))),
                     4: ((time(8), time(11, 30)), (time(13), time(16)))}
    bad = dict(data, day1="16.00-08.00", day2="08.00-12.00, 11.00-13.00", day3="besok")
    response = client.post("/admin/kantor/jam", data=bad, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Format jam salah") == 3
    with app.app_context():
        assert services.weekly_hours() == hours  # nothing changed


def test_closure_day_added_once_and_removed(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    assert client.post("/admin/kantor/libur", data={"day": day, "reason": "Rapat kerja"}).status_code == 303
    response = client.post("/admin/kantor/libur", data={"day": day, "reason": "Lagi"})
    assert response.status_code == 422 and "sudah tercatat" in response.get_data(as_text=True)
    assert "Rapat kerja" in client.get("/kalender-layanan").get_data(as_text=True)
    with app.app_context():
        closure_id = db.session.scalar(select(ClosureDay.id))
    assert client.post(f"/admin/kantor/libur/{closure_id}/hapus").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(ClosureDay.id)) is None


def test_counter_with_services(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    with app.app_context():
        from lpse_web.office.models import CounterService

        ids = [s.id for s in db.session.scalars(select(CounterService).order_by(CounterService.code))]
    response = client.post("/admin/loket", data={"name": "Loket 4", "services": ids[:2], "active": "y"})
    assert response.status_code == 303
    with app.app_context():
        counter = db.session.scalar(select(Counter).where(Counter.name == "Loket 4"))
        assert sorted(s.id for s in counter.services) == sorted(ids[:2])
    response = client.post("/admin/loket", data={"name": "Loket 5", "services": ["999999"]})
    assert response.status_code == 422 and "Pilihan tidak valid" in response.get_data(as_text=True)


def test_announcement_banner_shows_on_every_page_while_active(app, client, make_user, login):
    staff = make_user(Role.HELPDESK)
    login(client, staff)
    with app.app_context():
        zone = services.load_calendar().zone
    now_local = utcnow().astimezone(zone).replace(tzinfo=None)
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post("/pengumuman", data={
        "kind": "outage", "title": "SPSE sedang gangguan", "body": "Mohon bersabar.",
        "starts": (now_local - timedelta(minutes=5)).strftime(fmt),
        "ends": (now_local + timedelta(hours=2)).strftime(fmt)})
    assert response.status_code == 303
    anonymous = app.test_client()
    assert "SPSE sedang gangguan" in anonymous.get("/masuk").get_data(as_text=True)
    with app.app_context():
        announcement_id = db.session.scalar(select(Announcement.id))
    client.post(f"/pengumuman/{announcement_id}/akhiri")
    assert "SPSE sedang gangguan" not in anonymous.get("/masuk").get_data(as_text=True)


def test_announcement_must_end_after_it_starts(client, make_user, login):
    login(client, make_user(Role.HELPDESK))
    response = client.post("/pengumuman", data={
        "kind": "info", "title": "Terbalik", "starts": "2026-12-01T10:00", "ends": "2026-12-01T09:00"})
    assert response.status_code == 422
    assert "Waktu selesai harus setelah waktu mulai." in response.get_data(as_text=True)


def test_error_pages_are_full_pages_or_fragments(client, make_user, login):
    response = client.get("/tidak-ada")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.get_data(as_text=True)
    assert "<html" in response.get_data(as_text=True)
    fragment = client.get("/tidak-ada", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.get_data(as_text=True)
    login(client, make_user(Role.VENDOR))
    response = client.get("/admin/kantor")
    assert response.status_code == 403 and "Akses ditolak" in response.get_data(as_text=True)


def test_english_is_switchable(client, make_user, login):
    login(client, make_user(Role.VENDOR))
    client.post("/bahasa/en", data={"next": "/akun"})
    page = client.get("/akun").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "My account" in page or "Account" in page
    assert "Akun saya" not in page
    client.post("/bahasa/id", data={"next": "/akun"})
    assert "Akun saya" in client.get("/akun").get_data(as_text=True)
