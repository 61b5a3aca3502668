"""Test fixtures (flaskr's app/client/runner/auth pattern).

Every database test runs on SQLite and on PostgreSQL (LPSE_TEST_DBS=sqlite or
=postgresql narrows it): for each, a database is created for the run, migrated with the
real Alembic migrations (never create_all), and dropped at the end. Tests run on committed
data; after each test every table is emptied, so race tests with several processes
see the same database the app does."""

import os
import re
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from lpse_web import create_app
from lpse_web.extensions import db

POSTGRES_ADMIN_URL = os.environ.get(
    "LPSE_TEST_POSTGRES_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_database():
    name = f"lpse_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop():
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


DATABASES = [d.strip() for d in os.environ.get("LPSE_TEST_DBS", "sqlite,postgresql").split(",")]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the English catalogue as `make translations` does, so a bare pytest run
    tests the same English pages."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).parent.parent / "lpse_web" / "translations" / "en" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, read_po(po))


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    """A migrated, empty database for the whole run."""
    if request.param == "postgresql":
        url, drop = _postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}", lambda: None
    app = create_app(_test_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    drop()


def _test_config(url, instance_path=None):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "lpse.test",
    }


class CSRFClient(FlaskClient):
    """A test client that sends the CSRF token with every POST, as htmx does with
    hx-headers (CTFd's approach). Pass `csrf=False` to leave it out."""

    def csrf_token(self) -> str:
        # (Followed: a kiosk session is sent on to the kiosk form, which has the token too.)
        page = super().get("/kalender-layanan", follow_redirects=True).get_data(as_text=True)
        return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            headers = dict(kwargs.pop("headers", None) or {})
            if "X-CSRFToken" not in headers:
                headers["X-CSRFToken"] = self.csrf_token()
            kwargs["headers"] = headers
        return super().post(*args, **kwargs)


@pytest.fixture
def app_config():
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, app_config, tmp_path):
    config = _test_config(database_url)
    config.update(app_config)
    app = create_app(config)
    app.instance_path = str(tmp_path)
    app.test_client_class = CSRFClient
    with app.app_context():
        from lpse_web.office.defaults import install_defaults

        install_defaults()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables():
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def make_user(app):
    from tests.factories import user_factory

    return user_factory(app)


@pytest.fixture
def login(app):
    from tests.factories import log_in

    return lambda client, user, **kw: log_in(app, client, user, **kw)


@pytest.fixture
def screenshots_dir():
    path = Path(__file__).parent / "e2e" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
