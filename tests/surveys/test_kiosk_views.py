"""Kiosk mode on a counter tablet: a staff member starts it with an exit PIN (and is
signed out); the tablet then shows only the questionnaire, again and again, with the
service chosen on it; only the right PIN ends it. The clock: tests/surveys/conftest.py
(Monday 30 November 2026, 10.00 WITA)."""

import hashlib
import hmac
import json
import re

import pytest
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import CounterService
from lpse_web.surveys.catalogue import ROOMS, counter_key
from lpse_web.surveys.models import (
    KIOSK,
    PAGI,
    SIANG,
    SurveyInvitationUse,
    SurveyResponse,
    SurveySuggestion,
)
from tests.surveys.conftest import DAY, SURVEY_NOW_ISO, answers, rows

PIN = "482915"
KIOSK_STARTERS = (Role.VERIFIKATOR, Role.HELPDESK, Role.SURVEY_MANAGER, Role.ADMIN)


@pytest.fixture
def app_config(request):
    config = {"LPSE_NOW": SURVEY_NOW_ISO}
    if request.node.get_closest_marker("limits"):
        config["RATELIMIT_ENABLED"] = True
    return config


def token_of(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def service_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(CounterService.id).where(CounterService.code == code))


@pytest.fixture
def kiosk(app, client, make_user, login, open_period):
    """A client in a kiosk session started by a verifikator with PIN; returns a function
    that posts to the kiosk with the kiosk page's CSRF token (the test client's own way
    of finding one opens a page the kiosk redirects away from)."""
    login(client, make_user(Role.VERIFIKATOR))
    started = client.post("/survei/kiosk/mulai", data={"pin": PIN, "pin_again": PIN})
    assert started.status_code == 303 and started.headers["Location"].endswith("/survei/kiosk/")

    def post(path, data):
        token = token_of(client.get("/survei/kiosk/").get_data(as_text=True))
        return client.post(path, data=data, headers={"X-CSRFToken": token})

    return post


# --- starting ------------------------------------------------------------------------------

def test_starting_needs_a_counter_or_survey_staff_role(client, make_user, login):
    assert client.get("/survei/kiosk/mulai").headers["Location"].startswith("/masuk")
    for role in (Role.VENDOR, Role.ROOM_USER, Role.MANAGER, Role.ASSET_MANAGER):
        login(client, make_user(role))
        assert client.get("/survei/kiosk/mulai").status_code == 403, role
        assert client.post("/survei/kiosk/mulai", data={"pin": PIN, "pin_again": PIN}).status_code == 403
        client.post("/keluar")
    for role in KIOSK_STARTERS:
        login(client, make_user(role))
        page = client.get("/survei/kiosk/mulai")
        assert page.status_code == 200, role
        assert "PIN keluar" in page.get_data(as_text=True)
        client.post("/keluar")


def test_starting_signs_the_staff_out_and_keeps_only_an_hmac_of_the_pin(app, client, make_user, login,
                                                                       open_period):
    staff = make_user(Role.HELPDESK)
    login(client, staff)
    with app.app_context():
        token_before = db.session.get(User, staff.id).session_token
    assert "_user_id" in session_of(client)
    started = client.post("/survei/kiosk/mulai", data={"pin": PIN, "pin_again": PIN})
    assert started.status_code == 303
    session = session_of(client)
    assert "_user_id" not in session and session["kiosk"] is True
    expected = hmac.new(b"test-secret-key", PIN.encode(), hashlib.sha256).hexdigest()
    assert session["kiosk_pin"] == expected
    assert PIN not in json.dumps(session)
    with app.app_context():  # every copy of the staff member's cookie is worthless now
        assert db.session.get(User, staff.id).session_token != token_before
    page = client.get("/survei/kiosk/").get_data(as_text=True)
    assert "Survei Kepuasan Masyarakat" in page and staff.name not in page


@pytest.mark.parametrize("pin, again, message", [
    ("123", "123", "PIN terdiri dari 4 sampai 8 angka."),
    ("123456789", "123456789", "PIN terdiri dari 4 sampai 8 angka."),
    ("12ab", "12ab", "PIN terdiri dari 4 sampai 8 angka."),
    ("4829", "4828", "PIN tidak sama."),
    ("", "", "Wajib diisi."),
])
def test_a_bad_pin_does_not_start_the_kiosk(client, make_user, login, pin, again, message):
    login(client, make_user(Role.VERIFIKATOR))
    refused = client.post("/survei/kiosk/mulai", data={"pin": pin, "pin_again": again})
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    session = session_of(client)
    assert "kiosk" not in session and "_user_id" in session  # still signed in, no kiosk


def test_the_start_page_warns_when_no_period_is_open(client, make_user, login):
    login(client, make_user(Role.SURVEY_MANAGER))
    assert "tidak ada periode survei yang dibuka" in client.get("/survei/kiosk/mulai").get_data(as_text=True)


# --- the lock-in ---------------------------------------------------------------------------

def test_a_kiosk_session_is_sent_back_to_the_kiosk_from_every_other_url(client, kiosk):
    for path in ("/", "/masuk", "/tiket-saya", "/antrian/", "/survei/kiosk/mulai", "/survei/isi/abc",
                 "/survei/terima-kasih", "/kalender-layanan", "/tidak-ada-halaman-ini"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].endswith("/survei/kiosk/"), path
    signed_out = kiosk("/keluar", {})  # the site's sign-out does not end the kiosk either
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/survei/kiosk/")
    htmx = client.get("/antrian/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].endswith("/survei/kiosk/")
    static = client.get("/static/css/survey.css")
    assert static.status_code == 200
    static.close()
    assert session_of(client)["kiosk"] is True


def test_the_kiosk_pages_do_not_exist_outside_a_kiosk_session(client, make_user, login, open_period):
    assert client.get("/survei/kiosk/").status_code == 404
    assert client.get("/survei/kiosk/terima-kasih").status_code == 404
    assert client.post("/survei/kiosk/keluar", data={"pin": PIN}).status_code == 404
    login(client, make_user(Role.VERIFIKATOR))  # staff too: only the kiosk session sees them
    assert client.get("/survei/kiosk/").status_code == 404


def test_the_kiosk_page_has_no_way_out_but_the_pin(client, kiosk):
    html = client.get("/survei/kiosk/").get_data(as_text=True)
    assert "<nav" not in html and "Keluar mode kiosk" in html
    assert [href for href in re.findall(r'href="([^"]*)"', html)
            if not href.startswith("/static/")] == []
    assert re.findall(r'action="([^"]*)"', html) == ["/survei/kiosk/", "/survei/kiosk/keluar"]
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "<script>" not in html and "style=" not in html


# --- answering -------------------------------------------------------------------------------

def test_the_kiosk_offers_the_active_services_and_the_rooms(app, client, kiosk):
    with app.app_context():
        services = db.session.scalars(select(CounterService).order_by(CounterService.id)).all()
        services[0].active = False
        db.session.commit()
        inactive, active = services[0].id, [(s.id, s.name) for s in services[1:]]
    html = client.get("/survei/kiosk/").get_data(as_text=True)
    assert "Layanan yang Anda terima" in html
    for key, name in active:
        assert f'value="{counter_key(key)}"' in html and name in html
    assert f'value="{counter_key(inactive)}"' not in html
    assert f'value="{ROOMS}"' in html and "Peminjaman ruang" in html


def test_a_kiosk_answer_is_stored_with_the_chosen_service_and_channel_kiosk(app, client, kiosk, open_period):
    consultation = service_id(app, "K")
    sent = kiosk("/survei/kiosk/", answers(service=counter_key(consultation), kind="pengaduan",
                                           suggestion="Wi-Fi ruang tunggu lambat."))
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/survei/kiosk/terima-kasih")
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert (response.period_id, response.service_key, response.channel, response.answered_on,
                response.session) == (open_period, counter_key(consultation), KIOSK, DAY, PAGI)
        assert response.scores == [3, 4, 2, 4, 3, 3, 4, 3, 1]
        assert db.session.scalar(select(SurveySuggestion.text)) == "Wi-Fi ruang tunggu lambat."
        assert rows(SurveyInvitationUse) == 0  # no link involved

    thanks = client.get("/survei/kiosk/terima-kasih").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="6;url=/survei/kiosk/">' in thanks
    assert "Isi survei berikutnya" in thanks and 'href="/survei/kiosk/"' in thanks

    # The next visitor gets an empty form, and may answer too (the afternoon: siang).
    fresh = client.get("/survei/kiosk/").get_data(as_text=True)
    assert re.findall(r'checked id="([^"]+)"', fresh) == ["kind-0"] and "Wi-Fi" not in fresh
    app.config["LPSE_NOW"] = "2026-11-30T13:30:00+08:00"
    assert kiosk("/survei/kiosk/", answers(service=ROOMS)).status_code == 303
    with app.app_context():
        assert rows(SurveyResponse) == 2
        assert db.session.scalar(select(SurveyResponse.session).where(
            SurveyResponse.service_key == ROOMS)) == SIANG


@pytest.mark.parametrize("service", [None, "loket-999999", "ruang-lain"])
def test_a_kiosk_answer_needs_a_known_service_and_every_unsur(app, kiosk, service):
    refused = kiosk("/survei/kiosk/", answers(service=service, u9=None))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert html.count("Pilih layanan yang Anda terima.") == 2
    assert html.count("Unsur U9 (Sarana dan Prasarana) belum dijawab.") == 2
    assert html.index("Pilih layanan") < html.index("Unsur U9")  # the summary follows the form
    with app.app_context():
        assert rows(SurveyResponse) == 0


def test_the_kiosk_says_when_no_period_is_open(app, client, kiosk):
    app.config["LPSE_NOW"] = "2027-01-04T09:00:00+08:00"  # after Triwulan IV 2026
    page = client.get("/survei/kiosk/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Survei sedang tidak dibuka" in html and 'name="u1"' not in html
    assert '<meta http-equiv="refresh" content="60;url=/survei/kiosk/">' in html
    assert kiosk("/survei/kiosk/", answers(service=ROOMS)).status_code == 200
    with app.app_context():
        assert rows(SurveyResponse) == 0


# --- leaving ---------------------------------------------------------------------------------

def test_a_wrong_pin_keeps_the_kiosk_and_the_right_one_ends_it(client, kiosk):
    for wrong in ("000000", "", "4829150", PIN + "0"):
        refused = kiosk("/survei/kiosk/keluar", {"pin": wrong})
        assert refused.status_code == 422, wrong
        html = refused.get_data(as_text=True)
        assert "PIN salah. Mode kiosk tetap berjalan." in html or "Wajib diisi." in html
        assert '<details class="kiosk-exit" open>' in html
        assert session_of(client)["kiosk"] is True
    assert client.get("/").headers["Location"].endswith("/survei/kiosk/")

    left = kiosk("/survei/kiosk/keluar", {"pin": PIN})
    assert left.status_code == 303 and left.headers["Location"].endswith("/masuk")
    assert "kiosk" not in session_of(client) and "kiosk_pin" not in session_of(client)
    login_page = client.get("/masuk")
    assert login_page.status_code == 200 and "Mode kiosk selesai." in login_page.get_data(as_text=True)
    assert client.get("/survei/kiosk/").status_code == 404


@pytest.mark.limits
def test_wrong_pins_are_rate_limited(client, kiosk):
    statuses = [kiosk("/survei/kiosk/keluar", {"pin": "0000"}).status_code for _ in range(11)]
    assert statuses == [422] * 10 + [429]
    html = kiosk("/survei/kiosk/keluar", {"pin": PIN}).get_data(as_text=True)  # even the right one waits
    assert "Terlalu banyak PIN salah" in html and "Survei Kepuasan Masyarakat" in html
    assert session_of(client)["kiosk"] is True
