"""The staff's queue: check-in, walk-in tickets, call next, outcome, no-show, the
display board. Plain form posts (303 + flash) and htmx posts (the queue block)."""

from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter.models import Booking
from lpse_web.extensions import db


def _vendor_booking(client, make_user, login, service_id, start="2026-11-30T09.00", **user):
    vendor = make_user(Role.VENDOR, **user)
    login(client, vendor)
    code = client.post(f"/loket/{service_id}/{start}").headers["Location"].rsplit("/", 1)[-1]
    client.post("/keluar")
    return code


def test_check_in_call_and_approve(app, client, make_user, login, office):
    verification = office["services"]["V"]
    code = _vendor_booking(client, make_user, login, verification, name="Kristina Bria")
    login(client, make_user(Role.VERIFIKATOR))

    queue = client.get("/antrian/").get_data(as_text=True)
    assert "Kristina Bria" in queue and code in queue  # expected, not arrived yet

    arrived = client.post("/antrian/check-in", data={"code": code.lower() + " "})
    assert arrived.status_code == 303
    assert "V-001" in client.get("/antrian/").get_data(as_text=True)

    called = client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 2"]})
    assert called.status_code == 303
    board = client.get("/antrian/layar").get_data(as_text=True)
    assert "V-001" in board and "Loket 2" in board and "Kristina" not in board

    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id))
    form = client.get(f"/antrian/{booking_id}/selesai").get_data(as_text=True)
    assert "Akta pendirian" in form and "Disetujui" in form
    done = client.post(f"/antrian/{booking_id}/selesai", data={
        "outcome": "approved", "documents": ["KTP direktur utama / pemilik perusahaan / pejabat yang "
                                             "berwenang (asli dan salinan)"], "note": "Lengkap"})
    assert done.status_code == 303
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert (booking.status, booking.outcome, booking.counter.name) == ("done", "approved", "Loket 2")
        assert booking.checked_in_at and booking.called_at and booking.finished_at
        assert booking.documents[0].startswith("KTP direktur")


def test_rejection_needs_a_reason(app, client, make_user, login, office):
    code = _vendor_booking(client, make_user, login, office["services"]["V"])
    login(client, make_user(Role.VERIFIKATOR))
    client.post("/antrian/check-in", data={"code": code})
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id))
    refused = client.post(f"/antrian/{booking_id}/selesai", data={"outcome": "rejected"})
    assert refused.status_code == 422
    assert "Pilih alasan penolakan" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "called"
    done = client.post(f"/antrian/{booking_id}/selesai", data={"outcome": "rejected", "reason": "expired"})
    assert done.status_code == 303
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert (booking.outcome, booking.rejection_reason) == ("rejected", "expired")
        vendor_view = booking.visitor
    client.post("/keluar")
    login(client, vendor_view)
    mine = client.get("/tiket-saya").get_data(as_text=True)
    assert "Ditolak" in mine and "Dokumen sudah tidak berlaku" in mine


def test_walk_in_numbers_per_service_and_serving_order(app, client, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    services = office["services"]
    for service in ("V", "V", "K"):
        issued = client.post("/antrian/walk-in", data={"service": services[service], "name": ""})
        assert issued.status_code == 303
    queue = client.get("/antrian/").get_data(as_text=True)
    assert "V-001" in queue and "V-002" in queue and "K-001" in queue
    # Loket 3 serves consultation only: it calls K-001 although V-001 came first.
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 3"]})
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    with app.app_context():
        called = db.session.scalars(select(Booking).where(Booking.status == "called")).all()
        codes = {b.ticket: b.counter_id for b in called}
    assert codes == {"K-001": office["counters"]["Loket 3"], "V-001": office["counters"]["Loket 1"]}
    # A counter serves one visitor at a time.
    busy = client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    assert "masih melayani" in client.get(busy.headers["Location"]).get_data(as_text=True)


def test_htmx_step_returns_the_queue_block(client, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    response = client.post("/antrian/walk-in", headers={"HX-Request": "true"},
                           data={"service": office["services"]["V"], "name": "Ibu Rina"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="queue"')
    assert "V-001" in body and "Ibu Rina" in body and "<html" not in body
    unknown = client.post("/antrian/check-in", data={"code": "ZZZZ2222"}, headers={"HX-Request": "true"})
    assert unknown.status_code == 422 and "tidak ditemukan" in unknown.get_data(as_text=True)


def test_called_visitor_who_does_not_come_is_a_no_show(app, client, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    client.post("/antrian/walk-in", data={"service": office["services"]["V"]})
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id))
    assert client.post(f"/antrian/{booking_id}/tidak-hadir").status_code == 303
    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "no_show"
    # The counter is free again.
    client.post("/antrian/walk-in", data={"service": office["services"]["V"]})
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    with app.app_context():
        called = select(db.func.count()).select_from(Booking).where(Booking.status == "called")
        assert db.session.scalar(called) == 1


def test_board_is_public_and_shows_no_names(client, app, make_user, login, office):
    login(client, make_user(Role.VERIFIKATOR))
    client.post("/antrian/walk-in", data={"service": office["services"]["K"], "name": "Rahasia Nama"})
    client.post("/keluar")
    board = client.get("/antrian/layar")
    assert board.status_code == 200
    body = board.get_data(as_text=True)
    assert "K-001" in body and "Rahasia" not in body and 'hx-trigger="every 5s"' in body


def test_helpdesk_calls_other_services_and_leaves_verification_to_the_verifikator(
        app, client, make_user, login, office):
    login(client, make_user(Role.HELPDESK))
    services = office["services"]
    client.post("/antrian/walk-in", data={"service": services["V"]})
    client.post("/antrian/walk-in", data={"service": services["A"]})
    # Loket 1 offers V and A: a helpdesk desk skips the earlier verification visitor.
    client.post("/antrian/panggil", data={"counter": office["counters"]["Loket 1"]})
    with app.app_context():
        called = db.session.scalar(select(Booking).where(Booking.status == "called"))
        assert called.ticket == "A-001"
        verification_id = db.session.scalar(select(Booking.id).where(Booking.service_id == services["V"]))
    assert client.get(f"/antrian/{verification_id}/selesai").status_code == 403
