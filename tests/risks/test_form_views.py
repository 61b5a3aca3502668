"""The forms that change a risk: record and edit (with the asset picker and the impact
suggestion), treat, review and the treatment actions; plain posts (303 and a flash,
422 with the errors by the fields) and htmx (only the block). A refused submission
changes nothing.

The clock is pinned to Tuesday 1 December 2026, 09.00 WITA (the office's zone)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lpse_web.extensions import db
from lpse_web.risks import services
from lpse_web.risks.models import Risk, RiskAction, RiskReview
from tests.registers import HTMX, NOW_ISO, TODAY, page_of


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def risk_manager(risk_manager, client, login):
    """conftest's risk manager, signed in."""
    login(client, risk_manager)
    return risk_manager


def risk_form(**overrides) -> dict:
    data = {"code": "R-001", "title": "Server SPSE mati karena listrik padam", "description": "",
            "category": "continuity", "threat": "Pemadaman listrik PLN", "vulnerability": "UPS tua",
            "owner": "", "existing_controls": "Genset manual", "inherent_likelihood": "4",
            "inherent_impact": "5", "simpan": "1"}
    data.update(overrides)
    return data


def risks_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Risk))


def stored(app, risk_id) -> Risk:
    with app.app_context():
        risk = db.session.get(Risk, risk_id)
        db.session.expunge(risk)
        return risk


# --- record a risk ------------------------------------------------------------------------------

def test_the_new_form_proposes_the_next_code_and_labels_the_scales(client, risk_manager, make_risk):
    make_risk("R-004")
    page = page_of(client.get("/risiko/baru"))
    assert 'value="R-005"' in page
    assert "4 — Sering terjadi" in page and "5 — Sangat besar" in page
    assert 'name="inherent_likelihood"' in page and 'type="radio"' in page


def test_create_stores_and_scores_the_risk_and_sets_the_next_review(client, risk_manager, make_asset, app):
    server = make_asset("LPSE-SRV-01", cia=(3, 2, 2))
    response = client.post("/risiko/baru", data=risk_form(owner=str(risk_manager.id), aset=[str(server)]))
    assert response.status_code == 303, page_of(response)[:3000]
    with app.app_context():
        risk = db.session.scalar(select(Risk))
        assert (risk.code, risk.inherent_score, risk.residual_score) == ("R-001", 20, 20)
        assert (risk.inherent_level, risk.status, risk.owner_id) == (4, "open", risk_manager.id)
        assert risk.next_review_on == TODAY + timedelta(days=30)
        assert [a.tag for a in risk.assets] == ["LPSE-SRV-01"]
        risk_id = risk.id
    assert response.headers["Location"].endswith(f"/risiko/{risk_id}")
    page = page_of(client.get(response.headers["Location"]))
    assert "Risiko R-001 dicatat; tinjauan berikutnya 31 Desember 2026." in page
    assert '<span class="risk-level risk-level-red">Sangat Tinggi</span>' in page


def test_a_taken_code_is_refused_with_422_and_nothing_stored(client, risk_manager, make_risk, app,
                                                             monkeypatch):
    make_risk("R-001")
    response = client.post("/risiko/baru", data=risk_form(code=" r-001 ", title="Lain"))
    assert response.status_code == 422
    assert "Kode R-001 sudah dipakai risiko lain." in page_of(response)
    # Taken between the check and the insert: the database's unique constraint says so.
    monkeypatch.setattr(services, "code_taken", lambda code, except_id=None: False)
    response = client.post("/risiko/baru", data=risk_form(code="R-001", title="Lain"))
    assert response.status_code == 422 and "Kode R-001 sudah dipakai risiko lain." in page_of(response)
    assert risks_stored(app) == 1


@pytest.mark.parametrize(("field", "value"), [("inherent_likelihood", "6"), ("inherent_impact", "0"),
                                             ("inherent_likelihood", ""), ("inherent_impact", "x")])
def test_a_likelihood_or_impact_outside_the_scale_is_refused(client, risk_manager, app, field, value):
    response = client.post("/risiko/baru", data=risk_form(**{field: value}))
    assert response.status_code == 422
    assert 'class="field-error"' in page_of(response)
    assert risks_stored(app) == 0


def test_bad_text_and_unknown_choices_are_422(client, risk_manager, app):
    for overrides in ({"title": ""}, {"title": "<script>"}, {"category": "weather"}, {"owner": "99999"},
                      {"code": "R 0/1?"}, {"code": "X" * 41}, {"title": "a\x00b"}):
        response = client.post("/risiko/baru", data=risk_form(**overrides))
        assert response.status_code == 422, overrides
    assert risks_stored(app) == 0


def test_the_impact_suggestion_comes_from_the_highest_asset_value(client, risk_manager, make_asset, app):
    low = make_asset("LPSE-PC-01", cia=(1, 1, 1))
    top = make_asset("LPSE-SRV-01", cia=(3, 3, 3))
    make_asset("LPSE-UPS-01")  # not classified: no value
    data = risk_form(aset=[str(low)], hitung="1")
    del data["simpan"]
    page = page_of(client.post("/risiko/baru", data=data))
    assert "Saran dampak dari nilai aset tertinggi: <strong>1 — Tidak signifikan</strong>" in page
    data["aset"] = [str(low), str(top)]
    response = client.post("/risiko/baru", data=data)
    page = page_of(response)
    assert response.status_code == 200 and "<html" in page  # without JavaScript: the whole form again
    assert "Saran dampak dari nilai aset tertinggi: <strong>5 — Sangat besar</strong>" in page
    assert "LPSE-SRV-01, nilai 9" in page and 'value="Server SPSE mati karena listrik padam"' in page
    fragment = page_of(client.post("/risiko/baru", data=data, headers=HTMX))
    assert fragment.lstrip().startswith('<div id="impact-suggestion"') and "<form" not in fragment
    assert "5 — Sangat besar" in fragment
    assert risks_stored(app) == 0


def test_the_asset_picker_searches_by_tag_or_name_and_keeps_the_chosen(client, risk_manager, make_asset, app):
    chosen = make_asset("LPSE-SRV-01", name="Server aplikasi")
    make_asset("LPSE-SRV-02", name="Server basis data")
    make_asset("LPSE-NET-01", name="Switch inti")
    make_asset("LPSE-SRV-09", name="Server lama", status="retired")
    fragment = page_of(client.get(f"/risiko/aset-cari?cari_aset=srv&aset={chosen}", headers=HTMX))
    assert "<html" not in fragment
    assert f'name="aset" value="{chosen}" checked' in fragment
    assert fragment.count('name="aset"') == 2 and "LPSE-SRV-02" in fragment  # the chosen one is not repeated
    assert "LPSE-SRV-09" not in fragment and "LPSE-NET-01" not in fragment
    assert "LPSE-NET-01" in page_of(client.get("/risiko/aset-cari?cari_aset=switch", headers=HTMX))
    assert "<html" in page_of(client.get("/risiko/aset-cari?cari_aset=switch"))  # a page without htmx
    # Without JavaScript the form posts its search and comes back with what was typed.
    data = risk_form(cari_aset="basis data", cari="1", aset=[str(chosen)])
    del data["simpan"]
    page = page_of(client.post("/risiko/baru", data=data))
    assert "LPSE-SRV-02" in page and f'name="aset" value="{chosen}" checked' in page
    assert 'value="Pemadaman listrik PLN"' in page or "Pemadaman listrik PLN</textarea>" in page
    assert risks_stored(app) == 0


# --- edit -------------------------------------------------------------------------------------

def test_edit_changes_the_risk_its_assets_and_its_code(client, risk_manager, make_risk, make_asset, app):
    old = make_asset("LPSE-SRV-01")
    new = make_asset("LPSE-NET-01")
    risk_id = make_risk("R-001", 2, 2, asset_ids=[old])
    make_risk("R-002")
    page = page_of(client.get(f"/risiko/{risk_id}/ubah"))
    assert 'value="R-001"' in page and f'name="aset" value="{old}" checked' in page
    response = client.post(f"/risiko/{risk_id}/ubah", data=risk_form(code="R-002", aset=[str(new)]))
    assert response.status_code == 422 and "Kode R-002 sudah dipakai risiko lain." in page_of(response)
    assert stored(app, risk_id).inherent_score == 4
    response = client.post(f"/risiko/{risk_id}/ubah", data=risk_form(code="R-010", aset=[str(new)]))
    assert response.status_code == 303
    with app.app_context():
        risk = db.session.get(Risk, risk_id)
        assert (risk.code, risk.inherent_score) == ("R-010", 20)
        assert [a.tag for a in risk.assets] == ["LPSE-NET-01"]
        assert risk.residual_score == 20  # untreated: the residual assessment follows the inherent one


# --- treatment --------------------------------------------------------------------------------

def treatment_form(**overrides) -> dict:
    data = {"treatment": "mitigate", "treatment_plan": "Ganti UPS, pasang ATS", "residual_likelihood": "2",
            "residual_impact": "3", "status": "in_treatment"}
    data.update(overrides)
    return data


def test_treatment_sets_the_residual_assessment_and_status(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    assert "Mitigasi (kurangi)" in page_of(client.get(f"/risiko/{risk_id}/penanganan"))
    response = client.post(f"/risiko/{risk_id}/penanganan", data=treatment_form())
    assert response.status_code == 303
    risk = stored(app, risk_id)
    assert (risk.treatment, risk.residual_score, risk.residual_level, risk.status) == ("mitigate", 6, 2,
                                                                                       "in_treatment")
    assert risk.treatment_plan == "Ganti UPS, pasang ATS"


def test_accepted_without_treatment_accept_is_422_and_changes_nothing(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    response = client.post(f"/risiko/{risk_id}/penanganan", data=treatment_form(status="accepted"))
    assert response.status_code == 422
    assert "Status “Diterima” hanya untuk risiko dengan penanganan “Terima”." in page_of(response)
    risk = stored(app, risk_id)
    assert (risk.treatment, risk.residual_score, risk.status, risk.treatment_plan) == (None, 20, "open", "")
    response = client.post(f"/risiko/{risk_id}/penanganan",
                           data=treatment_form(treatment="accept", status="accepted"))
    assert response.status_code == 303 and stored(app, risk_id).status == "accepted"


def test_treatment_outside_the_scale_is_422(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    for overrides in ({"residual_likelihood": "6"}, {"treatment": "ignore"}, {"status": "gone"}):
        response = client.post(f"/risiko/{risk_id}/penanganan", data=treatment_form(**overrides))
        assert response.status_code == 422, overrides
    assert stored(app, risk_id).residual_score == 20


# --- review -----------------------------------------------------------------------------------

def review_form(**overrides) -> dict:
    data = {"note": "UPS baru terpasang, diuji 2 jam", "residual_likelihood": "2", "residual_impact": "2",
            "inherent_likelihood": "4", "inherent_impact": "5", "treatment": "mitigate",
            "status": "in_treatment", "simpan": "1"}
    data.update(overrides)
    return data


def test_a_review_records_what_changed_and_moves_the_next_review(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5, today=TODAY - timedelta(days=40))  # review due 10 days ago
    page = page_of(client.get(f"/risiko/{risk_id}/tinjau"))
    assert "terlambat" in page
    assert "Tinjauan berikutnya bila disimpan hari ini: <strong>Kamis, 31 Desember 2026</strong>" in page
    response = client.post(f"/risiko/{risk_id}/tinjau", data=review_form())
    assert response.status_code == 303
    with app.app_context():
        review = db.session.scalar(select(RiskReview))
        assert review.reviewer_id == risk_manager.id and review.reviewed_on == TODAY
        assert review.changes["residual_score"] == [20, 4]
        assert review.changes["status"] == ["open", "in_treatment"]
        assert review.changes["next_review_on"] == ["2026-11-21", "2027-11-26"]  # Rendah: 360 days
        risk = db.session.get(Risk, risk_id)
        assert (risk.last_reviewed_on, risk.next_review_on) == (TODAY, date(2027, 11, 26))
    page = page_of(client.get(f"/risiko/{risk_id}"))
    assert "Tinjauan dicatat; tinjauan berikutnya 26 November 2027." in page


def test_a_review_needs_a_note_and_keeps_the_rules(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    response = client.post(f"/risiko/{risk_id}/tinjau", data=review_form(note=" "))
    assert response.status_code == 422 and "Tulis hasil tinjauan." in page_of(response)
    response = client.post(f"/risiko/{risk_id}/tinjau", data=review_form(status="accepted"))
    assert response.status_code == 422 and "hanya untuk risiko dengan penanganan" in page_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RiskReview)) == 0
    assert stored(app, risk_id).residual_score == 20


def test_the_review_preview_shows_the_next_review_date(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001", 4, 5)
    data = review_form(residual_likelihood="3", residual_impact="4", pratinjau="1")
    del data["simpan"]
    fragment = page_of(client.post(f"/risiko/{risk_id}/tinjau", data=data, headers=HTMX))
    assert fragment.lstrip().startswith('<div id="next-review"')
    assert "Senin, 1 Maret 2027" in fragment and "Tinggi" in fragment  # 12: Tinggi, every 90 days
    page = page_of(client.post(f"/risiko/{risk_id}/tinjau", data=data))
    assert "<html" in page and "Senin, 1 Maret 2027" in page and "UPS baru terpasang" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RiskReview)) == 0


# --- treatment actions ------------------------------------------------------------------------

def test_actions_added_and_completed_plain_and_with_htmx(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001")
    response = client.post(f"/risiko/{risk_id}/tindakan", data={
        "title": "Ganti baterai UPS", "owner": str(risk_manager.id), "due_on": "2026-12-15"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/risiko/{risk_id}#tindakan")
    response = client.post(f"/risiko/{risk_id}/tindakan", headers=HTMX, data={
        "title": "Uji genset", "owner": "", "due_on": "2026-11-20"})
    fragment = page_of(response)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "riskActionsChanged"
    assert fragment.lstrip().startswith('<section id="tindakan"') and "<html" not in fragment
    assert "Ganti baterai UPS" in fragment and "Uji genset" in fragment and 'class="late"' in fragment
    with app.app_context():
        late = db.session.scalar(select(RiskAction).where(RiskAction.title == "Uji genset"))
        late_id = late.id
    response = client.post(f"/risiko/tindakan/{late_id}/selesai", data={"selesai": "1"}, headers=HTMX)
    assert response.status_code == 200 and 'class="late"' not in page_of(response)
    with app.app_context():
        assert db.session.get(RiskAction, late_id).done_on == TODAY
    response = client.post(f"/risiko/tindakan/{late_id}/selesai", data={"selesai": "0"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(RiskAction, late_id).done_on is None


def test_a_bad_action_is_422_in_place_and_stores_nothing(client, risk_manager, make_risk, app):
    risk_id = make_risk("R-001")
    for data in ({"title": "", "owner": "", "due_on": "2026-12-15"},
                 {"title": "Uji", "owner": "", "due_on": "besok"},
                 {"title": "Uji", "owner": "99999", "due_on": "2026-12-15"},
                 {"title": "Uji", "owner": "", "due_on": "1900-01-01"}):
        response = client.post(f"/risiko/{risk_id}/tindakan", data=data, headers=HTMX)
        assert response.status_code == 422, data
        assert page_of(response).lstrip().startswith('<section id="tindakan"')
        assert 'class="field-error"' in page_of(response)
    response = client.post(f"/risiko/{risk_id}/tindakan", data={"title": "", "due_on": ""})
    assert response.status_code == 422 and "<html" in page_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RiskAction)) == 0
