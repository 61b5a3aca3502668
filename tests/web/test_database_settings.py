"""RELIABILITY.md's SQLite settings really apply to the app's connections, and a
state-changing request holds the write lock from the start of its transaction."""

import sqlite3

import pytest
from flask import request
from sqlalchemy import text

from lpse_web.extensions import db


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite engine settings")
    return database_url.removeprefix("sqlite:///")


def test_pragmas_apply_to_the_app_engine(app, sqlite_only):
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def _other_writer_is_locked_out(path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    finally:
        other.close()


def test_post_request_transaction_begins_immediate(app, sqlite_only):
    with app.test_request_context("/x", method="POST"):
        assert request.method == "POST"
        db.session.execute(text("SELECT 1"))  # opens the transaction
        assert _other_writer_is_locked_out(sqlite_only)
        db.session.rollback()
    assert not _other_writer_is_locked_out(sqlite_only)


def test_get_request_transaction_stays_deferred(app, sqlite_only):
    with app.test_request_context("/x", method="GET"):
        db.session.execute(text("SELECT 1"))
        assert not _other_writer_is_locked_out(sqlite_only)
        db.session.rollback()


def test_foreign_keys_are_enforced(app, sqlite_only):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text("INSERT INTO user_role (user_id, role) VALUES (999999, 'admin')"))
        db.session.rollback()


def test_utc_timestamps_come_back_aware(app):
    from datetime import UTC, datetime, timedelta, timezone

    from lpse_web.office.models import Announcement

    with app.app_context():
        wita = timezone(timedelta(hours=8))
        db.session.add(Announcement(title="t", body="", starts_at=datetime(2026, 11, 23, 8, tzinfo=wita),
                                    ends_at=datetime(2026, 11, 23, 9, tzinfo=wita)))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(db.select(Announcement))
        assert stored.starts_at == datetime(2026, 11, 23, 0, tzinfo=UTC)
        assert stored.starts_at.tzinfo is not None
        with pytest.raises(Exception, match="naive"):
            db.session.add(Announcement(title="n", body="", starts_at=datetime(2026, 1, 1),
                                        ends_at=datetime(2026, 1, 2)))
            db.session.flush()
        db.session.rollback()


def test_proxy_count_makes_the_visitor_address_visible(database_url):
    from lpse_web import create_app
    from tests.conftest import _test_config

    config = _test_config(database_url)
    config["PROXY_COUNT"] = 1
    app = create_app(config)
    seen = {}

    @app.route("/_address")
    def _address():
        seen["address"] = request.remote_addr
        return ""

    from lpse_web.web.access import PUBLIC, allow

    allow(PUBLIC)(app.view_functions["_address"])
    app.test_client().get("/_address", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["address"] == "203.0.113.7"
    with app.app_context():
        db.engine.dispose()


def test_password_check_runs_outside_the_write_lock(app, sqlite_only, make_user):
    from lpse_web.auth import services

    vendor = make_user()
    with app.test_request_context("/masuk", method="POST"):
        assert services.authenticate(vendor.email, "Salah#Sandi2026") is None
        # The slow hash comparison ran after the read ended: other writers were free.
        assert not _other_writer_is_locked_out(sqlite_only)


def test_new_installation_starts_in_the_configured_zone(tmp_path):
    from flask_migrate import upgrade

    from lpse_web import create_app
    from lpse_web.office.models import Office

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "LPSE_TIMEZONE": "Asia/Jayapura"})
    with app.app_context():
        upgrade()
        assert db.session.get(Office, 1).timezone == "Asia/Jayapura"
        db.session.remove()
        db.engine.dispose()
