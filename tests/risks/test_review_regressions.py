"""Defects a review of the risk register found, kept fixed: control characters in the
methodology's list fields (they broke the XLSX export), band names given twice, text
fields left out of a post."""

from datetime import date

from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.risks import services
from lpse_web.risks.methodology import DEFAULT_LEVELS, problems
from lpse_web.risks.models import Methodology, Risk
from tests.risks.test_methodology_views import FOUR_BANDS, form_data

SCALE = ["a", "b", "c", "d", "e"]


def test_a_control_character_in_a_band_name_is_refused(app, client, login, make_user):
    login(client, make_user(Role.RISK_MANAGER))
    bands = [("Ren\x01dah", *FOUR_BANDS[0][1:]), *FOUR_BANDS[1:]]
    response = client.post("/risiko/metodologi/ubah", data=form_data(bands=bands))
    assert response.status_code == 422
    assert "karakter kontrol" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Methodology)) == 0


def test_band_names_must_differ():
    levels = [dict(b) for b in DEFAULT_LEVELS]
    levels[1]["name"] = "rendah "
    assert "Setiap tingkat risiko perlu nama yang berbeda." in problems(SCALE, SCALE, levels, 9)


def test_a_treatment_posted_without_its_plan_saves(ctx):
    risk = services.create_risk(date(2026, 12, 1), code="R-001", title="Server mati", category="continuity",
                                inherent_likelihood=4, inherent_impact=5)
    services.update_risk(risk, date(2026, 12, 1), treatment="mitigate", treatment_plan=None, description=None,
                         residual_likelihood=2, residual_impact=2)
    db.session.commit()
    row = db.session.get(Risk, risk.id)
    assert (row.treatment_plan, row.description, row.residual_score) == ("", "", 4)
