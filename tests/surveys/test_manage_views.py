"""The survey manager's pages: periods (plan, open, close, publish, delete), the
questionnaire's wording, the link settings; a MANAGER reads, never changes."""

from datetime import date

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import invitations, periods, responses, unsur
from lpse_web.surveys.catalogue import ROOMS, Served
from lpse_web.surveys.models import CLOSED, DRAFT, OPEN, PAGI, SurveyElement, SurveyPeriod
from tests.factories import counted_queries

# Monday 10 August 2026, 09.00 WITA: in the third quarter.
NOW_ISO = "2026-08-10T09:00:00+08:00"
HTMX = {"HX-Request": "true"}
PROFILE = responses.Profile("P", "30-39", "S1", "Swasta")


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def make_period(app):
    """make_period(name, first, last, status=DRAFT, published=False) -> its id (committed)."""
    def make(name, first, last, status=DRAFT, published=False) -> int:
        with app.app_context():
            period = SurveyPeriod(name=name, starts_on=first, ends_on=last, status=status,
                                  published=published)
            db.session.add(period)
            db.session.commit()
            return period.id

    return make


@pytest.fixture
def answer(app):
    """answer(day, score=3, n=1): n questionnaires, every unsur scored `score`, for the
    open period holding `day`."""
    def record(day, score=3, n=1, suggestion=""):
        with app.app_context():
            for _ in range(n):
                responses.record(Served(ROOMS, day, PAGI), scores=dict.fromkeys(range(1, 10), score),
                                 profile=PROFILE, channel="kiosk", suggestion=suggestion)
            db.session.commit()

    return record


@pytest.fixture
def manager_client(client, make_user, login):
    login(client, make_user(Role.SURVEY_MANAGER))
    return client


def period_row(app, period_id):
    with app.app_context():
        period = db.session.get(SurveyPeriod, period_id)
        if period is None:
            return None
        db.session.expunge(period)
        return period


def period_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyPeriod))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_new_period_form_offers_the_next_quarter_not_yet_planned(app, manager_client, make_period):
    page = text_of(manager_client.get("/survei/kelola/"))
    assert 'value="Triwulan III 2026"' in page
    assert 'value="2026-07-01"' in page and 'value="2026-09-30"' in page
    assert "Belum ada periode survei." in page
    make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    page = text_of(manager_client.get("/survei/kelola/"))
    assert 'value="Triwulan IV 2026"' in page
    assert 'value="2026-10-01"' in page and 'value="2026-12-31"' in page
    # A period covering the fourth quarter under another name is planned too.
    make_period("Semester II akhir", date(2026, 10, 1), date(2027, 1, 15))
    page = text_of(manager_client.get("/survei/kelola/periode/baru"))
    assert 'value="Triwulan II 2027"' in page and 'value="2027-04-01"' in page


def test_create_a_period_as_draft(app, manager_client):
    response = manager_client.post("/survei/kelola/periode/baru", data={
        "name": " Triwulan IV 2026 ", "starts_on": "2026-10-01", "ends_on": "2026-12-31"})
    assert response.status_code == 303 and response.location.endswith("/survei/kelola/")
    with app.app_context():
        period = db.session.scalar(select(SurveyPeriod))
        assert (period.name, period.starts_on, period.ends_on, period.status, period.published) == (
            "Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31), DRAFT, False)
    page = text_of(manager_client.get("/survei/kelola/"))
    assert "Periode Triwulan IV 2026 disimpan." in page
    assert "Draf" in page and "1 Okt 2026 – 31 Des 2026" in page


def test_an_overlapping_period_is_refused_and_names_the_other(app, manager_client, make_period):
    make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    response = manager_client.post("/survei/kelola/periode/baru", headers=HTMX, data={
        "name": "Semester II 2026", "starts_on": "2026-09-01", "ends_on": "2026-12-31"})
    assert response.status_code == 422
    page = text_of(response)
    assert "<html" not in page  # the form block alone
    assert "bertumpang tindih dengan periode Triwulan III 2026 (1 Jul 2026 – 30 Sep 2026)" in page
    assert period_count(app) == 1
    # Without htmx: the whole page, still 422.
    response = manager_client.post("/survei/kelola/periode/baru", data={
        "name": "Semester II 2026", "starts_on": "2026-09-01", "ends_on": "2026-12-31"})
    assert response.status_code == 422 and "<html" in text_of(response)
    assert period_count(app) == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "Triwulan IV 2026", "starts_on": "2026-12-31", "ends_on": "2026-10-01"},
     "Tanggal akhir tidak boleh sebelum tanggal mulai."),
    ({"name": "", "starts_on": "2026-10-01", "ends_on": "2026-12-31"}, "Wajib diisi."),
    ({"name": "Triwulan IV 2026", "starts_on": "1999-10-01", "ends_on": "2026-12-31"}, "tahun 2000-2100"),
    ({"name": "Dua tahun", "starts_on": "2026-01-01", "ends_on": "2027-12-31"}, "paling lama satu tahun"),
    ({"name": "Triwulan IV 2026", "starts_on": "besok", "ends_on": "2026-12-31"}, "Tanggal tidak valid"),
])
def test_bad_period_forms_are_refused(app, manager_client, data, message):
    response = manager_client.post("/survei/kelola/periode/baru", data=data, headers=HTMX)
    assert response.status_code == 422 and message in text_of(response)
    assert period_count(app) == 0


def test_a_missing_field_is_not_filled_with_the_suggestion(app, manager_client):
    response = manager_client.post("/survei/kelola/periode/baru", data={"name": "Triwulan III 2026"},
                                   headers=HTMX)
    assert response.status_code == 422 and "Wajib diisi." in text_of(response)
    assert period_count(app) == 0


def test_a_taken_name_is_refused(app, manager_client, make_period):
    make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    response = manager_client.post("/survei/kelola/periode/baru", headers=HTMX, data={
        "name": "Triwulan III 2026", "starts_on": "2026-10-01", "ends_on": "2026-12-31"})
    assert response.status_code == 422 and "Nama periode sudah dipakai" in text_of(response)
    assert period_count(app) == 1


def test_edit_a_period(app, manager_client, make_period):
    period_id = make_period("Triwulan IV", date(2026, 10, 1), date(2026, 12, 31))
    page = text_of(manager_client.get(f"/survei/kelola/periode/{period_id}"))
    assert 'value="Triwulan IV"' in page and 'value="2026-10-01"' in page
    response = manager_client.post(f"/survei/kelola/periode/{period_id}", data={
        "name": "Triwulan IV 2026", "starts_on": "2026-10-01", "ends_on": "2026-12-31"})
    assert response.status_code == 303
    assert period_row(app, period_id).name == "Triwulan IV 2026"
    assert manager_client.get("/survei/kelola/periode/999999").status_code == 404


def test_a_period_with_answers_keeps_its_days(app, manager_client, make_period, answer):
    period_id = make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), status=OPEN)
    answer(date(2026, 8, 3))
    page = text_of(manager_client.get(f"/survei/kelola/periode/{period_id}"))
    assert "sudah memiliki 1 jawaban" in page
    response = manager_client.post(f"/survei/kelola/periode/{period_id}", headers=HTMX, data={
        "name": "Triwulan III 2026", "starts_on": "2026-08-01", "ends_on": "2026-09-30"})
    assert response.status_code == 422 and "tidak dipersempit" in text_of(response)
    assert period_row(app, period_id).starts_on == date(2026, 7, 1)
    response = manager_client.post(f"/survei/kelola/periode/{period_id}", data={
        "name": "Triwulan III 2026", "starts_on": "2026-06-15", "ends_on": "2026-09-30"})
    assert response.status_code == 303  # widening keeps every answer inside
    assert period_row(app, period_id).starts_on == date(2026, 6, 15)


def test_open_close_publish_and_unpublish(app, manager_client, make_period):
    period_id = make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    base = f"/survei/kelola/periode/{period_id}"

    # A draft cannot be published, nor closed.
    response = manager_client.post(base + "/terbitkan")
    assert response.status_code == 303
    refused = text_of(manager_client.get(response.location))
    assert "Hasil hanya dapat diterbitkan setelah periode ditutup." in refused
    assert period_row(app, period_id).published is False
    manager_client.post(base + "/tutup")
    assert period_row(app, period_id).status == DRAFT

    assert manager_client.post(base + "/buka").status_code == 303
    period = period_row(app, period_id)
    assert period.status == OPEN and period.opened_at is not None
    page = text_of(manager_client.get("/survei/kelola/"))
    assert "Periode Triwulan III 2026 dibuka" in page and "Dibuka" in page
    # An open period is not published either.
    manager_client.post(base + "/terbitkan")
    assert period_row(app, period_id).published is False

    assert manager_client.post(base + "/tutup").status_code == 303
    assert period_row(app, period_id).status == CLOSED
    # Closed without a single answer: nothing to publish (it would hide the last result).
    response = manager_client.post(base + "/terbitkan")
    assert "belum memiliki jawaban" in text_of(manager_client.get(response.location))
    assert period_row(app, period_id).published is False
    with app.app_context():
        db.session.get(SurveyPeriod, period_id).status = OPEN
        responses.record(Served(ROOMS, date(2026, 8, 3), PAGI), scores=dict.fromkeys(range(1, 10), 4),
                         profile=responses.Profile("L", "30-39", "S1", "Swasta"), channel="kiosk")
        db.session.get(SurveyPeriod, period_id).status = CLOSED
        db.session.commit()
    assert manager_client.post(base + "/terbitkan").status_code == 303
    assert period_row(app, period_id).published is True
    page = text_of(manager_client.get("/survei/kelola/"))
    assert "diterbitkan di halaman Hasil Survei" in page and "/tarik" in page

    assert manager_client.post(base + "/tarik").status_code == 303
    assert period_row(app, period_id).published is False
    # Reopening a published period takes its result off the public page.
    manager_client.post(base + "/terbitkan")
    manager_client.post(base + "/buka")
    period = period_row(app, period_id)
    assert (period.status, period.published) == (OPEN, False)


def test_delete_only_a_draft_without_answers(app, manager_client, make_period, answer):
    draft = make_period("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31))
    used = make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), status=OPEN)
    answer(date(2026, 8, 3), n=2)
    with app.app_context():
        db.session.get(SurveyPeriod, used).status = CLOSED
        db.session.commit()

    page = text_of(manager_client.get("/survei/kelola/"))
    assert page.count("/hapus") == 1  # only the draft offers it
    response = manager_client.post(f"/survei/kelola/periode/{used}/hapus")
    assert response.status_code == 303
    assert "Hanya periode berstatus draf yang belum memiliki jawaban" in text_of(
        manager_client.get(response.location))
    assert period_row(app, used) is not None

    assert manager_client.post(f"/survei/kelola/periode/{draft}/hapus").status_code == 303
    assert period_row(app, draft) is None
    assert "Periode Triwulan IV 2026 dihapus." in text_of(manager_client.get("/survei/kelola/"))
    assert manager_client.post(f"/survei/kelola/periode/{draft}/hapus").status_code == 404


def test_period_list_counts_answers_in_one_query(app, manager_client, make_period, answer):
    first = make_period("Triwulan I 2026", date(2026, 1, 1), date(2026, 3, 31), status=OPEN)
    answer(date(2026, 2, 2), n=3)
    few = _queries(app, manager_client, "/survei/kelola/")
    for n, (month, last_day) in enumerate(((4, 30), (7, 30)), start=2):
        make_period(f"Triwulan {'I' * n} 2026", date(2026, month, 1), date(2026, month + 2, last_day),
                    status=OPEN)
        answer(date(2026, month, 6), n=2)
    assert _queries(app, manager_client, "/survei/kelola/") == few
    page = text_of(manager_client.get("/survei/kelola/"))
    assert f'periode={first}">3</a>' in page and page.count('">2</a></td>') == 2


def _queries(app, client, url) -> int:
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_a_manager_reads_the_periods_but_cannot_change_them(app, client, make_user, login, make_period):
    period_id = make_period("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30))
    login(client, make_user(Role.MANAGER))
    page = text_of(client.get("/survei/kelola/"))
    assert "Triwulan III 2026" in page
    assert "/buka" not in page and "Rencanakan periode baru" not in page
    for url in ("/survei/kelola/periode/baru", f"/survei/kelola/periode/{period_id}",
                f"/survei/kelola/periode/{period_id}/buka", f"/survei/kelola/periode/{period_id}/hapus",
                "/survei/kelola/kuesioner/1", "/survei/kelola/pengaturan"):
        assert client.post(url, data={"name": "X", "starts_on": "2026-10-01", "ends_on": "2026-12-31"}
                           ).status_code == 403, url
    assert client.get("/survei/kelola/kuesioner").status_code == 403
    period = period_row(app, period_id)
    assert (period.name, period.status) == ("Triwulan III 2026", DRAFT)
    assert period_count(app) == 1


def test_other_staff_cannot_see_the_periods(client, make_user, login):
    login(client, make_user(Role.HELPDESK))
    assert client.get("/survei/kelola/").status_code == 403


def test_the_questionnaire_lists_the_nine_unsur_in_order(manager_client):
    page = text_of(manager_client.get("/survei/kelola/kuesioner"))
    positions = [page.index(f'id="unsur-{n}"') for n in range(1, 10)]
    assert positions == sorted(positions)
    for code, name, question, _options in unsur.DEFAULTS:
        assert code in page and str(name) in page and str(question) in page
    assert 'value="Gratis"' in page and 'name="u4-option_4"' in page
    assert "Rumusan kantor" not in page
    assert 'name="link_valid_days"' in page and 'value="7"' in page


def _wording(number, question, options):
    data = {f"u{number}-question": question}
    data.update({f"u{number}-option_{n}": o for n, o in enumerate(options, start=1)})
    return data


def test_edit_the_wording_and_reset_it(app, manager_client):
    options = ["Sangat mahal", "Mahal", "Terjangkau", "Gratis (tanpa biaya)"]
    response = manager_client.post("/survei/kelola/kuesioner/4", data=_wording(
        4, "Bagaimana pendapat Saudara tentang biaya layanan LPSE?", options))
    assert response.status_code == 303 and response.location.endswith("/survei/kelola/kuesioner#unsur-4")
    with app.app_context():
        element = unsur.load_elements()[3]
    assert (element.code, element.question, list(element.options), element.edited) == (
        "U4", "Bagaimana pendapat Saudara tentang biaya layanan LPSE?", options, True)
    page = text_of(manager_client.get("/survei/kelola/kuesioner"))
    assert "Rumusan U4 Biaya/Tarif disimpan." in page
    assert 'value="Gratis (tanpa biaya)"' in page and "Rumusan kantor" in page
    assert "/survei/kelola/kuesioner/4/kembalikan" in page
    assert "/survei/kelola/kuesioner/3/kembalikan" not in page  # only an edited one offers it

    response = manager_client.post("/survei/kelola/kuesioner/4/kembalikan")
    assert response.status_code == 303
    with app.app_context():
        element = unsur.load_elements()[3]
        assert db.session.get(SurveyElement, 4) is None
    assert (element.question, element.options, element.edited) == (
        str(unsur.DEFAULTS[3][2]), tuple(str(o) for o in unsur.DEFAULTS[3][3]), False)
    assert "kembali memakai rumusan PermenPANRB 14/2017" in text_of(manager_client.get(response.location))


def test_a_wording_without_an_answer_is_refused(app, manager_client):
    response = manager_client.post("/survei/kelola/kuesioner/2", headers=HTMX, data=_wording(
        2, "Mudahkah prosedurnya?", ["Tidak mudah", "", "Mudah", "Mudah"]))
    assert response.status_code == 422
    page = text_of(response)
    assert "<html" not in page and 'id="unsur-2"' in page and 'id="unsur-3"' not in page
    assert "Wajib diisi." in page and "Setiap jawaban harus berbeda." in page
    assert 'value="Tidak mudah"' in page  # what was typed stays
    with app.app_context():
        assert db.session.get(SurveyElement, 2) is None
    response = manager_client.post("/survei/kelola/kuesioner/2", data=_wording(
        2, "<b>Mudah?</b>", ["a", "b", "c", "d"]))
    assert response.status_code == 422 and "<html" in text_of(response)
    assert manager_client.post("/survei/kelola/kuesioner/10", data=_wording(
        10, "x", ["a", "b", "c", "d"])).status_code == 404


def test_link_valid_days(app, manager_client):
    response = manager_client.post("/survei/kelola/pengaturan", data={"link_valid_days": "14"})
    assert response.status_code == 303
    with app.app_context():
        assert invitations.link_valid_days() == 14
    assert "berlaku 14 hari" in text_of(manager_client.get(response.location))
    for bad in ("0", "91", "tujuh", ""):
        response = manager_client.post("/survei/kelola/pengaturan", data={"link_valid_days": bad},
                                       headers=HTMX)
        assert response.status_code == 422, bad
        assert "<html" not in text_of(response)
    with app.app_context():
        assert invitations.link_valid_days() == 14


def test_the_suggested_quarter_skips_taken_names_and_overlaps(app):
    def planned(name, first, last):
        return SurveyPeriod(name=name, starts_on=first, ends_on=last)

    from lpse_web.surveys.manage_views import next_unplanned_quarter

    today = date(2026, 11, 20)
    assert next_unplanned_quarter([], today) == periods.quarter_of(today)
    taken = [planned("Triwulan IV 2026", date(2025, 1, 1), date(2025, 3, 31)),
             planned("Tahun 2027", date(2027, 1, 1), date(2027, 12, 31))]
    quarter = next_unplanned_quarter(taken, today)
    assert (quarter.name, quarter.first, quarter.last) == (
        "Triwulan I 2028", date(2028, 1, 1), date(2028, 3, 31))
