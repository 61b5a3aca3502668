"""Races on the risk register between real processes over separate connections,
released together by a barrier, on SQLite and on PostgreSQL (tests/racing.py): the same
risk code created at the same instant, and the first risks of an empty register, which
all store the default methodology as version 1 at once.

Each racer builds the app on the test database's URL, reads what the form reads in a
deferred transaction that it ends before the barrier, then creates its risk and
commits; a loser rolls back and reports what it was told."""

from datetime import date

import pytest
from sqlalchemy import text

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.racing import race

pytestmark = pytest.mark.race
RACERS = 10
BARRIER_TIMEOUT = 120
TODAY = date(2026, 12, 1)


def _create_racer(database_url, index, code, owner_id, barrier, results):
    """Create a risk; report (index, "ok", id) or (index, error class, the code / the error)."""
    outcome = (index, "NotRun", "")
    try:
        from lpse_web import create_app
        from tests.conftest import _test_config

        app = create_app(_test_config(database_url))
        with app.app_context():
            from lpse_web.risks import methodology, services

            db.session.connection(execution_options={"sqlite_immediate": False})  # deferred: no write lock
            methodology.current()
            services.suggest_code()
            services.code_taken(code)
            db.session.remove()
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                risk = services.create_risk(TODAY, code=code, title=f"Risiko {index}", category="security",
                                            inherent_likelihood=4, inherent_impact=5, owner_id=owner_id)
                db.session.commit()
                outcome = (index, "ok", risk.id)
            except services.DuplicateCodeError as error:
                db.session.rollback()
                outcome = (index, "DuplicateCodeError", error.code)
            except Exception as error:
                db.session.rollback()
                outcome = (index, type(error).__name__, repr(error)[:300])
            db.session.remove()
            db.engine.dispose()
    except Exception as error:
        outcome = (index, type(error).__name__, repr(error)[:300])
    results.put(outcome)


def _rows(sql: str):
    return [tuple(row) for row in db.session.execute(text(sql))]


def test_ten_creating_the_same_code_at_once_store_exactly_one(app, database_url, make_user):
    owner = make_user(Role.RISK_MANAGER).id
    spellings = ["R-001", "r-001", " R-001 ", "r - 001"]
    outcomes = race(_create_racer, [(database_url, i, spellings[i % len(spellings)], owner)
                                    for i in range(RACERS)])
    winners = [(index, risk_id) for index, result, risk_id in outcomes if result == "ok"]
    losers = [(result, detail) for _, result, detail in outcomes if result != "ok"]
    assert len(winners) == 1, outcomes
    assert losers == [("DuplicateCodeError", "R-001")] * (RACERS - 1), outcomes
    (index, risk_id), = winners
    with app.app_context():
        assert _rows("SELECT id, code, title, inherent_score, methodology_version FROM risk") == [
            (risk_id, "R-001", f"Risiko {index}", 20, 1)]
        assert _rows("SELECT risk_id, reason FROM risk_score") == [(risk_id, "created")]
        # The empty register's first risks all stored version 1: one row, no error.
        assert _rows("SELECT version FROM risk_methodology") == [(1,)]


def test_the_first_risks_of_an_empty_register_at_once_share_one_version_one(app, database_url, make_user):
    owner = make_user(Role.RISK_MANAGER).id
    outcomes = race(_create_racer, [(database_url, i, f"R-{i + 1:03d}", owner) for i in range(RACERS)])
    assert sorted(result for _, result, _ in outcomes) == ["ok"] * RACERS, outcomes
    with app.app_context():
        assert _rows("SELECT version FROM risk_methodology") == [(1,)]
        assert _rows("SELECT COUNT(*), MIN(methodology_version), MAX(methodology_version) FROM risk") == [
            (RACERS, 1, 1)]
        assert sorted(code for (code,) in _rows("SELECT code FROM risk")) == [
            f"R-{i:03d}" for i in range(1, RACERS + 1)]
