"""Suggestions and complaints: the list (filters, counts, pages) and the follow-up
(new -> in progress -> answered, the reply required to answer); a MANAGER only reads."""

from datetime import date

import pytest
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import responses
from lpse_web.surveys.catalogue import ROOMS, Served, counter_key
from lpse_web.surveys.models import (
    ANSWERED,
    IN_PROGRESS,
    OPEN,
    PAGI,
    SurveyFollowUp,
    SurveyPeriod,
    SurveySuggestion,
)

NOW_ISO = "2026-08-10T09:00:00+08:00"
HTMX = {"HX-Request": "true"}
PROFILE = responses.Profile("L", "40-49", "SMA", "Wirausaha")


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def periods_open(app):
    """Two open periods: the second and the third quarter of 2026 -> their ids."""
    with app.app_context():
        rows = [SurveyPeriod(name="Triwulan II 2026", starts_on=date(2026, 4, 1), ends_on=date(2026, 6, 30),
                             status=OPEN),
                SurveyPeriod(name="Triwulan III 2026", starts_on=date(2026, 7, 1), ends_on=date(2026, 9, 30),
                             status=OPEN)]
        db.session.add_all(rows)
        db.session.commit()
        return [p.id for p in rows]


@pytest.fixture
def suggest(app):
    """suggest(text, day=..., kind="saran", service_key=ROOMS) -> the suggestion's id."""
    def make(text, day=date(2026, 8, 3), kind="saran", service_key=ROOMS) -> str:
        with app.app_context():
            responses.record(Served(service_key, day, PAGI), scores=dict.fromkeys(range(1, 10), 3),
                             profile=PROFILE, channel="tautan", suggestion=text, kind=kind)
            db.session.commit()
            return db.session.scalar(select(SurveySuggestion.id).where(SurveySuggestion.text == text))

    return make


def text_of(response) -> str:
    return response.get_data(as_text=True)


def follow_up_of(app, suggestion_id):
    with app.app_context():
        row = db.session.get(SurveyFollowUp, suggestion_id)
        return None if row is None else (row.status, row.reply)


def test_the_list_shows_filters_and_counts(app, client, make_user, login, periods_open, suggest):
    with app.app_context():
        from lpse_web.office.models import CounterService

        service = db.session.scalars(select(CounterService).order_by(CounterService.name)).first()
    older = suggest("Antrean pagi terlalu panjang.", day=date(2026, 5, 4), kind="pengaduan",
                    service_key=counter_key(service.id))
    suggest("Sediakan colokan listrik di ruang tunggu.")
    login(client, make_user(Role.HELPDESK))
    page = text_of(client.get("/survei/saran/"))
    assert "Antrean pagi terlalu panjang." in page and "Sediakan colokan listrik" in page
    assert service.name in page and "Peminjaman ruang" in page
    assert "Pengaduan" in page and "Saran" in page
    assert page.index("Sediakan colokan") < page.index("Antrean pagi")  # newest day first
    assert '<span class="count">2</span>' in page  # all
    assert '<span class="count badge-follow-new">2</span>' in page

    with app.app_context():
        db.session.add(SurveyFollowUp(suggestion_id=older, status=IN_PROGRESS, reply=""))
        db.session.commit()
    filtered = client.get("/survei/saran/?status=in_progress")
    assert filtered.status_code == 200  # (the filter once reached render() as the HTTP status)
    page = text_of(filtered)
    assert 'aria-current=page' in page.split("badge-follow-in_progress")[0].rsplit("<li>", 1)[1]
    assert "Antrean pagi" in page and "Sediakan colokan" not in page
    assert '<span class="count badge-follow-new">1</span>' in page
    assert '<span class="count badge-follow-in_progress">1</span>' in page
    page = text_of(client.get("/survei/saran/?status=new"))
    assert "Antrean pagi" not in page and "Sediakan colokan" in page

    second_quarter = periods_open[0]
    page = text_of(client.get(f"/survei/saran/?periode={second_quarter}"))
    assert "Antrean pagi" in page and "Sediakan colokan" not in page
    assert '<span class="count">1</span>' in page
    # Garbage in the query string is ignored, not an error.
    page = text_of(client.get("/survei/saran/?periode=abc&status=%00&hal=-3"))
    assert "Antrean pagi" in page and "Sediakan colokan" in page


def test_the_list_pages(app, client, make_user, login, periods_open, suggest):
    for n in range(27):
        suggest(f"Saran nomor {n:02d}.")
    login(client, make_user(Role.SURVEY_MANAGER))
    page = text_of(client.get("/survei/saran/"))
    assert "Halaman 1 dari 2" in page and page.count("Saran nomor") == 25
    page = text_of(client.get("/survei/saran/?hal=2&status=new"))
    assert "Halaman 2 dari 2" in page and page.count("Saran nomor") == 2
    assert "status=new" in page  # the pager keeps the filter


def test_follow_up_from_new_to_answered(app, client, make_user, login, periods_open, suggest):
    suggestion_id = suggest("Mohon jadwal verifikasi ditambah pada hari Jumat.", kind="pengaduan")
    staff = make_user(Role.HELPDESK, name="Rina Helpdesk")
    login(client, staff)
    url = f"/survei/saran/{suggestion_id}"
    page = text_of(client.get(url))
    assert "Mohon jadwal verifikasi ditambah" in page and "Pengaduan" in page and "Baru" in page
    assert "Triwulan III 2026" in page and "Senin, 3 Agustus 2026" in page

    response = client.post(url, data={"status": IN_PROGRESS, "reply": ""})
    assert response.status_code == 303 and response.location.endswith(url)
    assert follow_up_of(app, suggestion_id) == (IN_PROGRESS, "")
    page = text_of(client.get(url))
    assert "Tindak lanjut disimpan: Diproses." in page and "Rina Helpdesk" in page

    # Answered needs the reply: refused, nothing changes.
    response = client.post(url, data={"status": ANSWERED, "reply": "   "}, headers=HTMX)
    assert response.status_code == 422
    assert "Jawaban wajib diisi untuk status Dijawab." in text_of(response)
    assert "<html" not in text_of(response)
    assert follow_up_of(app, suggestion_id) == (IN_PROGRESS, "")

    reply = "Mulai September loket verifikasi buka juga Jumat pagi."
    assert client.post(url, data={"status": ANSWERED, "reply": reply}).status_code == 303
    assert follow_up_of(app, suggestion_id) == (ANSWERED, reply)
    with app.app_context():
        assert db.session.get(SurveyFollowUp, suggestion_id).updated_by_id == staff.id
    page = text_of(client.get("/survei/saran/?status=answered"))
    assert reply in page and "Dijawab" in page


def test_an_unknown_status_is_refused(app, client, make_user, login, periods_open, suggest):
    suggestion_id = suggest("Toilet perlu dibersihkan.")
    login(client, make_user(Role.SURVEY_MANAGER))
    response = client.post(f"/survei/saran/{suggestion_id}", data={"status": "closed", "reply": "x"})
    assert response.status_code == 422 and "Pilihan tidak valid" in text_of(response)
    assert follow_up_of(app, suggestion_id) is None


@pytest.mark.parametrize("bad_id", ["123", "Z" * 32, "0" * 31 + "G", "a" * 33, "0" * 32])
def test_a_bad_or_unknown_id_is_404(client, make_user, login, bad_id):
    login(client, make_user(Role.SURVEY_MANAGER))
    assert client.get(f"/survei/saran/{bad_id}").status_code == 404
    assert client.post(f"/survei/saran/{bad_id}", data={"status": "new"}).status_code == 404


def test_a_manager_reads_but_cannot_follow_up(app, client, make_user, login, periods_open, suggest):
    suggestion_id = suggest("Parkir motor sempit.")
    login(client, make_user(Role.MANAGER))
    page = text_of(client.get("/survei/saran/"))
    assert "Parkir motor sempit." in page
    page = text_of(client.get(f"/survei/saran/{suggestion_id}"))
    assert "Parkir motor sempit." in page and "Belum ada jawaban." in page
    assert 'name="reply"' not in page
    response = client.post(f"/survei/saran/{suggestion_id}", data={"status": ANSWERED, "reply": "Oke"})
    assert response.status_code == 403
    assert follow_up_of(app, suggestion_id) is None


def test_other_roles_cannot_see_suggestions(client, make_user, login):
    login(client, make_user(Role.VERIFIKATOR))
    assert client.get("/survei/saran/").status_code == 403
