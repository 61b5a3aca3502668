"""Database plumbing shared by every module: UTC timestamps and the SQLite engine settings.

SQLite settings follow RELIABILITY.md: WAL, a busy timeout, foreign keys on, and
write transactions that take the write lock at BEGIN (BEGIN IMMEDIATE) so that a
read-then-write never fails with "database is locked" halfway through.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator

from lpse_web.extensions import db

# How long a writer waits for SQLite's one write lock before the request answers 503.
# 15 s, not 5: a burst of 20 simultaneous reservations on a busy 2-core server queued
# past 5 s (tests/rooms/test_races.py); waiting is better than "try again" for a person,
# and it stays well inside gunicorn's 30-second worker timeout.
SQLITE_BUSY_TIMEOUT_MS = 15000
# Requests with these methods only read: their transactions stay deferred so that
# readers never queue behind the single SQLite writer.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# A moment `utcnow` answers instead of the real time, while seeding history (`replaying`).
_replayed_moment: ContextVar[datetime | None] = ContextVar("replayed_moment", default=None)


def utcnow() -> datetime:
    moment = _replayed_moment.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def replaying(moment: datetime):
    """While inside, `utcnow` (column defaults, the services' own timestamps, the audit
    log's `at`) answers `moment`: history written now reads as written then. For
    seeding demo and scale data only."""
    token = _replayed_moment.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _replayed_moment.reset(token)


def reads_only_from_here(session) -> None:
    """After a refused write in a POST (rolled back), the page drawn next only reads:
    begin its transaction deferred, so that SQLite's write lock is not taken again while
    the page renders and the other writers queued behind it go first."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_immediate": False})


def upsert_insert(table, session):
    """An INSERT that takes ON CONFLICT (DO NOTHING / DO UPDATE), in the dialect of the
    database the session uses: both SQLite and PostgreSQL have it, under their own class."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    Naive datetimes are refused (they are the classic wrong-zone bug). SQLite stores
    one fixed text format, so comparing strings compares times."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _wants_immediate(conn) -> bool:
    option = conn.get_execution_options().get("sqlite_immediate")
    if option is not None:
        return bool(option)
    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    return True  # CLI commands, workers and tests write


# Listeners sit on the Engine class, not on one engine, so they apply to every SQLite
# engine Flask-SQLAlchemy creates, whenever it creates it.
@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate(conn) else "BEGIN")


def init_app(app) -> None:
    """Flask-SQLAlchemy closes the session after each request; closing rolls back, and on a
    connection the database server has just dropped (PostgreSQL shutting down) that raises
    past every error handler: gunicorn's bare 500 instead of the page already made. This
    teardown (registered after Flask-SQLAlchemy's, so it runs first) closes the session
    itself, and drops a session whose connection is gone (SQLAlchemy has invalidated it)."""

    @app.teardown_appcontext
    def _close_session(_error):
        try:
            db.session.remove()
        except SQLAlchemyError as error:
            app.logger.warning("database connection lost at the end of a request: %s", error)
            db.session.registry.clear()
