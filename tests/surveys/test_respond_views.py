"""The questionnaire reached by a one-time link (no sign-in needed), and where the link
is offered: the visitor's own ticket and the requester's own reservation page.

A link works once; a used, expired or forged link gets its own page and status, and
nothing is stored; a questionnaire missing an unsur is refused with 422, naming it; no
open period means "not open" and the link stays unused. The clock: tests/surveys/conftest.py."""

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, text

from lpse_web import clock
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter.models import Booking
from lpse_web.extensions import db
from lpse_web.mail.models import OutboxMessage
from lpse_web.surveys import invitations, periods, responses
from lpse_web.surveys.catalogue import ROOMS, counter_key
from lpse_web.surveys.models import (
    DRAFT,
    LINK,
    PAGI,
    SurveyInvitationUse,
    SurveyPeriod,
    SurveyResponse,
    SurveySuggestion,
)
from tests.surveys.conftest import DAY, answers, rows

SCORES = [3, 4, 2, 4, 3, 3, 4, 3, 1]  # conftest.ANSWERS


def user(app, user_id: int) -> User:
    """The account, to sign in with (`login` takes a detached user)."""
    with app.app_context():
        account = db.session.get(User, user_id)
        db.session.expunge(account)
        return account


def url(token: str) -> str:
    return f"/survei/isi/{token}"


def stored(app) -> tuple[int, int, int]:
    """(responses, suggestions, used links)."""
    with app.app_context():
        return rows(SurveyResponse), rows(SurveySuggestion), rows(SurveyInvitationUse)


# --- the questionnaire ------------------------------------------------------------------------

def test_the_link_opens_the_questionnaire_without_signing_in(client, open_period, finished_booking):
    page = client.get(url(finished_booking.token))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Survei Kepuasan Masyarakat" in html
    assert "Verifikasi dokumen penyedia" in html  # the service received, fixed by the link
    assert "Senin, 30 November 2026" in html
    # Nine unsur, each with its question and four answers scored 1..4, in order.
    for n in range(1, 10):
        assert f'id="q-u{n}"' in html
        assert [int(v) for v in re.findall(rf'name="u{n}" type="radio" value="(\d)"', html)] == [1, 2, 3, 4]
    assert "U3 · Waktu Penyelesaian" in html
    assert "kecepatan waktu dalam memberikan pelayanan" in html
    assert "Tidak cepat" in html and "Sangat cepat" in html
    assert "Gratis" in html  # U4's top answer
    for value in ("L", "P", "30-39", "D1-D4", "POLRI", "saran", "pengaduan"):
        assert f'value="{value}"' in html
    assert "berlaku sampai 7 Desember 2026 09.20 WITA" in html
    assert stored(client.application) == (0, 0, 0)  # opening it spends nothing


def test_a_complete_questionnaire_is_stored_once_and_the_link_is_spent(app, client, open_period,
                                                                      finished_booking):
    sent = client.post(url(finished_booking.token), data=answers())
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith("/survei/terima-kasih")
    assert "Terima kasih" in client.get("/survei/terima-kasih").get_data(as_text=True)
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert response.scores == SCORES
        service_key = counter_key(_service_id(finished_booking))
        assert (response.period_id, response.service_key, response.answered_on, response.session,
                response.channel) == (open_period, service_key, DAY, PAGI, LINK)
        assert (response.sex, response.age_band, response.education, response.occupation) == (
            "P", "30-39", "S1", "Swasta")
        use = db.session.scalar(select(SurveyInvitationUse))
        assert (use.source, use.source_id, use.used_on) == ("loket", finished_booking.id, DAY)
    assert stored(app) == (1, 0, 1)  # no suggestion typed: none stored

    # The same link again: the "already used" page, for a GET and a POST; nothing more stored.
    again = client.get(url(finished_booking.token))
    assert again.status_code == 409
    assert "Survei sudah diisi" in again.get_data(as_text=True)
    resent = client.post(url(finished_booking.token), data=answers(u1="4"))
    assert resent.status_code == 409
    assert "Survei sudah diisi" in resent.get_data(as_text=True)
    assert stored(app) == (1, 0, 1)


def _service_id(visit) -> int:
    return db.session.get(Booking, visit.id).service_id


def test_a_suggestion_or_complaint_is_stored_apart_from_the_scores(app, client, open_period,
                                                                  finished_booking):
    sent = client.post(url(finished_booking.token), data=answers(
        kind="pengaduan", suggestion="  Antrean di loket 2 terlalu lama.  "))
    assert sent.status_code == 303
    with app.app_context():
        suggestion = db.session.scalar(select(SurveySuggestion))
        assert (suggestion.kind, suggestion.text, suggestion.answered_on) == (
            "pengaduan", "Antrean di loket 2 terlalu lama.", DAY)
    assert stored(app) == (1, 1, 1)


def test_a_missing_unsur_is_refused_with_422_naming_it_and_nothing_is_stored(app, client, open_period,
                                                                            finished_booking):
    refused = client.post(url(finished_booking.token), data=answers(u3=None, u8="5", suggestion="Ramah"))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    # Named next to the field and in the summary at the top (which links to it).
    assert html.count("Unsur U3 (Waktu Penyelesaian) belum dijawab.") == 2
    assert html.count("Unsur U8 (Penanganan Pengaduan, Saran dan Masukan) belum dijawab.") == 2
    assert '<a href="#q-u3">Unsur U3' in html
    assert html.index('class="error-summary"') < html.index('id="q-u1"')
    assert "Unsur U1" not in html.split('id="q-u1"')[0]  # answered ones are not listed
    # What was answered is kept, so only the missing ones need a tap.
    assert re.search(r'checked id="u1-2" name="u1" type="radio" value="3"|'
                     r'id="u1-2" name="u1" type="radio" value="3" checked', html)
    assert "Ramah</textarea>" in html
    assert stored(app) == (0, 0, 0)  # and the link is still unused

    assert client.post(url(finished_booking.token), data=answers()).status_code == 303
    assert stored(app) == (1, 0, 1)


def test_the_profile_is_required_too(app, client, open_period, finished_booking):
    refused = client.post(url(finished_booking.token), data=answers(sex=None, occupation="Nelayan"))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert html.count("Pilih jenis kelamin.") == 2 and html.count("Pilih pekerjaan.") == 2
    assert stored(app) == (0, 0, 0)


def test_a_too_long_suggestion_or_control_characters_are_refused(app, client, open_period,
                                                                 finished_booking):
    too_long = client.post(url(finished_booking.token), data=answers(suggestion="a" * 2001))
    assert too_long.status_code == 422
    assert "Maksimal 2000 karakter." in too_long.get_data(as_text=True)
    nul = client.post(url(finished_booking.token), data=answers(suggestion="baik\x00"))
    assert nul.status_code == 422
    assert stored(app) == (0, 0, 0)


# --- links that cannot be used ----------------------------------------------------------------

def test_an_expired_link_says_so_and_stores_nothing(app, client, open_period, finished_booking):
    # Valid 7 days (the default) from the end of the visit, 30 November 09.20 WITA.
    app.config["LPSE_NOW"] = "2026-12-07T09:19:00+08:00"
    assert client.get(url(finished_booking.token)).status_code == 200
    app.config["LPSE_NOW"] = "2026-12-07T09:20:00+08:00"
    expired = client.get(url(finished_booking.token))
    assert expired.status_code == 410
    assert "Masa berlaku tautan sudah habis" in expired.get_data(as_text=True)
    posted = client.post(url(finished_booking.token), data=answers())
    assert posted.status_code == 410
    assert stored(app) == (0, 0, 0)


@pytest.mark.parametrize("alter", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature changed
    lambda token: "x" + token[1:],  # the payload changed
    lambda token: token[: len(token) // 2],  # cut off in an e-mail client
    lambda token: "bukan-tautan",
])
def test_an_altered_or_forged_link_is_not_found_and_stores_nothing(app, client, open_period,
                                                                  finished_booking, alter):
    forged = alter(finished_booking.token)
    page = client.get(url(forged))
    assert page.status_code == 404
    assert "Tautan survei tidak valid" in page.get_data(as_text=True)
    assert client.post(url(forged), data=answers()).status_code == 404
    assert stored(app) == (0, 0, 0)


def test_a_link_signed_with_another_key_or_for_an_unfinished_visit_is_forged(
        app, client, open_period, make_finished_booking):
    visit = make_finished_booking()
    other_key = URLSafeSerializer("another-secret", salt=invitations.SALT).dumps(["loket", visit.id])
    assert client.get(url(other_key)).status_code == 404
    waiting = make_finished_booking(finish=None)  # called to the counter, not finished
    assert client.get(url(waiting.token)).status_code == 404
    with app.app_context():
        nothing = invitations.token_for("loket", 2**31 - 1)
    assert client.get(url(nothing)).status_code == 404
    assert stored(app) == (0, 0, 0)


def test_a_second_tab_sending_at_the_same_time_gets_the_used_page(app, client, open_period,
                                                                 finished_booking, monkeypatch):
    """The other tab's answers were stored between this tab's check and its insert."""
    with app.app_context():
        stale = invitations.read(finished_booking.token, clock.now())
        invitations.use(stale, DAY)
        db.session.commit()
    monkeypatch.setattr(invitations, "read", lambda token, now: stale)
    raced = client.post(url(finished_booking.token), data=answers())
    assert raced.status_code == 409
    assert "Survei sudah diisi" in raced.get_data(as_text=True)
    assert stored(app) == (0, 0, 1)


def test_the_link_is_spent_in_a_transaction_of_its_own(app, client, open_period, finished_booking):
    """So that on PostgreSQL the answers' row and the spent link's row do not carry the
    same transaction id (xmin), which would tie the answers to the visit."""
    assert client.post(url(finished_booking.token), data=answers()).status_code == 303
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("transaction ids are PostgreSQL's")
        spent = db.session.execute(text("SELECT xmin::text FROM survey_invitation_use")).scalar_one()
        answered = db.session.execute(text("SELECT xmin::text FROM survey_response")).scalar_one()
        assert spent != answered


def test_a_link_spent_without_answers_stored_is_given_back(app, client, open_period, finished_booking,
                                                          monkeypatch):
    """The period closed between spending the link and storing the answers."""
    def closed(*args, **kwargs):
        raise responses.NoOpenPeriodError()

    monkeypatch.setattr(responses, "record", closed)
    refused = client.post(url(finished_booking.token), data=answers())
    assert refused.status_code == 200 and "Survei sedang tidak dibuka" in refused.get_data(as_text=True)
    assert stored(app) == (0, 0, 0)
    monkeypatch.undo()
    assert client.post(url(finished_booking.token), data=answers()).status_code == 303
    assert stored(app) == (1, 0, 1)


# --- no open period ---------------------------------------------------------------------------

@pytest.mark.parametrize("period", [None, DRAFT])
def test_without_an_open_period_the_survey_is_not_open_and_the_link_stays_unused(
        app, client, finished_booking, period):
    if period == DRAFT:
        with app.app_context():
            periods.save_period(None, name="Triwulan IV 2026", first=DAY.replace(day=1), last=DAY)
            db.session.commit()
    page = client.get(url(finished_booking.token))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Survei sedang tidak dibuka" in html and 'name="u1"' not in html
    assert client.post(url(finished_booking.token), data=answers()).status_code == 200
    assert stored(app) == (0, 0, 0)

    with app.app_context():  # opened later: the same link works
        period_row = db.session.scalar(select(SurveyPeriod)) or periods.save_period(
            None, name="Triwulan IV 2026", first=DAY.replace(day=1), last=DAY)
        periods.open_period(period_row, clock.now())
        db.session.commit()
    assert client.post(url(finished_booking.token), data=answers()).status_code == 303
    assert stored(app) == (1, 0, 1)


# --- where the link is offered ------------------------------------------------------------------

def _ticket(client, visit):
    return client.get(f"/tiket/{visit.code}").get_data(as_text=True)


def test_the_visitor_sees_the_link_on_their_finished_ticket_and_staff_do_not(
        app, client, make_user, login, open_period, finished_booking):
    visitor = user(app, finished_booking.visitor_id)
    login(client, visitor)
    html = _ticket(client, finished_booking)
    assert "Bagaimana layanan kami?" in html and "Isi survei kepuasan (1 menit)" in html
    assert f'href="{url(finished_booking.token)}"' in html
    assert "sampai Senin, 7 Desember 2026 09.20 WITA" in html
    client.post("/keluar")

    login(client, make_user(Role.VERIFIKATOR))
    staff_view = _ticket(client, finished_booking)
    assert "Nomor antrean" in staff_view  # the ticket itself is shown
    assert "Bagaimana layanan kami?" not in staff_view and "/survei/isi/" not in staff_view
    client.post("/keluar")

    # Once answered, the visitor's ticket thanks them instead.
    client.post(url(finished_booking.token), data=answers())
    login(client, visitor)
    html = _ticket(client, finished_booking)
    assert "Terima kasih, survei sudah diisi" in html and "/survei/isi/" not in html


def test_no_link_before_the_visit_is_finished(app, client, login, open_period, make_finished_booking):
    waiting = make_finished_booking(finish=None)
    visitor = user(app, waiting.visitor_id)
    login(client, visitor)
    html = _ticket(client, waiting)
    assert "Nomor antrean" in html
    assert "Bagaimana layanan kami?" not in html and "/survei/isi/" not in html


def test_an_expired_link_or_a_closed_survey_offers_nothing_on_the_ticket(app, client, login,
                                                                        finished_booking):
    visitor = user(app, finished_booking.visitor_id)
    login(client, visitor)
    assert "/survei/isi/" not in _ticket(client, finished_booking)  # no open period
    with app.app_context():
        periods.open_period(periods.save_period(None, name="Triwulan IV 2026", first=DAY, last=DAY),
                            clock.now())
        db.session.commit()
    assert "/survei/isi/" in _ticket(client, finished_booking)
    app.config["LPSE_NOW"] = "2026-12-08T09:00:00+08:00"
    html = _ticket(client, finished_booking)
    assert "/survei/isi/" not in html and "sudah berakhir" in html


def test_the_requester_sees_the_link_on_their_used_reservation_and_approvers_do_not(
        app, client, make_user, login, open_period, completed_reservation):
    requester = user(app, completed_reservation.requester_id)
    login(client, requester)
    html = client.get(f"/ruang/reservasi/{completed_reservation.id}").get_data(as_text=True)
    assert "Bagaimana layanan kami?" in html and f'href="{url(completed_reservation.token)}"' in html
    client.post("/keluar")

    login(client, make_user(Role.HELPDESK))  # an approver: may see the reservation
    staff_view = client.get(f"/ruang/reservasi/{completed_reservation.id}")
    assert staff_view.status_code == 200
    assert "/survei/isi/" not in staff_view.get_data(as_text=True)
    client.post("/keluar")

    # The link leads to the questionnaire about the rooms, and works once.
    page = client.get(url(completed_reservation.token)).get_data(as_text=True)
    assert "Peminjaman ruang" in page
    assert client.post(url(completed_reservation.token), data=answers()).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.service_key)) == ROOMS
    assert client.get(url(completed_reservation.token)).status_code == 409


def test_no_link_while_the_room_is_still_in_use(app, client, login, open_period, make_completed_reservation):
    in_use = make_completed_reservation(start="09.30", end="11.00", finish=None)  # now: 10.00
    requester = user(app, in_use.requester_id)
    login(client, requester)
    html = client.get(f"/ruang/reservasi/{in_use.id}").get_data(as_text=True)
    assert "Selesai lebih awal" in html and "/survei/isi/" not in html
    assert client.get(url(in_use.token)).status_code == 404


def test_without_smtp_finishing_a_visit_queues_no_mail(app, client, make_user, login, open_period,
                                                      make_finished_booking):
    called = make_finished_booking(finish=None)
    login(client, make_user(Role.VERIFIKATOR))
    assert client.post(f"/antrian/{called.id}/selesai", data={"outcome": "approved"}).status_code == 303
    with app.app_context():
        assert rows(OutboxMessage) == 0
