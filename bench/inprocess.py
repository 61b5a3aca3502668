"""What the in-process benchmarks share (bench/survey_report.py, bench/registers.py):
a throw-away database, the app on it, a signed-in staff member, the statement count and
median time of a page, and the Markdown rows they write to bench/RESULTS.md.

The app runs in this process (Flask test client, CSRF off, rate limits off); statements
are counted with a SQLAlchemy `before_cursor_execute` listener, leaving out transaction
control (`BEGIN`, `SAVEPOINT`/`RELEASE`) and SQLite's `PRAGMA`s, as bench/pages.py and
tests/factories.py `counted_queries` do. Times are medians, given as multiples of
`/sehat` measured in the same run (the bare framework). bench/README.md says more."""

import os
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("LPSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NOT_COUNTED = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")
RESULTS = ROOT / "bench" / "RESULTS.md"


def database(postgres: bool, tmp: str, name: str) -> tuple[str, callable]:
    """The URL of an empty database and what drops it: `{tmp}/{name}.db` (SQLite), or the
    PostgreSQL database `lpse_{name}_<pid>` (dashes as underscores) on $LPSE_BENCH_PG."""
    if not postgres:
        return f"sqlite:///{tmp}/{name}.db", lambda: None
    import psycopg

    name = f"lpse_{name.replace('-', '_')}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+psycopg://{base}/{name}", drop


def use_database(url: str) -> None:
    """The environment the app is created with: this database, a random secret key, no
    rate limits, plain http, the real clock."""
    os.environ.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), LPSE_RATELIMIT="0", LPSE_HTTPS="0")
    os.environ.pop("LPSE_NOW", None)


def create_app():
    """The app on the database of `use_database`, forms without CSRF tokens."""
    from lpse_web import create_app

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False)
    return app


@contextmanager
def migrated_app(postgres: bool, name: str):
    """The app (`create_app`) on a throw-away database (`database`, in a new temporary
    folder `lpse-{name}.*`), migrated to the head; the database is dropped on leaving,
    failure and Ctrl-C included."""
    tmp = tempfile.mkdtemp(prefix=f"lpse-{name}.")
    url, drop = database(postgres, tmp, name)
    use_database(url)
    try:
        from flask_migrate import upgrade

        app = create_app()
        with app.app_context():
            upgrade()
        yield app
    finally:
        drop()


def server_version() -> tuple[str, str]:
    """(dialect, version) of the database the app uses; call in an app context."""
    from sqlalchemy import func, select

    from lpse_web.extensions import db

    dialect = db.engine.dialect.name
    version = db.session.scalar(select(func.sqlite_version())) if dialect == "sqlite" else \
        db.session.execute(select(func.current_setting("server_version"))).scalar()
    return dialect, version


def staff_user(email: str, name: str, password: str, roles):
    """A staff member with these roles and TOTP enrolled, added to the session (the
    caller commits); returns the TOTP secret."""
    import pyotp

    from lpse_web.auth.models import User
    from lpse_web.auth.passwords import hash_password
    from lpse_web.database import utcnow
    from lpse_web.extensions import db

    secret = pyotp.random_base32()
    user = User(email=email, name=name, password_hash=hash_password(password), totp_secret=secret,
                totp_enabled_at=utcnow())
    user.set_roles(roles)
    db.session.add(user)
    return secret


def sign_in(client, email: str, password: str, secret: str) -> bool:
    """The real sign-in, password then TOTP code; False (and why, on stderr) if refused."""
    import pyotp

    client.post("/masuk", data={"email": email, "password": password})
    signed = client.post("/masuk/kode", data={"code": pyotp.TOTP(secret).now()})
    if signed.status_code not in (302, 303):
        print(f"sign-in failed: {signed.status_code}", file=sys.stderr)
        return False
    return True


def measure(app, client, url: str, runs: int, headers=None) -> tuple[int, float, int]:
    """(statements, median seconds, status) of GET url: one request to warm up (templates
    compiled, caches filled), one counted, then `runs` timed. Each body is read: a
    streamed one runs its queries while it is read."""
    from sqlalchemy import event

    from lpse_web.extensions import db

    with app.app_context():
        engine = db.engine
    counted = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            counted.append(statement)

    client.get(url, headers=headers)
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url, headers=headers)
        response.get_data()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers).get_data()
        times.append(time.perf_counter() - started)
    return len(counted), statistics.median(times), response.status_code


def table_head(small: str, large: str) -> str:
    """The results table's header: statements, ms and × /sehat for each size, then the ratio."""
    return (f"| page | SQL, {small} | SQL, {large} | ms, {small} | ms, {large} | × /sehat, {small} | "
            f"× /sehat, {large} | large ÷ small |\n|---|---|---|---|---|---|---|---|\n")


def baseline_row(statements: int, seconds: float) -> str:
    return (f"| `/sehat` (baseline) | {statements} | {statements} | "
            f"{seconds * 1000:.2f} | {seconds * 1000:.2f} | 1.00 | 1.00 | — |")


def row(name: str, small: tuple, large: tuple, base_seconds: float, digits: int = 1) -> str:
    """A page's row from `measure`'s (statements, seconds, ...) on the small and the large data."""
    (s_n, s_t, *_), (l_n, l_t, *_) = small, large
    return (f"| {name} | {s_n} | {l_n} | {s_t * 1000:.{digits}f} | {l_t * 1000:.{digits}f} | "
            f"{s_t / base_seconds:.0f} | {l_t / base_seconds:.0f} | {l_t / s_t:.2f} |")


def publish(table: str, record: bool) -> None:
    """Print the table; with `record`, append it to bench/RESULTS.md too."""
    print(table)
    if record:
        with open(RESULTS, "a", encoding="utf-8") as results:
            results.write("\n" + table)
