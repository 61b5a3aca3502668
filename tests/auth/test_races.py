"""Races between real processes: a TOTP code and a recovery code are accepted once,
however many sign-ins present them at the same moment (SQLite and PostgreSQL)."""

import pyotp
import pytest
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.racing import race

pytestmark = pytest.mark.race
RACERS = 8


def _racer(database_url, user_id, code, use_recovery, barrier, results):
    from lpse_web import create_app
    from lpse_web.auth import totp
    from tests.conftest import _test_config

    app = create_app(_test_config(database_url))
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.commit()  # end the set-up read: on SQLite it holds the write lock
        barrier.wait(timeout=30)
        try:
            ok = totp.use_recovery_code(user, code) if use_recovery else totp.accept_code(user, code)
            db.session.commit()
        except Exception as error:  # a lock time-out would show here, and fail the test
            db.session.rollback()
            ok = f"error: {error}"
        results.put(ok)
        db.engine.dispose()


def _race(database_url, user_id, code, use_recovery):
    return race(_racer, [(database_url, user_id, code, use_recovery)] * RACERS, timeout=60)


def test_one_totp_code_is_accepted_once(app, database_url, make_user):
    staff = make_user(Role.VERIFIKATOR)
    code = pyotp.TOTP(staff.totp_secret).now()
    outcomes = _race(database_url, staff.id, code, use_recovery=False)
    assert sorted(outcomes, key=str) == [False] * (RACERS - 1) + [True]


def test_one_recovery_code_is_accepted_once(app, database_url, make_user):
    from lpse_web.auth import totp

    staff = make_user(Role.ADMIN)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.id == staff.id))
        code = totp.new_recovery_codes(user)[0]
        db.session.commit()
    outcomes = _race(database_url, staff.id, code, use_recovery=True)
    assert sorted(outcomes, key=str) == [False] * (RACERS - 1) + [True]
