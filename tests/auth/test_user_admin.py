"""Administrator's user management and vendor self-registration."""

import re

from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.factories import PASSWORD


def _user(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_admin_creates_staff_who_must_change_password_and_enrol(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    response = client.post("/admin/pengguna/baru", data={
        "name": "Maria Goreti", "email": "Maria.Goreti@NTTprov.go.id", "nip": "198501012010012001",
        "phone": "", "roles": ["verifikator", "helpdesk"], "active": "y"})
    assert response.status_code == 200
    temporary = re.search(r'id="temporary-password"[^>]*>([^<]+)<', response.get_data(as_text=True)).group(1)
    user = _user(app, "maria.goreti@nttprov.go.id")
    assert user.roles == {Role.VERIFIKATOR, Role.HELPDESK} and user.must_change_password
    assert temporary not in user.password_hash
    newcomer = app.test_client()
    response = newcomer.post("/masuk", data={"email": user.email, "password": temporary})
    assert response.location.endswith("/masuk/aktifkan-2fa")  # staff enrol TOTP first


def test_duplicate_email_is_refused_with_a_message(client, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = client.post("/admin/pengguna/baru", data={
        "name": "Kembar", "email": admin.email.upper(), "roles": ["helpdesk"]})
    assert response.status_code == 422
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_deactivating_an_account_signs_it_out(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    staff = make_user(Role.HELPDESK)
    staff_client = app.test_client()
    login(staff_client, staff)
    response = client.post(f"/admin/pengguna/{staff.id}", data={
        "name": staff.name, "email": staff.email, "roles": ["helpdesk"]})  # "active" unticked
    assert response.status_code == 303
    assert staff_client.get("/akun").status_code == 302
    assert staff_client.post("/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 422


def test_admin_password_reset_shows_a_temporary_password_once(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    vendor = make_user(Role.VENDOR)
    page = client.post(f"/admin/pengguna/{vendor.id}/reset-sandi").get_data(as_text=True)
    temporary = re.search(r'id="temporary-password"[^>]*>([^<]+)<', page).group(1)
    other = app.test_client()
    assert other.post("/masuk", data={"email": vendor.email, "password": PASSWORD}).status_code == 422
    response = other.post("/masuk", data={"email": vendor.email, "password": temporary})
    assert response.location.endswith("/akun/kata-sandi")  # must choose a new one first


def test_user_list_searches_and_filters_by_role(client, make_user, login):
    login(client, make_user(Role.ADMIN, name="Admin Satu"))
    make_user(Role.VENDOR, name="Yosef Lalo", company="CV Timor Mandiri")
    make_user(Role.RISK_MANAGER, name="Stefanus Risiko")
    page = client.get("/admin/pengguna?q=timor").get_data(as_text=True)
    assert "Yosef Lalo" in page and "Stefanus" not in page
    page = client.get("/admin/pengguna?peran=risk_manager").get_data(as_text=True)
    assert "Stefanus Risiko" in page and "Yosef" not in page
    fragment = client.get("/admin/pengguna?q=timor", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "Yosef Lalo" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_vendor_registers_and_is_signed_in_at_once(app, client):
    response = client.post("/daftar", data={
        "name": "Yuliana Ndun", "company": "CV Sabu Abadi", "npwp": "01.234.567.8-901.000",
        "email": "yuliana@sabuabadi.co.id", "phone": "0812 3456 7890",
        "new_password": "Tenun ikat 4ever.", "confirm": "Tenun ikat 4ever."})
    assert response.status_code == 302
    assert client.get("/akun").status_code == 200
    user = _user(app, "yuliana@sabuabadi.co.id")
    assert user.roles == {Role.VENDOR} and user.npwp == "012345678901000"
    assert client.get("/admin/pengguna").status_code == 403


def test_registration_errors_are_in_indonesian_and_store_nothing(app, client):
    response = client.post("/daftar", data={
        "name": "", "company": "X", "npwp": "123", "email": "bukan-email", "phone": "12",
        "new_password": "pendek", "confirm": "lain"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("Wajib diisi.", "NPWP harus 15 atau 16 digit", "Alamat e-mail tidak valid.",
                    "Nomor telepon tidak valid", "Kedua kata sandi tidak sama."):
        assert message in page
    assert "<html" not in page  # the form block alone, for htmx to swap
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "bukan-email")) is None
