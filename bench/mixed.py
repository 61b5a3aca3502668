"""bench/run --mixed: the whole app under a mixed load (issue 8, part 2).

For each database (a temporary SQLite file; a temporary PostgreSQL database): migrate,
`flask seed-scale --years N`, give the staff accounts a known TOTP secret and sign in
the sessions the load needs; then for each worker count start gunicorn and, for each
number of users, run locust with the office's mixed workload (bench/locustfile.py) and,
right after, with the bare Flask endpoint alone (the baseline of the same run). Then the
contention and fault tests at 100 users (tests/stress, LPSE_STRESS_USERS=100). Writes
the tables to bench/RESULTS.md (--no-record: print only).
"""

import argparse
import csv
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
LOCUST_VENV = ROOT / "bench" / ".venv-locust"  # git-ignored: locust's gevent stays out of the app's venv
AGENT = "lpse-bench/1"
MIXED = ["VendorUser", "StaffUser", "RoomUser", "SurveyUser", "AssetUser", "ManagerUser"]
PIN = "246810"
PG_ADMIN = os.environ.get("LPSE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def say(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def locust_bin() -> Path:
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        say(f"installing locust into {LOCUST_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(ROOT / "bench" / "requirements-locust.txt")], check=True)
    return binary


def flask(env: dict, *args: str, timeout: int = 3600) -> str:
    done = subprocess.run([str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(sql: str) -> None:
    subprocess.run(["psql", PG_ADMIN, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                   capture_output=True, timeout=60)


PREPARE = """
import json, sys
from datetime import date, timedelta
import pyotp
from sqlalchemy import select
from lpse_web import create_app
from lpse_web.auth.models import User
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Room
from lpse_web.scale import SCALE_DOMAIN, official_email, staff_email
secret = sys.argv[1]
app = create_app()
with app.app_context():
    staff = {"staff": staff_email("verifikator"), "official": official_email(1),
             "kiosk": staff_email("helpdesk"), "assets": staff_email("aset"),
             "manager": staff_email("kepala")}
    for email in staff.values():
        user = User.by_email(email)
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), None
    db.session.commit()
    vendors = list(db.session.scalars(select(User.email).where(User.email.like(f"vendor%@{SCALE_DOMAIN}"))
                                      .order_by(User.email).limit(int(sys.argv[2]))))
    service = db.session.scalar(select(CounterService.id).where(CounterService.code == "V"))
    rooms = list(db.session.scalars(select(Room.id).where(Room.active)))
    print(json.dumps({"staff": staff, "vendors": vendors, "service_id": service, "room_ids": rooms}))
"""


def prepare(env: dict, secret: str, vendors: int) -> dict:
    done = subprocess.run([str(VENV_BIN / "python"), "-c", PREPARE, secret, str(vendors)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def sign_in_all(base: str, accounts: dict, secret: str, pinned_day: date) -> dict:
    """Session cookies: one per vendor, one per staff class (each staff account signs in
    once: its TOTP code is good once), the kiosk's (helpdesk starts kiosk mode)."""
    from lpse_web.scale import SCALE_PASSWORD
    from tests.stress.visitor import Visitor

    def cookie_of(visitor):
        return next(c.value for c in visitor.jar if c.name == "lpse_session")

    def vendor(email):
        visitor = Visitor(base, agent=AGENT)
        visitor.sign_in(email, SCALE_PASSWORD)
        return cookie_of(visitor)

    with ThreadPoolExecutor(4) as pool:
        sessions = {"vendors": list(pool.map(vendor, accounts["vendors"]))}
    for key, email in accounts["staff"].items():
        visitor = Visitor(base, agent=AGENT)
        visitor.sign_in(email, SCALE_PASSWORD, secret)
        if key == "kiosk":
            visitor.get("/survei/kiosk/mulai")
            started = visitor.post("/survei/kiosk/mulai", {"pin": PIN, "pin_again": PIN})
            assert started.status == 303, ("kiosk mode", started.status, started.body[:300])
            visitor.get("/survei/kiosk/")  # the kiosk session's CSRF secret, in the cookie handed over
        sessions[key] = cookie_of(visitor)
    days = [pinned_day + timedelta(days=n) for n in range(1, 15)]
    return {**sessions, "agent": AGENT, "service_id": accounts["service_id"],
            "room_ids": accounts["room_ids"], "room_days": [d.isoformat() for d in days if d.weekday() < 5]}


def gunicorn(env: dict, workers: int, folder: Path):
    from tests.stress.server import Server, free_port

    port = free_port()
    log = (folder / f"gunicorn-{workers}.log").open("w")
    process = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--timeout", "60", "--error-logfile", "-", "--log-level", "warning",
                                "--no-control-socket", "wsgi:app"], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, folder / f"gunicorn-{workers}.log")
    server.wait_until_answering(60)
    return server


def stop(server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


def run_locust(base: str, users: int, seconds: int, classes: list[str], sessions_file: Path,
               prefix: Path) -> list[dict]:
    env = {**os.environ, "LPSE_BENCH_SESSIONS": str(sessions_file)}
    command = [str(locust_bin()), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix), "--host", base,
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING", *classes]
    subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print(failures.read_text().strip())
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def row(rows: list[dict], name: str) -> dict:
    return next(r for r in rows if r["Name"] == name)


def run_database(db: str, args, folder: Path) -> list[dict]:
    env = {**os.environ, "FLASK_APP": "wsgi", "SECRET_KEY": secrets.token_hex(32), "LPSE_RATELIMIT": "0",
           "LPSE_HTTPS": "0", "LPSE_IDLE_MINUTES": "720"}
    for name in ("RATELIMIT_STORAGE_URI", "MAIL_SERVER", "LPSE_NOW"):
        env.pop(name, None)
    pg_name = None
    if db == "postgresql":
        pg_name = f"lpse_mixed_{os.getpid()}"
        psql(f'CREATE DATABASE "{pg_name}"')
        server = PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"postgresql+psycopg://{server}/{pg_name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'mixed.db'}"
    results = []
    try:
        say(f"{db}: migrating and seeding {args.years} year(s) (flask seed-scale)")
        flask(env, "db", "upgrade")
        pinned = [str(VENV_BIN / "python"), str(ROOT / "bench" / "pages.py"), "pinned-now"]
        env["LPSE_NOW"] = subprocess.run(pinned, cwd=ROOT, env=env, capture_output=True, text=True,
                                         check=True).stdout.strip()
        started = time.monotonic()
        print(flask(env, "seed-scale", "--years", str(args.years)).strip().splitlines()[-1])
        seed_seconds = time.monotonic() - started
        secret = __import__("pyotp").random_base32()
        accounts = prepare(env, secret, max(args.users))
        sessions_file = folder / f"sessions-{db}.json"
        for workers in args.workers:
            server = gunicorn(env, workers, folder)
            try:
                if not sessions_file.exists():
                    pinned = date.fromisoformat(env["LPSE_NOW"][:10])
                    sessions_file.write_text(json.dumps(sign_in_all(server.url, accounts, secret, pinned)))
                for users in args.users:
                    say(f"{db}, {workers} worker(s), {users} users: "
                        f"mixed {args.duration} s, bare {args.bare} s")
                    mixed = run_locust(server.url, users, args.duration, MIXED, sessions_file,
                                       folder / f"{db}-{workers}-{users}-mixed")
                    bare = run_locust(server.url, users, args.bare, ["BareUser"], sessions_file,
                                      folder / f"{db}-{workers}-{users}-bare")
                    total, baseline = row(mixed, "Aggregated"), row(bare, "/sehat (bare Flask)")
                    print(f"  mixed {float(total['Requests/s']):.1f} req/s, "
                          f"{total['Failure Count']} failures; "
                          f"bare {float(baseline['Requests/s']):.1f} req/s")
                    results.append({"db": db, "workers": workers, "users": users, "mixed": mixed,
                                    "bare": baseline, "seed_seconds": seed_seconds})
            finally:
                stop(server)
    finally:
        if pg_name:
            psql(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    return results


def stress_tests() -> tuple[int, str]:
    say("contention and faults at 100 users: LPSE_STRESS_USERS=100 pytest tests/stress")
    command = [str(VENV_BIN / "python"), "-m", "pytest", "tests/stress", "-q", "-p", "no:logging",
               "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "LPSE_STRESS_USERS": "100"},
                          capture_output=True, text=True, timeout=1800)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    print(summary)
    return done.returncode, summary


def ms(value) -> str:
    return f"{float(value):.0f}"


def report(results: list[dict], stress: tuple[int, str], args, started: str) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
               platform.processor())
    lines = [f"## Mixed load, {started} (bench/run --mixed)", "",
             f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.machine()}, Linux {platform.release()}, "
             f"Python {platform.python_version()}; commit {commit}. "
             f"Data: `flask seed-scale --years {args.years}`. Each run: locust, {args.duration} s of the "
             "mixed workload (bench/locustfile.py: vendors 5, staff 2, officials 2, kiosk 1, asset search 1, "
             f"manager 1, no think time), then {args.bare} s of `/sehat` alone with the same users (the "
             "bare-Flask baseline, same run). Locust and gunicorn share the machine's CPUs.", "",
             "**Throughput** (requests/s of the mixed load; in brackets, the bare endpoint's) and failures:",
             "",
             "| database | workers | " + " | ".join(f"{u} users" for u in args.users) + " | failures |",
             "|---|---:|" + "---:|" * len(args.users) + "---:|"]
    for db in args.dbs:
        for workers in args.workers:
            runs = [r for r in results if r["db"] == db and r["workers"] == workers]
            cells = [f"{float(row(r['mixed'], 'Aggregated')['Requests/s']):.1f} "
                     f"({float(r['bare']['Requests/s']):.0f})" for r in runs]
            failures = sum(_failures(r) for r in runs)
            lines.append(f"| {db} | {workers} | " + " | ".join(cells) + f" | {failures} |")
    lines += ["", "**Per page**, at each database's most workers and 50 users (all runs below): requests, "
              "failures, p50/p95/p99 in ms, and the median as a multiple of the bare endpoint's median "
              "in the same run.", ""]
    for r in results:
        if r["workers"] != max(args.workers) or r["users"] != (50 if 50 in args.users else args.users[-1]):
            continue
        lines += _page_table(r)
    lines += ["", "<details><summary>Every run, per page</summary>", ""]
    for r in results:
        lines += _page_table(r)
    lines += ["</details>", "", f"**Contention and faults at 100 users** (`LPSE_STRESS_USERS=100 pytest "
              f"tests/stress`, both databases): {stress[1]} (exit status {stress[0]}).", ""]
    return "\n".join(lines) + "\n"


def _failures(r: dict) -> int:
    return int(row(r["mixed"], "Aggregated")["Failure Count"]) + int(r["bare"]["Failure Count"])


def _page_table(r: dict) -> list[str]:
    bare = r["bare"]
    bare_median = max(float(bare["Median Response Time"]), 1.0)
    lines = [f"{r['db']}, {r['workers']} worker(s), {r['users']} users "
             f"(bare: {float(bare['Requests/s']):.0f} req/s, p50 {ms(bare['Median Response Time'])} ms, "
             f"p95 {ms(bare['95%'])} ms):", "",
             "| page | requests | failures | req/s | p50 | p95 | p99 | p50 × bare |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for page in r["mixed"]:
        median = float(page["Median Response Time"])
        lines.append(f"| {page['Name']} | {page['Request Count']} | {page['Failure Count']} | "
                     f"{float(page['Requests/s']):.1f} | {ms(median)} | {ms(page['95%'])} | "
                     f"{ms(page['99%'])} | {median / bare_median:.1f} |")
    return [*lines, ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--duration", type=int, default=20, help="seconds of mixed load per run")
    parser.add_argument("--bare", type=int, default=10, help="seconds of the bare endpoint per run")
    parser.add_argument("--no-stress", action="store_true", help="leave out the contention and fault tests")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    args.dbs = args.dbs.split(",")
    args.workers = [int(n) for n in args.workers.split(",")]
    args.users = [int(n) for n in args.users.split(",")]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    locust_bin()
    results = []
    with tempfile.TemporaryDirectory(prefix="lpse-mixed-") as folder:
        for db in args.dbs:
            results += run_database(db, args, Path(folder))
    stress = (0, "not run (--no-stress)") if args.no_stress else stress_tests()
    text = report(results, stress, args, started)
    print("\n" + text)
    if not args.no_record:
        with open(ROOT / "bench" / "RESULTS.md", "a") as out:
            out.write("\n" + text)
    failures = sum(_failures(r) for r in results)
    return 1 if failures or stress[0] else 0


if __name__ == "__main__":
    sys.exit(main())
