"""Contention over HTTP (issue 8, part 3): STRESS_USERS visitors signed in at once on a
two-worker gunicorn, released together: half the vendors on the last places of one
verification slot, half on another, and the officials on overlapping ranges of one
room. Afterwards the database is asked: no slot holds more bookings than places, no
two active reservations of the room overlap, and what every visitor was told (a ticket
code, a reservation number) is exactly what is stored: nothing missing, nothing extra.
No request may fail: a full slot or a taken range is an answer, not an error."""

import itertools
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.counter.models import Slot
from lpse_web.extensions import db
from lpse_web.office.models import Room
from tests.factories import PASSWORD
from tests.stress import integrity
from tests.stress.conftest import STRESS_USERS
from tests.stress.server import gunicorn
from tests.stress.visitor import Visitor

pytestmark = pytest.mark.race

SLOTS = ("2026-11-30T09.00", "2026-11-30T09.30")  # two places each (Loket 1 and Loket 2)
DAY = "2026-12-01"  # the rooms' day: Tuesday, an ordinary working day


def _ranges(n: int, seed: int = 8) -> list[tuple[str, str]]:
    """n one-hour ranges starting on the quarter hours from 08.00 to 11.00: most overlap."""
    pick = random.Random(seed)
    starts = [8 * 60 + 15 * pick.randrange(13) for _ in range(n)]
    return [(_hhmm(s), _hhmm(s + 60)) for s in starts]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _signed_in(base, people):
    with ThreadPoolExecutor(8) as pool:
        visitors = list(pool.map(lambda p: _sign_in(base, *p), people))
    return visitors


def _sign_in(base, email, secret):
    visitor = Visitor(base)
    visitor.sign_in(email, PASSWORD, secret)
    return visitor


@dataclass
class Split:
    told: list = field(default_factory=list)  # (what, answer): told it succeeded
    refused: list = field(default_factory=list)  # answers saying it could not be done


def _split(outcomes, kind: str, success_path: str) -> Split:
    split = Split()
    for k, what, answer in outcomes:
        if k == kind:
            if answer.path.startswith(success_path):
                split.told.append((what, answer))
            else:
                split.refused.append(answer)
    return split


def _released_together(jobs):
    """Run every job in its own thread, all released by one barrier."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=60)
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_last_places_and_overlapping_ranges_at_once(app, database_url, office, make_user, tmp_path):
    service = office["services"]["V"]
    vendors = [make_user(Role.VENDOR) for _ in range(STRESS_USERS)]
    officials = [make_user(Role.ROOM_USER) for _ in range(STRESS_USERS // 2)]
    with app.app_context():
        room = Room(name="Ruang Pembuktian", kind="meeting", seats=10, computers=0, equipment="", active=True)
        db.session.add(room)
        db.session.commit()
        room_id = room.id

    with gunicorn(database_url, tmp_path, workers=2, now=app.config["LPSE_NOW"]) as server:
        booking_visitors = _signed_in(server.url, [(v.email, None) for v in vendors])
        room_visitors = _signed_in(server.url, [(o.email, o.totp_secret) for o in officials])
        ranges = _ranges(len(room_visitors))

        def book(visitor, start):
            return lambda: ("slot", start, visitor.post(f"/loket/{service}/{start}"))

        def reserve(visitor, start, end):
            form = {"room": room_id, "start_date": DAY, "start_time": start, "end_time": end,
                    "purpose": "meeting", "title": "Rapat Pokja", "attendees": "5", "note": "",
                    "repeat": "", "until": "", "confirm": "Ajukan reservasi"}
            return lambda: ("room", (start, end), visitor.post("/ruang/pesan", form))

        jobs = [book(v, SLOTS[i % 2]) for i, v in enumerate(booking_visitors)]
        jobs += [reserve(v, *r) for v, r in zip(room_visitors, ranges, strict=True)]
        random.Random(3).shuffle(jobs)
        outcomes = _released_together(jobs)
        log = server.log_tail()

    failed = [(kind, what, answer.status, answer.body[:200]) for kind, what, answer in outcomes
              if answer.status == 0 or answer.status >= 500]
    assert not failed, f"{failed[:5]}\n{log}"
    slots = _split(outcomes, "slot", "/tiket/")
    rooms = _split(outcomes, "room", "/ruang/reservasi/")
    told_codes = {a.path.rsplit("/", 1)[-1] for _, a in slots.told}
    told_rooms = {int(a.path.rsplit("/", 1)[-1]) for _, a in rooms.told}
    assert len(told_codes) == 2 * len(SLOTS)  # every last place taken, once
    assert all(a.status == 303 and "/loket/" in a.path for a in slots.refused), slots.refused[:3]
    assert all(a.status == 422 and "Bentrok" in a.body for a in rooms.refused), rooms.refused[:2]
    assert told_rooms, "some range must have been free"
    with app.app_context():
        assert integrity.slot_problems() == []
        assert integrity.overlapping_reservations() == 0
        assert integrity.stored_codes() == told_codes
        assert integrity.stored_reservations() == told_rooms
        assert db.session.scalar(select(func.sum(Slot.booked))) == 2 * len(SLOTS)
    held = sorted(what for what, _ in rooms.told)  # the ranges the clients were told they hold
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(held)), held
