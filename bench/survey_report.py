#!/usr/bin/env python
"""Survey report benchmark: does the period report scale with its answers?

Builds a throw-away database (SQLite, or PostgreSQL with --postgres) holding two closed
survey periods, one with --small answers (default 600: above the 500 up to which the
print page adds the per-respondent table, so both periods print the same way) and one
with --large (default 50,000), and signs in a manager in-process (Flask test client, real password + TOTP
sign-in). For each survey page, on each period, it counts the SQL statements and times
the request (median of --runs). Times are given as ratios to /sehat measured in the same
run (the bare framework: no database, no template) and large to small, never as a bar
in a test. Usage:

    .venv/bin/python bench/survey_report.py [--postgres] [--small 500] [--large 50000]
                                            [--runs 7] [--no-record]

The figures go to bench/RESULTS.md (unless --no-record). bench/README.md says more."""

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("LPSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Bench#Survei2026!"


def _database(postgres: bool, tmp: str) -> tuple[str, callable]:
    if not postgres:
        return f"sqlite:///{tmp}/survey-bench.db", lambda: None
    import psycopg

    name = f"lpse_survey_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+psycopg://{base}/{name}", drop


def _seed(small: int, large: int):
    """Two closed periods of answers spread over the counter services and the rooms,
    with a suggestion on about one answer in twelve; a manager with TOTP."""
    import pyotp
    from sqlalchemy import insert, select

    from lpse_web.auth.models import User
    from lpse_web.auth.passwords import hash_password
    from lpse_web.auth.roles import Role
    from lpse_web.database import utcnow
    from lpse_web.extensions import db
    from lpse_web.office.defaults import install_defaults
    from lpse_web.office.models import CounterService
    from lpse_web.surveys.catalogue import ROOMS, counter_key
    from lpse_web.surveys.history import _response
    from lpse_web.surveys.models import CLOSED, SurveyPeriod, SurveyResponse, SurveySuggestion, random_key

    install_defaults()
    services = [counter_key(i) for i in db.session.scalars(select(CounterService.id))] + [ROOMS]
    rng = random.Random(2026)
    periods = {}
    for name, count, first in (("small", small, date(2026, 4, 1)), ("large", large, date(2026, 7, 1))):
        period = SurveyPeriod(name=f"Bench {name}", starts_on=first, ends_on=first + timedelta(days=90),
                              status=CLOSED)
        db.session.add(period)
        db.session.flush()
        rows = [_response(rng, period.id, rng.choice(services), first + timedelta(days=rng.randrange(90)),
                          rng.choice(("pagi", "siang")), "tautan") for _ in range(count)]
        for at in range(0, len(rows), 5000):
            db.session.execute(insert(SurveyResponse), rows[at:at + 5000])
        notes = [{"id": random_key(), "period_id": period.id, "service_key": r["service_key"],
                  "answered_on": r["answered_on"], "kind": "saran", "text": "Mohon antrean dipercepat."}
                 for r in rows if rng.random() < 1 / 12]
        for at in range(0, len(notes), 5000):
            db.session.execute(insert(SurveySuggestion), notes[at:at + 5000])
        periods[name] = period.id
    secret = pyotp.random_base32()
    user = User(email="kepala@bench.test", name="Kepala Bench", password_hash=hash_password(PASSWORD),
                totp_secret=secret, totp_enabled_at=utcnow())
    user.set_roles([Role.MANAGER, Role.SURVEY_MANAGER])
    db.session.add(user)
    db.session.commit()
    return periods, secret


def _measure(app, client, url: str, runs: int) -> tuple[int, float, int]:
    """(statements, median seconds, status) of GET url."""
    from sqlalchemy import event

    from lpse_web.extensions import db

    with app.app_context():
        engine = db.engine
    counted = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            counted.append(statement)

    client.get(url)  # warm: templates compiled, caches filled
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    statements = len(counted)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statements, statistics.median(times), response.status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--small", type=int, default=600)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lpse-survey-bench.")
    url, drop = _database(args.postgres, tmp)
    os.environ.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), LPSE_RATELIMIT="0", LPSE_HTTPS="0")
    os.environ.pop("LPSE_NOW", None)
    try:
        import pyotp
        from flask import url_for
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from lpse_web import create_app
        from lpse_web.extensions import db

        app = create_app()
        app.config.update(WTF_CSRF_ENABLED=False)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            periods, secret = _seed(args.small, args.large)
            seeded = time.perf_counter() - started
            dialect = db.engine.dialect.name
            version = db.session.scalar(select(func.sqlite_version())) if dialect == "sqlite" else \
                db.session.execute(select(func.current_setting("server_version"))).scalar()
        client = app.test_client()
        client.post("/masuk", data={"email": "kepala@bench.test", "password": PASSWORD})
        signed = client.post("/masuk/kode", data={"code": pyotp.TOTP(secret).now()})
        if signed.status_code not in (302, 303):
            print(f"sign-in failed: {signed.status_code}", file=sys.stderr)
            return 2
        with app.test_request_context():
            pages = [("report", lambda p: url_for("survey_report.index", periode=p)),
                     ("respondents (page 1)", lambda p: url_for("survey_report.respondents", period_id=p)),
                     ("respondents (last page)", lambda p: url_for("survey_report.respondents", period_id=p,
                                                                   halaman=10**6)),
                     ("print", lambda p: url_for("survey_report.print_report", period_id=p)),
                     ("public results", lambda p: url_for("survey_public.results"))]
            urls = [(name, url(periods["small"]), url(periods["large"])) for name, url in pages]
        base_statements, base_time, _status = _measure(app, client, "/sehat", args.runs * 3)
        lines = [f"| `/sehat` (baseline) | {base_statements} | {base_statements} | "
                 f"{base_time * 1000:.2f} | {base_time * 1000:.2f} | 1.00 | 1.00 | — |"]
        failed = False
        for name, small_url, large_url in urls:
            s_n, s_t, s_status = _measure(app, client, small_url, args.runs)
            l_n, l_t, l_status = _measure(app, client, large_url, args.runs)
            failed |= s_status != 200 or l_status != 200 or s_n != l_n
            lines.append(f"| {name} | {s_n} | {l_n} | {s_t * 1000:.1f} | {l_t * 1000:.1f} | "
                         f"{s_t / base_time:.0f} | {l_t / base_time:.0f} | {l_t / s_t:.2f} |")
        for kind in ("xlsx",):
            with app.test_request_context():
                small_url = url_for("survey_report.export_xlsx", period_id=periods["small"])
                large_url = url_for("survey_report.export_xlsx", period_id=periods["large"])
            s_n, s_t, _s = _measure(app, client, small_url, 3)
            l_n, l_t, _l = _measure(app, client, large_url, 1)
            lines.append(f"| export {kind} (every row) | {s_n} | {l_n} | {s_t * 1000:.0f} | "
                         f"{l_t * 1000:.0f} | "
                         f"{s_t / base_time:.0f} | {l_t / base_time:.0f} | {l_t / s_t:.2f} |")
        header = (f"## Survey report, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {dialect} {version}\n\n"
                  f"`bench/survey_report.py{' --postgres' if args.postgres else ''}`: {args.small:,} and "
                  f"{args.large:,} answers in two periods (seeded in {seeded:.1f} s); median of "
                  f"{args.runs} requests, in-process (Flask test client, signed-in manager).\n\n"
                  f"| page | SQL, {args.small:,} | SQL, {args.large:,} | ms, {args.small:,} | "
                  f"ms, {args.large:,} | × /sehat, {args.small:,} | × /sehat, {args.large:,} | "
                  f"large ÷ small |\n|---|---|---|---|---|---|---|---|\n")
        table = header + "\n".join(lines) + "\n"
        print(table)
        if failed:
            print("a page did not answer 200, or its statement count grew with the answers", file=sys.stderr)
        if not args.no_record:
            with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results:
                results.write("\n" + table)
        return 1 if failed else 0
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
