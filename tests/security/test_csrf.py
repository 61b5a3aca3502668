"""CSRF: every POST route refuses a request without the token (400, nothing written),
and accepts the token in the X-CSRFToken header (htmx's hx-headers) or in the
csrf_token form field (plain forms)."""

import io
import time
from datetime import date, timedelta

import pyotp
import pytest

from lpse_web.auth.roles import Role
from tests.factories import PASSWORD
from tests.security.conftest import post, routes, row_counts, token_of, url_of

NEW_PASSWORD = "Teluk#Kupang-8841"
CSRF_MESSAGE = "token CSRF"

REGISTRATION = {"name": "Yohanes Bria", "company": "CV Sabana Sumba", "npwp": "01.234.567.8-901.000",
                "email": "yohanes@example.test", "phone": "0812 3456 7890",
                "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

# A counter service's booking rules, as the defaults have them (the sample service keeps
# its slots: the sample ticket is moved to one of them later).
SERVICE_RULES = {"duration_minutes": "30", "min_notice_minutes": "120", "max_advance_days": "30",
                 "grace_minutes": "15", "checklist_vendor": "KTP direktur\nAkta pendirian",
                 "checklist_official": "Surat tugas"}
# A room's reservation rules (the room form since the rooms module).
ROOM_RULES = {"opens": "", "closes": "", "needs_approval": "y", "min_notice_minutes": "60",
              "max_advance_days": "90", "grace_minutes": "15"}


def valid_forms(sample, admin) -> dict[str, dict]:
    """For each POST rule, a submission the view accepts: without CSRF protection it
    would change the database (except where the signed-in admin is sent elsewhere)."""
    soon = date.today() + timedelta(days=90)
    next_code = pyotp.TOTP(admin.totp_secret).at(time.time() + 30)  # sign-in used the current one
    return {
        "/masuk": {"email": admin.email, "password": PASSWORD},
        "/masuk/kode": {"code": "123456"},
        "/masuk/aktifkan-2fa": {"code": "123456"},
        "/keluar": {},
        "/daftar": REGISTRATION,
        "/akun/kata-sandi": {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                             "confirm": NEW_PASSWORD},
        "/akun/2fa": {"code": "123456"},
        "/akun/2fa/kode-pemulihan": {"password": PASSWORD},
        "/akun/2fa/nonaktifkan": {"password": PASSWORD},
        "/bahasa/<lang>": {"next": "/akun"},
        "/admin/pengguna/baru": {"name": "Maria Goreti", "email": "maria@example.test",
                                 "nip": "198701012010012001", "phone": "0812 3456 7890",
                                 "roles": "verifikator", "active": "y"},
        "/admin/pengguna/<int:user_id>": {"name": "Staf Sasaran Baru", "email": "sasaran@example.test",
                                          "nip": "", "phone": "", "roles": "helpdesk", "active": "y"},
        "/admin/pengguna/<int:user_id>/reset-sandi": {},
        "/admin/pengguna/<int:user_id>/reset-2fa": {},
        "/admin/kantor": {"name": "LPSE Provinsi NTT", "address": "Jl. El Tari No. 52, Kupang",
                          "government_level": "provinsi", "region": "Provinsi Nusa Tenggara Timur",
                          "timezone": "Asia/Makassar", "national_holidays": "y"},
        "/admin/kantor/jam": {f"day{d}": "07.30-12.00, 13.00-15.30" if d < 5 else "" for d in range(7)},
        "/admin/kantor/libur": {"day": soon.isoformat(), "reason": "Cuti bersama kantor"},
        "/admin/kantor/libur/<int:closure_id>/hapus": {},
        "/masuk/ulang": {"password": PASSWORD, "code": next_code},
        "/admin/layanan": {"code": "P", "name": "Pelatihan SPSE", "active": "y", **SERVICE_RULES},
        "/admin/layanan/<int:service_id>": {"code": "V", "name": "Verifikasi berkas penyedia",
                                            "active": "y", **SERVICE_RULES, "is_verification": "y"},
        "/admin/loket": {"name": "Loket 9", "services": str(sample.service_id), "active": "y"},
        "/admin/loket/<int:counter_id>": {"name": "Loket Contoh 2", "services": str(sample.service_id),
                                          "active": "y"},
        "/admin/ruang": {"name": "Ruang Rapat Sabu", "kind": "meeting", "seats": "12", "computers": "0",
                         "equipment": "Papan tulis", "active": "y", **ROOM_RULES},
        "/admin/ruang/<int:room_id>": {"name": "Ruang Contoh B", "kind": "training", "seats": "20",
                                       "computers": "20", "equipment": "", "active": "y", **ROOM_RULES,
                                       "opens": "07:30", "closes": "17:00"},
        "/pengumuman": {"kind": "maintenance", "title": "Pemeliharaan jaringan", "body": "",
                        "starts": f"{soon}T08:00", "ends": f"{soon}T10:00"},
        "/pengumuman/<int:announcement_id>/akhiri": {},
        "/loket/<int:service_id>/<start>": {},  # the slot is in the URL
        "/tiket/<code>/jadwal-ulang": {"start": sample.reschedule_to},
        "/tiket/<code>/batal": {},
        "/antrian/check-in": {"code": sample.visit_code},
        "/antrian/walk-in": {"service": str(sample.service_id), "name": "Ibu Rina"},
        "/antrian/panggil": {"counter": str(sample.counter_id)},
        "/antrian/<int:booking_id>/selesai": {"outcome": "approved", "note": "Berkas lengkap"},
        "/antrian/<int:booking_id>/tidak-hadir": {},
        "/admin/loket-tutup/": {"counter": str(sample.counter_id), "day": soon.isoformat(),
                                "reason": "Petugas cuti"},
        "/admin/loket-tutup/<int:closure_id>/hapus": {},
        # Rooms.
        "/ruang/pesan": {"room": str(sample.room_id), "start_date": sample.free_day, "start_time": "09:00",
                         "end_time": "10:00", "purpose": "meeting", "title": "Rapat Pokja Paket Jalan",
                         "attendees": "4", "note": "", "repeat": "", "until": "", "confirm": "y"},
        "/ruang/reservasi/<int:reservation_id>/batal": {},
        "/ruang/reservasi/<int:reservation_id>/check-in": {},
        "/ruang/reservasi/<int:reservation_id>/selesai": {},
        "/ruang/saya/tautan-kalender": {},
        "/ruang/reservasi/<int:reservation_id>/setujui": {"kembali": "kelola"},
        "/ruang/reservasi/<int:reservation_id>/tolak": {"reason": "Ruang dipakai rapat pimpinan",
                                                         "kembali": "kelola"},
        "/ruang/seri/<int:series_id>/setujui": {},
        "/ruang/seri/<int:series_id>/tolak": {"reason": "Ruang dipakai ujian"},
        "/admin/ruang/<int:room_id>/penutupan": {"start_date": sample.free_day, "start_time": "08:00",
                                                 "end_date": sample.free_day, "end_time": "12:00",
                                                 "reason": "Pemeliharaan pendingin ruangan"},
        "/admin/ruang/penutupan/<int:blackout_id>/hapus": {},
        "/survei/isi/<token>": SURVEY_ANSWERS,
        "/survei/kiosk/mulai": {"pin": "2468", "pin_again": "2468"},
        "/survei/kiosk/": {**SURVEY_ANSWERS, "service": "ruang"},
        "/survei/kiosk/keluar": {"pin": "2468"},
        "/survei/kelola/periode/baru": {"name": "Triwulan Contoh",
                                        "starts_on": (soon + timedelta(days=600)).isoformat(),
                                        "ends_on": (soon + timedelta(days=690)).isoformat()},
        "/survei/kelola/periode/<int:period_id>": {"name": "Periode Contoh Baru",
                                                   "starts_on": sample.period_days[0],
                                                   "ends_on": sample.period_days[1]},
        "/survei/kelola/periode/<int:period_id>/tutup": {},
        "/survei/kelola/periode/<int:period_id>/terbitkan": {},
        "/survei/kelola/periode/<int:period_id>/tarik": {},
        "/survei/kelola/periode/<int:period_id>/buka": {},
        "/survei/kelola/periode/<int:period_id>/hapus": {},
        "/survei/kelola/kuesioner/<int:number>": {"u1-question": "Apakah persyaratannya sesuai?",
                                                  "u1-option_1": "Tidak", "u1-option_2": "Kurang",
                                                  "u1-option_3": "Sesuai", "u1-option_4": "Sangat sesuai"},
        "/survei/kelola/kuesioner/<int:number>/kembalikan": {},
        "/survei/kelola/pengaturan": {"link_valid_days": "14"},
        "/survei/saran/<suggestion_id>": {"status": "in_progress", "reply": ""},
        **register_forms(sample),
    }


def register_forms(sample) -> dict[str, dict]:
    """The registers' forms. The sample asset is handed out and taken back (post_rules
    orders them); the methodology gets a version 2 (5 × 5 still, so the sample risk fits)
    before the rescore moves the risk to it."""
    today = date.today()
    asset = {"tag": "LPSE-HW-9002", "name": "Switch Contoh", "asset_class": "hardware", "category": "",
             "owner_id": "", "location": "Ruang server", "status": "in_use", "serial": "", "supplier": "",
             "purchased_on": "", "purchase_cost": "", "warranty_ends": "", "end_of_life": "",
             "licence_seats": "", "licence_expires": "", "next_audit_on": "", "notes": ""}
    risk = {"code": "R-902", "title": "Switch contoh rusak", "description": "", "category": "operational",
            "threat": "", "vulnerability": "", "owner": "", "existing_controls": "",
            "inherent_likelihood": "3", "inherent_impact": "3", "simpan": "1"}
    levels = [("Rendah", 1, "green", 300), ("Sedang", 5, "yellow", 150), ("Tinggi", 10, "orange", 60),
              ("Sangat Tinggi", 17, "red", 20)]
    methodology = {"base_version": "1", "appetite": "8", "note": "Interval tinjauan dipersingkat"}
    for i in range(7):
        methodology[f"likelihood-{i}"] = ["Hampir tidak terjadi", "Jarang", "Kadang", "Sering",
                                          "Hampir pasti"][i] if i < 5 else ""
        methodology[f"impact-{i}"] = ["Tidak signifikan", "Kecil", "Sedang", "Besar",
                                      "Sangat besar"][i] if i < 5 else ""
    for i in range(6):
        name, low, colour, days = levels[i] if i < len(levels) else ("", "", "", "")
        methodology.update({f"band_name-{i}": name, f"band_min-{i}": str(low), f"band_colour-{i}": colour,
                            f"band_days-{i}": str(days)})
    return {
        "/aset/baru": asset,
        "/aset/<int:asset_id>/ubah": {**asset, "tag": "LPSE-HW-9001", "name": "Server Contoh Baru"},
        "/aset/<int:asset_id>/klasifikasi": {"confidentiality": "3", "integrity": "2", "availability": "3",
                                             "label": "", "agreed_on": today.isoformat()},
        "/aset/<int:asset_id>/serahkan": {"user_id": str(sample.user_id), "note": "BA-01"},
        "/aset/<int:asset_id>/kembalikan": {"note": "Kondisi baik"},
        "/aset/<int:asset_id>/stock-opname": {"seen_on": today.isoformat(), "location": "Ruang server",
                                              "condition": "good", "note": "", "next_audit_on": ""},
        "/aset/pengaturan": {"alert_window_days": "45", "audit_interval_days": "180"},
        "/aset/impor": {"file": (io.BytesIO(b"Nomor aset;Nama;Kelas\nLPSE-SW-9003;Antivirus;software\n"
), "aset.csv")},
        "/risiko/baru": risk,
        "/risiko/<int:risk_id>/ubah": {**risk, "code": "R-901", "title": "Server contoh padam"},
        "/risiko/<int:risk_id>/penanganan": {"treatment": "mitigate", "treatment_plan": "UPS kedua",
                                             "residual_likelihood": "2", "residual_impact": "3",
                                             "status": "in_treatment"},
        "/risiko/<int:risk_id>/tinjau": {"note": "Ditinjau bersama", "residual_likelihood": "2",
                                         "residual_impact": "2", "inherent_likelihood": "4",
                                         "inherent_impact": "5", "treatment": "mitigate",
                                         "status": "in_treatment", "simpan": "1"},
        "/risiko/<int:risk_id>/tindakan": {"title": "Uji genset", "owner": "",
                                           "due_on": (today + timedelta(days=20)).isoformat(), "note": ""},
        "/risiko/tindakan/<int:action_id>/selesai": {"selesai": "1"},
        "/risiko/metodologi/ubah": methodology,
        "/risiko/metodologi/nilai-ulang": {"versi": "2"},
    }


# A complete questionnaire (surveys/forms.py): every unsur and the profile.
SURVEY_ANSWERS = {**{f"u{n}": "4" for n in range(1, 10)}, "sex": "P", "age_band": "30-39",
                  "education": "S1", "occupation": "Swasta", "kind": "saran", "suggestion": ""}


OWNER = "owner"  # the vendor who booked the sample ticket
OFFICIAL = "official"  # the official who reserved the sample room
KIOSK = "kiosk"  # a tablet in kiosk mode, started by a helpdesk member
# POST rules an administrator may not use: who submits the sample form there instead
# (the guard's 403 would otherwise come before anything the form could write).
POSTED_BY = {
    "/loket/<int:service_id>/<start>": Role.VENDOR,
    "/tiket/<code>/jadwal-ulang": OWNER,
    "/tiket/<code>/batal": OWNER,
    "/antrian/check-in": Role.VERIFIKATOR,
    "/antrian/walk-in": Role.VERIFIKATOR,
    "/antrian/panggil": Role.VERIFIKATOR,
    "/antrian/<int:booking_id>/selesai": Role.VERIFIKATOR,
    "/antrian/<int:booking_id>/tidak-hadir": Role.HELPDESK,
    "/ruang/pesan": Role.ROOM_USER,
    "/ruang/reservasi/<int:reservation_id>/batal": OFFICIAL,  # the requester's own steps
    "/ruang/reservasi/<int:reservation_id>/check-in": OFFICIAL,
    "/ruang/reservasi/<int:reservation_id>/selesai": OFFICIAL,
    "/ruang/saya/tautan-kalender": Role.ROOM_USER,
    "/ruang/reservasi/<int:reservation_id>/setujui": Role.HELPDESK,  # an approver, not the admin
    "/ruang/reservasi/<int:reservation_id>/tolak": Role.HELPDESK,
    "/ruang/seri/<int:series_id>/setujui": Role.HELPDESK,
    "/ruang/seri/<int:series_id>/tolak": Role.HELPDESK,
    "/survei/kiosk/mulai": Role.VERIFIKATOR,  # after the verifikator's other rules (post_rules)
    "/survei/kiosk/": KIOSK,
    "/survei/kiosk/keluar": KIOSK,
    **{rule: Role.SURVEY_MANAGER for rule in (
        "/survei/kelola/periode/baru", "/survei/kelola/periode/<int:period_id>",
        "/survei/kelola/periode/<int:period_id>/tutup", "/survei/kelola/periode/<int:period_id>/terbitkan",
        "/survei/kelola/periode/<int:period_id>/tarik", "/survei/kelola/periode/<int:period_id>/buka",
        "/survei/kelola/periode/<int:period_id>/hapus", "/survei/kelola/kuesioner/<int:number>",
        "/survei/kelola/kuesioner/<int:number>/kembalikan", "/survei/kelola/pengaturan",
        "/survei/saran/<suggestion_id>")},
}


# POST rules that, for a signed-in administrator, add no row: they redirect, or (the
# re-authentication) change only the session and the last TOTP step used.
NO_WRITE_FOR_SIGNED_IN_ADMIN = {"/masuk", "/masuk/kode", "/masuk/aktifkan-2fa", "/daftar", "/akun/2fa",
                                "/akun/2fa/nonaktifkan", "/masuk/ulang",
                                "/survei/kiosk/keluar"}  # (ends the kiosk session only)


def post_rules(app):
    """Every POST rule; cancelling the ticket or the reservation (approved first), the
    password change and signing out come last (they change what later requests need)."""
    last = {"/tiket/<code>/batal": 1, "/ruang/reservasi/<int:reservation_id>/batal": 1,
            "/akun/kata-sandi": 1, "/keluar": 2,
            # The sample period's life: closed, published, withdrawn, opened again.
            "/survei/kelola/periode/<int:period_id>/tutup": 0.1,
            "/survei/kelola/periode/<int:period_id>/terbitkan": 0.2,
            "/survei/kelola/periode/<int:period_id>/tarik": 0.3,
            "/survei/kelola/periode/<int:period_id>/buka": 0.4,
            "/survei/kelola/kuesioner/<int:number>/kembalikan": 0.5,  # after the rewording
            "/survei/kiosk/mulai": 0.6,  # signs the verifikator out into kiosk mode
            "/survei/kiosk/keluar": 0.7,  # after the kiosk's answer
            "/aset/<int:asset_id>/kembalikan": 0.1,  # after it was handed out
            "/risiko/metodologi/nilai-ulang": 0.2}  # after version 2 was saved
    return sorted(routes(app, "POST"), key=lambda rule: last.get(rule.rule, 0))


def args_of(sample):
    return {**sample.args(), "lang": "en"}


@pytest.fixture
def posters(app, sample, signed_in, login):
    """The client (and its CSRF token) that may post to a rule: POSTED_BY, else the
    administrator. One client per role for the whole test."""
    admin, admin_user = signed_in(Role.ADMIN)
    clients = {Role.ADMIN: admin}

    def client_for(rule: str):
        who = POSTED_BY.get(rule, Role.ADMIN)
        if who not in clients:
            if who in (OWNER, OFFICIAL):
                clients[who] = app.test_client()
                login(clients[who], sample.owner if who == OWNER else sample.official)
            elif who == KIOSK:
                clients[who], _ = signed_in(Role.HELPDESK)
                started = post(clients[who], "/survei/kiosk/mulai", token_of(clients[who]),
                               {"pin": "2468", "pin_again": "2468"})
                assert started.status_code == 303, started.status_code
            else:
                clients[who], _ = signed_in(who)
        return clients[who]

    client_for.admin_user = admin_user
    client_for.clients = clients
    return client_for


def test_every_post_route_has_a_sample_submission(app, sample, make_user):
    forms = valid_forms(sample, make_user(Role.ADMIN))
    assert sorted(rule.rule for rule in routes(app, "POST")) == sorted(forms)
    assert set(POSTED_BY) <= set(forms)


def test_every_post_route_refuses_a_missing_token_and_writes_nothing(app, sample, posters):
    forms = valid_forms(sample, posters.admin_user)
    failures = []
    for rule in post_rules(app):
        client = posters(rule.rule)
        url = url_of(rule, args_of(sample))
        before = row_counts(app)
        response = client.post(url, data=forms[rule.rule], csrf=False)
        body = response.get_data(as_text=True)
        if response.status_code != 400 or CSRF_MESSAGE not in body:
            failures.append(f"POST {url}: {response.status_code}, expected 400 for the missing token")
        if row_counts(app) != before:
            failures.append(f"POST {url}: refused, yet the database changed")
    assert not failures, "\n".join(failures)
    for who, client in posters.clients.items():
        if who == KIOSK:  # still in kiosk mode: the form, not the way out
            assert client.get("/survei/kiosk/").status_code == 200
        else:
            assert client.get("/akun").status_code == 200, who  # not even signed out


def test_token_in_the_htmx_header_is_accepted_on_every_post_route(app, sample, posters):
    forms = valid_forms(sample, posters.admin_user)
    failures = []
    tokens = {}
    for rule in post_rules(app):
        client = posters(rule.rule)
        token = tokens.setdefault(id(client), token_of(client))
        url = url_of(rule, args_of(sample))
        before = row_counts(app)
        response = post(client, url, token, forms[rule.rule], headers={"HX-Request": "true"})
        if response.status_code not in (200, 204, 302, 303):
            failures.append(f"POST {url}: {response.status_code}")
        wrote = row_counts(app) != before
        if wrote == (rule.rule in NO_WRITE_FOR_SIGNED_IN_ADMIN):
            failures.append(f"POST {url}: {'wrote' if wrote else 'did not write'} to the database")
    assert not failures, "\n".join(failures)


def test_token_as_a_form_field_is_accepted(app, sample, signed_in):
    client, admin = signed_in(Role.ADMIN)
    token = token_of(client)
    data = valid_forms(sample, admin)["/admin/ruang"]
    before = row_counts(app)
    response = client.post("/admin/ruang", data={**data, "csrf_token": token}, csrf=False)
    assert response.status_code == 303
    assert row_counts(app)["room"] == before["room"] + 1
    # The sign-out button of every page posts the token as a form field too.
    response = client.post("/keluar", data={"csrf_token": token}, csrf=False)
    assert response.status_code == 303
    assert client.get("/akun").status_code == 302


def test_token_of_another_session_or_a_forged_token_is_refused(app, sample, signed_in):
    victim, admin = signed_in(Role.ADMIN)
    attacker = app.test_client()
    stolen_elsewhere = token_of(attacker)  # a valid token, but of the attacker's session
    data = valid_forms(sample, admin)["/admin/ruang"]
    before = row_counts(app)
    for token in (stolen_elsewhere, "forged-token", ""):
        response = post(victim, "/admin/ruang", token, data)
        assert response.status_code == 400, token
        assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert row_counts(app) == before


def test_login_and_registration_forms_need_the_token(app, make_user):
    """Login CSRF: another site must not sign a visitor into an account it controls."""
    vendor = make_user(Role.VENDOR)
    client = app.test_client()
    before = row_counts(app)
    response = client.post("/masuk", data={"email": vendor.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert client.get("/akun").status_code == 302  # not signed in
    response = client.post("/daftar", data=REGISTRATION, csrf=False)
    assert response.status_code == 400
    assert row_counts(app) == before
    response = client.post("/daftar", data=REGISTRATION)  # the same form with its token
    assert response.status_code == 302
    assert row_counts(app)["user_account"] == before["user_account"] + 1
