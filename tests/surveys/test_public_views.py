"""The public results page: the latest published period's index, worked out by hand
here from a few responses, shown without a login; nothing published -> a friendly note."""

from datetime import date

import pytest

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import responses
from lpse_web.surveys.catalogue import ROOMS, Served
from lpse_web.surveys.models import CLOSED, OPEN, SIANG, SurveyPeriod

NOW_ISO = "2026-11-10T09:00:00+08:00"
PROFILE = responses.Profile("P", "20-29", "D1-D4", "PNS")


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def period_with(app):
    """period_with(name, first, last, [scores...], published=True): an open period gets
    the questionnaires (each a list of nine scores), then is closed and published."""
    def make(name, first, last, questionnaires, published=True, close=True) -> int:
        with app.app_context():
            period = SurveyPeriod(name=name, starts_on=first, ends_on=last, status=OPEN)
            db.session.add(period)
            db.session.flush()
            for scores in questionnaires:
                responses.record(Served(ROOMS, first, SIANG), profile=PROFILE, channel="kiosk",
                                 scores=dict(enumerate(scores, start=1)))
            if close:
                period.status, period.published = CLOSED, published
            db.session.commit()
            return period.id

    return make


def page_of(client) -> str:
    response = client.get("/hasil-survei")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_nothing_published_yet(client, period_with):
    page = page_of(client)
    assert "Belum ada hasil survei yang diterbitkan." in page
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [[4] * 9], published=False)
    period_with("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31), [[4] * 9], close=False)
    page = page_of(client)
    assert "Belum ada hasil survei yang diterbitkan." in page and "Triwulan" not in page


def test_all_answers_three_is_75_c_kurang_baik(client, period_with):
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [[3] * 9] * 4)
    page = page_of(client)  # no login
    assert "Triwulan III 2026" in page and "1 Juli 2026" in page and "30 September 2026" in page
    assert "LPSE" in page  # the office's name
    assert "<dt>Jumlah responden</dt><dd>4</dd>" in page
    assert "<dd>3,0000</dd>" in page  # IKM: 9 x (12/4 x 1/9) = 3
    assert '<p class="ikm-value">75,00</p>' in page  # IKM x 25
    assert '<span class="grade-letter">C</span> Kurang baik' in page
    assert page.count('<td class="number">3,00</td>') == 9  # NRR per unsur
    assert "Persyaratan" in page and "Sarana dan Prasarana" in page


def test_the_figure_is_rounded_half_up_and_graded_exactly(client, period_with):
    # One questionnaire: eight 3s and a 4 -> IKM 28/9 = 3.1111..., IKM x 25 = 77.777...
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [[3] * 8 + [4]])
    page = page_of(client)
    assert '<p class="ikm-value">77,78</p>' in page and "77,77" not in page
    assert "<dd>3,1111</dd>" in page
    assert '<span class="grade-letter">B</span> Baik' in page
    assert page.count('<td class="number">3,00</td>') == 8 and page.count('<td class="number">4,00</td>') == 1
    assert 'value="4.00"' in page  # the meter reads a dot decimal


def test_the_latest_published_period_is_shown(client, period_with):
    period_with("Triwulan II 2026", date(2026, 4, 1), date(2026, 6, 30), [[4] * 9, [3] * 9])
    page = page_of(client)
    assert "Triwulan II 2026" in page and '<p class="ikm-value">87,50</p>' in page
    assert '<span class="grade-letter">B</span> Baik' in page  # 87.50 < 88.31
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [[4] * 9] * 3)
    page = page_of(client)
    assert "Triwulan III 2026" in page and "Triwulan II 2026" not in page
    assert '<p class="ikm-value">100,00</p>' in page
    assert '<span class="grade-letter">A</span> Sangat baik' in page
    # A later period not (yet) published does not replace it.
    period_with("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31), [[1] * 9], published=False)
    assert "Triwulan III 2026" in page_of(client)


def test_a_published_period_without_respondents(client, period_with):
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [])
    page = page_of(client)
    assert "Triwulan III 2026" in page and "Belum ada responden pada periode ini." in page
    assert "ikm-value" not in page


def test_the_login_page_links_to_the_results(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert 'href="/hasil-survei"' in page and "Hasil Survei Kepuasan Masyarakat" in page


def test_signed_in_staff_see_it_too(client, make_user, login, period_with):
    period_with("Triwulan III 2026", date(2026, 7, 1), date(2026, 9, 30), [[2] * 9])
    login(client, make_user(Role.VERIFIKATOR))
    page = page_of(client)
    assert '<p class="ikm-value">50,00</p>' in page
    assert '<span class="grade-letter">D</span> Tidak baik' in page
