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
import sys
import time
from datetime import UTC, datetime

import inprocess  # bench/inprocess.py, next to this script

EMAIL = "register@bench.test"
PASSWORD = "Bench#Register2026!"
SEARCH = "Lenovo"  # in the names of some PCs of every size of the data set


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
    from lpse_web.auth.roles import Role
    from lpse_web.extensions import db

    secret = inprocess.staff_user(EMAIL, "Pengelola Register Bench", PASSWORD,
                                  [Role.ASSET_MANAGER, Role.RISK_MANAGER])
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


def _measure_all(app, client, pages, export_url, runs, export_runs) -> dict:
    found = {name: inprocess.measure(app, client, url, runs, headers) for name, url, headers in pages}
    found["export xlsx (every asset)"] = inprocess.measure(app, client, export_url, export_runs)
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
    with inprocess.migrated_app(args.postgres, "registers-bench") as app:
        from flask import url_for

        from lpse_web import clock

        with app.app_context():
            now = clock.now()
            small_seconds = _grow(args.small_assets, args.small_risks, now)
            secret = _keeper()
            subjects = _subjects()
            dialect, version = inprocess.server_version()
        client = app.test_client()
        if not inprocess.sign_in(client, EMAIL, PASSWORD, secret):
            return 2
        with app.test_request_context():
            pages = _pages(subjects)
            export_url = url_for("assets.export_xlsx")
        base_statements, base_time, _status = inprocess.measure(app, client, "/sehat", args.runs * 3)
        small = _measure_all(app, client, pages, export_url, args.runs, 3)
        with app.app_context():
            large_seconds = _grow(args.assets, args.risks, now)
        large = _measure_all(app, client, pages, export_url, args.runs, 1)

        lines = [inprocess.baseline_row(base_statements, base_time)]
        failed = []
        for name in small:
            (s_n, _, s_status), (l_n, _, l_status) = small[name], large[name]
            if s_status != 200 or l_status != 200 or s_n != l_n:
                failed.append(f"{name}: {s_status}/{l_status}, {s_n}/{l_n} statements")
            digits = 0 if name.startswith("export") else 1
            lines.append(inprocess.row(name, small[name], large[name], base_time, digits))
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
                  + inprocess.table_head("small", "large"))
        table = header + "\n".join(lines) + "\n"
        inprocess.publish(table, record=not args.no_record)
        if failed:
            print("a page did not answer 200, or its statement count grew with the registers:\n  "
                  + "\n  ".join(failed), file=sys.stderr)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
