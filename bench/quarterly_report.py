#!/usr/bin/env python
"""Quarterly report benchmark: the laporan triwulan over two years of a busy office.

Builds a SQLite database with `flask seed-scale --years 2 --counters 20` (over a million
rows across the modules: bookings with outcomes, slots, room reservations, survey
answers and suggestions, assets with stock opnames and assignments, risks with reviews
and score history) or reuses the one a previous run built: it is cached in the
temporary folder under a name that holds the seed's options, the day it was seeded
(its history ends then) and a stamp of the names and sizes of the seeding code and the
migrations, so a change to either builds a new one. With --postgres the data goes into
a throw-away PostgreSQL database instead (not cached). It prints the rows of every table
and their total, signs in the scale manager (kepala@scale.test, password and a TOTP
secret set for this run) in-process with the Flask test client, and for each page
counts the SQL statements and takes the median time of --runs requests:

- the report of a full quarter in the middle of the data (a year ago) and of the
  current quarter (`?tahun=&triwulan=`), and a special report over the previous
  calendar year (`?dari=&sampai=`);
- the XLSX and PDF downloads of the middle quarter, when those routes exist;
- each section's builder alone (lpse_web/reports/*_section.py), for the middle quarter
  and the year, so a slow section shows by name.

Times are also given as multiples of /sehat measured in the same run (the bare
framework). Usage:

    .venv/bin/python bench/quarterly_report.py [--postgres] [--years 2] [--counters 20]
                                               [--runs 5] [--rebuild] [--no-record]

The figures go to bench/RESULTS.md (unless --no-record). The exit status is 1 if a page
did not answer 200 or the database holds fewer than a million rows, 2 if the set-up
failed."""

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import inprocess  # bench/inprocess.py, next to this script

MANAGER = "kepala@scale.test"  # lpse_web/scale.py REGISTER_STAFF: the Kepala LPSE, Role.MANAGER
MILLION = 1_000_000
SEED = 2026
SOURCES = ("lpse_web/scale.py", "lpse_web/counter/history.py", "lpse_web/rooms/history.py",
           "lpse_web/surveys/history.py", "lpse_web/assets/scale_data.py", "lpse_web/risks/sample_data.py")
CACHE = Path(tempfile.gettempdir()) / "lpse-quarterly-bench"


def _stamp() -> str:
    """Names and sizes of the seeding code and the migrations: a change builds a new database."""
    files = [inprocess.ROOT / name for name in SOURCES]
    files += sorted((inprocess.ROOT / "migrations" / "versions").glob("*.py"))
    text = ";".join(f"{f.relative_to(inprocess.ROOT)}:{f.stat().st_size}" for f in files)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _cached_file(years: float, counters: int) -> Path:
    return CACHE / f"quarterly-y{years:g}-c{counters}-s{SEED}-{date.today():%Y%m%d}-{_stamp()}.db"


def _seed(app, years: float, counters: int) -> tuple[float, str]:
    """`flask seed-scale` itself, through the app's CLI runner: (seconds, its report)."""
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["seed-scale", "--years", f"{years:g}", "--counters",
                                                str(counters), "--seed", str(SEED)])
    if result.exit_code != 0:
        raise SystemExit(f"seed-scale failed:\n{result.output}\n{result.exception!r}")
    return time.perf_counter() - started, result.output


def _row_counts() -> dict[str, int]:
    """Rows of every table in the database (alembic's included), by name."""
    from sqlalchemy import inspect, text

    from lpse_web.extensions import db

    names = sorted(inspect(db.engine).get_table_names())
    return {name: db.session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def _manager_secret() -> str:
    """A new TOTP secret for the scale manager (staff cannot sign in without one)."""
    import pyotp
    from sqlalchemy import select

    from lpse_web.auth.models import User
    from lpse_web.database import utcnow
    from lpse_web.extensions import db

    user = db.session.scalar(select(User).where(User.email == MANAGER))
    user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    return user.totp_secret


def _periods(today: date) -> list[tuple[str, object]]:
    """(name, ReportPeriod): a full quarter a year ago, the current one, the previous year."""
    from lpse_web.reports.periods import custom, quarter_of

    middle = quarter_of(today - timedelta(days=365))
    year = today.year - 1
    return [(f"quarter {middle.name} (a year ago)", middle), (f"current quarter {quarter_of(today).name}",
                                                                quarter_of(today)),
            (f"special report, year {year}", custom(date(year, 1, 1), date(year, 12, 31)))]


def _download_rules(app) -> dict[str, str]:
    """The download routes, by kind: {"xlsx": endpoint, "pdf": endpoint}."""
    found = {}
    for rule in app.url_map.iter_rules():
        for kind in ("xlsx", "pdf"):
            if rule.rule.rstrip("/").endswith(f"/laporan/triwulan/unduh.{kind}"):
                found[kind] = rule.endpoint
    return found


def _sections(app, periods, runs: int) -> list[tuple[str, str, int, float]]:
    """(section, period name, statements, median seconds) of each section's builder alone."""
    from sqlalchemy import event

    from lpse_web import clock
    from lpse_web.extensions import db
    from lpse_web.office.services import load_calendar
    from lpse_web.reports.quarterly import BUILDERS

    found = []
    with app.test_request_context():
        calendar, now, engine = load_calendar(), clock.now(), db.engine
        for build in BUILDERS:
            section = build.__module__.rsplit(".", 1)[1].removesuffix("_section")
            for name, period in periods:
                build(period, now, calendar)  # warm-up
                counted = []

                def count(conn, cursor, statement, *args, counted=counted):
                    if not statement.lstrip().upper().startswith(inprocess.NOT_COUNTED):
                        counted.append(statement)

                event.listen(engine, "before_cursor_execute", count)
                try:
                    build(period, now, calendar)
                finally:
                    event.remove(engine, "before_cursor_execute", count)
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    build(period, now, calendar)
                    times.append(time.perf_counter() - started)
                db.session.rollback()
                found.append((section, name, len(counted), statistics.median(times)))
    return found


def _machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()} CPUs ({model}), {platform.machine()}, Python {platform.python_version()}"


def _counts_table(counts: dict[str, int]) -> str:
    lines = ["| table | rows |", "|---|---|"]
    lines += [f"| {name} | {n:,} |"
              for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    empty = [name for name, n in counts.items() if not n]
    lines.append(f"| **total** ({len(counts)} tables{f', {len(empty)} empty' if empty else ''}) | "
                 f"**{sum(counts.values()):,}** |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="seed a new database even if one is cached")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    drop = lambda: None  # noqa: E731
    if args.postgres:
        url, drop = inprocess.database(True, "", "quarterly-bench")
        cached, fresh = None, True
    else:
        CACHE.mkdir(exist_ok=True)
        cached = _cached_file(args.years, args.counters)
        info = cached.with_suffix(".json")
        fresh = args.rebuild or not info.exists()
        if fresh:
            for old in CACHE.glob(f"quarterly-y{args.years:g}-c{args.counters}-*"):
                old.unlink()
        url = f"sqlite:///{cached}"
    try:
        inprocess.use_database(url)
        app = inprocess.create_app()
        with app.app_context():
            if fresh:
                from flask_migrate import upgrade

                upgrade()
                seconds, report = _seed(app, args.years, args.counters)
                print(report)
                counts = _row_counts()
                if cached:
                    cached.with_suffix(".json").write_text(json.dumps({"seconds": seconds, "report": report}))
            else:
                built = json.loads(cached.with_suffix(".json").read_text())
                seconds, report = built["seconds"], built["report"]
                print(f"reusing {cached} (seeded in {seconds:.1f} s)")
                counts = _row_counts()
            dialect, version = inprocess.server_version()
            secret = _manager_secret()
            from lpse_web import clock
            from lpse_web.office.services import load_calendar
            from lpse_web.scale import SCALE_PASSWORD

            today = load_calendar().local_day(clock.now())
        print(_counts_table(counts))
        total = sum(counts.values())
        client = app.test_client()
        if not inprocess.sign_in(client, MANAGER, SCALE_PASSWORD, secret):
            return 2
        periods = _periods(today)
        downloads = _download_rules(app)
        with app.test_request_context():
            from flask import url_for

            pages = [(f"report, {name}", url_for("quarterly_report.index", **period.args()), args.runs)
                     for name, period in periods]
            _middle_name, middle = periods[0]
            pages += [(f"{kind.upper()} download, {middle.name}", url_for(endpoint, **middle.args()), 3)
                      for kind, endpoint in sorted(downloads.items(), reverse=True)]
        base_statements, base_time, _status = inprocess.measure(app, client, "/sehat", args.runs * 3)
        lines = ["| page | status | SQL | ms | × /sehat |", "|---|---|---|---|---|",
                 f"| `/sehat` (baseline) | 200 | {base_statements} | {base_time * 1000:.2f} | 1.00 |"]
        failed = []
        for name, url, runs in pages:
            statements, seconds_taken, status = inprocess.measure(app, client, url, runs)
            if status != 200:
                failed.append(f"{name}: {status}")
            lines.append(f"| {name} (`{url}`) | {status} | {statements} | {seconds_taken * 1000:.1f} | "
                         f"{seconds_taken / base_time:.0f} |")
        section_lines = ["| section | period | SQL | ms | × /sehat |", "|---|---|---|---|---|"]
        section_lines += [f"| {section} | {name} | {n} | {s * 1000:.1f} | {s / base_time:.0f} |"
                          for section, name, n, s in _sections(app, [periods[0], periods[2]], args.runs)]
        failed += [f"no {kind.upper()} download route" for kind in ("xlsx", "pdf") if kind not in downloads]
        command = (f"bench/quarterly_report.py{' --postgres' if args.postgres else ''} "
                   f"--years {args.years:g} --counters {args.counters} --runs {args.runs}")
        header = (f"## Quarterly report, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {dialect} {version}\n\n"
                  f"`{command}`: `flask seed-scale --years {args.years:g} --counters {args.counters}` "
                  f"(seeded in {seconds:.0f} s{'' if fresh else ', database reused from the cache'}), "
                  f"{total:,} rows in all, history ending {today.isoformat()}; "
                  f"median of {args.runs} requests "
                  f"(downloads 3), in-process (Flask test client, the scale manager signed in). Machine: "
                  f"{_machine()}. Load average before the run {' '.join(f'{n:.2f}' for n in load_before)}, "
                  f"after {' '.join(f'{n:.2f}' for n in os.getloadavg())}.\n"
                  + "\n")
        table = (header + _counts_table(counts) + "\n" + "\n".join(lines)
                 + "\n\nEach section's builder alone "
                 "(lpse_web/reports/*_section.py, no request around it):\n\n"
                 + "\n".join(section_lines) + "\n")
        inprocess.publish(table, record=not args.no_record)
        if total < MILLION:
            failed.append(f"{total:,} rows, under {MILLION:,}")
        if failed:
            print("not as it should be:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1 if failed else 0
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
