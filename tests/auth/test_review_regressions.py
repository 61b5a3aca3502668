"""Regressions found in review: role changes end sessions, forced password change is
enforced, the enrolment secret never travels in the cookie, parallel guesses are counted,
the last administrator stays, long e-mails work, collections are audited."""

import base64
import json
import threading
import zlib

import pytest
from sqlalchemy import select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.factories import PASSWORD


def _session_payload(client) -> dict:
    """The readable part of Flask's signed session cookie."""
    value = client.get_cookie("lpse_session", domain="lpse.test").value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if compressed else data)


def test_vendor_given_a_staff_role_is_signed_out_and_must_enrol(app, client, make_user, login):
    admin_client = app.test_client()
    login(admin_client, make_user(Role.ADMIN))
    vendor = make_user(Role.VENDOR)
    login(client, vendor)
    response = admin_client.post(f"/admin/pengguna/{vendor.id}", data={
        "name": vendor.name, "email": vendor.email, "roles": ["verifikator"], "active": "y"})
    assert response.status_code == 303
    assert client.get("/pengumuman").status_code == 302  # the old session is gone
    again = app.test_client()
    response = again.post("/masuk", data={"email": vendor.email, "password": PASSWORD})
    assert response.location.endswith("/masuk/aktifkan-2fa")


def test_a_vendor_can_be_edited_without_a_staff_role(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    vendor = make_user(Role.VENDOR)
    response = client.post(f"/admin/pengguna/{vendor.id}", data={"name": "Nama Baru", "email": vendor.email})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, vendor.id)
        assert user.roles == {Role.VENDOR} and not user.active and user.name == "Nama Baru"


def test_role_changes_are_in_the_audit_log(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    staff = make_user(Role.VERIFIKATOR, Role.HELPDESK)
    client.post(f"/admin/pengguna/{staff.id}", data={
        "name": staff.name, "email": staff.email, "roles": ["verifikator"], "active": "y"})
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "user_account", AuditEntry.record_id == str(staff.id),
            AuditEntry.action == "update").order_by(AuditEntry.id.desc())).first()
        assert entry.before["role_rows"] == ["helpdesk", "verifikator"]
        assert entry.after["role_rows"] == ["verifikator"]


def test_counter_service_changes_are_in_the_audit_log(app, client, make_user, login):
    from lpse_web.office.models import Counter, CounterService

    login(client, make_user(Role.ADMIN))
    with app.app_context():
        services = db.session.scalars(select(CounterService).order_by(CounterService.code)).all()
        counter = Counter(name="Loket Audit", services=services[:1])
        db.session.add(counter)
        db.session.commit()
        counter_id, new_id, new_code = counter.id, services[1].id, services[1].code
        old_code = services[0].code
    client.post(f"/admin/loket/{counter_id}", data={"name": "Loket Audit", "services": [new_id],
                                                    "active": "y"})
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "counter", AuditEntry.action == "update")).one()
        assert entry.before["services"] == [old_code] and entry.after["services"] == [new_code]


def test_forced_password_change_cannot_be_skipped(app, make_user, login):
    vendor = make_user(Role.VENDOR, must_change_password=True)
    client = app.test_client()
    login(client, vendor)
    for path in ("/", "/akun", "/kalender-layanan"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/akun/kata-sandi"), path
    assert client.get("/akun/kata-sandi").status_code == 200


def test_enrolment_secret_never_travels_in_the_cookie(app, client, make_user):
    import re

    staff = make_user(Role.MANAGER, totp=False)
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    page = client.get("/masuk/aktifkan-2fa").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert secret not in json.dumps(_session_payload(client))
    # The same secret is offered again later (a QR code scanned before a time-out still works).
    again = app.test_client()
    again.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    assert secret in again.get("/masuk/aktifkan-2fa").get_data(as_text=True)


@pytest.fixture
def app_config(request):
    if request.node.get_closest_marker("limits"):
        return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute",
                "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute"}
    return {}


@pytest.mark.limits
def test_parallel_password_guesses_are_all_counted(app, make_user):
    vendor = make_user(Role.VENDOR)
    clients = [app.test_client() for _ in range(12)]
    tokens = [c.csrf_token() for c in clients]
    barrier, statuses = threading.Barrier(len(clients)), []

    def guess(client, token):
        barrier.wait()
        response = client.post("/masuk", data={"email": vendor.email, "password": "Salah#Tebak2026"},
                               headers={"X-CSRFToken": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(422) == 5 and statuses.count(429) == 7


@pytest.mark.limits
def test_too_many_attempts_is_said_in_the_form_for_htmx(client, make_user):
    vendor = make_user(Role.VENDOR)
    for _ in range(5):
        client.post("/masuk", data={"email": vendor.email, "password": "Salah#Tebak2026"})
    response = client.post("/masuk", data={"email": vendor.email, "password": PASSWORD},
                           headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "<html" not in page
    assert "Terlalu banyak percobaan" in page and 'name="email"' in page


def test_the_last_administrator_keeps_the_role(app, client, make_user, login):
    admin = make_user(Role.ADMIN)
    login(client, admin)
    response = client.post(f"/admin/pengguna/{admin.id}", data={
        "name": admin.name, "email": admin.email, "roles": ["manager"], "active": "y"})
    assert response.status_code == 422 and "administrator aktif terakhir" in response.get_data(as_text=True)
    with app.app_context():
        assert Role.ADMIN in db.session.get(User, admin.id).roles


def test_a_254_character_email_signs_in(app, client, make_user):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".go.id"
    assert len(email) <= 254
    user = make_user(Role.VENDOR, email=email)
    response = client.post("/masuk", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.actor_name).where(
            AuditEntry.actor_id == user.id)) == email


def test_account_administration_needs_a_recent_sign_in(app, client, make_user, login):
    import time

    import pyotp

    admin = make_user(Role.ADMIN)
    login(client, admin)
    vendor = make_user(Role.VENDOR)
    with client.session_transaction() as session:
        session["login_at"] -= 20 * 60  # signed in 20 minutes ago: the session lives on
    assert client.get("/admin/pengguna").status_code == 200  # reading is fine
    response = client.post(f"/admin/pengguna/{vendor.id}/reset-sandi")
    assert response.status_code == 302 and "/masuk/ulang" in response.location
    response = client.post("/masuk/ulang?next=/admin/pengguna", data={"password": PASSWORD, "code": "000000"})
    assert response.status_code == 422 and "Kode salah" in response.get_data(as_text=True)
    code = pyotp.TOTP(admin.totp_secret).at(time.time() + 30)
    response = client.post("/masuk/ulang?next=/admin/pengguna", data={"password": PASSWORD, "code": code})
    assert response.status_code == 303 and response.location.endswith("/admin/pengguna")
    assert client.post(f"/admin/pengguna/{vendor.id}/reset-sandi").status_code == 200
