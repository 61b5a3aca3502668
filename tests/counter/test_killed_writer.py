"""A worker killed with SIGKILL in the middle of its writes (issue 8, faults): a separate
process issues walk-in tickets as fast as it can, printing each ticket's code once its
transaction has committed, and is killed after some thirty. Afterwards the database is
sound (SQLite in WAL mode: `PRAGMA integrity_check` is "ok"), every ticket the process
was told it had is there exactly once, and the day's queue numbers run 1..n without a
gap or a double: the transaction cut short left nothing behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from lpse_web.counter.models import Booking
from lpse_web.extensions import db

ROOT = Path(__file__).resolve().parent.parent.parent
TOLD = 30  # tickets the writer reports before it is killed
DEADLINE = 60  # seconds

WRITER = """
import sys
from datetime import date, datetime, UTC
from sqlalchemy import select
from lpse_web import create_app
from lpse_web.counter import queue
from lpse_web.extensions import db
from lpse_web.office.models import CounterService
from tests.conftest import _test_config

app = create_app(_test_config(sys.argv[1]))
with app.app_context():
    service = db.session.scalar(select(CounterService).where(CounterService.code == "V"))
    day = date(2026, 11, 30)
    n = 0
    while True:
        n += 1
        moment = datetime.now(UTC)
        booking = queue.issue_walk_in(service, f"Tamu {n}", day, moment)
        code = booking.code
        db.session.commit()
        print(code, flush=True)  # only once it is committed
"""


def test_a_writer_killed_mid_write_loses_and_doubles_nothing(app, database_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, database_url], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    told = []
    deadline = time.monotonic() + DEADLINE
    try:
        while len(told) < TOLD:
            line = writer.stdout.readline()
            if not line:
                pytest.fail(f"the writer stopped: {writer.stderr.read()[-2000:]}")
            told.append(line.strip())
            assert time.monotonic() < deadline, "the writer was too slow"
    finally:
        writer.send_signal(signal.SIGKILL)  # in the middle of its next transaction
        writer.wait(timeout=30)
        writer.stdout.close()
        writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL

    with app.app_context():
        db.engine.dispose()  # new connections, as a restarted worker would open
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = db.session.execute(select(Booking.code, Booking.queue_number)).all()
    codes = [code for code, _n in rows]
    assert len(codes) == len(set(codes))  # nothing doubled
    assert set(told) <= set(codes)  # nothing the writer was told is lost
    # The one being written when it died either committed whole or left nothing.
    assert len(codes) in (len(told), len(told) + 1)
    assert sorted(n for _c, n in rows) == list(range(1, len(rows) + 1))
