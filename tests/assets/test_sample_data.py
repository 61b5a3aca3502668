"""The registers' sample data: the demo office's asset and risk registers (`flask
seed-demo`, through the services, audited) and the scale data set's (`flask seed-scale`,
steps "assets" and "risks", bulk-inserted), on a small scale."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from lpse_web import clock
from lpse_web.assets.alerts import alert_counts
from lpse_web.assets.demo_data import DEMO_TAGS, remove_demo_assets
from lpse_web.assets.models import CLASSES, Asset, AssetAssignment, Stocktake
from lpse_web.audit.models import AuditEntry
from lpse_web.audit.recorder import acting_as
from lpse_web.auth.models import User
from lpse_web.demo import DEMO_DOMAIN, seed_demo
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks.alerts import flag_counts
from lpse_web.risks.methodology import stored_current
from lpse_web.risks.models import Risk, RiskAction, RiskReview, RiskScore, risk_asset
from lpse_web.risks.sample_data import DEMO_CODES, remove_demo_risks
from lpse_web.risks.services import heat_map_counts
from lpse_web.scale import SCALE_DOMAIN, seed_accounts, seed_assets, seed_risks

NOW = "2026-11-30T10:00:00+08:00"  # a Monday, mid-morning in Kupang


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _today():
    return load_calendar().local_day(clock.now())


def _seed_demo():
    with acting_as("seed-demo"):
        seed_demo(vendors=3)


def _register_counts() -> dict:
    return {m.__tablename__: _count(m) for m in (Asset, AssetAssignment, Stocktake, Risk, RiskAction,
                                                 RiskReview, RiskScore)}


def test_demo_asset_register_is_believable_and_raises_alerts(ctx):
    _seed_demo()
    assets = db.session.scalars(select(Asset)).all()
    assert len(assets) == len(DEMO_TAGS) >= 60
    assert {a.asset_class for a in assets} == set(CLASSES)
    assert {a.status for a in assets} == {"in_use", "in_stock", "in_repair", "retired"}
    assert sum(a.value is not None for a in assets) > 0.8 * len(assets)
    labels = {a.label for a in assets if a.asset_class == "information"}
    assert {"rahasia", "terbatas", "publik"} <= labels and None not in labels
    assert all(a.owner.email.endswith(f"@{DEMO_DOMAIN}") for a in assets)
    server = db.session.scalar(select(Asset).where(Asset.tag == "LPSE-HW-0001"))
    assert "PowerEdge" in server.name and server.purchase_cost > 100_000_000 and server.serial

    today = _today()
    alerts = alert_counts(today, 30)
    assert alerts.licence >= 2 and alerts.warranty >= 1 and alerts.end_of_life >= 1 and alerts.audit >= 3
    ssl = db.session.scalar(select(Asset).where(Asset.category == "Sertifikat SSL"))
    assert today < ssl.licence_expires <= today + timedelta(days=30)
    expired = db.session.scalars(select(Asset).where(Asset.licence_expires < today)).all()
    assert len(expired) == 1  # one already expired
    # Every asset was looked for; the overdue ones missed this year's stock opname.
    assert _count(Stocktake) > len(assets)
    assert _count(Asset, Asset.next_audit_on < today, Asset.status != "retired") == alerts.audit

    # The loan laptop's history: three loans given back, one open.
    laptop = db.session.scalar(select(Asset).where(Asset.tag == "LPSE-HW-0030"))
    loans = db.session.scalars(select(AssetAssignment).where(AssetAssignment.asset_id == laptop.id)).all()
    assert len(loans) == 4 and sum(a.returned_at is None for a in loans) == 1
    assert laptop.custodian.email == f"ppk@{DEMO_DOMAIN}"
    assert all(a.assigned_at < clock.now() for a in loans)

    # Written through the services: audited, as the asset manager, at the time it happened.
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "asset",
                                                          AuditEntry.record_id == str(server.id))).all()
    assert {e.action for e in entries} == {"create", "update"}
    assert {e.actor_name for e in entries} == {f"aset@{DEMO_DOMAIN}"}
    assert min(e.at for e in entries) < clock.now() - timedelta(days=300)
    assert server.created_at == min(e.at for e in entries)


def test_demo_risk_register_spreads_over_the_heat_map(ctx):
    _seed_demo()
    risks = db.session.scalars(select(Risk)).all()
    assert len(risks) == len(DEMO_CODES) == 25
    scheme = stored_current()
    assert {r.methodology_version for r in risks} == {scheme.version}
    for risk in risks:
        assert risk.assets, risk.code
        assert (risk.residual_score, risk.residual_level) == scheme.assess(risk.residual_likelihood,
                                                                           risk.residual_impact)
    inherent, residual = heat_map_counts("inherent"), heat_map_counts("residual")
    assert len(inherent) >= 8 and len(residual) >= 8 and inherent != residual
    assert len({r.residual_level for r in risks}) == 4 and len({r.inherent_level for r in risks}) >= 3
    assert {r.status for r in risks} == {"open", "in_treatment", "accepted", "closed"}
    assert {r.treatment for r in risks} == {"mitigate", "accept", "transfer", "avoid"}

    scores = dict(db.session.execute(select(RiskScore.risk_id, func.count())
                                     .group_by(RiskScore.risk_id)).all())
    assert min(scores[r.id] for r in risks) >= 2
    assert _count(RiskScore, RiskScore.at < clock.now() - timedelta(days=200)) > 0
    assert _count(RiskReview) >= 20

    flags = flag_counts(_today(), scheme.appetite)
    assert flags.overdue_reviews >= 3 and flags.overdue_actions >= 3 and flags.above_appetite >= 1
    actor = set(db.session.scalars(select(AuditEntry.actor_name).where(AuditEntry.table_name == "risk")))
    assert actor == {f"risiko@{DEMO_DOMAIN}"}


def test_demo_registers_are_written_once_and_can_be_removed(ctx):
    _seed_demo()
    before = _register_counts()
    _seed_demo()
    assert _register_counts() == before
    assert remove_demo_risks() == 25 and remove_demo_assets() == len(DEMO_TAGS)
    assert all(n == 0 for n in _register_counts().values())
    assert db.session.scalar(select(func.count()).select_from(risk_asset)) == 0


# --- scale --------------------------------------------------------------------------------

def _scale(assets=300, risks=40, seed=2026):
    now = clock.now()
    with acting_as("seed-scale"):
        seed_accounts(vendors=3, seed=seed, now=now)
        written = {"assets": seed_assets(count=assets, seed=seed, now=now).rows,
                   "risks": seed_risks(count=risks, seed=seed, now=now).rows}
    db.session.commit()
    return written


def _fingerprint():
    assets = db.session.execute(select(Asset.tag, Asset.name, Asset.status, Asset.purchased_on,
                                       Asset.confidentiality, Asset.next_audit_on)).all()
    risks = db.session.execute(select(Risk.code, Risk.title, Risk.residual_score, Risk.next_review_on)).all()
    return sorted(map(tuple, assets)), sorted(map(tuple, risks)), _count(Stocktake), _count(RiskScore)


def test_scale_registers_have_the_promised_rows(ctx):
    written = _scale()
    assert written["assets"]["staff"] == 3 and written["assets"]["assets"] == _count(Asset) == 300
    assert written["assets"]["stocktakes"] == _count(Stocktake) > 200
    assert written["assets"]["assignments"] == _count(AssetAssignment) > 0
    assert User.by_email(f"aset@{SCALE_DOMAIN}").roles == {"asset_manager"}
    assert User.by_email(f"risiko@{SCALE_DOMAIN}").roles == {"risk_manager"}
    assert set(db.session.scalars(select(Asset.asset_class).distinct())) == set(CLASSES)
    assert set(db.session.scalars(select(Asset.status).distinct())) == {"in_use", "in_stock", "in_repair",
                                                                         "retired"}
    alerts = alert_counts(_today(), 30)
    assert alerts.audit > 0 and alerts.licence > 0 and alerts.total < 300 / 2
    # One open assignment at most per asset, and the custodian is its holder.
    held = dict(db.session.execute(select(AssetAssignment.asset_id, AssetAssignment.user_id)
                                   .where(AssetAssignment.returned_at.is_(None))).all())
    assert held == dict(db.session.execute(select(Asset.id, Asset.custodian_id)
                                           .where(Asset.custodian_id.is_not(None))).all())

    assert written["risks"]["risks"] == _count(Risk) == 40
    assert written["risks"]["links"] == db.session.scalar(select(func.count()).select_from(risk_asset)) >= 40
    scheme = stored_current()
    for risk in db.session.scalars(select(Risk)):
        assert risk.assets and risk.last_reviewed_on is not None
        assert scheme.assess(risk.inherent_likelihood, risk.inherent_impact) == (risk.inherent_score,
                                                                                 risk.inherent_level)
        assert risk.next_review_on == scheme.next_review(risk.last_reviewed_on, risk.residual_level)
    per_risk = db.session.execute(select(func.count()).select_from(RiskScore)
                                  .group_by(RiskScore.risk_id)).all()
    assert len(per_risk) == 40 and min(n for (n,) in per_risk) >= 2
    assert written["risks"]["reviews"] == _count(RiskReview) >= 40
    # Bulk rows are like an import: not in the audit log (the staff accounts are).
    assert _count(AuditEntry, AuditEntry.table_name.in_(("asset", "risk", "asset_stocktake"))) == 0
    assert _count(AuditEntry, AuditEntry.table_name == "user_account") > 0


def test_scale_registers_are_idempotent_and_grow_to_the_same_rows(ctx):
    from tests.conftest import _empty_all_tables

    _scale(assets=200, risks=20)
    again = _scale(assets=200, risks=20)
    assert again == {"assets": {"staff": 0, "assets": 0, "assignments": 0, "stocktakes": 0},
                     "risks": {"staff": 0, "risks": 0, "links": 0, "actions": 0, "reviews": 0, "scores": 0}}
    grown = _scale(assets=260, risks=30)
    assert grown["assets"]["assets"] == 60 and grown["risks"]["risks"] == 10
    rows = _fingerprint()
    db.session.remove()
    _empty_all_tables()
    _scale(assets=260, risks=30)  # the same rows as growing from 200 to 260
    assert _fingerprint() == rows


def test_replaying_sets_the_clock_only_inside(ctx):
    from lpse_web.assets.sample_data import replaying
    from lpse_web.database import utcnow

    then = datetime.fromisoformat("2025-01-02T03:04:05+00:00")
    with replaying(then):
        assert utcnow() == then
    assert utcnow() > then
