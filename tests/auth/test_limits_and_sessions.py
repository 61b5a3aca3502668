"""Rate-limited sign-in, session timeouts, password change revoking other sessions."""

import pytest

from lpse_web.auth.roles import Role
from tests.factories import PASSWORD, current_code


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
            "LOGIN_LIMIT_PER_ADDRESS": "6 per minute"}


def _bad_login(client, email):
    return client.post("/masuk", data={"email": email, "password": "Salah#Sandi2026"})


def test_login_is_limited_per_account_with_a_clear_message(client, make_user):
    vendor = make_user(Role.VENDOR)
    assert [_bad_login(client, vendor.email).status_code for _ in range(3)] == [422] * 3
    response = _bad_login(client, vendor.email)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    # Even the right password waits: the limit protects the account, not the attempt.
    response = client.post("/masuk", data={"email": vendor.email, "password": PASSWORD})
    assert response.status_code == 429


def test_login_is_limited_per_address_across_accounts(client):
    codes = [_bad_login(client, f"orang{i}@example.test").status_code for i in range(7)]
    assert codes[:6] == [422] * 6 and codes[6] == 429


def test_two_factor_code_entry_is_limited(client, make_user):
    staff = make_user(Role.HELPDESK)
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    codes = [client.post("/masuk/kode", data={"code": "000000"}).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


@pytest.mark.parametrize(("role", "minutes", "expired"), [
    (Role.VERIFIKATOR, 29, False), (Role.VERIFIKATOR, 31, True), (Role.VENDOR, 31, False)])
def test_staff_idle_timeout(client, make_user, login, role, minutes, expired):
    user = make_user(role)
    login(client, user)
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60
    response = client.get("/akun")
    assert (response.status_code == 302) is expired
    if expired:
        assert "/masuk" in response.location


def test_staff_absolute_timeout_even_when_active(client, make_user, login):
    user = make_user(Role.ADMIN)
    login(client, user)
    with client.session_transaction() as session:
        session["login_at"] -= 12 * 3600 + 60
    assert client.get("/akun").status_code == 302


def test_password_change_ends_other_sessions(app, client, make_user, login):
    user = make_user(Role.VENDOR)
    login(client, user)
    other = app.test_client()
    login(other, user)
    response = client.post("/akun/kata-sandi", data={
        "current_password": PASSWORD, "new_password": "Kelimutu-3warna!", "confirm": "Kelimutu-3warna!"})
    assert response.status_code == 303
    assert client.get("/akun").status_code == 200  # this browser stays signed in
    assert other.get("/akun").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert fresh.post("/masuk", data={"email": user.email, "password": PASSWORD}).status_code == 422
    assert fresh.post("/masuk", data={"email": user.email,
                                      "password": "Kelimutu-3warna!"}).status_code == 302


def test_recovery_code_signs_in_once(app, client, make_user):
    import re

    staff = make_user(Role.SURVEY_MANAGER, totp=False)
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    page = client.get("/masuk/aktifkan-2fa").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    page = client.post("/masuk/aktifkan-2fa", data={"code": current_code(secret)}).get_data(as_text=True)
    code = re.findall(r"<code>([0-9a-f-]{14})</code>", page)[0]
    client.post("/keluar")
    for attempt, expected in ((1, 302), (2, 422)):
        other = app.test_client()
        other.post("/masuk", data={"email": staff.email, "password": PASSWORD})
        assert other.post("/masuk/kode", data={"code": code}).status_code == expected, attempt
