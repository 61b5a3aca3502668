"""Faults under load (issue 8, part 4), each with vendors booking and cancelling all the
while (tests/stress/load.py) on a two-worker gunicorn: a worker killed with SIGKILL,
PostgreSQL stopped for ten seconds and started again, the disk under the SQLite file
filled up. During the fault the app answers with its error page, never a 500; it
recovers by itself, without a restart; afterwards no slot is overbooked and every
vendor holds exactly the bookings it was told it holds."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lpse_web import create_app
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.conftest import DATABASES, _test_config
from tests.counter.conftest import NOW_ISO, make_office
from tests.factories import PASSWORD, user_factory
from tests.stress.conftest import STRESS_USERS
from tests.stress.load import BookingLoad, check
from tests.stress.server import free_port, gunicorn
from tests.stress.visitor import Visitor

pytestmark = pytest.mark.race
VENDORS = STRESS_USERS // 2
UNAVAILABLE = "Layanan tidak tersedia"
DISK_FULL = "Penyimpanan server penuh"
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _vendors(app, n):
    make_user = user_factory(app)
    return [make_user(Role.VENDOR).email for _ in range(n)]


def _signed_in(base: str, emails: list[str]) -> list[Visitor]:
    visitors = []
    for email in emails:
        visitor = Visitor(base)
        visitor.sign_in(email, PASSWORD)
        visitors.append(visitor)
    return visitors


def _migrated_app(url: str, instance: Path):
    app = create_app(_test_config(url, instance))
    with app.app_context():
        from flask_migrate import upgrade

        from lpse_web.office.defaults import install_defaults

        upgrade()
        install_defaults()
        db.session.commit()
    return app


def _checked(app, load: BookingLoad) -> list[str]:
    """`check` on this test's own app, its connections closed afterwards."""
    with app.app_context():
        problems = check(load)
        db.session.remove()  # (dispose closes only the connections back in the pool)
        db.engine.dispose()
    return problems


def _integrity_ok(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


# ---------------------------------------------------------------- a worker killed

def test_a_worker_killed_under_load_loses_and_doubles_nothing(app, database_url, office, tmp_path):
    emails = _vendors(app, VENDORS)
    with gunicorn(database_url, tmp_path, workers=2, now=NOW_ISO) as server:
        with BookingLoad(_signed_in(server.url, emails), emails, office["services"]["V"]) as load:
            time.sleep(2)
            before = load.statuses()["book", 303]
            killed = server.kill_a_worker()
            time.sleep(3)
            after = load.statuses()["book", 303]
        workers = server.workers()
        log = server.log_tail()
    assert killed not in workers and len(workers) == 2, log  # the master started another
    assert before > 0 and after > before, (before, after)  # bookings on both sides of the kill
    failures = load.failures()
    assert [f for f in failures if f[2].status >= 500] == [], log
    # A sync worker serves one request at a time: only that one goes unanswered.
    assert len(failures) <= 1, failures
    with app.app_context():
        assert check(load) == []
    if database_url.startswith("sqlite"):
        assert _integrity_ok(Path(database_url.removeprefix("sqlite:///"))) == "ok"


# ---------------------------------------------------------------- PostgreSQL stopped

@contextmanager
def private_postgres():
    """A PostgreSQL server of this test alone (stopping the shared one would stop every
    other test): initdb into a new folder, started on a free port. As root, it runs as
    the `postgres` user, as PostgreSQL requires (in a folder of its own under /tmp: it
    cannot enter pytest's, which only root may)."""
    folder = Path(tempfile.mkdtemp(prefix="lpse-pg-"))
    data, port = folder / "pgdata", free_port()
    data.mkdir()
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    ctl = [*as_owner, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "30"]
    subprocess.run([*as_owner, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                    "--no-sync"], check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start():
        subprocess.run([*ctl, "-o", options, "-l", str(folder / "server.log"), "start"], check=True,
                       capture_output=True)

    def stop():
        subprocess.run([*ctl, "-m", "fast", "stop"], check=True, capture_output=True)

    start()
    try:
        admin = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "lpse"'))
        admin.dispose()
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/lpse", start, stop
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif("postgresql" not in DATABASES, reason="PostgreSQL left out by LPSE_TEST_DBS")
def test_postgresql_stopped_for_ten_seconds_then_the_app_recovers_by_itself(tmp_path):
    assert PG_BIN is not None, "PostgreSQL's server programs are not installed (/usr/lib/postgresql)"
    with private_postgres() as (url, start, stop):
        app = _migrated_app(url, tmp_path)
        service = make_office(app)["services"]["V"]
        emails = _vendors(app, VENDORS)
        with app.app_context():  # no connection of this process lives through the outage
            db.engine.dispose()
        with gunicorn(url, tmp_path, workers=2, now=NOW_ISO) as server:
            with BookingLoad(_signed_in(server.url, emails), emails, service) as load:
                time.sleep(2)
                down = time.monotonic()
                stop()
                time.sleep(10)
                statuses_down = load.statuses()
                start()
                up = time.monotonic()
                recovered = _recovered(load, up)
            log = server.log_tail()
        failures = load.failures()
        problems = _checked(app, load)
    during = [f for f in failures if down <= f[0] <= up + 1]
    assert during, "nothing failed while PostgreSQL was down: the fault did not happen"
    assert all(f[2].status == 503 and UNAVAILABLE in f[2].body for f in failures), (
        [(f[1], f[2].status, f[2].body[:200]) for f in failures if f[2].status != 503][:5], log)
    assert all(f[0] <= up + 1 for f in failures), "errors went on after PostgreSQL was back"
    assert recovered is not None and recovered < 5, recovered  # seconds to the first booking again
    assert statuses_down["book", 303] > 0
    assert problems == []


def _until(condition, seconds: float) -> None:
    """Wait until `condition()` holds or `seconds` have passed (WAL space already on
    disk may take a few writes to use up before the first write fails)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def _recovered(load: BookingLoad, since: float, limit: float = 20) -> float | None:
    """Seconds from `since` until some vendor books successfully again."""
    start = load.statuses()["book", 303]
    while time.monotonic() - since < limit:
        if load.statuses()["book", 303] > start:
            return time.monotonic() - since
        time.sleep(0.1)
    return None


# ---------------------------------------------------------------- SQLite disk full

@contextmanager
def small_disk(folder: Path, megabytes: int = 24):
    """A tmpfs of its own (needs the right to mount: root here, as in CI)."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    """Write a file until the disk is full."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


@pytest.mark.skipif("sqlite" not in DATABASES, reason="SQLite left out by LPSE_TEST_DBS")
def test_sqlite_disk_full_is_a_clear_error_and_passes_when_space_is_freed(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        url = f"sqlite:///{disk / 'lpse.db'}"
        app = _migrated_app(url, tmp_path)
        service = make_office(app)["services"]["V"]
        emails = _vendors(app, VENDORS)
        with app.app_context():
            db.engine.dispose()
        with gunicorn(url, tmp_path, workers=2, now=NOW_ISO) as server:
            with BookingLoad(_signed_in(server.url, emails), emails, service) as load:
                time.sleep(2)
                full = time.monotonic()
                filler = _fill(disk)
                _until(lambda: any(f[0] >= full for f in load.failures()), seconds=15)
                time.sleep(1)  # the full disk a while longer, under load
                filler.unlink()
                freed = time.monotonic()
                recovered = _recovered(load, freed)
            log = server.log_tail()
        failures = load.failures()
        problems = _checked(app, load)
        integrity = _integrity_ok(disk / "lpse.db")
    assert [f for f in failures if full <= f[0] <= freed], "no write failed on the full disk"
    assert all(f[2].status == 503 and DISK_FULL in f[2].body for f in failures), (
        [(f[1], f[2].status, f[2].body[:300]) for f in failures if DISK_FULL not in f[2].body][:5], log)
    assert recovered is not None and recovered < 5, recovered
    assert problems == []
    assert integrity == "ok"
