"""Races on the asset register between real processes over separate connections,
released together by a barrier, on SQLite and on PostgreSQL (tests/racing.py): the same
tag, the same serial, the same asset handed to different people at the same instant.

Each racer is a fresh interpreter that builds the app on the test database's URL,
does the reads the real call does in a deferred transaction that it ENDS before the
barrier (on SQLite a write transaction takes the lock at BEGIN: holding it would make
the others wait, not race), then calls the service and commits. A loser rolls back and
reports what it was told. What the racers were told is compared with the database."""

from datetime import date

import pytest
from sqlalchemy import text

from lpse_web.assets import services
from lpse_web.assets.alerts import settings
from lpse_web.assets.models import Asset
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.racing import race

pytestmark = pytest.mark.race
RACERS = 10
ASSIGNERS = 4  # two are the case; a few more make the instant likelier, and each costs an app
BARRIER_TIMEOUT = 120  # interpreters importing the app on a small machine take a while
TODAY = date(2026, 12, 1)


def _app(database_url):
    from lpse_web import create_app
    from tests.conftest import _test_config

    return create_app(_test_config(database_url))


def _told(error: Exception) -> tuple[str, str]:
    if isinstance(error, services.DuplicateError):
        return "DuplicateError", error.field
    if isinstance(error, services.AssignmentError):
        return "AssignmentError", str(error)
    return type(error).__name__, repr(error)[:300]


def _racer(database_url, index, barrier, results, prepare, act, reported: str):
    """What every racer does: `prepare()` (the real call's reads, in a deferred
    transaction, so no write lock on SQLite) ended before the barrier, then `act()` and
    commit; report (index, "ok", the `reported` attribute of what `act` returned) or
    (index, what it was told)."""
    outcome = (index, "NotRun", "")
    try:
        app = _app(database_url)
        with app.app_context():
            db.session.connection(execution_options={"sqlite_immediate": False})  # deferred
            prepare()
            db.session.remove()
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                done = act()
                db.session.commit()
                outcome = (index, "ok", getattr(done, reported))
            except Exception as error:
                db.session.rollback()
                outcome = (index, *_told(error))
            db.session.remove()
            db.engine.dispose()
    except Exception as error:
        outcome = (index, type(error).__name__, repr(error)[:300])
    results.put(outcome)


def _create_racer(database_url, index, tag, serial, barrier, results):
    """Create an asset; report (index, "ok", id) or (index, error class, the field / the error)."""
    def prepare():
        settings()  # create_asset's own read
        services.tag_taken(tag)  # the form's check, before the race: nothing taken yet

    def act():
        return services.create_asset(TODAY, tag=tag, serial=serial, name=f"Server {index}",
                                     asset_class="hardware")

    _racer(database_url, index, barrier, results, prepare, act, "id")


def _assign_racer(database_url, index, asset_id, user_id, barrier, results):
    """Hand the asset to user_id; report (index, "ok", the holder) or (index, what it was told)."""
    def prepare():
        assert services.open_assignment(db.session.get(Asset, asset_id)) is None

    def act():
        return services.assign(db.session.get(Asset, asset_id), user_id, None, note=f"racer {index}")

    _racer(database_url, index, barrier, results, prepare, act, "user_id")


def _stored(sql: str):
    return [tuple(row) for row in db.session.execute(text(sql))]


def _winner_and_losers(outcomes):
    winners = [(index, detail) for index, result, detail in outcomes if result == "ok"]
    losers = [(result, detail) for _, result, detail in outcomes if result != "ok"]
    return winners, losers


def test_ten_creating_the_same_tag_at_once_store_exactly_one(app, database_url):
    spellings = [" srv 01", "SRV01", "srv01", "Srv 01", "S R V 0 1"]
    outcomes = race(_create_racer, [(database_url, i, spellings[i % len(spellings)], f"SN-{i}")
                                    for i in range(RACERS)])
    winners, losers = _winner_and_losers(outcomes)
    assert len(winners) == 1, outcomes
    assert losers == [("DuplicateError", "tag")] * (RACERS - 1), outcomes
    with app.app_context():
        (index, asset_id), = winners
        assert _stored("SELECT id, tag, serial FROM asset") == [(asset_id, "SRV01", f"SN-{index}")]
        assert _stored("SELECT COUNT(*) FROM audit_log WHERE table_name = 'asset'") == [(1,)]


def test_ten_creating_the_same_serial_under_different_tags_store_exactly_one(app, database_url):
    outcomes = race(_create_racer, [(database_url, i, f"PC-{i:02d}", "sn 7788-x" if i % 2 else "SN7788-X")
                                    for i in range(RACERS)])
    winners, losers = _winner_and_losers(outcomes)
    assert len(winners) == 1, outcomes
    assert losers == [("DuplicateError", "serial")] * (RACERS - 1), outcomes
    with app.app_context():
        (index, asset_id), = winners
        assert _stored("SELECT id, tag, serial FROM asset") == [(asset_id, f"PC-{index:02d}", "SN7788-X")]


def test_assigning_one_asset_to_different_people_at_once_leaves_one_open_assignment(app, database_url,
                                                                                   make_user):
    people = [make_user(Role.HELPDESK).id for _ in range(ASSIGNERS)]
    with app.app_context():
        asset_id = services.create_asset(TODAY, tag="LAPTOP-01", name="Laptop", asset_class="hardware").id
        db.session.commit()
    outcomes = race(_assign_racer, [(database_url, i, asset_id, person) for i, person in enumerate(people)])
    winners, losers = _winner_and_losers(outcomes)
    assert len(winners) == 1, outcomes
    assert losers == [("AssignmentError", "assigned")] * (ASSIGNERS - 1), outcomes
    (index, holder), = winners
    assert holder == people[index]
    with app.app_context():
        assert _stored("SELECT user_id, note FROM asset_assignment WHERE returned_at IS NULL") == [
            (holder, f"racer {index}")]
        assert _stored("SELECT COUNT(*) FROM asset_assignment") == [(1,)]
        assert _stored(f"SELECT custodian_id FROM asset WHERE id = {asset_id}") == [(holder,)]
