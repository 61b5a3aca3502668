"""Factories return callables with defaults (Indico's style): make_user(role=...)."""

import itertools
from contextlib import contextmanager
from functools import cache

import pyotp
from sqlalchemy import event, update
from werkzeug.security import generate_password_hash

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db

PASSWORD = "Sabana#Sumba2026"
_counter = itertools.count(1)


@cache
def password_hash() -> str:
    # A low-cost scrypt hash keeps test logins fast; verification reads the cost from the
    # hash, so the app's code path is the real one (tests/auth/test_passwords.py checks
    # the production cost).
    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


def user_factory(app):
    def make_user(*roles, email=None, name=None, totp=None, active=True, **fields):
        roles = roles or (Role.VENDOR,)
        n = next(_counter)
        is_staff = any(Role(r) != Role.VENDOR for r in roles)
        with app.app_context():
            user = User(email=email or f"user{n}@example.test", name=name or f"Pengguna {n}",
                        password_hash=password_hash(), active=active, **fields)
            user.set_roles(roles)
            if totp if totp is not None else is_staff:
                user.totp_secret = pyotp.random_base32()
                user.totp_enabled_at = utcnow()
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return make_user


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def log_in(app, client, user, password=PASSWORD):
    """The real sign-in flow: password, then the TOTP code when the account has one."""
    response = client.post("/masuk", data={"email": user.email, "password": password})
    if user.totp_secret:
        with app.app_context():  # a code is good once: let this login use the current one
            db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
            db.session.commit()
        response = client.post("/masuk/kode", data={"code": current_code(user.totp_secret)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return response


@contextmanager
def counted_queries(app):
    """The SQL statements run inside the block (transaction control left out): a page's
    query count, for the tests that it does not grow with the rows shown."""
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
