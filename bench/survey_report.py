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
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

import inprocess  # bench/inprocess.py, next to this script

EMAIL = "kepala@bench.test"
PASSWORD = "Bench#Survei2026!"


def _seed(small: int, large: int):
    """Two closed periods of answers spread over the counter services and the rooms,
    with a suggestion on about one answer in twelve; a manager with TOTP."""
    from sqlalchemy import insert, select

    from lpse_web.auth.roles import Role
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
    secret = inprocess.staff_user(EMAIL, "Kepala Bench", PASSWORD, [Role.MANAGER, Role.SURVEY_MANAGER])
    db.session.commit()
    return periods, secret


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--small", type=int, default=600)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    with inprocess.migrated_app(args.postgres, "survey-bench") as app:
        from flask import url_for

        with app.app_context():
            started = time.perf_counter()
            periods, secret = _seed(args.small, args.large)
            seeded = time.perf_counter() - started
            dialect, version = inprocess.server_version()
        client = app.test_client()
        if not inprocess.sign_in(client, EMAIL, PASSWORD, secret):
            return 2
        with app.test_request_context():
            pages = [("report", lambda p: url_for("survey_report.index", periode=p)),
                     ("respondents (page 1)", lambda p: url_for("survey_report.respondents", period_id=p)),
                     ("respondents (last page)", lambda p: url_for("survey_report.respondents", period_id=p,
                                                                   halaman=10**6)),
                     ("print", lambda p: url_for("survey_report.print_report", period_id=p)),
                     ("public results", lambda p: url_for("survey_public.results"))]
            urls = [(name, url(periods["small"]), url(periods["large"])) for name, url in pages]
        base_statements, base_time, _status = inprocess.measure(app, client, "/sehat", args.runs * 3)
        lines = [inprocess.baseline_row(base_statements, base_time)]
        failed = False
        for name, small_url, large_url in urls:
            small = inprocess.measure(app, client, small_url, args.runs)
            large = inprocess.measure(app, client, large_url, args.runs)
            (s_n, _, s_status), (l_n, _, l_status) = small, large
            failed |= s_status != 200 or l_status != 200 or s_n != l_n
            lines.append(inprocess.row(name, small, large, base_time))
        for kind in ("xlsx",):
            with app.test_request_context():
                small_url = url_for("survey_report.export_xlsx", period_id=periods["small"])
                large_url = url_for("survey_report.export_xlsx", period_id=periods["large"])
            small = inprocess.measure(app, client, small_url, 3)
            large = inprocess.measure(app, client, large_url, 1)
            lines.append(inprocess.row(f"export {kind} (every row)", small, large, base_time, digits=0))
        header = (f"## Survey report, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {dialect} {version}\n\n"
                  f"`bench/survey_report.py{' --postgres' if args.postgres else ''}`: {args.small:,} and "
                  f"{args.large:,} answers in two periods (seeded in {seeded:.1f} s); median of "
                  f"{args.runs} requests, in-process (Flask test client, signed-in manager).\n\n"
                  + inprocess.table_head(f"{args.small:,}", f"{args.large:,}"))
        table = header + "\n".join(lines) + "\n"
        inprocess.publish(table, record=not args.no_record)
        if failed:
            print("a page did not answer 200, or its statement count grew with the answers", file=sys.stderr)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
