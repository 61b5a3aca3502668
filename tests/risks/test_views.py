"""The risk register's pages: who may see and change them, the list's filters, search,
sorting and query count, a risk's page (assessment, actions, reviews, the score history
chart and the change history), the export and the printable register. The forms that
change a risk are tests/risks/test_form_views.py's.

The clock is pinned to Tuesday 1 December 2026, 09.00 WITA (the office's zone)."""

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date as babel_format_date
from openpyxl import load_workbook
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.risks import services
from lpse_web.risks.models import RiskScore
from tests.factories import counted_queries
from tests.registers import HTMX, NOW_ISO, TODAY, page_of


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


def codes_listed(html: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/risiko/\d+">([^<]+)</a></td>', html)


# --- who may see and change -----------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.MANAGER, Role.ADMIN])
def test_readers_see_the_list_the_detail_the_export_and_the_print(client, login, make_user, make_risk, role):
    risk_id = make_risk("R-001", 4, 5, title="Server SPSE mati listrik")
    login(client, make_user(role))
    listing = client.get("/risiko/")
    assert listing.status_code == 200 and "Server SPSE mati listrik" in page_of(listing)
    detail = client.get(f"/risiko/{risk_id}")
    assert detail.status_code == 200 and "Sangat Tinggi" in page_of(detail)
    assert client.get("/risiko/ekspor.csv").status_code == 200
    assert client.get("/risiko/cetak").status_code == 200


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ASSET_MANAGER])
def test_writers_only_routes_refuse_a_manager_and_the_asset_manager(client, login, make_user, make_risk, app,
                                                                  role):
    risk_id = make_risk()
    with app.app_context():
        action = services.add_action(db.session.get(services.Risk, risk_id), "Pasang UPS", None, TODAY)
        db.session.commit()
        action_id = action.id
    login(client, make_user(role))
    for url in ("/risiko/baru", f"/risiko/{risk_id}/ubah", f"/risiko/{risk_id}/penanganan",
                f"/risiko/{risk_id}/tinjau", "/risiko/aset-cari?cari_aset=srv"):
        assert client.get(url).status_code == 403, url
    for url in ("/risiko/baru", f"/risiko/{risk_id}/ubah", f"/risiko/{risk_id}/penanganan",
                f"/risiko/{risk_id}/tinjau", f"/risiko/{risk_id}/tindakan",
                f"/risiko/tindakan/{action_id}/selesai"):
        assert client.post(url, data={}).status_code == 403, url
    page = page_of(client.get(f"/risiko/{risk_id}"))
    assert "/ubah" not in page and "Tambah tindakan" not in page and "Tandai selesai" not in page


def test_vendors_and_strangers_never_see_the_register(client, login, make_user, make_risk):
    risk_id = make_risk()
    urls = ("/risiko/", f"/risiko/{risk_id}", "/risiko/ekspor.xlsx", "/risiko/cetak", "/risiko/baru")
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page
    login(client, make_user(Role.VENDOR))
    for url in urls:
        assert client.get(url).status_code == 403, url
    login(client, make_user(Role.HELPDESK))
    assert client.get("/risiko/").status_code == 403


def test_unknown_ids_and_bad_arguments_never_give_a_500(client, login, risk_manager, make_risk):
    make_risk()
    login(client, risk_manager)
    assert client.get("/risiko/99999").status_code == 404
    assert client.get("/risiko/99999/ubah").status_code == 404
    assert client.post("/risiko/tindakan/99999/selesai").status_code == 404
    assert client.get("/risiko/ekspor.pdf").status_code == 404
    for args in ("status=x&kategori=%00&tingkat=zz&pemilik=abc&aset=99999999999&urut=drop&arah=x&hal=-3",
                 "q=%25_%27%22&hal=99999", "pemilik=1e9&aset=-1&tinjauan=maybe"):
        response = client.get(f"/risiko/?{args}")
        assert response.status_code == 200, args


# --- the list -----------------------------------------------------------------------------

def test_a_row_shows_the_scores_levels_treatment_status_and_next_review(client, login, risk_manager,
                                                                       make_risk, app):
    risk_id = make_risk("R-007", 4, 5, title="Kebocoran data penyedia", owner_id=risk_manager.id)
    with app.app_context():
        risk = db.session.get(services.Risk, risk_id)
        services.update_risk(risk, TODAY, treatment="mitigate",
                             residual_likelihood=2, residual_impact=3, status="in_treatment")
        db.session.commit()
        # Treated down to Sedang: reviewed 180 days after it was recorded (office day).
        recorded = risk.created_at.astimezone(ZoneInfo("Asia/Makassar")).date()
        next_review = babel_format_date(recorded + timedelta(days=180), "d MMM y", locale="id")
    login(client, risk_manager)
    page = page_of(client.get("/risiko/"))
    row = page[page.index("R-007"):page.index("</tr>", page.index("R-007"))]
    assert "Kebocoran data penyedia" in row and "Keamanan informasi" in row
    assert "Maria Pengelola Risiko" in row
    assert ('<span class="risk-score">20</span> <span class="risk-level risk-level-red">Sangat Tinggi</span>'
            in row)
    assert '<span class="risk-score">6</span> <span class="risk-level risk-level-yellow">Sedang</span>' in row
    assert "Mitigasi (kurangi)" in row and "Dalam penanganan" in row and next_review in row
    assert "terlambat" not in row


def test_filters_review_overdue_above_appetite_and_late_actions(client, login, risk_manager, make_risk, app):
    long_ago = TODAY - timedelta(days=400)
    make_risk("R-001", 1, 1, today=long_ago)  # Rendah: review after 360 days, so overdue
    make_risk("R-002", 4, 5, today=TODAY - timedelta(days=31))  # Sangat Tinggi: 30 days, overdue
    make_risk("R-003", 4, 5)  # Sangat Tinggi, due in 30 days; above the appetite (9)
    closed = make_risk("R-004", 1, 1, today=long_ago)
    late = make_risk("R-005", 2, 2)
    with app.app_context():
        services.update_risk(db.session.get(services.Risk, closed), TODAY, status="closed")
        risk = db.session.get(services.Risk, late)
        services.add_action(risk, "Ganti baterai UPS", None, TODAY - timedelta(days=1))
        services.add_action(risk, "Uji genset", None, TODAY)  # due today: not late
        db.session.commit()
    login(client, risk_manager)
    assert codes_listed(page_of(client.get("/risiko/?tinjauan=1"))) == ["R-001", "R-002"]
    assert codes_listed(page_of(client.get("/risiko/?selera=1"))) == ["R-002", "R-003"]
    assert codes_listed(page_of(client.get("/risiko/?tindakan=1"))) == ["R-005"]
    overdue = page_of(client.get("/risiko/"))
    row = overdue[overdue.index("R-002"):overdue.index("</tr>", overdue.index("R-002"))]
    assert '<strong class="overdue">terlambat</strong>' in row
    closed_row = overdue[overdue.index("R-004"):overdue.index("</tr>", overdue.index("R-004"))]
    assert "terlambat" not in closed_row  # a closed risk is never overdue


def test_filters_status_category_level_owner_asset_and_search(client, login, risk_manager, make_user,
                                                             make_risk, make_asset, app):
    other = make_user(Role.RISK_MANAGER, name="Yohanes")
    server = make_asset("LPSE-SRV-01")
    make_risk("R-001", 4, 5, category="continuity", title="Listrik padam", asset_ids=[server],
              owner_id=risk_manager.id)
    make_risk("R-002", 2, 2, category="security", title="Kata sandi lemah", threat="Serangan brute force",
              owner_id=other.id)
    make_risk("R-003", 3, 4, category="compliance", title="Arsip tidak lengkap",
              vulnerability="Tanpa SOP arsip")
    login(client, risk_manager)

    def listed(args):
        return codes_listed(page_of(client.get(f"/risiko/?{args}")))

    assert listed("kategori=security") == ["R-002"]
    assert listed("tingkat=Sangat+Tinggi") == ["R-001"]
    assert listed("tingkat=Tinggi") == ["R-003"]
    assert listed(f"pemilik={other.id}") == ["R-002"]
    assert listed(f"aset={server}") == ["R-001"]
    assert "LPSE-SRV-01" in page_of(client.get(f"/risiko/?aset={server}"))
    assert listed("q=brute") == ["R-002"] and listed("q=sop+arsip") == ["R-003"] and listed("q=r-00") == [
        "R-001", "R-002", "R-003"]
    assert listed("status=open") == ["R-001", "R-002", "R-003"] and listed("status=closed") == []


def test_sorting_and_paging_on_the_server(client, login, risk_manager, make_risk):
    for n in range(1, 28):
        make_risk(f"R-{n:03d}", 1 + n % 5, 1 + (n * 2) % 5, title=f"Risiko nomor {n:02d}")
    login(client, risk_manager)
    first = codes_listed(page_of(client.get("/risiko/")))
    assert len(first) == 25 and first[0] == "R-001"
    assert codes_listed(page_of(client.get("/risiko/?hal=2"))) == ["R-026", "R-027"]
    by_residual = codes_listed(page_of(client.get("/risiko/?urut=residual&arah=turun")))
    assert by_residual[0] in ("R-004", "R-009", "R-014", "R-019", "R-024")  # 5 × 4 = 20, the highest here
    descending = codes_listed(page_of(client.get("/risiko/?urut=kode&arah=turun")))
    assert descending[0] == "R-027"
    page = page_of(client.get("/risiko/?urut=judul"))
    assert "hal=2" in page and "urut=judul" in page  # the pager keeps the sort


def test_the_list_query_count_does_not_grow_with_the_risks(client, login, risk_manager, make_risk,
                                                           make_asset, app):
    def add(first, last):
        for n in range(first, last + 1):
            asset = make_asset(f"LPSE-HW-{n:03d}", cia=(2, 2, 2))
            risk_id = make_risk(f"R-{n:03d}", 1 + n % 5, 1 + n % 4, asset_ids=[asset],
                                owner_id=risk_manager.id)
            with app.app_context():
                services.add_action(db.session.get(services.Risk, risk_id), f"Tindakan {n}", risk_manager.id,
                                    TODAY - timedelta(days=1))
                db.session.commit()

    login(client, risk_manager)
    add(1, 5)
    with counted_queries(app) as few:
        assert client.get("/risiko/?urut=residual").status_code == 200
    add(6, 40)
    with counted_queries(app) as many:
        page = page_of(client.get("/risiko/?urut=residual"))
    assert len(codes_listed(page)) == 25
    assert len(many) == len(few), "\n".join(many)
    with counted_queries(app) as export_few:
        client.get("/risiko/ekspor.xlsx?tindakan=1")
    add(41, 45)
    with counted_queries(app) as export_many:
        client.get("/risiko/ekspor.xlsx?tindakan=1")
    assert len(export_many) == len(export_few)


def test_htmx_search_returns_only_the_results_block(client, login, risk_manager, make_risk):
    make_risk("R-001", title="Server SPSE mati")
    make_risk("R-002", title="Jaringan putus")
    login(client, risk_manager)
    response = client.get("/risiko/?q=jaringan", headers=HTMX)
    page = page_of(response)
    assert response.status_code == 200 and "Vary" in response.headers
    assert "<html" not in page and 'class="filters' not in page
    assert codes_listed(page) == ["R-002"]


# --- a risk's page ----------------------------------------------------------------------------

def test_the_detail_shows_the_assessment_assets_treatment_and_appetite(client, login, risk_manager,
                                                                      make_risk, make_asset, app):
    server = make_asset("LPSE-SRV-01", cia=(3, 3, 2), name="Server aplikasi SPSE")
    risk_id = make_risk("R-010", 4, 5, asset_ids=[server], threat="Pemadaman listrik PLN",
                        vulnerability="UPS tua", existing_controls="Genset manual")
    with app.app_context():
        services.update_risk(db.session.get(services.Risk, risk_id), TODAY, treatment="mitigate",
                             treatment_plan="Ganti UPS dan pasang ATS", residual_likelihood=2,
                             residual_impact=4)
        db.session.commit()
    login(client, risk_manager)
    page = page_of(client.get(f"/risiko/{risk_id}"))
    for text in ("4 — Sering terjadi", "5 — Sangat besar", "2 — Jarang terjadi", "4 — Besar",
                 "Pemadaman listrik PLN", "UPS tua", "Genset manual", "Ganti UPS dan pasang ATS",
                 "LPSE-SRV-01", "Server aplikasi SPSE", "<strong>8</strong>", "Mitigasi (kurangi)",
                 "Di atas selera risiko (9)", "Dalam selera risiko (9)", "risk-level-red",
                 "risk-level-yellow"):
        assert text in page, text


def test_the_detail_draws_the_score_history_chart_and_its_table(client, login, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    with app.app_context():
        risk = db.session.get(services.Risk, risk_id)
        services.update_risk(risk, TODAY, residual_likelihood=3, residual_impact=4, treatment="mitigate")
        services.review(risk, TODAY, risk_manager.id, note="UPS sudah diganti", residual_likelihood=2,
                        residual_impact=2)
        db.session.commit()
        rows = db.session.scalar(select(func.count()).select_from(RiskScore)
                                 .where(RiskScore.risk_id == risk_id))
    assert rows == 3
    login(client, risk_manager)
    page = page_of(client.get(f"/risiko/{risk_id}"))
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title id=\"chart-title\">Riwayat skor risiko R-001</title>" in svg
    assert "<desc" in svg and "style=" not in svg
    assert svg.count("<path") == 2 and svg.count("<circle") == 2 * rows
    assert 'stroke-dasharray="6 4"' in svg  # the appetite line
    assert page.count('<tr class="score-row">') == rows
    assert "Dicatat" in page and "Diubah" in page and "Ditinjau" in page


def test_the_detail_lists_reviews_with_their_changes_and_the_audit_history(client, login, make_user,
                                                                          risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    with app.app_context():
        risk = db.session.get(services.Risk, risk_id)
        services.review(risk, TODAY, risk_manager.id, note="Kontrol baru berjalan baik",
                        residual_likelihood=2, residual_impact=2, status="in_treatment", treatment="mitigate")
        db.session.commit()
    login(client, risk_manager)
    page = page_of(client.get(f"/risiko/{risk_id}"))
    reviews = page[page.index("<h2>Tinjauan"):page.index("Riwayat skor")]
    assert "Kontrol baru berjalan baik" in reviews and "Maria Pengelola Risiko" in reviews
    assert "<dt>Skor residual</dt><dd><del>20</del> → <ins>4</ins></dd>" in reviews
    assert "<dt>Status</dt><dd><del>Terbuka</del> → <ins>Dalam penanganan</ins></dd>" in reviews
    assert "<del>31 Des 2026</del> → <ins>26 Nov 2027</ins>" in reviews  # Rendah now: 360 days from today
    history = page[page.index("Riwayat perubahan"):]
    assert "Risiko · dibuat" in history and "Tinjauan · dibuat" in history and "Risiko · diubah" in history
    assert "/audit?tabel=risk" not in history  # the risk manager cannot open the audit log
    client.post("/keluar")
    login(client, make_user(Role.MANAGER))
    assert f"/audit?tabel=risk&amp;id={risk_id}" in page_of(client.get(f"/risiko/{risk_id}"))


def test_an_overdue_action_is_flagged(client, login, risk_manager, make_risk, app):
    risk_id = make_risk()
    with app.app_context():
        risk = db.session.get(services.Risk, risk_id)
        services.add_action(risk, "Perbarui antivirus", risk_manager.id, TODAY - timedelta(days=3))
        done = services.add_action(risk, "Cadangkan basis data", None, TODAY - timedelta(days=5))
        services.complete_action(done, TODAY - timedelta(days=6))
        services.add_action(risk, "Latihan pemulihan", None, TODAY + timedelta(days=10))
        db.session.commit()
    login(client, risk_manager)
    page = page_of(client.get(f"/risiko/{risk_id}"))
    actions = page[page.index('id="tindakan"'):page.index("</section>", page.index('id="tindakan"'))]
    assert actions.count('class="late"') == 1
    late = actions[actions.index("Perbarui antivirus") - 60:actions.index("Latihan pemulihan")]
    assert "terlambat" in late.split("Cadangkan")[0]


def test_the_detail_query_count_does_not_grow_with_actions_reviews_and_assets(client, login, risk_manager,
                                                                              make_risk, make_asset, app):
    def grow(risk_id, first, last):
        for n in range(first, last + 1):
            asset = make_asset(f"LPSE-HW-{n:03d}", cia=(2, 3, 2))
            with app.app_context():
                risk = db.session.get(services.Risk, risk_id)
                services.update_risk(risk, TODAY, asset_ids=[*(a.id for a in risk.assets), asset])
                services.add_action(risk, f"Tindakan {n}", risk_manager.id, TODAY - timedelta(days=n % 3))
                services.review(risk, TODAY, risk_manager.id, note=f"Tinjauan {n}",
                                residual_likelihood=1 + n % 4, residual_impact=2)
                db.session.commit()

    risk_id = make_risk("R-001", 4, 5)
    login(client, risk_manager)
    grow(risk_id, 1, 2)
    with counted_queries(app) as few:
        assert client.get(f"/risiko/{risk_id}").status_code == 200
    grow(risk_id, 3, 12)
    with counted_queries(app) as many:
        page = page_of(client.get(f"/risiko/{risk_id}"))
    assert "Tindakan 12" in page and "Tinjauan 12" in page and "LPSE-HW-012" in page
    assert len(many) == len(few), "\n".join(many)


# --- export and print ------------------------------------------------------------------------

def test_the_xlsx_and_csv_exports_have_a_row_per_risk_and_honour_the_filters(client, login, risk_manager,
                                                                            make_risk, make_asset, app):
    server = make_asset("LPSE-SRV-01")
    switch = make_asset("LPSE-NET-01")
    make_risk("R-001", 4, 5, asset_ids=[server, switch], title="=HYPERLINK(\"x\")")
    make_risk("R-002", 1, 2)
    make_risk("R-003", 2, 3, category="compliance")
    login(client, risk_manager)
    response = client.get("/risiko/ekspor.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[1], rows[2:]
    assert header[0] == "Kode" and "Tindakan terbuka" in header
    assert [r[0] for r in body] == ["R-001", "R-002", "R-003"]
    first = dict(zip(header, body[0], strict=True))
    assert first["Aset terdampak"] == "LPSE-NET-01, LPSE-SRV-01"
    assert first["Skor inheren"] == 20 and first["Tingkat residual"] == "Sangat Tinggi"
    assert first["Judul"] == "=HYPERLINK(\"x\")" and sheet.cell(3, 2).data_type == "s"  # text, not a formula
    assert first["Tinjauan terlambat"] == "tidak" and first["Tindakan terbuka"] == 0
    text = client.get("/risiko/ekspor.csv?kategori=compliance").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(lines) == 2 and lines[1][0] == "R-003"


def test_the_printable_register_groups_open_risks_by_residual_level(client, login, risk_manager, make_risk,
                                                                   app):
    make_risk("R-001", 1, 2)  # Rendah
    top = make_risk("R-002", 4, 5)  # Sangat Tinggi
    make_risk("R-003", 3, 4)  # Tinggi
    closed = make_risk("R-004", 5, 5)
    with app.app_context():
        services.update_risk(db.session.get(services.Risk, closed), TODAY, status="closed")
        services.add_action(db.session.get(services.Risk, top), "Pasang genset otomatis", None, TODAY)
        db.session.commit()
    login(client, risk_manager)
    page = page_of(client.get("/risiko/cetak"))
    assert "Register Risiko" in page and "1 Desember 2026" in page and "LPSE" in page
    order = [page.index(f">{name}</span> <small>") for name in ("Sangat Tinggi", "Tinggi", "Rendah")]
    assert order == sorted(order)
    assert "R-004" not in page and "Pasang genset otomatis" in page
    with client.get("/static/css/risks.css") as css:
        assert "@media print" in css.get_data(as_text=True)
