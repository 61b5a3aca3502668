"""The administrator's side of the counter: service rules and checklists, and
closing a counter for a day."""

from datetime import date

from sqlalchemy import select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.counter.models import CounterClosure
from lpse_web.extensions import db
from lpse_web.office.models import CounterService


def test_service_rules_are_editable_and_used_for_slots(app, client, make_user, login, office):
    login(client, make_user(Role.ADMIN))
    consultation = office["services"]["K"]
    page = client.get(f"/admin/layanan/{consultation}").get_data(as_text=True)
    assert 'name="duration_minutes"' in page and 'value="30"' in page
    response = client.post(f"/admin/layanan/{consultation}", data={
        "code": "K", "name": "Konsultasi SPSE", "active": "y", "duration_minutes": "60",
        "min_notice_minutes": "0", "max_advance_days": "7", "grace_minutes": "10",
        "checklist_vendor": "Catatan masalah\n\nTangkapan layar galat ", "checklist_official": ""})
    assert response.status_code == 303
    with app.app_context():
        service = db.session.get(CounterService, consultation)
        assert (service.duration_minutes, service.min_notice_minutes, service.max_advance_days) == (60, 0, 7)
        assert service.checklist_for(official=False) == ["Catatan masalah", "Tangkapan layar galat"]
        assert not service.is_verification
        logged = db.session.scalar(select(AuditEntry).where(AuditEntry.table_name == "counter_service",
                                                            AuditEntry.action == "update"))
        assert logged.after["duration_minutes"] == 60
    client.post("/keluar")
    login(client, make_user(Role.VENDOR))
    slots = client.get(f"/loket/{consultation}").get_data(as_text=True)
    # One-hour slots and no notice: at 07.00 the 08.00 slot is open, 08.30 is no slot.
    assert "2026-11-30T08.00" in slots and "2026-11-30T09.00" in slots and "2026-11-30T08.30" not in slots


def test_service_rules_out_of_range_are_refused(app, client, make_user, login, office):
    login(client, make_user(Role.ADMIN))
    verification = office["services"]["V"]
    response = client.post(f"/admin/layanan/{verification}", data={
        "code": "V", "name": "Verifikasi dokumen penyedia", "duration_minutes": "1",
        "min_notice_minutes": "-5", "max_advance_days": "0", "grace_minutes": "x"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Angka harus antara 5 dan 240" in body and "Harus berupa bilangan bulat" in body
    with app.app_context():
        assert db.session.get(CounterService, verification).duration_minutes == 30


def test_close_and_reopen_a_counter_for_a_day(app, client, make_user, login, office):
    login(client, make_user(Role.ADMIN))
    loket = office["counters"]["Loket 2"]
    response = client.post("/admin/loket-tutup/", data={"counter": loket, "day": "2026-12-01",
                                                         "reason": "Petugas pelatihan"})
    assert response.status_code == 303
    assert "Petugas pelatihan" in client.get("/admin/loket-tutup/").get_data(as_text=True)
    again = client.post("/admin/loket-tutup/", data={"counter": loket, "day": "2026-12-01"})
    assert again.status_code == 422 and "sudah ditutup" in again.get_data(as_text=True)
    past = client.post("/admin/loket-tutup/", data={"counter": loket, "day": "2026-11-01"})
    assert past.status_code == 422 and "sudah lewat" in past.get_data(as_text=True)
    with app.app_context():
        closure = db.session.scalar(select(CounterClosure))
        assert closure.day == date(2026, 12, 1)
    client.post("/keluar")
    login(client, make_user(Role.VENDOR))
    day = client.get(f"/loket/{office['services']['V']}?hari=2026-12-01").get_data(as_text=True)
    assert "sisa 1" in day and "sisa 2" not in day
    client.post("/keluar")
    login(client, make_user(Role.ADMIN))
    assert client.post(f"/admin/loket-tutup/{closure.id}/hapus").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(CounterClosure)) is None


def test_closing_a_counter_warns_of_slots_already_over_the_places_left(app, client, make_user, login,
                                                                      office):
    verification = office["services"]["V"]
    for _ in range(2):  # both places of Tuesday 09.00 (Loket 1 and 2 offer verification)
        login(client, make_user(Role.VENDOR))
        client.post(f"/loket/{verification}/2026-12-01T09.00")
        client.post("/keluar")
    login(client, make_user(Role.ADMIN))
    quiet = client.post("/admin/loket-tutup/", data={"counter": office["counters"]["Loket 3"],
                                                     "day": "2026-12-01"}, follow_redirects=True)
    assert "slot pada hari itu" not in quiet.get_data(as_text=True)  # Loket 3 serves no verification
    warned = client.post("/admin/loket-tutup/", data={"counter": office["counters"]["Loket 2"],
                                                      "day": "2026-12-01"}, follow_redirects=True)
    assert "1 slot pada hari itu sudah dipesan lebih banyak" in warned.get_data(as_text=True)
