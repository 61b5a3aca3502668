"""A steady stream of vendors booking and cancelling at the counter, for the fault tests:
each vendor, in its own thread, opens the slot page, books a random slot of the pinned
day, reads its ticket, cancels it, and again, until told to stop. Every answer is kept,
and what each vendor was told it holds, so that afterwards the database can be compared
with it (`check`)."""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.counter.models import CANCELLED, Booking
from lpse_web.extensions import db
from tests.stress import integrity
from tests.stress.visitor import Answer, Visitor

# The pinned day's verification slots (tests/counter/conftest.py: Monday 30 November 2026).
STARTS = [f"2026-11-30T{h:02d}.{m:02d}" for h in (9, 10, 11, 13, 14) for m in (0, 30)]
CANCELLED_MESSAGE = "Pemesanan dibatalkan."


@dataclass
class VendorRun:
    email: str
    holds: set = field(default_factory=set)  # codes it was told it holds
    unsure: bool = False  # a write got no answer: it may or may not have been stored
    answers: Counter = field(default_factory=Counter)  # (kind, status) -> count
    pages: list = field(default_factory=list)  # (moment, kind, Answer) of every 5xx and no-answer


class BookingLoad:
    def __init__(self, visitors: list[Visitor], emails: list[str], service_id: int, seed: int = 8):
        self.service_id = service_id
        self.runs = [VendorRun(e) for e in emails]
        self.visitors = visitors
        self.stop = threading.Event()
        self.random = random.Random(seed)
        self.threads = [threading.Thread(target=self._loop, args=(v, r, self.random.random()), daemon=True)
                        for v, r in zip(visitors, self.runs, strict=True)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _note(self, run: VendorRun, kind: str, answer: Answer) -> Answer:
        run.answers[kind, answer.status] += 1
        if answer.status == 0 or answer.status >= 500:
            run.pages.append((time.monotonic(), kind, answer))
        return answer

    def _loop(self, visitor: Visitor, run: VendorRun, seed: float):
        pick = random.Random(seed)
        while not self.stop.is_set():
            self._note(run, "slots", visitor.get(f"/loket/{self.service_id}"))
            start = pick.choice(STARTS)
            booked = self._note(run, "book", visitor.post(f"/loket/{self.service_id}/{start}"))
            if booked.status == 0 or booked.status >= 500:
                # Rolled back, surely, for a 503, but a commit whose acknowledgement was lost
                # with the connection is stored all the same: the vendor cannot know.
                run.unsure = True
                continue
            if not booked.path.startswith("/tiket/"):
                continue  # full, or it still holds one whose cancel got no answer
            code = booked.path.rsplit("/", 1)[-1]
            run.holds.add(code)
            self._note(run, "ticket", visitor.get(f"/tiket/{code}"))
            cancelled = self._note(run, "cancel", visitor.post(f"/tiket/{code}/batal"))
            if cancelled.status != 303:
                run.unsure = True
                continue
            outcome = self._note(run, "ticket", visitor.get(f"/tiket/{code}"))  # its flash says
            if outcome.status != 200:
                run.unsure = True  # the cancel's message was lost with this page
            elif CANCELLED_MESSAGE in outcome.body:
                run.holds.discard(code)

    def statuses(self) -> Counter:
        total = Counter()
        for run in self.runs:
            total.update(run.answers)
        return total

    def failures(self) -> list:
        return sorted((p for run in self.runs for p in run.pages), key=lambda p: p[0])


def check(load: BookingLoad) -> list[str]:
    """Inside an app context: what the database holds against what the vendors were told."""
    problems = integrity.slot_problems()
    for run in load.runs:
        user_id = db.session.scalar(select(User.id).where(User.email == run.email))
        stored = set(db.session.scalars(select(Booking.code).where(Booking.visitor_id == user_id,
                                                                     Booking.status != CANCELLED)))
        if run.unsure:  # at most the one open booking a vendor may have
            if len(stored) > 1:
                problems.append(f"{run.email}: {len(stored)} open bookings")
        elif stored != run.holds:
            problems.append(f"{run.email}: told it holds {sorted(run.holds)}, stored {sorted(stored)}")
    return problems
