#!/usr/bin/env python
"""Registers benchmark: do the asset and risk register pages keep their SQL statement
counts as the registers grow, and what does the growth cost?

Builds a throw-away database (SQLite, or PostgreSQL with --postgres) with the scale data
set's registers (lpse_web/scale.py steps "assets" and "risks", bulk-inserted) at a small
size (--small-assets 200, --small-risks 50), signs in a user who keeps both registers
(asset manager and risk manager, real password + TOTP sign-in, Flask test client), and
for each page counts the SQL statements and times the request (median of --runs). Then
the same seed functions grow the registers to the large size (--assets 20000, --risks
2000: each row is drawn from its own seed, so the small set is the large set's first
rows) and every page is measured again on the same URLs. Times are given as ratios to
/sehat measured in the same run (the bare framework) and large to small. Usage:

    .venv/bin/python bench/registers.py [--postgres] [--small-assets 200] [--small-risks 50]
                                        [--assets 20000] [--risks 2000] [--runs 7] [--no-record]

The figures go to bench/RESULTS.md (unless --no-record). The exit status is 1 if a page
did not answer 200 or its statement count differs between small and large."""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("LPSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Bench#Register2026!"
SEARCH = "Lenovo"  # in the names of some PCs of every size of the data set


def _database(postgres: bool, tmp: str) -> tuple[str, callable]:
    if not postgres:
        return f"sqlite:///{tmp}/registers-bench.db", lambda: None
    import psycopg

    name = f"lpse_registers_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+psycopg://{base}/{name}", drop


def _grow(assets: int, risks: int, now) -> float:
    """The registers up to these sizes (only the missing rows are added); seconds taken."""
    from lpse_web.audit.recorder import acting_as
    from lpse_web.extensions import db
    from lpse_web.scale import seed_accounts, seed_assets, seed_risks

    started = time.perf_counter()
    with acting_as("bench"):
        seed_accounts(vendors=5, seed=2026, now=now)
        seed_assets(count=assets, seed=2026, now=now)
        seed_risks(count=risks, seed=2026, now=now)
    db.session.commit()
    return time.perf_counter() - started


def _keeper() -> str:
    """A user keeping both registers, with TOTP; returns the secret."""
    import pyotp

    from lpse_web.auth.models import User
    from lpse_web.auth.passwords import hash_password
    from lpse_web.auth.roles import Role
    from lpse_web.database import utcnow
    from lpse_web.extensions import db

    secret = pyotp.random_base32()
    user = User(email="register@bench.test", name="Pengelola Register Bench",
                password_hash=hash_password(PASSWORD), totp_secret=secret, totp_enabled_at=utcnow())
    user.set_roles([Role.ASSET_MANAGER, Role.RISK_MANAGER])
    db.session.add(user)
    db.session.commit()
    return secret


def _subjects() -> dict:
    """The asset and risk the detail pages show, and the heat map cell: chosen on the
    small set (the busiest of each), kept for the large one."""
    from sqlalchemy import func, select

    from lpse_web.assets.models import Asset, Stocktake
    from lpse_web.extensions import db
    from lpse_web.risks.models import CLOSED, Risk, RiskScore, risk_asset

    asset = db.session.scalar(
        select(Asset.id).join(risk_asset, risk_asset.c.asset_id == Asset.id)
        .join(Stocktake, Stocktake.asset_id == Asset.id, isouter=True)
        .group_by(Asset.id).order_by(func.count(func.distinct(risk_asset.c.risk_id)).desc(),
                                     func.count(func.distinct(Stocktake.id)).desc(), Asset.id).limit(1))
    risk = db.session.scalar(select(RiskScore.risk_id).group_by(RiskScore.risk_id)
                             .order_by(func.count().desc(), RiskScore.risk_id).limit(1))
    likelihood, impact = db.session.execute(
        select(Risk.inherent_likelihood, Risk.inherent_impact).where(Risk.status != CLOSED)
        .group_by(Risk.inherent_likelihood, Risk.inherent_impact)
        .order_by(func.count().desc(), Risk.inherent_likelihood, Risk.inherent_impact).limit(1)).one()
    return {"asset": asset, "risk": risk, "cell": (likelihood, impact)}


def _pages(subjects: dict) -> list[tuple[str, str, dict]]:
    """(name, URL, headers), by endpoint name."""
    from flask import url_for

    likelihood, impact = subjects["cell"]
    htmx = {"HX-Request": "true"}
    return [
        ("asset list, page 1", url_for("assets.index"), {}),
        (f"asset list, search “{SEARCH}”", url_for("assets.index", q=SEARCH), {}),
        (f"asset list, search “{SEARCH}” (htmx block)", url_for("assets.index", q=SEARCH), htmx),
        ("asset list, by value", url_for("assets.index", urut="nilai", arah="desc"), {}),
        ("asset alerts", url_for("assets.alert_page"), {}),
        ("asset detail", url_for("assets.detail", asset_id=subjects["asset"]), {}),
        ("risk list, page 1", url_for("risks.index"), {}),
        ("risk detail", url_for("risks.detail", risk_id=subjects["risk"]), {}),
        ("heat map", url_for("risk_heatmap.index"), {}),
        (f"heat map cell {likelihood}×{impact} (htmx)",
         url_for("risk_heatmap.cell", sisi="inherent", k=likelihood, d=impact), htmx),
    ]


def _measure(app, client, url: str, runs: int, headers=None) -> tuple[int, float, int]:
    """(statements, median seconds, status) of GET url."""
    from sqlalchemy import event

    from lpse_web.extensions import db

    with app.app_context():
        engine = db.engine
    counted = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            counted.append(statement)

    client.get(url, headers=headers)  # warm: templates compiled, caches filled
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url, headers=headers)
        response.get_data()  # a streamed body runs its queries while it is read
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers).get_data()
        times.append(time.perf_counter() - started)
    return len(counted), statistics.median(times), response.status_code


def _measure_all(app, client, pages, export_url, runs, export_runs) -> dict:
    found = {name: _measure(app, client, url, runs, headers) for name, url, headers in pages}
    found["export xlsx (every asset)"] = _measure(app, client, export_url, export_runs)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--small-assets", type=int, default=200)
    parser.add_argument("--small-risks", type=int, default=50)
    parser.add_argument("--assets", type=int, default=20_000)
    parser.add_argument("--risks", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="lpse-registers-bench.")
    url, drop = _database(args.postgres, tmp)
    os.environ.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), LPSE_RATELIMIT="0", LPSE_HTTPS="0")
    os.environ.pop("LPSE_NOW", None)
    try:
        import pyotp
        from flask import url_for
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from lpse_web import clock, create_app
        from lpse_web.extensions import db

        app = create_app()
        app.config.update(WTF_CSRF_ENABLED=False)
        with app.app_context():
            upgrade()
            now = clock.now()
            small_seconds = _grow(args.small_assets, args.small_risks, now)
            secret = _keeper()
            subjects = _subjects()
            dialect = db.engine.dialect.name
            version = db.session.scalar(select(func.sqlite_version())) if dialect == "sqlite" else \
                db.session.execute(select(func.current_setting("server_version"))).scalar()
        client = app.test_client()
        client.post("/masuk", data={"email": "register@bench.test", "password": PASSWORD})
        signed = client.post("/masuk/kode", data={"code": pyotp.TOTP(secret).now()})
        if signed.status_code not in (302, 303):
            print(f"sign-in failed: {signed.status_code}", file=sys.stderr)
            return 2
        with app.test_request_context():
            pages = _pages(subjects)
            export_url = url_for("assets.export_xlsx")
        base_statements, base_time, _status = _measure(app, client, "/sehat", args.runs * 3)
        small = _measure_all(app, client, pages, export_url, args.runs, 3)
        with app.app_context():
            large_seconds = _grow(args.assets, args.risks, now)
        large = _measure_all(app, client, pages, export_url, args.runs, 1)

        lines = [f"| `/sehat` (baseline) | {base_statements} | {base_statements} | "
                 f"{base_time * 1000:.2f} | {base_time * 1000:.2f} | 1.00 | 1.00 | — |"]
        failed = []
        for name, (s_n, s_t, s_status) in small.items():
            l_n, l_t, l_status = large[name]
            if s_status != 200 or l_status != 200 or s_n != l_n:
                failed.append(f"{name}: {s_status}/{l_status}, {s_n}/{l_n} statements")
            digits = 0 if name.startswith("export") else 1
            lines.append(f"| {name} | {s_n} | {l_n} | {s_t * 1000:.{digits}f} | {l_t * 1000:.{digits}f} | "
                         f"{s_t / base_time:.0f} | {l_t / base_time:.0f} | {l_t / s_t:.2f} |")
        sizes = (f"{args.small_assets:,} assets / {args.small_risks:,} risks",
                 f"{args.assets:,} assets / {args.risks:,} risks")
        header = (f"## Registers, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {dialect} {version}\n\n"
                  f"`bench/registers.py{' --postgres' if args.postgres else ''}`: small = {sizes[0]} "
                  f"(seeded in {small_seconds:.1f} s), large = {sizes[1]} (grown in {large_seconds:.1f} s; "
                  f"scale data: every class, assignments, stock opnames, alerts, 1-3 assets per risk, "
                  f"reviews and score history); median of {args.runs} requests (the export: 3 small, "
                  f"1 large), in-process (Flask test client, signed-in asset and risk manager). "
                  f"Load average before the run {' '.join(f'{n:.2f}' for n in load_before)}, after "
                  f"{' '.join(f'{n:.2f}' for n in os.getloadavg())} ({os.cpu_count()} CPUs).\n\n"
                  f"| page | SQL, small | SQL, large | ms, small | ms, large | × /sehat, small | "
                  f"× /sehat, large | large ÷ small |\n|---|---|---|---|---|---|---|---|\n")
        table = header + "\n".join(lines) + "\n"
        print(table)
        if failed:
            print("a page did not answer 200, or its statement count grew with the registers:\n  "
                  + "\n  ".join(failed), file=sys.stderr)
        if not args.no_record:
            with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results:
                results.write("\n" + table)
        return 1 if failed else 0
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
