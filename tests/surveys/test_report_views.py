"""The survey report pages and downloads (surveys/report_views.py): who may read them,
the figures as shown (Indonesian comma decimals), the exports' sheets and cells, and
bad arguments. The four questionnaires are those of test_report.py (IKM 29/9, x 25 =
80.5555... shown 80,56, grade B)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import periods, report_views
from lpse_web.surveys.models import SurveySuggestion
from lpse_web.surveys.suggestions import follow_up
from tests.surveys.test_report import Q3, Q4, R1, answer, four_answers, key, plan

OPENED = datetime(2026, 7, 1, tzinfo=UTC)
FORMULA = '=HYPERLINK("http://evil.test","klik")'


@pytest.fixture
def period_id(app, make_user):
    """Q4 with the four answers; r2's suggestion answered, and a complaint typed as a
    spreadsheet formula (on a fifth questionnaire, all 4s, in another period: Q3)."""
    staff_id = make_user(Role.SURVEY_MANAGER).id
    with app.app_context():
        earlier = plan(*Q3)
        answer("V", date(2026, 9, 1), "pagi", R1, suggestion=FORMULA, kind="pengaduan")
        periods.close_period(earlier, OPENED)
        period = plan(*Q4)
        four_answers()
        answer("ruang", date(2026, 12, 1), "siang", R1, suggestion=FORMULA, kind="pengaduan")
        db.session.flush()
        first = db.session.scalar(select(SurveySuggestion).where(SurveySuggestion.text == "Antrean lama"))
        follow_up(first, status="answered", reply="Petugas loket ditambah.", staff_id=staff_id, now=OPENED)
        db.session.commit()
        return period.id


@pytest.fixture
def reader(client, login, make_user):
    login(client, make_user(Role.SURVEY_MANAGER))
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# Five questionnaires: the four plus one of all 4s.
# sums 16 18 18 16 16 18 18 16 16 = 152 / 5 / 9 -> IKM 152/45 = 3.3777..., x 25 = 84.444... -> 84,44 B
FIVE_SUMS = (16, 18, 18, 16, 16, 18, 18, 16, 16)


@pytest.mark.parametrize("role", [Role.SURVEY_MANAGER, Role.MANAGER])
def test_report_page_shows_the_figures(client, login, make_user, period_id, role):
    login(client, make_user(role))
    body = text(client.get(f"/survei/laporan/?periode={period_id}"))
    assert "Triwulan IV 2026" in body
    assert "84,44" in body and "3,3777" in body  # IKM x 25 and IKM (cut to 4 decimals)
    assert "3,20" in body and "3,60" in body  # NRR U1 = 16/5, U2 = 18/5
    assert "0,356" in body and "0,400" in body  # NRR tertimbang: 3.2/9, 3.6/9
    assert 'grade-B' in body and "Baik" in body
    assert "tepat 1/9" in body  # the footnote on the weight and the rounding
    assert "<svg" in body and "band-line" in body  # the trend chart, drawn on the server
    assert " style=" not in body  # strict CSP: no inline styles
    assert "Prioritas perbaikan" in body and "U1 Persyaratan" in body
    # The profile in percentages with comma decimals: 3 men of 5 (r1, r4, the fifth).
    assert "Laki-laki" in body and "Perempuan" in body and "60,0%" in body
    assert f'href="/survei/laporan/{period_id}/unduh.xlsx"' in body
    assert f"/survei/laporan/{period_id}/cetak" in body


def test_the_open_period_is_the_default(reader, period_id):
    body = text(reader.get("/survei/laporan/"))
    assert f'<option value="{period_id}" selected' in body


def test_trend_chart_and_table_hold_both_periods(reader, period_id):
    body = text(reader.get(f"/survei/laporan/?periode={period_id}"))
    assert body.count('<circle') == 2  # Q3 and Q4
    assert "Triwulan III 2026" in body and "100,00" in body  # Q3: all 4s
    for line in ("65,00", "76,61", "88,31"):
        assert line in body


def test_one_service(reader, period_id, app):
    with app.app_context():
        rooms = key("ruang")
    body = text(reader.get(f"/survei/laporan/?periode={period_id}&layanan={rooms}"))
    # r3 and the fifth: sums 6 7 8 5 6 7 8 5 6 = 58 / 2 / 9 -> IKM 29/9 again: 80,56
    assert "Peminjaman ruang" in body and "80,56" in body
    assert f'<option value="{rooms}" selected' in body


@pytest.mark.parametrize("args", ["periode=abc", "periode=99999", "periode=" + "9" * 40,
                                  "layanan=loket-9999", "layanan=%00%ff", "periode=-1&layanan="])
def test_bad_arguments_fall_back(reader, period_id, args):
    body = text(reader.get(f"/survei/laporan/?{args}"))
    assert "Triwulan IV 2026" in body


def test_no_period_yet(reader):
    body = text(reader.get("/survei/laporan/"))
    assert "Belum ada periode survei" in body


def test_an_empty_period(reader, app):
    with app.app_context():
        period = plan(*Q4)
        db.session.commit()
        period_id = period.id
    body = text(reader.get(f"/survei/laporan/?periode={period_id}"))
    assert "Belum ada responden pada periode ini" in body
    assert text(reader.get(f"/survei/laporan/{period_id}/responden"))
    assert "Belum ada responden" in text(reader.get(f"/survei/laporan/{period_id}/cetak"))
    workbook = load_workbook(io.BytesIO(reader.get(f"/survei/laporan/{period_id}/unduh.xlsx").data))
    assert workbook["Ringkasan"]["C12"].value == 0  # respondents


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIKATOR, Role.HELPDESK])
def test_other_roles_are_refused(client, login, make_user, period_id, role):
    login(client, make_user(role))
    for url in ("/survei/laporan/", f"/survei/laporan/{period_id}/responden",
                f"/survei/laporan/{period_id}/cetak", f"/survei/laporan/{period_id}/unduh.xlsx",
                f"/survei/laporan/{period_id}/unduh.csv"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, period_id):
    assert client.get("/survei/laporan/").status_code == 302


@pytest.mark.parametrize("suffix", ["responden", "cetak", "unduh.xlsx", "unduh.csv"])
@pytest.mark.parametrize("number", ["99999", "99999999999999999999"])
def test_unknown_period_is_404(reader, period_id, suffix, number):
    assert reader.get(f"/survei/laporan/{number}/{suffix}").status_code == 404


def test_respondents_page(reader, period_id):
    body = text(reader.get(f"/survei/laporan/{period_id}/responden"))
    assert "Σ nilai per unsur" in body and "NRR tertimbang" in body
    for total in FIVE_SUMS:
        assert f'<td class="num">{total}</td>' in body
    assert '<td class="num">5</td>' in body  # the fifth respondent
    assert "84,44" in body and "01-10-2026" in body


def test_respondent_numbers_go_on_and_sums_are_the_periods(reader, app):
    with app.app_context():
        period = plan(*Q4)
        for n in range(55):
            answer("V", date(2026, 10, 1 + n // 10), "pagi", (4,) * 9 if n < 50 else (1,) * 9)
        db.session.commit()
        period_id = period.id
    body = text(reader.get(f"/survei/laporan/{period_id}/responden?hal=2"))
    assert '<td class="num">51</td>' in body and '<td class="num">55</td>' in body
    assert '<td class="num">50</td>' not in body
    # The sums under the table are the period's (50 x 4 + 5 x 1), not this page's (5 x 1).
    assert '<td class="num">205</td>' in body
    assert "Halaman 2 dari 2" in body


def test_print_page(reader, period_id):
    body = text(reader.get(f"/survei/laporan/{period_id}/cetak"))
    assert "Laporan Survei Kepuasan Masyarakat" in body and "LPSE" in body
    assert "Nomor 14 Tahun 2017" in body and "Krejcie" in body and "1/9" in body
    assert "84,44" in body and "Antrean lama" in body and "Petugas loket ditambah." in body
    assert "HYPERLINK" in body and "<script" not in body.split("</head>")[1]
    assert "Lampiran: tabel per responden" in body and "Σ nilai per unsur" in body
    assert "data-print" in body


def test_print_page_of_a_big_period_points_to_the_xlsx(reader, period_id, monkeypatch):
    monkeypatch.setattr(report_views, "PRINT_ROWS_MAX", 3)
    body = text(reader.get(f"/survei/laporan/{period_id}/cetak"))
    assert "unduhan XLSX" in body and "Σ nilai per unsur" not in body


def test_xlsx(reader, period_id):
    response = reader.get(f"/survei/laporan/{period_id}/unduh.xlsx")
    assert response.status_code == 200
    assert "laporan-skm-2026-10-01-2026-12-31.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Ringkasan", "Responden", "Profil", "Layanan", "Saran"]

    summary = [list(row) for row in workbook["Ringkasan"].iter_rows(min_row=3, values_only=True)]
    assert summary[0] == ["U1", "Persyaratan", 16, 3.2, pytest.approx(0.3556)]
    assert summary[1][:4] == ["U2", "Sistem, Mekanisme, dan Prosedur", 18, 3.6]
    labels = {row[1]: row for row in summary[9:]}
    assert labels["Jumlah responden"][2] == 5
    assert labels["IKM"][4] == pytest.approx(3.3778)
    assert labels["IKM × 25 (IKM unit pelayanan)"][4] == 84.44
    assert labels["Mutu pelayanan"][4] == "B"

    people = list(workbook["Responden"].iter_rows(min_row=3, values_only=True))
    assert len(people) == 5 + 4  # five questionnaires, then Σ, NRR, NRR tertimbang, IKM x 25
    assert people[0][0] == 1 and people[0][1].date() == date(2026, 10, 1)
    assert list(people[0][8:17]) == list(R1) and people[0][17] == 36
    assert list(people[5][8:17]) == list(FIVE_SUMS) and people[5][7] == "Σ nilai per unsur"
    assert people[6][8] == 3.2 and people[8][17] == 84.44
    assert all(isinstance(v, int | float) for v in people[5][8:18])  # numbers, not text

    profile = {(row[0], row[1]): row[2:] for row in workbook["Profil"].iter_rows(min_row=3, values_only=True)}
    assert profile[("Jenis kelamin", "Laki-laki")] == (3, 60.0)
    services = {row[0]: row for row in workbook["Layanan"].iter_rows(min_row=3, values_only=True)}
    assert services["Peminjaman ruang"][3] == 2 and services["Jumlah"][3] == 5

    saran = workbook["Saran"]
    cells = [row for row in saran.iter_rows(min_row=3)]
    texts = {row[3].value: row for row in cells}
    assert texts["Antrean lama"][5].value == "Petugas loket ditambah."
    formula = texts[FORMULA][3]
    assert formula.data_type == "s" and formula.value == FORMULA  # plain text, never a formula
    assert len(cells) == 2  # the Q3 complaint belongs to Q3


def test_csv(reader, period_id):
    response = reader.get(f"/survei/laporan/{period_id}/unduh.csv?tabel=responden")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.responden.csv"')
    content = response.get_data(as_text=True)
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:])))
    assert rows[0][:2] == ["No.", "Tanggal"] and rows[1][:2] == ["1", "2026-10-01"]
    assert len(rows) == 1 + 5 + 4
    assert rows[6][7:17] == ["Σ nilai per unsur", *map(str, FIVE_SUMS)]

    saran = reader.get(f"/survei/laporan/{period_id}/unduh.csv?tabel=saran").get_data(as_text=True)
    assert "'" + FORMULA.replace('"', '""') in saran  # made inert with a leading apostrophe
    # An unknown table name gives the first table (it names the file: only known names).
    first = reader.get(f"/survei/laporan/{period_id}/unduh.csv?tabel=../x")
    assert first.headers["Content-Disposition"].endswith('.ringkasan.csv"')


def test_english_figures_use_a_decimal_point(reader, period_id):
    reader.post("/bahasa/en", data={"next": "/"})
    body = text(reader.get(f"/survei/laporan/?periode={period_id}"))
    assert "84.44" in body
