"""What the asset register's and the risk register's page tests share (tests/assets/,
tests/risks/): their day, the clock they pin, and factories for committed assets and
risks made through the services (callables with defaults, as tests/factories.py's).
The folders' conftest.py files make fixtures of the factories."""

from datetime import date

from lpse_web.assets import services as assets
from lpse_web.extensions import db
from lpse_web.risks import services as risks

TODAY = date(2026, 12, 1)  # a Tuesday
NOW_ISO = "2026-12-01T09:00:00+08:00"  # that day, 09.00 WITA: a page test's LPSE_NOW
HTMX = {"HX-Request": "true"}


def page_of(response) -> str:
    return response.get_data(as_text=True)


def asset_factory(app):
    """make_asset(tag, cia=(c, i, a) or None, **fields) -> the id of a new, committed
    asset (a hardware one named after its tag unless told), created TODAY."""
    def make_asset(tag="LPSE-HW-001", cia=None, **fields):
        fields.setdefault("name", f"Aset {tag}")
        fields.setdefault("asset_class", "hardware")
        with app.app_context():
            asset = assets.create_asset(TODAY, tag=tag, **fields)
            if cia:
                assets.classify(asset, *cia, label=None, agreed_on=TODAY)
            db.session.commit()
            return asset.id

    return make_asset


def risk_factory(app):
    """make_risk(code, likelihood, impact, today=..., **fields) -> the id of a new,
    committed risk (a security one titled after its code unless told)."""
    def make_risk(code="R-001", likelihood=3, impact=3, today=TODAY, **fields):
        fields.setdefault("title", f"Risiko {code}")
        fields.setdefault("category", "security")
        with app.app_context():
            risk = risks.create_risk(today, code=code, inherent_likelihood=likelihood,
                                     inherent_impact=impact, **fields)
            db.session.commit()
            return risk.id

    return make_risk
