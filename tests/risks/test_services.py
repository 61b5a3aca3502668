"""The risk register's rules (lpse_web/risks/services.py), called directly on committed
data: scoring under the default and a custom methodology, review dates per level,
reviews, overdue flags, the database's checks, rescoring, the heat map's counts, codes
and the audit trail. Expected numbers are worked out by hand in the test or counted
with plain SQL; the pure methodology rules are tests/risks/test_methodology.py's."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from lpse_web.assets import services as assets
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.risks import services
from lpse_web.risks.models import Methodology, Risk, RiskAction, RiskReview, RiskScore
from lpse_web.risks.services import DuplicateCodeError, RiskRuleError

TODAY = date(2026, 12, 1)
YESTERDAY = TODAY - timedelta(days=1)

# The custom methodology: 4 × 4, bands Rendah 1-3, Sedang 4-7, Tinggi 8-11, Kritis 12-16.
CUSTOM_LEVELS = [
    {"name": "Rendah", "min_score": 1, "colour": "green", "review_days": 200},
    {"name": "Sedang", "min_score": 4, "colour": "yellow", "review_days": 100},
    {"name": "Tinggi", "min_score": 8, "colour": "orange", "review_days": 50},
    {"name": "Kritis", "min_score": 12, "colour": "red", "review_days": 14},
]
CUSTOM_LIKELIHOOD = ["Jarang", "Mungkin", "Sering", "Hampir pasti"]
CUSTOM_IMPACT = ["Kecil", "Sedang", "Besar", "Parah"]


def fresh(risk_or_id) -> Risk:
    """The row as the database holds it now (not the session's copy)."""
    risk_id = getattr(risk_or_id, "id", risk_or_id)
    return db.session.scalar(select(Risk).where(Risk.id == risk_id).execution_options(populate_existing=True))


def make(code: str = "R-001", likelihood: int = 3, impact: int = 3, today: date = TODAY, **fields) -> Risk:
    fields.setdefault("title", f"Risiko {code}")
    fields.setdefault("category", "security")
    risk = services.create_risk(today, code=code, inherent_likelihood=likelihood, inherent_impact=impact,
                                **fields)
    db.session.commit()
    return risk


def count(table: str, where: str = "1 = 1", **params) -> int:
    return db.session.scalar(text(f"SELECT COUNT(*) FROM {table} WHERE {where}"), params)


def custom_methodology(by_id=None) -> Methodology:
    row = services.save_methodology(CUSTOM_LIKELIHOOD, CUSTOM_IMPACT, [dict(b) for b in CUSTOM_LEVELS],
                                    appetite=7, note="Skala 4 × 4 untuk kantor kecil", by_id=by_id)
    db.session.commit()
    return row


def stored_levels(version: int) -> list[str]:
    return [b["name"] for b in db.session.get(Methodology, version).levels]


@contextmanager
def signed_in(app, user_id):
    with app.test_request_context("/risiko/baru", method="POST"):
        login_user(db.session.get(User, user_id))
        yield


# Scoring under the default methodology (5 × 5; Rendah 1-4, Sedang 5-9, Tinggi 10-16,
# Sangat Tinggi 17-25; reviews every 360, 180, 90 and 30 days).

@pytest.mark.parametrize(("likelihood", "impact", "score", "rank", "name", "review_days"), [
    (1, 1, 1, 1, "Rendah", 360),
    (2, 2, 4, 1, "Rendah", 360),
    (1, 4, 4, 1, "Rendah", 360),
    (1, 5, 5, 2, "Sedang", 180),
    (3, 3, 9, 2, "Sedang", 180),
    (2, 5, 10, 3, "Tinggi", 90),
    (4, 4, 16, 3, "Tinggi", 90),
    (4, 5, 20, 4, "Sangat Tinggi", 30),
    (5, 5, 25, 4, "Sangat Tinggi", 30),
])
def test_default_scoring_at_the_band_edges(ctx, make_user, likelihood, impact, score, rank, name,
                                           review_days):
    owner = make_user(Role.RISK_MANAGER).id
    risk = make(likelihood=likelihood, impact=impact, owner_id=owner)
    row = db.session.execute(text(
        "SELECT inherent_score, inherent_level, residual_likelihood, residual_impact, residual_score, "
        "residual_level, methodology_version, owner_id, status FROM risk WHERE id = :id"),
        {"id": risk.id}).one()
    assert tuple(row) == (score, rank, likelihood, impact, score, rank, 1, owner, "open")
    assert stored_levels(1)[rank - 1] == name
    assert fresh(risk).next_review_on == TODAY + timedelta(days=review_days)


def test_the_first_risk_stores_the_default_methodology_as_version_one(ctx):
    assert count("risk_methodology") == 0
    make()
    make("R-002")
    assert count("risk_methodology") == 1
    stored = db.session.get(Methodology, 1)
    assert [b["min_score"] for b in stored.levels] == [1, 5, 10, 17]
    assert [b["review_days"] for b in stored.levels] == [360, 180, 90, 30]
    assert len(stored.likelihood_labels) == len(stored.impact_labels) == 5


@pytest.mark.parametrize(("likelihood", "impact"), [(3, 6), (6, 3), (0, 2), (2, 0), (7, 7)])
def test_an_assessment_outside_the_scales_is_refused_and_nothing_stored(ctx, likelihood, impact):
    with pytest.raises(RiskRuleError) as refused:
        services.create_risk(TODAY, code="R-001", title="Di luar skala", category="security",
                             inherent_likelihood=likelihood, inherent_impact=impact)
    assert refused.value.reason == "outside_scale"
    db.session.rollback()
    assert count("risk") == 0 and count("risk_score") == 0


def test_an_outside_residual_is_refused_too(ctx):
    with pytest.raises(RiskRuleError, match="outside_scale"):
        services.create_risk(TODAY, code="R-001", title="x", category="security", inherent_likelihood=3,
                             inherent_impact=3, residual_likelihood=2, residual_impact=6)
    db.session.rollback()
    assert count("risk") == 0


def test_the_next_review_follows_the_residual_level(ctx):
    risk = make(likelihood=4, impact=5, residual_likelihood=2, residual_impact=2)
    row = fresh(risk)
    assert (row.inherent_score, row.inherent_level, row.residual_score, row.residual_level) == (20, 4, 4, 1)
    assert row.next_review_on == TODAY + timedelta(days=360)


def test_a_risk_created_on_another_day_counts_its_review_from_that_day(ctx):
    assert fresh(make(likelihood=2, impact=5, today=date(2026, 3, 1))).next_review_on == date(2026, 5, 30)


# A custom methodology saved with save_methodology.

def test_a_saved_methodology_is_a_new_version_and_new_risks_are_scored_under_it(ctx, make_user):
    manager = make_user(Role.RISK_MANAGER).id
    old = make("R-OLD", 4, 4)  # under version 1: 16 Tinggi
    row = custom_methodology(by_id=manager)
    assert (row.version, row.appetite, row.created_by_id, row.note) == (2, 7, manager,
                                                                         "Skala 4 × 4 untuk kantor kecil")
    assert count("risk_methodology") == 2
    assert db.session.get(Methodology, 2).levels == CUSTOM_LEVELS
    assert db.session.get(Methodology, 2).likelihood_labels == CUSTOM_LIKELIHOOD
    # (likelihood, impact) -> (score, rank, review days), by hand from the bands above.
    cases = {(1, 3): (3, 1, 200), (2, 2): (4, 2, 100), (1, 4): (4, 2, 100), (2, 3): (6, 2, 100),
             (2, 4): (8, 3, 50), (3, 3): (9, 3, 50), (4, 3): (12, 4, 14), (4, 4): (16, 4, 14)}
    for n, ((likelihood, impact), (score, rank, days)) in enumerate(cases.items()):
        risk = fresh(make(f"R-{n:03d}", likelihood, impact))
        assert (risk.inherent_score, risk.inherent_level, risk.residual_level, risk.methodology_version) == (
            score, rank, rank, 2), (likelihood, impact)
        assert risk.next_review_on == TODAY + timedelta(days=days), (likelihood, impact)
    # The old risk stays as it was scored until rescored.
    assert (fresh(old).inherent_level, fresh(old).methodology_version) == (3, 1)


@pytest.mark.parametrize(("likelihood", "impact"), [(5, 1), (1, 5), (5, 5)])
def test_a_custom_scale_refuses_what_the_default_allowed(ctx, likelihood, impact):
    custom_methodology()
    with pytest.raises(RiskRuleError, match="outside_scale"):
        make(likelihood=likelihood, impact=impact)
    db.session.rollback()
    assert count("risk") == 0


def test_an_invalid_methodology_is_refused_and_no_version_stored(ctx):
    levels = [dict(b) for b in CUSTOM_LEVELS]
    levels[0]["min_score"] = 2
    with pytest.raises(RiskRuleError):
        services.save_methodology(CUSTOM_LIKELIHOOD, CUSTOM_IMPACT, levels, 7, "", None)
    db.session.rollback()
    assert count("risk_methodology") == 0
    make()
    assert fresh(make("R-002", 2, 5)).inherent_level == 3  # still the default


# Reviews

def test_a_review_records_what_changed_and_sets_the_next_review(ctx, make_user):
    reviewer = make_user(Role.RISK_MANAGER).id
    risk = make(likelihood=4, impact=5)  # 20 Sangat Tinggi: review by 31 Dec
    day = date(2026, 12, 20)
    entry = services.review(risk, day, reviewer, note=" Kontrol baru terpasang ", residual_likelihood=2,
                            residual_impact=3, status="in_treatment", treatment="mitigate")
    db.session.commit()
    row = fresh(risk)
    assert (row.residual_score, row.residual_level, row.inherent_score) == (6, 2, 20)
    assert row.last_reviewed_on == day
    assert row.next_review_on == day + timedelta(days=180)  # Sedang
    stored = db.session.scalar(select(RiskReview).execution_options(populate_existing=True))
    assert (stored.reviewer_id, stored.reviewed_on, stored.note, stored.next_review_on) == (
        reviewer, day, "Kontrol baru terpasang", date(2027, 6, 18))
    assert stored.changes == {
        "residual_likelihood": [4, 2], "residual_impact": [5, 3], "residual_score": [20, 6],
        "status": ["open", "in_treatment"], "treatment": [None, "mitigate"],
        "next_review_on": ["2026-12-31", "2027-06-18"]}
    assert entry.id == stored.id


def test_a_review_that_changes_nothing_but_the_date_records_only_that(ctx):
    risk = make(likelihood=2, impact=2)  # Rendah: review 26 Nov 2027
    services.review(risk, date(2027, 1, 10), None)
    db.session.commit()
    assert db.session.scalar(select(RiskReview.changes)) == {"next_review_on": ["2027-11-26", "2028-01-05"]}
    services.review(risk, date(2027, 1, 10), None, note="Dicek lagi")
    db.session.commit()
    changes = db.session.scalars(select(RiskReview.changes).order_by(RiskReview.id)).all()
    assert changes[1] == {}


def test_a_review_that_raises_the_residual_shortens_the_interval(ctx):
    risk = make(likelihood=1, impact=2)
    services.review(risk, date(2027, 2, 1), None, inherent_likelihood=5, inherent_impact=4,
                    residual_likelihood=5, residual_impact=4)
    db.session.commit()
    assert fresh(risk).residual_level == 4
    assert fresh(risk).next_review_on == date(2027, 3, 3)  # 1 Feb + 30 days


def test_a_residual_above_the_inherent_is_refused(ctx):
    risk = make(likelihood=2, impact=2)  # 4
    with pytest.raises(services.RiskRuleError) as refused:
        services.review(risk, date(2027, 2, 1), None, residual_likelihood=3, residual_impact=2)  # 6
    assert refused.value.reason == "residual_above_inherent"
    db.session.rollback()
    assert fresh(risk).residual_score == 4


def test_a_review_closing_the_risk_sets_its_closing_day(ctx):
    risk = make()
    services.review(risk, date(2027, 1, 5), None, status="closed")
    db.session.commit()
    row = fresh(risk)
    assert (row.status, row.closed_on) == ("closed", date(2027, 1, 5))


def test_a_review_accepting_without_the_accept_treatment_is_refused(ctx):
    risk = make()
    with pytest.raises(RiskRuleError, match="accepted_needs_accept"):
        services.review(risk, TODAY, None, status="accepted", treatment="mitigate")
    db.session.rollback()
    assert count("risk_review") == 0 and fresh(risk).status == "open"
    services.review(risk, TODAY, None, status="accepted", treatment="accept")
    db.session.commit()
    assert (fresh(risk).status, fresh(risk).treatment) == ("accepted", "accept")


def test_accepted_status_needs_the_accept_treatment_on_create_and_update(ctx):
    with pytest.raises(RiskRuleError, match="accepted_needs_accept"):
        services.create_risk(TODAY, code="R-001", title="x", category="security", inherent_likelihood=1,
                             inherent_impact=1, status="accepted")
    db.session.rollback()
    risk = make(treatment="accept", status="accepted")
    with pytest.raises(RiskRuleError):
        services.update_risk(risk, TODAY, treatment="transfer")
    db.session.rollback()
    assert fresh(risk).treatment == "accept"


# Overdue flags

def test_a_review_is_overdue_the_day_after_it_falls_due_and_never_once_closed(ctx):
    due_yesterday = make("R-001", 4, 5, today=TODAY - timedelta(days=31))  # 30-day interval
    due_today = make("R-002", 4, 5, today=TODAY - timedelta(days=30))
    closed = make("R-003", 4, 5, today=TODAY - timedelta(days=100), status="closed")
    assert fresh(due_yesterday).next_review_on == YESTERDAY and fresh(due_today).next_review_on == TODAY
    assert services.is_review_overdue(fresh(due_yesterday), TODAY)
    assert not services.is_review_overdue(fresh(due_today), TODAY)
    assert services.is_review_overdue(fresh(due_today), TODAY + timedelta(days=1))
    assert not services.is_review_overdue(fresh(closed), TODAY)
    assert fresh(closed).closed_on == TODAY - timedelta(days=100)
    # A review clears the flag.
    services.review(due_yesterday, TODAY, None)
    db.session.commit()
    assert not services.is_review_overdue(fresh(due_yesterday), TODAY)


def test_an_action_is_overdue_the_day_after_its_due_date_while_not_done(ctx, make_user):
    owner = make_user(Role.HELPDESK).id
    risk = make()
    late = services.add_action(risk, "  Pasang UPS cadangan ", owner, YESTERDAY, note=" segera ")
    due = services.add_action(risk, "Uji pemulihan backup", None, TODAY)
    db.session.commit()
    assert (late.title, late.note, late.owner_id) == ("Pasang UPS cadangan", "segera", owner)
    assert services.is_action_overdue(late, TODAY) and not services.is_action_overdue(due, TODAY)
    services.complete_action(late, TODAY)
    db.session.commit()
    assert db.session.get(RiskAction, late.id).done_on == TODAY
    assert not services.is_action_overdue(late, TODAY)
    services.complete_action(late, None)  # opened again
    db.session.commit()
    assert services.is_action_overdue(late, TODAY)
    assert [a.title for a in fresh(risk).actions] == ["Pasang UPS cadangan", "Uji pemulihan backup"]


# The database's checks

@pytest.mark.parametrize("assignment", [
    "inherent_score = 10", "residual_score = 1", "inherent_likelihood = 4",
    "residual_impact = 8, residual_score = 24",  # the product holds, the scale does not
])
def test_the_database_holds_the_score_to_likelihood_times_impact(ctx, assignment):
    risk = make(likelihood=3, impact=3)
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE risk SET {assignment} WHERE id = :id"), {"id": risk.id})
    db.session.rollback()
    assert count("risk", "inherent_score = 9 AND residual_score = 9") == 1


@pytest.mark.parametrize("treatment", ["'mitigate'", "NULL"])
def test_the_database_refuses_accepted_without_the_accept_treatment(ctx, treatment):
    risk = make(treatment="mitigate")
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE risk SET status = 'accepted', treatment = {treatment} "
                                "WHERE id = :id"), {"id": risk.id})
    db.session.rollback()
    assert count("risk", "status = 'open'") == 1


# Editing and the score history

def test_changing_the_assessment_rescores_and_writes_history_a_description_does_not(ctx):
    risk = make(likelihood=2, impact=2)
    services.update_risk(risk, TODAY, title="  Judul baru ", description="Deskripsi")
    db.session.commit()
    assert count("risk_score") == 1
    services.update_risk(risk, TODAY, residual_likelihood=1, residual_impact=3)
    db.session.commit()
    row = fresh(risk)
    assert (row.title, row.residual_score, row.residual_level) == ("Judul baru", 3, 1)
    history = [(s.reason, s.residual_score) for s in services.score_history(risk)]
    assert history == [("created", 4), ("edited", 3)]


def test_an_edited_assessment_moves_the_risk_to_the_methodology_in_force(ctx):
    risk = make(likelihood=3, impact=3)
    custom_methodology()
    services.update_risk(risk, TODAY, inherent_likelihood=2)
    db.session.commit()
    row = fresh(risk)
    assert (row.methodology_version, row.inherent_score, row.inherent_level) == (2, 6, 2)  # Sedang 4-7
    assert (row.residual_score, row.residual_level) == (6, 2)  # untreated: follows the inherent


def test_closing_sets_the_day_and_reopening_clears_it(ctx):
    risk = make()
    services.update_risk(risk, date(2026, 12, 5), status="closed")
    db.session.commit()
    assert fresh(risk).closed_on == date(2026, 12, 5)
    services.update_risk(risk, date(2026, 12, 6), status="open")
    db.session.commit()
    assert fresh(risk).closed_on is None


# Rescoring after a methodology change

def created_day(risk) -> date:
    """The office's day the risk was stored on (created_at is the real clock's, in UTC: from
    16.00 UTC on it is already the next day in WITA, as the rescoring counts it)."""
    return load_calendar().local_day(db.session.scalar(select(Risk.created_at).where(Risk.id == risk.id)))


def test_rescore_moves_the_risks_that_fit_and_leaves_the_others(ctx, make_user):
    manager = make_user(Role.RISK_MANAGER).id
    low = make("R-001", 2, 2)  # default 4 Rendah -> custom 4 Sedang (100 days)
    high = make("R-002", 4, 4)  # 16 Tinggi -> 16 Kritis (14 days)
    reviewed = make("R-003", 3, 1)  # 3 Rendah -> 3 Rendah (200 days from the review)
    services.review(reviewed, date(2026, 12, 10), None)
    db.session.commit()
    off_scale = make("R-004", 5, 2)  # likelihood 5 is outside 4 × 4
    off_residual = make("R-005", 4, 4, residual_likelihood=1, residual_impact=5)
    closed = make("R-006", 3, 3, status="closed")
    custom_methodology()

    moved, unfit = services.rescore(date(2026, 12, 15), manager)
    db.session.commit()
    assert [r.code for r in moved] == ["R-001", "R-002", "R-003"]
    assert [r.code for r in unfit] == ["R-004", "R-005"]

    expected = {low.id: (4, 2, 4, 2, 100, created_day(low)), high.id: (16, 4, 16, 4, 14, created_day(high)),
                reviewed.id: (3, 1, 3, 1, 200, date(2026, 12, 10))}
    for risk_id, (score, level, res_score, res_level, days, since) in expected.items():
        row = fresh(risk_id)
        assert (row.methodology_version, row.inherent_score, row.inherent_level, row.residual_score,
                row.residual_level) == (2, score, level, res_score, res_level), row.code
        assert row.next_review_on == since + timedelta(days=days), row.code
    for untouched in (off_scale, off_residual, closed):
        assert fresh(untouched).methodology_version == 1
    assert count("risk_score", "reason = 'rescored'") == 3
    assert count("risk_score", "reason = 'rescored' AND methodology_version = 2") == 3
    assert db.session.scalars(select(RiskScore.risk_id).where(RiskScore.reason == "rescored")
                              .order_by(RiskScore.risk_id)).all() == sorted(expected)
    version = db.session.get(Methodology, 2)
    assert version.rescored_at is not None and version.rescored_by_id == manager
    assert db.session.get(Methodology, 1).rescored_at is None

    # Again: nothing more to move, the unfit are still named.
    moved, unfit = services.rescore(date(2026, 12, 16), manager)
    assert moved == [] and [r.code for r in unfit] == ["R-004", "R-005"]


# The heat map

MIX = [  # (inherent L, I, residual L, I, status)
    (5, 5, 2, 2, "in_treatment"), (5, 5, 5, 5, "open"), (5, 5, 3, 3, "closed"), (4, 4, 2, 2, "open"),
    (4, 4, 4, 4, "open"), (1, 1, 1, 1, "open"), (1, 1, 1, 1, "closed"), (3, 2, 1, 2, "open"),
    (3, 2, 1, 2, "in_treatment"), (2, 3, 2, 3, "open"), (5, 1, 1, 1, "closed"), (1, 5, 1, 5, "open"),
    (3, 3, 2, 2, "accepted"), (4, 5, 2, 2, "open"), (5, 4, 2, 2, "in_treatment"),
]


def grouped(which: str, include_closed: bool) -> dict:
    where = "" if include_closed else "WHERE status <> 'closed'"
    rows = db.session.execute(text(f"SELECT {which}_likelihood, {which}_impact, COUNT(*) FROM risk {where} "
                                   f"GROUP BY {which}_likelihood, {which}_impact"))
    return {(int(lk), int(im)): int(n) for lk, im, n in rows}


def test_heat_map_counts_equal_a_direct_grouped_count(ctx):
    for n, (il, ii, rl, ri, status) in enumerate(MIX):
        make(f"R-{n:03d}", il, ii, residual_likelihood=rl, residual_impact=ri, status=status,
             treatment="accept" if status == "accepted" else None)
    for which in ("inherent", "residual"):
        for include_closed in (False, True):
            assert services.heat_map_counts(which, include_closed) == grouped(which, include_closed)
    # And by hand, a few cells: closed risks left out unless asked for.
    inherent, residual = services.heat_map_counts("inherent"), services.heat_map_counts("residual")
    assert inherent[(5, 5)] == 2 and inherent[(1, 1)] == 1 and (5, 1) not in inherent
    assert residual[(2, 2)] == 5 and residual[(1, 2)] == 2 and residual.get((3, 3)) is None
    assert services.heat_map_counts("inherent", include_closed=True)[(5, 5)] == 3
    assert sum(inherent.values()) == sum(residual.values()) == 12
    assert sum(services.heat_map_counts("residual", include_closed=True).values()) == 15
    # The cell lists the same risks.
    assert [r.code for r in db.session.scalars(services.cell_query("residual", 2, 2))] == [
        "R-000", "R-003", "R-012", "R-013", "R-014"]
    closed_too = services.cell_query("inherent", 5, 5, include_closed=True)
    assert [r.code for r in db.session.scalars(closed_too)] == ["R-000", "R-001", "R-002"]


def test_an_empty_heat_map(ctx):
    assert services.heat_map_counts("inherent") == {} == services.heat_map_counts("residual")


# Codes

def test_suggest_code_is_one_past_the_highest_r_number(ctx):
    assert services.suggest_code() == "R-001"
    make("r-001")
    assert services.suggest_code() == "R-002"
    for code in ("R-007", "X-100", "R-ABC", "R-12A", "OPS-003"):
        make(code)
    assert services.suggest_code() == "R-008"
    make("R-0099")
    assert services.suggest_code() == "R-100"


def test_a_duplicate_code_is_refused_after_normalisation_and_the_session_goes_on(ctx):
    make("R-001")
    with pytest.raises(DuplicateCodeError) as refused:
        services.create_risk(TODAY, code=" r-0 01", title="Lagi", category="security", inherent_likelihood=1,
                             inherent_impact=1)
    assert refused.value.code == "R-001"
    db.session.commit()
    assert count("risk") == 1 and count("risk", "title = 'Lagi'") == 0 and count("risk_score") == 1
    make("R-002")
    assert count("risk") == 2


def test_an_empty_code_is_refused_by_the_database_not_reported_as_taken(ctx):
    with pytest.raises(IntegrityError):
        services.create_risk(TODAY, code="  ", title="Tanpa kode", category="security", inherent_likelihood=1,
                             inherent_impact=1)
    db.session.rollback()
    assert count("risk") == 0


def test_changing_to_a_taken_code_is_refused(ctx):
    make("R-001")
    other = make("R-002")
    with pytest.raises(DuplicateCodeError) as refused:
        services.update_risk(other, TODAY, code="r-001")
    assert refused.value.code == "R-001"
    db.session.commit()
    assert fresh(other).code == "R-002"
    assert services.code_taken("r-002") and not services.code_taken("r-002", except_id=other.id)


# The audit trail

def _audit(table: str, record_id) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == table,
                                                            AuditEntry.record_id == str(record_id))
                                   .order_by(AuditEntry.id)))


def test_every_change_of_a_risk_is_audited_with_its_actor_and_its_assets_by_tag(app, ctx, make_user):
    manager = make_user(Role.RISK_MANAGER)
    server, backup, link = (assets.create_asset(TODAY, tag=tag, name=tag, asset_class="hardware")
                            for tag in ("SRV-01", "NAS-01", "ISP-01"))
    db.session.commit()
    with signed_in(app, manager.id):
        risk = services.create_risk(TODAY, code="R-001", title="Server mati", category="continuity",
                                    inherent_likelihood=3, inherent_impact=4, owner_id=manager.id,
                                    asset_ids=[server.id, backup.id])
        db.session.commit()
        services.update_risk(risk, TODAY, asset_ids=[backup.id, link.id], title="Server SPSE mati")
        db.session.commit()
        services.review(risk, TODAY + timedelta(days=3), manager.id, residual_likelihood=1)
        db.session.commit()
        services.add_action(risk, "Server cadangan", manager.id, TODAY + timedelta(days=30))
        db.session.commit()

    entries = _audit("risk", risk.id)
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert {(e.actor_id, e.actor_name) for e in entries} == {(manager.id, manager.email)}
    assert entries[0].after["code"] == "R-001" and entries[0].after["assets"] == ["NAS-01", "SRV-01"]
    assert entries[0].after["inherent_score"] == 12
    assert entries[1].before == {"title": "Server mati", "assets": ["NAS-01", "SRV-01"]}
    assert entries[1].after == {"title": "Server SPSE mati", "assets": ["ISP-01", "NAS-01"]}
    assert entries[2].after["residual_score"] == 4 and entries[2].before["residual_score"] == 12
    assert [r.tag for r in fresh(risk).assets] == ["ISP-01", "NAS-01"]
    (review_entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "risk_review"))
    (action_entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "risk_action"))
    assert review_entry.actor_name == action_entry.actor_name == manager.email
    # From an asset, its risks (the backref).
    assert [r.code for r in db.session.get(type(link), link.id).risks] == ["R-001"]


def test_a_saved_methodology_is_audited(app, ctx, make_user):
    manager = make_user(Role.RISK_MANAGER)
    with signed_in(app, manager.id):
        custom_methodology(by_id=manager.id)
    entries = _audit("risk_methodology", 2)
    assert [(e.action, e.actor_name) for e in entries] == [("create", manager.email)]
    assert entries[0].after["levels"] == CUSTOM_LEVELS


def test_removing_every_asset_is_audited(ctx):
    server = assets.create_asset(TODAY, tag="SRV-01", name="Server", asset_class="hardware")
    db.session.commit()
    risk = make(asset_ids=[server.id])
    services.update_risk(risk, TODAY, asset_ids=[])
    db.session.commit()
    last = _audit("risk", risk.id)[-1]
    assert (last.action, last.before, last.after) == ("update", {"assets": ["SRV-01"]}, {"assets": []})
    assert count("risk_asset") == 0
    assert db.session.scalar(select(func.count()).select_from(Risk)) == 1
