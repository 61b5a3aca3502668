"""Sign-in as staff (TOTP required) and as a vendor; sign-out revokes the session."""

import pyotp
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.factories import PASSWORD, current_code


def test_login_page_is_indonesian(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Kata sandi" in page and "Masuk" in page


def test_staff_login_asks_for_totp_code(client, make_user):
    staff = make_user(Role.VERIFIKATOR)
    response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/masuk/kode")
    # Not signed in yet: a staff page still sends us to the login page.
    assert client.get("/akun").status_code == 302
    response = client.post("/masuk/kode", data={"code": current_code(staff.totp_secret)})
    assert response.status_code == 302
    assert client.get("/akun").status_code == 200


def test_reused_totp_code_is_refused(app, client, make_user):
    staff = make_user(Role.ADMIN)
    code = current_code(staff.totp_secret)
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert client.post("/masuk/kode", data={"code": code}).status_code == 302
    other = app.test_client()
    other.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    response = other.post("/masuk/kode", data={"code": code})
    assert response.status_code == 422
    assert "sudah pernah dipakai" in response.get_data(as_text=True)


def test_staff_without_totp_must_enrol_before_anything(app, client, make_user):
    staff = make_user(Role.MANAGER, totp=False)
    response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert response.location.endswith("/masuk/aktifkan-2fa")
    page = client.get("/masuk/aktifkan-2fa").get_data(as_text=True)
    assert "<svg" in page  # the QR code
    import re
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/masuk/aktifkan-2fa", data={"code": "000000"}).status_code == 422
    response = client.post("/masuk/aktifkan-2fa", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/akun").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == staff.email))
        assert user.totp_enabled and user.totp_secret == secret
        assert all(c.code_hash not in codes for c in user.recovery_codes)


def test_vendor_logs_in_without_totp_and_logout_revokes_cookie(app, client, make_user):
    vendor = make_user(Role.VENDOR)
    response = client.post("/masuk", data={"email": vendor.email, "password": PASSWORD})
    assert response.status_code == 302 and client.get("/akun").status_code == 200
    stolen = client.get_cookie("lpse_session", domain="lpse.test").value
    client.post("/keluar")
    thief = app.test_client()
    thief.set_cookie("lpse_session", stolen, domain="lpse.test")
    assert thief.get("/akun").status_code == 302  # the old cookie no longer signs anyone in


def test_wrong_password_is_a_clear_422(client, make_user):
    vendor = make_user(Role.VENDOR)
    response = client.post("/masuk", data={"email": vendor.email, "password": "Salah#Sandi123"})
    assert response.status_code == 422
    assert "E-mail atau kata sandi salah." in response.get_data(as_text=True)


def test_htmx_sign_in_redirects_the_whole_page(client, make_user):
    staff = make_user(Role.VERIFIKATOR)
    response = client.post("/masuk", data={"email": staff.email, "password": PASSWORD},
                           headers={"HX-Request": "true"})
    # Not a 302 that htmx would follow and swap into the form: a full-page redirect.
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/masuk/kode")


def test_messages_and_language_survive_the_new_session(app, client, make_user):
    client.post("/bahasa/en", data={"next": "/masuk"})
    response = client.post("/daftar", data={
        "name": "Petrus Tefa", "company": "CV Rote Sejahtera", "npwp": "012345678901000",
        "email": "petrus@rote.co.id", "phone": "081234567890",
        "new_password": "Tenun ikat 4ever.", "confirm": "Tenun ikat 4ever."}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Registration successful" in page or "Welcome" in page
    with app.app_context():
        assert User.by_email("petrus@rote.co.id").locale == "en"
