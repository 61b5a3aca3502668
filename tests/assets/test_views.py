"""The asset register's pages: who may see and change them, the asset form and its
422s, classification, assignment, stocktakes, alerts, settings, the change history and
the export. The list's search, filters, sorting, paging and query count are in
test_list_views.py.

The clock is pinned to Tuesday 1 December 2026, 09.00 WITA (the office's zone)."""

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lpse_web.assets import services
from lpse_web.assets.columns import COLUMNS
from lpse_web.assets.models import Asset, AssetAssignment, AssetSettings, Stocktake
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.registers import HTMX, NOW_ISO, TODAY

TAG_TAKEN = "Nomor aset ini sudah dipakai aset lain."
SERIAL_TAKEN = "Nomor seri ini sudah tercatat pada aset lain."


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def keeper(make_user):
    """The asset manager (a writer)."""
    return make_user(Role.ASSET_MANAGER, name="Yosef Pengelola Aset")


def form_data(**overrides) -> dict:
    data = {"tag": "LPSE-HW-010", "name": "Server aplikasi SPSE", "asset_class": "hardware",
            "category": "Server", "owner_id": "", "location": "Ruang server", "status": "in_use",
            "serial": "SN-777", "supplier": "PT Timor Teknologi", "purchased_on": "2024-03-15",
            "purchase_cost": "15.000.000", "warranty_ends": "2027-03-15", "end_of_life": "2029-03-15",
            "licence_seats": "", "licence_expires": "", "next_audit_on": "", "notes": "Rak 1"}
    data.update(overrides)
    return data


def count(app, model=Asset, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def load(app, asset_id) -> Asset:
    with app.app_context():
        asset = db.session.get(Asset, asset_id)
        db.session.expunge(asset)
        return asset


def errors(page: str) -> list[str]:
    return re.findall(r'<small class="field-error"[^>]*>(.*?)</small>', page, re.S)


# --- who may see and change the register ---------------------------------------------------

READ_PAGES = ("/aset", "/aset/{id}", "/aset/peringatan", "/aset/stock-opname", "/aset/ekspor.csv",
              "/aset/ekspor.xlsx")
WRITE_PAGES = ("/aset/baru", "/aset/{id}/ubah", "/aset/{id}/klasifikasi", "/aset/{id}/serahkan",
               "/aset/{id}/kembalikan", "/aset/{id}/stock-opname", "/aset/pengaturan")


@pytest.mark.parametrize("role", [Role.ASSET_MANAGER, Role.RISK_MANAGER, Role.MANAGER, Role.ADMIN])
def test_readers_see_every_register_page(client, login, make_user, make_asset, role):
    asset_id = make_asset()
    login(client, make_user(role))
    for path in READ_PAGES:
        response = client.get(path.format(id=asset_id))
        assert response.status_code == 200, path


def test_a_manager_reads_but_may_not_change(client, login, head, make_asset, app):
    asset_id = make_asset()
    login(client, head)
    for path in WRITE_PAGES:
        url = path.format(id=asset_id)
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=form_data()).status_code == 403, url
    page = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    assert f"/aset/{asset_id}/ubah" not in page
    assert "/aset/baru" not in client.get("/aset").get_data(as_text=True)
    assert count(app) == 1


@pytest.mark.parametrize("role", [Role.VENDOR, Role.HELPDESK, Role.VERIFIKATOR, Role.ROOM_USER,
                                  Role.SURVEY_MANAGER])
def test_vendors_and_other_staff_see_nothing(client, login, make_user, make_asset, role):
    asset_id = make_asset()
    login(client, make_user(role))
    for path in READ_PAGES + WRITE_PAGES:
        assert client.get(path.format(id=asset_id)).status_code == 403, path


def test_anonymous_is_sent_to_sign_in(client, make_asset):
    response = client.get("/aset")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_asset_is_404(client, login, keeper):
    login(client, keeper)
    for path in ("/aset/999", "/aset/999/ubah", "/aset/999/klasifikasi", "/aset/999/stock-opname"):
        assert client.get(path).status_code == 404


# --- the asset form ------------------------------------------------------------------------

def test_create_stores_the_asset_and_redirects_to_it(client, login, keeper, app):
    login(client, keeper)
    page = client.get("/aset/baru").get_data(as_text=True)
    assert '<datalist id="asset-categories">' in page and 'type="date"' in page
    assert "Yosef Pengelola Aset" in page  # an active staff member, choosable as owner
    response = client.post("/aset/baru", data=form_data(owner_id=str(keeper.id), tag="lpse hw 010"))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        asset = db.session.scalar(select(Asset))
        assert (asset.tag, asset.serial, asset.owner_id, int(asset.purchase_cost)) == (
            "LPSEHW010", "SN-777", keeper.id, 15_000_000)
        assert asset.next_audit_on == TODAY + timedelta(days=365)  # the default interval
        assert response.headers["Location"].endswith(f"/aset/{asset.id}")
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Server aplikasi SPSE" in detail and "Rp 15.000.000" in detail


def test_vendors_cannot_be_owners(client, login, keeper, make_user, app):
    vendor = make_user(Role.VENDOR, name="PT Penyedia Nakal")
    login(client, keeper)
    assert "PT Penyedia Nakal" not in client.get("/aset/baru").get_data(as_text=True)
    response = client.post("/aset/baru", data=form_data(owner_id=str(vendor.id)))
    assert response.status_code == 422 and count(app) == 0


@pytest.mark.parametrize("field, value, message", [
    ("tag", "LPSE-HW-001", TAG_TAKEN),
    ("tag", " lpse-hw-001 ", TAG_TAKEN),  # compared as stored: no spaces, upper case
    ("serial", "sn 123", SERIAL_TAKEN),
])
def test_duplicate_tag_or_serial_is_refused_next_to_the_field(client, login, keeper, make_asset, app,
                                                              field, value, message):
    make_asset("LPSE-HW-001", serial="SN123")
    login(client, keeper)
    response = client.post("/aset/baru", data=form_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">{re.escape(message)}<', page)
    assert count(app) == 1


def test_duplicate_from_a_concurrent_creation_is_422_too(client, login, keeper, make_asset, app, monkeypatch):
    """The friendly check passed (the other asset did not exist yet): the database's
    unique constraint refuses, and the page says so as it would have."""
    make_asset("LPSE-HW-001", serial="SN123")
    monkeypatch.setattr(services, "tag_taken", lambda *a, **k: False)
    monkeypatch.setattr(services, "serial_taken", lambda *a, **k: False)
    login(client, keeper)
    response = client.post("/aset/baru", data=form_data(tag="LPSE-HW-001"))
    assert response.status_code == 422 and TAG_TAKEN in response.get_data(as_text=True)
    response = client.post("/aset/baru", data=form_data(serial="SN123"))
    assert response.status_code == 422 and SERIAL_TAKEN in response.get_data(as_text=True)
    assert count(app) == 1


@pytest.mark.parametrize("changes, message", [
    ({"asset_class": "spaceship"}, "Pilihan tidak valid"),
    ({"purchase_cost": "-5000"}, "Harga tidak boleh negatif."),
    ({"purchase_cost": "lima juta"}, "Tulis harga dalam Rupiah"),
    ({"tag": ""}, "Wajib diisi."),
    ({"name": "x" * 201}, "Maksimal 200 karakter."),
    ({"name": "<script>alert(1)</script>"}, "Tidak boleh memuat karakter"),
    ({"warranty_ends": "2024-03-14"}, "Garansi tidak boleh berakhir sebelum tanggal pembelian."),
    ({"end_of_life": "2023-01-01"}, "Akhir masa pakai tidak boleh sebelum tanggal pembelian."),
    ({"licence_seats": "-1"}, "Angka"),
    ({"purchased_on": "15 Maret"}, "Tanggal tidak valid"),
    ({"status": "stolen"}, "Pilihan tidak valid"),
    ({"owner_id": "abc"}, "Pilihan tidak valid"),
])
def test_bad_asset_input_is_422_and_nothing_is_stored(client, login, keeper, app, changes, message):
    login(client, keeper)
    response = client.post("/aset/baru", data=form_data(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert any(message in e for e in errors(page)), errors(page)
    assert "<script>alert" not in page
    assert count(app) == 0 and count(app, AuditEntry, AuditEntry.table_name == "asset") == 0


def test_the_form_answers_htmx_with_the_form_alone(client, login, keeper):
    login(client, keeper)
    response = client.post("/aset/baru", data=form_data(tag=""), headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.lstrip().startswith("<form") and "<html" not in page


def test_edit_changes_the_asset_and_the_history_names_who(client, login, keeper, make_asset, app):
    asset_id = make_asset("LPSE-HW-001", location="Gudang")
    login(client, keeper)
    page = client.get(f"/aset/{asset_id}/ubah").get_data(as_text=True)
    assert 'value="LPSE-HW-001"' in page and 'value="Gudang"' in page
    response = client.post(f"/aset/{asset_id}/ubah",
                           data=form_data(tag="LPSE-HW-001", location="Ruang server"))
    assert response.status_code == 303
    assert load(app, asset_id).location == "Ruang server"
    detail = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    history = detail[detail.index("Riwayat perubahan"):]
    assert "Aset diubah" in history and "oleh Yosef Pengelola Aset" in history
    assert "<del>Gudang</del>" in history and "<ins>Ruang server</ins>" in history
    assert "Aset dibuat" in history  # the first entry, by the system (created in the test)


def test_editing_keeps_its_own_tag_and_refuses_anothers(client, login, keeper, make_asset, app):
    make_asset("LPSE-HW-001")
    second = make_asset("LPSE-HW-002")
    login(client, keeper)
    response = client.post(f"/aset/{second}/ubah", data=form_data(tag="LPSE-HW-002", serial=""))
    assert response.status_code == 303
    response = client.post(f"/aset/{second}/ubah", data=form_data(tag="LPSE-HW-001", name="Diganti"))
    assert response.status_code == 422 and TAG_TAKEN in response.get_data(as_text=True)
    assert load(app, second).tag == "LPSE-HW-002" and load(app, second).name == "Server aplikasi SPSE"


def test_an_asset_someone_holds_is_returned_before_it_is_retired(client, login, keeper, make_asset, app):
    asset_id = make_asset()
    login(client, keeper)
    client.post(f"/aset/{asset_id}/serahkan", data={"user_id": str(keeper.id), "note": ""})
    response = client.post(f"/aset/{asset_id}/ubah", data=form_data(tag="LPSE-HW-001", status="retired"))
    assert response.status_code == 422 and "catat pengembalian dulu" in response.get_data(as_text=True)
    assert load(app, asset_id).status == "in_use"


# --- classification ------------------------------------------------------------------------

def test_classify_records_the_ratings_and_shows_the_value(client, login, keeper, make_asset, app):
    asset_id = make_asset()
    login(client, keeper)
    page = client.get(f"/aset/{asset_id}/klasifikasi").get_data(as_text=True)
    assert "Rendah" in page and "Tinggi" in page and 'value="2026-12-01"' in page
    response = client.post(f"/aset/{asset_id}/klasifikasi", data={
        "confidentiality": "2", "integrity": "3", "availability": "3", "label": "terbatas",
        "agreed_on": "2026-11-30"})
    assert response.status_code == 303
    asset = load(app, asset_id)
    assert (asset.confidentiality, asset.integrity, asset.availability, asset.label, asset.classified_on) == (
        2, 3, 3, "terbatas", date(2026, 11, 30))
    detail = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    assert "nilai aset 8 (Tinggi)" in detail  # the flash
    assert "8 · Tinggi" in detail and "Terbatas" in detail


@pytest.mark.parametrize("changes, message", [
    ({"confidentiality": "4"}, "Pilihan tidak valid"),
    ({"integrity": "0"}, "Pilihan tidak valid"),
    ({"availability": ""}, "Wajib diisi."),
    ({"agreed_on": "2026-12-02"}, "tidak boleh di masa depan"),
    ({"label": "sangat-rahasia"}, "Pilihan tidak valid"),
])
def test_bad_classification_is_422_and_nothing_changes(client, login, keeper, make_asset, app, changes,
                                                       message):
    asset_id = make_asset()
    login(client, keeper)
    data = {"confidentiality": "2", "integrity": "2", "availability": "2", "label": "",
            "agreed_on": "2026-12-01"}
    response = client.post(f"/aset/{asset_id}/klasifikasi", data={**data, **changes})
    assert response.status_code == 422
    assert any(message in e for e in errors(response.get_data(as_text=True)))
    assert load(app, asset_id).confidentiality is None


def test_an_information_asset_needs_a_label(client, login, keeper, make_asset, app):
    asset_id = make_asset("LPSE-IN-001", asset_class="information")
    login(client, keeper)
    data = {"confidentiality": "3", "integrity": "3", "availability": "2", "label": "",
            "agreed_on": "2026-12-01"}
    response = client.post(f"/aset/{asset_id}/klasifikasi", data=data)
    assert response.status_code == 422 and "wajib diberi label" in response.get_data(as_text=True)
    assert client.post(f"/aset/{asset_id}/klasifikasi", data={**data, "label": "rahasia"}).status_code == 303
    assert load(app, asset_id).label == "rahasia"


# --- assignment ----------------------------------------------------------------------------

def test_assign_then_again_is_refused_then_return(client, login, keeper, make_user, make_asset, app):
    holder = make_user(Role.HELPDESK, name="Maria Helpdesk")
    other = make_user(Role.VERIFIKATOR, name="Agus Verifikator")
    asset_id = make_asset()
    login(client, keeper)
    assert "Maria Helpdesk" in client.get(f"/aset/{asset_id}/serahkan").get_data(as_text=True)
    response = client.post(f"/aset/{asset_id}/serahkan", data={"user_id": str(holder.id), "note": "BA-01"})
    assert response.status_code == 303
    assert load(app, asset_id).custodian_id == holder.id
    response = client.post(f"/aset/{asset_id}/serahkan", data={"user_id": str(other.id), "note": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "sedang dipegang Maria Helpdesk" in page
    assert load(app, asset_id).custodian_id == holder.id
    assert count(app, AssetAssignment) == 1
    response = client.post(f"/aset/{asset_id}/kembalikan", data={"note": "Baik"})
    assert response.status_code == 303
    assert load(app, asset_id).custodian_id is None
    response = client.post(f"/aset/{asset_id}/kembalikan", data={"note": ""})
    assert response.status_code == 409 and "tidak sedang diserahkan" in response.get_data(as_text=True)
    detail = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    assert "Riwayat penyerahan" in detail and "Maria Helpdesk" in detail and "BA-01" in detail


def test_a_retired_asset_is_not_handed_out(client, login, keeper, make_asset, app):
    asset_id = make_asset(status="retired")
    login(client, keeper)
    response = client.post(f"/aset/{asset_id}/serahkan", data={"user_id": str(keeper.id)})
    assert response.status_code == 422 and "tidak dapat diserahkan" in response.get_data(as_text=True)
    assert count(app, AssetAssignment) == 0


def test_assign_needs_a_person_from_the_list(client, login, keeper, make_user, make_asset, app):
    vendor = make_user(Role.VENDOR)
    asset_id = make_asset()
    login(client, keeper)
    for value in ("", "abc", str(vendor.id), "99999"):
        assert client.post(f"/aset/{asset_id}/serahkan", data={"user_id": value}).status_code == 422, value
    assert count(app, AssetAssignment) == 0


# --- stocktake -----------------------------------------------------------------------------

def test_stocktake_moves_the_next_audit_and_the_location(client, login, keeper, make_asset, app):
    asset_id = make_asset(location="Gudang")
    login(client, keeper)
    page = client.get(f"/aset/{asset_id}/stock-opname").get_data(as_text=True)
    assert 'value="2026-12-01"' in page and 'value="2027-12-01"' in page  # today, today + 365
    response = client.post(f"/aset/{asset_id}/stock-opname", data={
        "seen_on": "2026-11-30", "location": "Ruang server", "condition": "good", "note": "Label baru",
        "next_audit_on": "2027-06-30"})
    assert response.status_code == 303
    asset = load(app, asset_id)
    assert (asset.location, asset.last_audited_on, asset.next_audit_on) == (
        "Ruang server", date(2026, 11, 30), date(2027, 6, 30))
    detail = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    assert "Riwayat stock opname" in detail and "Label baru" in detail


@pytest.mark.parametrize("changes, message", [
    ({"seen_on": "2026-12-02"}, "tidak boleh di masa depan"),
    ({"next_audit_on": "2026-11-29"}, "harus setelah tanggal pemeriksaan"),
    ({"next_audit_on": "2026-11-30"}, "harus setelah tanggal pemeriksaan"),
    ({"condition": "exploded"}, "Pilihan tidak valid"),
    ({"seen_on": ""}, "Wajib diisi."),
])
def test_bad_stocktake_is_422_and_nothing_changes(client, login, keeper, make_asset, app, changes, message):
    asset_id = make_asset(location="Gudang")
    login(client, keeper)
    data = {"seen_on": "2026-11-30", "location": "Ruang server", "condition": "good", "note": "",
            "next_audit_on": "2027-11-30"}
    response = client.post(f"/aset/{asset_id}/stock-opname", data={**data, **changes})
    assert response.status_code == 422
    assert any(message in e for e in errors(response.get_data(as_text=True)))
    assert count(app, Stocktake) == 0 and load(app, asset_id).location == "Gudang"


def test_stocktakes_page_lists_overdue_and_due_soon(client, login, keeper, head, make_asset):
    make_asset("LPSE-LATE", next_audit_on=TODAY - timedelta(days=3))
    make_asset("LPSE-SOON", next_audit_on=TODAY + timedelta(days=10))
    make_asset("LPSE-LATER", next_audit_on=TODAY + timedelta(days=45))
    make_asset("LPSE-GONE", next_audit_on=TODAY - timedelta(days=3), status="retired")
    login(client, head)
    page = client.get("/aset/stock-opname").get_data(as_text=True)
    late, soon = page.index("Terlambat"), page.index("Jatuh tempo dalam 30 hari")
    assert late < page.index("LPSE-LATE") < soon < page.index("LPSE-SOON")
    assert "LPSE-LATER" not in page and "LPSE-GONE" not in page
    assert "sudah lewat 3 hari" in page and "/stock-opname\"" not in page.split("LPSE-LATE")[1][:400]
    client.post("/keluar")
    login(client, keeper)
    page = client.get("/aset/stock-opname").get_data(as_text=True)
    assert re.search(r'href="/aset/\d+/stock-opname">Catat<', page)


# --- alerts and settings -------------------------------------------------------------------

def test_alerts_page_honours_the_window(client, login, keeper, head, make_asset):
    make_asset("LIC-TOMORROW", asset_class="licence", licence_expires=TODAY + timedelta(days=1))
    make_asset("LIC-29", asset_class="licence", licence_expires=TODAY + timedelta(days=29))
    make_asset("LIC-31", asset_class="licence", licence_expires=TODAY + timedelta(days=31))
    make_asset("LIC-PAST", asset_class="licence", licence_expires=TODAY - timedelta(days=2))
    make_asset("LIC-RETIRED", asset_class="licence", licence_expires=TODAY, status="retired")
    login(client, head)
    page = client.get("/aset/peringatan").get_data(as_text=True)
    assert "dalam 30 hari" in page
    assert "LIC-TOMORROW" in page and "LIC-29" in page and "LIC-31" not in page and "LIC-RETIRED" not in page
    assert "1 hari lagi" in page and "sudah lewat 2 hari" in page
    banner = client.get("/aset").get_data(as_text=True)
    assert re.search(r'href="/aset\?peringatan=licence">Lisensi berakhir: <strong>3</strong>', banner)
    client.post("/keluar")
    login(client, keeper)
    response = client.post("/aset/pengaturan", data={"alert_window_days": "31", "audit_interval_days": "180"})
    assert response.status_code == 303
    page = client.get("/aset/peringatan").get_data(as_text=True)
    assert "dalam 31 hari" in page and "LIC-31" in page


def test_settings_create_the_row_and_refuse_out_of_range(client, login, keeper, make_asset, app):
    login(client, keeper)
    page = client.get("/aset/pengaturan").get_data(as_text=True)
    assert 'value="30"' in page and 'value="365"' in page  # the defaults, before any row
    for window, interval in (("0", "365"), ("366", "365"), ("30", "6"), ("30", "1096"), ("x", "365")):
        response = client.post("/aset/pengaturan", data={"alert_window_days": window,
                                                         "audit_interval_days": interval})
        assert response.status_code == 422, (window, interval)
    assert count(app, AssetSettings) == 0
    assert client.post("/aset/pengaturan", data={"alert_window_days": "14",
                                                 "audit_interval_days": "180"}).status_code == 303
    assert client.post("/aset/pengaturan", data={"alert_window_days": "14",
                                                 "audit_interval_days": "90"}).status_code == 303
    with app.app_context():
        row = db.session.get(AssetSettings, 1)
        assert (row.alert_window_days, row.audit_interval_days) == (14, 90)
    asset_id = make_asset()
    assert load(app, asset_id).next_audit_on == TODAY + timedelta(days=90)


# --- detail: alerts and risks --------------------------------------------------------------

def test_detail_shows_the_assets_alerts_and_its_risks(client, login, head, make_asset, app):
    asset_id = make_asset("LPSE-SW-001", asset_class="software", licence_expires=TODAY + timedelta(days=5),
                          warranty_ends=TODAY - timedelta(days=1))
    with app.app_context():
        from lpse_web.risks.methodology import stored_current
        from lpse_web.risks.models import Risk

        stored_current()
        risk = Risk(code="R-007", title="Lisensi antivirus kedaluwarsa", category="security",
                    methodology_version=1, inherent_likelihood=4, inherent_impact=4, inherent_score=16,
                    inherent_level=3, residual_likelihood=2, residual_impact=3, residual_score=6,
                    residual_level=2, status="open", next_review_on=TODAY + timedelta(days=90))
        risk.assets = [db.session.get(Asset, asset_id)]
        db.session.add(risk)
        db.session.commit()
    login(client, head)
    page = client.get(f"/aset/{asset_id}").get_data(as_text=True)
    assert "Lisensi berakhir" in page and "Garansi berakhir" in page and "sudah lewat 1 hari" in page
    assert "R-007" in page and "Lisensi antivirus kedaluwarsa" in page
    assert 'risk-level risk-level-yellow">Sedang<' in page


# --- export --------------------------------------------------------------------------------

def test_export_xlsx_has_the_import_headers_and_a_row_per_asset(client, login, head, make_asset, app):
    make_asset("LPSE-HW-001", owner_id=head.id, purchase_cost=15_000_000, purchased_on=date(2024, 3, 15))
    make_asset("LPSE-SW-001", asset_class="software", name="=HYPERLINK(\"x\")")
    make_asset("LPSE-SW-002", asset_class="software")
    login(client, head)
    response = client.get("/aset/ekspor.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in COLUMNS]
    assert len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Nomor aset"], first["Pemilik (e-mail)"], first["Harga beli (Rp)"],
            first["Tanggal beli"]) == ("LPSE-HW-001", head.email, 15_000_000, "2024-03-15")
    assert rows[2][1] == '=HYPERLINK("x")' and sheet.cell(3, 2).data_type == "s"  # text, not a formula
    filtered = load_workbook(io.BytesIO(client.get("/aset/ekspor.xlsx?kelas=software").data)).active
    assert [r[0] for r in filtered.iter_rows(min_row=2, values_only=True)] == ["LPSE-SW-001", "LPSE-SW-002"]


def test_export_csv_honours_the_filters(client, login, head, make_asset):
    make_asset("LPSE-HW-001")
    make_asset("LPSE-SW-001", asset_class="software")
    login(client, head)
    response = client.get("/aset/ekspor.csv?kelas=hardware&q=hw")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.startswith("\ufeffNomor aset,Nama,Kelas")
    assert "LPSE-HW-001" in text and "LPSE-SW-001" not in text
