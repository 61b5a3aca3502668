"""The survey link by e-mail (SMTP configured): queued in the transaction that finishes a
counter visit or a room use early, to the visitor's or requester's address, and only
while a survey period takes answers about that day. The link in it works."""

import re

import pytest
from sqlalchemy import select

from lpse_web import clock
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter.models import Booking
from lpse_web.extensions import db
from lpse_web.mail.models import OutboxMessage
from lpse_web.office.models import Counter, CounterService
from lpse_web.surveys import periods
from tests.surveys.conftest import Q4, SURVEY_NOW_ISO, answers


@pytest.fixture
def app_config():
    return {"LPSE_NOW": SURVEY_NOW_ISO, "MAIL_SERVER": "smtp.example.test",
            "MAIL_SENDER": "lpse@example.test"}


def _survey_mails():
    return [m for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            if "Survei kepuasan" in m.subject]


def _link_path(body: str) -> str:
    match = re.search(r"http://lpse\.test(/survei/isi/\S+)", body)
    assert match, body
    return match.group(1)


def test_finishing_a_visit_mails_the_visitor_a_link_that_works(app, client, make_user, login, open_period,
                                                              make_finished_booking):
    called = make_finished_booking(finish=None, email="penyedia@example.test")
    login(client, make_user(Role.VERIFIKATOR))
    done = client.post(f"/antrian/{called.id}/selesai", data={"outcome": "approved"})
    assert done.status_code == 303
    with app.app_context():
        (mail,) = _survey_mails()
        assert mail.recipient == "penyedia@example.test"
        assert "Verifikasi dokumen penyedia" in mail.body
        assert "berlaku sampai Senin, 7 Desember 2026 10.00 WITA" in mail.body  # finished at 10.00
        path = _link_path(mail.body)
    assert path == f"/survei/isi/{called.token}"
    client.post("/keluar")
    assert client.get(path).status_code == 200
    assert client.post(path, data=answers()).status_code == 303


def test_finishing_a_room_early_mails_the_requester(app, client, login, open_period,
                                                    make_completed_reservation):
    in_use = make_completed_reservation(start="09.30", end="11.00", finish=None, email="ppk@example.test")
    with app.app_context():
        requester = db.session.get(User, in_use.requester_id)
        db.session.expunge(requester)
    login(client, requester)
    assert client.post(f"/ruang/reservasi/{in_use.id}/selesai").status_code == 303
    with app.app_context():
        (mail,) = _survey_mails()
        assert mail.recipient == "ppk@example.test" and "Ruang Verifikasi" in mail.body
        assert _link_path(mail.body) == f"/survei/isi/{in_use.token}"


def test_no_survey_mail_without_an_open_period_nor_for_a_walk_in(app, client, make_user, login,
                                                                make_finished_booking):
    called = make_finished_booking(finish=None)
    login(client, make_user(Role.VERIFIKATOR))
    assert client.post(f"/antrian/{called.id}/selesai", data={"outcome": "approved"}).status_code == 303
    with app.app_context():
        assert _survey_mails() == []

    # A walk-in has no account: no link, no mail, even with a period open.
    with app.app_context():
        name, first, last = Q4
        periods.open_period(periods.save_period(None, name=name, first=first, last=last), clock.now())
        db.session.commit()
    walk_in = client.post("/antrian/walk-in", data={"service": _service_id(app, "K"), "name": "Tamu"})
    assert walk_in.status_code == 303
    called = client.post("/antrian/panggil", data={"counter": _counter_id(app, "Loket 3")})
    assert called.status_code == 303
    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id).where(Booking.is_walk_in))
    assert client.post(f"/antrian/{booking_id}/selesai", data={"outcome": "served"}).status_code == 303
    with app.app_context():
        assert _survey_mails() == []


def _service_id(app, code):
    with app.app_context():
        return db.session.scalar(select(CounterService.id).where(CounterService.code == code))


def _counter_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Counter.id).where(Counter.name == name))
