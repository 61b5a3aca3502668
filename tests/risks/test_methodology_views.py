"""The methodology pages: the version in force and the old ones (readers), a new version
(the risk manager and administrators only; 422 with messages and nothing stored when the
proposal is wrong; 409 when another version was saved meanwhile), and rescoring the risks
under it (a confirmed, recorded step)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks import services
from lpse_web.risks.models import Methodology, Risk, RiskScore

DAY = date(2026, 12, 1)
FOUR_LIKELIHOOD = ["Jarang", "Kadang", "Sering", "Hampir pasti"]
FOUR_IMPACT = ["Kecil", "Sedang", "Besar", "Parah"]
FOUR_BANDS = [("Rendah", 1, "green", 365), ("Sedang", 4, "yellow", 180), ("Tinggi", 8, "orange", 60),
              ("Ekstrem", 12, "darkred", 14)]


@pytest.fixture
def risk_manager(make_user):
    return make_user(Role.RISK_MANAGER, name="Yosef Pengelola Risiko")


def form_data(likelihood=FOUR_LIKELIHOOD, impact=FOUR_IMPACT, bands=FOUR_BANDS, appetite=6,
              note="Skala disederhanakan menjadi 4 × 4.", base_version=1):
    data = {"base_version": str(base_version), "appetite": str(appetite), "note": note}
    for i in range(7):
        data[f"likelihood-{i}"] = likelihood[i] if i < len(likelihood) else ""
        data[f"impact-{i}"] = impact[i] if i < len(impact) else ""
    for i in range(6):
        name, low, colour, days = bands[i] if i < len(bands) else ("", "", "", "")
        data.update({f"band_name-{i}": name, f"band_min-{i}": str(low), f"band_colour-{i}": colour,
                     f"band_days-{i}": str(days)})
    return data


def versions(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Methodology.version).order_by(Methodology.version)))


def make_risks(app, *cells, status="open"):
    """Risks R-001... with (likelihood, impact) inherent = residual, under the version in force."""
    codes = []
    with app.app_context():
        for likelihood, impact in cells:
            code = services.suggest_code()
            services.create_risk(DAY, code=code, title=f"Risiko {code}", category="security",
                                 inherent_likelihood=likelihood, inherent_impact=impact, status=status)
            codes.append(code)
        db.session.commit()
    return codes


def risk(app, code) -> Risk:
    with app.app_context():
        row = db.session.scalar(select(Risk).where(Risk.code == code))
        db.session.expunge(row)
        return row


# --- reading -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.RISK_MANAGER, Role.ASSET_MANAGER, Role.MANAGER, Role.ADMIN])
def test_readers_see_the_methodology_in_force(client, login, make_user, role):
    login(client, make_user(role))
    response = client.get("/risiko/metodologi/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Hampir tidak terjadi", "Hampir pasti terjadi", "Tidak signifikan", "Sangat besar",
                 "Skor = kemungkinan × dampak", "17–25", "10–16", "5–9", "1–4", "setiap 30 hari",
                 "setiap 360 hari", "Selera risiko", "sampai 9"):
        assert text in page, text
    assert 'class="swatch risk-level-red"' in page
    assert page.count('class="heat-cell risk-level-') == 25  # the matrix preview
    assert ("Buat versi baru" in page) == (role in (Role.RISK_MANAGER, Role.ADMIN))


def test_vendor_and_anonymous_are_kept_out(client, login, make_user):
    assert client.get("/risiko/metodologi/").status_code == 302
    login(client, make_user(Role.VENDOR))
    for url in ("/risiko/metodologi/", "/risiko/metodologi/1", "/risiko/metodologi/ubah",
                "/risiko/metodologi/nilai-ulang"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VENDOR, Role.ASSET_MANAGER])
def test_only_writers_change_it(client, login, make_user, app, role):
    login(client, make_user(role))
    assert client.get("/risiko/metodologi/ubah").status_code == 403
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 403
    assert client.get("/risiko/metodologi/nilai-ulang").status_code == 403
    assert client.post("/risiko/metodologi/nilai-ulang", data={"versi": "1"}).status_code == 403
    assert versions(app) == []


def test_edit_form_is_prefilled_from_the_version_in_force(client, login, risk_manager):
    login(client, risk_manager)
    page = client.get("/risiko/metodologi/ubah").get_data(as_text=True)
    assert 'name="likelihood-0"' in page and 'name="likelihood-6"' in page
    assert 'name="likelihood-7"' not in page
    assert 'value="Hampir tidak terjadi"' in page and 'value="Sangat besar"' in page
    assert re.search(r'name="band_min-3"[^>]*value="17"|value="17"[^>]*name="band_min-3"', page)
    assert 'name="band_name-5"' in page
    assert re.search(r'name="base_version"[^>]*value="1"|value="1"[^>]*name="base_version"', page)
    assert "Simpan sebagai versi 2" in page


# --- a new version ------------------------------------------------------------------------------

def test_saving_a_four_by_four_creates_version_two_and_keeps_the_old(client, login, risk_manager, app):
    make_risks(app, (4, 4))  # stores version 1
    login(client, risk_manager)
    response = client.post("/risiko/metodologi/ubah", data=form_data())
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert versions(app) == [1, 2]
    with app.app_context():
        old, new = db.session.get(Methodology, 1), db.session.get(Methodology, 2)
        assert len(old.likelihood_labels) == 5 and old.levels[-1]["name"] == "Sangat Tinggi"
        assert new.likelihood_labels == FOUR_LIKELIHOOD and new.impact_labels == FOUR_IMPACT
        assert [b["min_score"] for b in new.levels] == [1, 4, 8, 12]
        assert new.appetite == 6 and new.note == "Skala disederhanakan menjadi 4 × 4."
        assert new.created_by_id == risk_manager.id and new.rescored_at is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "risk_methodology", AuditEntry.record_id == "2",
            AuditEntry.action == "create")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Metodologi versi 2 disimpan" in page
    assert "Versi 2, berlaku" in page and "Ekstrem" in page and "12–16" in page
    assert "1 risiko yang belum ditutup masih dinilai dengan versi lama" in page
    assert "/risiko/metodologi/nilai-ulang" in page
    assert page.count('class="heat-cell risk-level-') == 16
    old_page = client.get("/risiko/metodologi/1").get_data(as_text=True)
    assert "Ini versi 1, bukan versi yang berlaku" in old_page and "Sangat Tinggi" in old_page
    assert client.get("/risiko/metodologi/99").status_code == 404


def test_first_save_without_a_stored_version_stores_the_default_as_one(client, login, risk_manager, app):
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 303
    assert versions(app) == [1, 2]


def test_empty_trailing_rows_are_ignored_and_seven_steps_fit(client, login, risk_manager, app):
    login(client, risk_manager)
    seven = [f"Tingkat {i}" for i in range(1, 8)]
    bands = [("Rendah", 1, "green", 360), ("Sedang", 4, "yellow", 180), ("Tinggi", 8, "orange", 90),
             ("Sangat Tinggi", 12, "red", 30), ("Kritis", 16, "darkred", 7), ("Bencana", 20, "grey", 1)]
    response = client.post("/risiko/metodologi/ubah", data=form_data(likelihood=seven, impact=["a", "b", "c"],
                                                                     bands=bands, appetite=10))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        row = db.session.get(Methodology, 2)
        assert len(row.likelihood_labels) == 7 and row.impact_labels == ["a", "b", "c"]
        assert len(row.levels) == 6


BAD = {
    "first band not at 1": (form_data(bands=[("Rendah", 2, "green", 365), ("Tinggi", 8, "red", 30)]),
                            "Tingkat risiko pertama harus mulai dari skor 1."),
    "decreasing": (form_data(bands=[("Rendah", 1, "green", 365), ("Sedang", 8, "yellow", 180),
                                    ("Tinggi", 6, "red", 30)]),
                   "Skor awal tingkat “Tinggi” harus lebih besar dari tingkat sebelumnya."),
    "unknown colour": (form_data(bands=[("Rendah", 1, "pink", 365), ("Tinggi", 8, "red", 30)]),
                       "Pilihan tidak valid"),
    "appetite above the top": (form_data(appetite=17), "Selera risiko harus antara 1 dan 16."),
    "last band above the top": (form_data(bands=[("Rendah", 1, "green", 365), ("Tinggi", 17, "red", 30)]),
                                "melebihi skor tertinggi (16)"),
    "two steps only": (form_data(likelihood=["Jarang", "Sering"], appetite=4,
                                 bands=[("Rendah", 1, "green", 365), ("Tinggi", 5, "red", 30)]),
                       "Skala kemungkinan harus memiliki 3 sampai 7 tingkat."),
    "gap in a scale": (form_data(likelihood=["Jarang", "", "Sering", "Hampir pasti"]),
                       "Isi tingkat ini atau kosongkan tingkat sesudahnya."),
    "band without colour": (form_data(bands=[("Rendah", 1, "green", 365), ("Tinggi", 8, "", 30)]),
                            "Pilih warna."),
    "band without interval": (form_data(bands=[("Rendah", 1, "green", 365), ("Tinggi", 8, "red", "")]),
                              "Interval tinjauan wajib diisi."),
    "no bands": (form_data(bands=[]), "Tentukan minimal satu tingkat risiko."),
    "not a number": (form_data(bands=[("Rendah", "satu", "green", 365)]), "Harus berupa bilangan bulat."),
    "no note": (form_data(note="  "), "Wajib diisi."),
    "markup in a label": (form_data(likelihood=["<b>Jarang</b>", "Kadang", "Sering", "Hampir pasti"]),
                          "Tidak boleh memuat karakter < atau >."),
}


@pytest.mark.parametrize("case", BAD.keys())
def test_a_bad_proposal_is_refused_and_nothing_stored(client, login, risk_manager, app, case):
    make_risks(app, (3, 3))
    login(client, risk_manager)
    data, message = BAD[case]
    response = client.post("/risiko/metodologi/ubah", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert versions(app) == [1]
    assert 'value="Parah"' in page  # what was typed is kept


def test_a_version_saved_meanwhile_gives_409(client, login, risk_manager, app):
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 303
    response = client.post("/risiko/metodologi/ubah", data=form_data(note="lagi", base_version=1))
    assert response.status_code == 409
    assert "baru saja diubah orang lain" in response.get_data(as_text=True)
    assert versions(app) == [1, 2]


def test_without_csrf_nothing_is_stored(client, login, risk_manager, app):
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data(), csrf=False).status_code in (400, 422)
    assert versions(app) == []


# --- rescoring ----------------------------------------------------------------------------------

def test_rescore_moves_risks_with_recomputed_scores_and_records_it(client, login, risk_manager, app):
    high, low = make_risks(app, (4, 4), (2, 2))
    closed, = make_risks(app, (3, 3), status="closed")
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 303
    confirm = client.get("/risiko/metodologi/nilai-ulang").get_data(as_text=True)
    assert "2 risiko akan dipindah" in confirm and "0 risiko tidak dapat dipindah" in confirm
    assert f'data-risk-code="{high}"' in confirm and f'data-risk-code="{low}"' in confirm
    assert f'data-risk-code="{closed}"' not in confirm
    assert "Tinggi</span> &rarr; <strong>16</strong>" in confirm and "Ekstrem" in confirm
    assert risk(app, high).methodology_version == 1  # looking changes nothing

    response = client.post("/risiko/metodologi/nilai-ulang", data={"versi": "2"})
    assert response.status_code == 303
    moved = risk(app, high)
    assert (moved.methodology_version, moved.inherent_score, moved.inherent_level,
            moved.residual_level) == (2, 16, 4, 4)
    with app.app_context():  # the office's day it was stored on (UTC's is a day behind after 16.00)
        created_on = load_calendar().local_day(moved.created_at)
    assert moved.next_review_on == created_on + timedelta(days=14)
    other = risk(app, low)
    assert (other.methodology_version, other.residual_score, other.residual_level) == (2, 4, 2)
    assert risk(app, closed).methodology_version == 1  # closed risks stay as they were
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RiskScore).where(
            RiskScore.reason == "rescored", RiskScore.methodology_version == 2)) == 2
        version = db.session.get(Methodology, 2)
        assert version.rescored_at is not None and version.rescored_by_id == risk_manager.id
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.table_name == "risk", AuditEntry.action == "update",
            AuditEntry.record_id == str(moved.id))) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 risiko dinilai ulang dengan metodologi versi 2" in page
    assert "0 risiko akan dipindah" in page and "Terakhir dinilai ulang ke versi ini" in page
    assert "Yosef Pengelola Risiko" in page
    index = client.get("/risiko/metodologi/").get_data(as_text=True)
    assert "masih dinilai dengan versi lama" not in index


def test_a_risk_outside_the_new_scales_is_not_moved_and_is_listed(client, login, risk_manager, app):
    unfit, fit = make_risks(app, (5, 1), (2, 2))
    login(client, risk_manager)
    three = form_data(likelihood=["Jarang", "Kadang", "Sering"], impact=["Kecil", "Sedang", "Besar"],
                      bands=[("Rendah", 1, "green", 360), ("Tinggi", 5, "red", 30)], appetite=4)
    assert client.post("/risiko/metodologi/ubah", data=three).status_code == 303
    confirm = client.get("/risiko/metodologi/nilai-ulang").get_data(as_text=True)
    assert "1 risiko akan dipindah" in confirm and "1 risiko tidak dapat dipindah" in confirm
    unfit_table = confirm[confirm.index("rescore-unfit"):]
    assert f'data-risk-code="{unfit}"' in unfit_table and f'data-risk-code="{fit}"' not in unfit_table
    response = client.post("/risiko/metodologi/nilai-ulang", data={"versi": "2"})
    assert response.status_code == 303
    assert risk(app, unfit).methodology_version == 1
    assert risk(app, fit).methodology_version == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 risiko dinilai ulang" in page and f"perlu dinilai ulang secara manual: {unfit}" in page
    assert f'data-risk-code="{unfit}"' in page[page.index("rescore-unfit"):]
    assert "Nilai ulang 0 risiko" not in page  # nothing left to move: no button


def test_rescore_confirmed_for_another_version_gives_409(client, login, risk_manager, app):
    code, = make_risks(app, (4, 4))
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 303
    response = client.post("/risiko/metodologi/nilai-ulang", data={"versi": "1"})
    assert response.status_code == 409
    assert risk(app, code).methodology_version == 1


def test_rescore_without_a_confirmed_version_is_refused(client, login, risk_manager, app):
    code, = make_risks(app, (4, 4))
    login(client, risk_manager)
    assert client.post("/risiko/metodologi/ubah", data=form_data()).status_code == 303
    for data in ({}, {"versi": "dua"}):
        response = client.post("/risiko/metodologi/nilai-ulang", data=data)
        assert response.status_code == 422
        assert "Konfirmasi penilaian ulang tidak lengkap" in response.get_data(as_text=True)
    assert risk(app, code).methodology_version == 1


def test_rescore_with_nothing_to_move_changes_nothing(client, login, risk_manager, app):
    make_risks(app, (4, 4))
    login(client, risk_manager)
    response = client.post("/risiko/metodologi/nilai-ulang", data={"versi": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Methodology, 1).rescored_at is None
