"""Fixtures for the survey tests (the respondent's pages, the kiosk, and any other module
of this folder that wants them). A module may override `app_config` to pin another clock.

The office is the test office of tests/conftest.py (install_defaults: NTT, WITA, the
default counter services V verification, A account help, K consultation) with three
counters as in tests/counter/conftest.py. The clock is pinned to SURVEY_NOW, Monday
30 November 2026, 10.00 WITA: the morning's visits below are over, and the day lies in
"Triwulan IV 2026" (`open_period`).

Factories return plain values (ids, codes, the survey token), never ORM objects, so a
test can use them in any app context or through the client:

    open_period                     the open period "Triwulan IV 2026" -> its id
    make_finished_booking(...)      a vendor's online booking, served and finished -> Visit
    finished_booking                make_finished_booking() with the defaults
    make_completed_reservation(...) a room reservation used and finished early -> Use
    completed_reservation           make_completed_reservation() with the defaults
    answers(**overrides)            a complete, valid questionnaire as form data
    rows(model)                     how many rows a table holds (call in an app context)
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter import queue
from lpse_web.counter.models import Booking
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.rooms import services as rooms
from lpse_web.surveys import invitations, periods

WITA = ZoneInfo("Asia/Makassar")
SURVEY_NOW_ISO = "2026-11-30T10:00:00+08:00"
SURVEY_NOW = datetime.fromisoformat(SURVEY_NOW_ISO).astimezone(UTC)
DAY = date(2026, 11, 30)
Q4 = ("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31))
# Loket 1 serves verification (V) and account help (A), Loket 2 V, Loket 3 consultation (K).
COUNTERS = (("Loket 1", "VA"), ("Loket 2", "V"), ("Loket 3", "K"))
COUNTER_FOR = {"V": "Loket 2", "A": "Loket 1", "K": "Loket 3"}

# A complete questionnaire, as the form posts it (scores U1..U9, then the profile).
ANSWERS = {
    **{f"u{n}": str(score) for n, score in enumerate((3, 4, 2, 4, 3, 3, 4, 3, 1), start=1)},
    "sex": "P", "age_band": "30-39", "education": "S1", "occupation": "Swasta",
    "kind": "saran", "suggestion": "",
}


def at(hhmm: str, day: int = 30, month: int = 11, year: int = 2026) -> datetime:
    """A WITA wall-clock time as a UTC instant: at("09.30") is 01.30 UTC on 30 Nov 2026."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(year, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def answers(**overrides) -> dict:
    """ANSWERS with some fields changed; a value of None leaves the field out."""
    data = {**ANSWERS, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def rows(model) -> int:
    """How many rows `model`'s table holds (inside an app context)."""
    return db.session.scalar(select(func.count()).select_from(model))


@dataclass(frozen=True)
class Visit:
    """A finished counter visit: the booking, its ticket code, the visitor, the link token."""

    id: int
    code: str
    visitor_id: int
    token: str


@dataclass(frozen=True)
class Use:
    """A used room reservation: its id, the requester, the link token."""

    id: int
    requester_id: int
    token: str


@pytest.fixture
def app_config():
    return {"LPSE_NOW": SURVEY_NOW_ISO}


@pytest.fixture
def open_period(app):
    """"Triwulan IV 2026" (1 October - 31 December 2026), opened: takes answers about
    services of SURVEY_NOW's day. Returns its id."""
    with app.app_context():
        period = periods.save_period(None, name=Q4[0], first=Q4[1], last=Q4[2])
        periods.open_period(period, at("07.00"))
        db.session.commit()
        return period.id


def _service(code: str) -> CounterService:
    return db.session.scalar(select(CounterService).where(CounterService.code == code))


def _counters() -> None:
    if db.session.scalar(select(func.count()).select_from(Counter)):
        return
    for name, codes in COUNTERS:
        db.session.add(Counter(name=name, services=[_service(c) for c in codes]))
    db.session.commit()


@pytest.fixture
def make_finished_booking(app, make_user):
    """make_finished_booking(visitor_id=None, service="V", start="09.00", finish="09.20",
    email=None) -> Visit: a vendor books the slot at 07.00, is checked in at 08.30, called
    at 08.35 and finished at `finish` (approved; consultation and account help: served),
    all on 30 November, committed. `finish=None` leaves the visitor called to the counter
    (to finish through the queue page). A new vendor unless `visitor_id` is given."""
    def make(visitor_id: int | None = None, service: str = "V", start: str = "09.00",
             finish: str | None = "09.20", email: str | None = None) -> Visit:
        if visitor_id is None:
            visitor_id = make_user(Role.VENDOR, email=email).id
        staff_id = make_user(Role.VERIFIKATOR if service == "V" else Role.HELPDESK).id
        with app.app_context():
            _counters()
            visitor = db.session.get(User, visitor_id)
            booking = bookings.book(_service(service), visitor, at(start), at("07.00"))
            db.session.commit()
            queue.check_in(booking.code, DAY, at("08.30"))
            counter = db.session.scalar(select(Counter).where(Counter.name == COUNTER_FOR[service]))
            called = queue.call_next(counter, staff_id, DAY, at("08.35"))
            assert called.id == booking.id
            db.session.commit()
            if finish is not None:
                queue.finish(called, outcome="approved" if service == "V" else "served", reason=None,
                             note="", documents=[], staff_id=staff_id, now=at(finish))
                db.session.commit()
            booking = db.session.get(Booking, booking.id)
            return Visit(booking.id, booking.code, visitor_id,
                         invitations.token_for(invitations.COUNTER, booking.id))

    return make


@pytest.fixture
def finished_booking(make_finished_booking) -> Visit:
    """A vendor's verification visit on 30 November, finished at 09.20 WITA."""
    return make_finished_booking()


@pytest.fixture
def survey_room(app):
    """The verification room (4 seats, no approval needed) -> its id."""
    with app.app_context():
        room = Room(name="Ruang Verifikasi", kind="verification", seats=4, computers=0, equipment="",
                    active=True, needs_approval=False)
        db.session.add(room)
        db.session.commit()
        return room.id


@pytest.fixture
def make_completed_reservation(app, make_user, survey_room):
    """make_completed_reservation(requester_id=None, start="08.30", end="09.30",
    finish="09.00", email=None) -> Use: an official reserves the verification room at
    07.00 for 30 November, checks in at `start` and finishes early at `finish` (None:
    left checked in, e.g. to finish it through the page), committed."""
    def make(requester_id: int | None = None, start: str = "08.30", end: str = "09.30",
             finish: str | None = "09.00", email: str | None = None) -> Use:
        if requester_id is None:
            requester_id = make_user(Role.ROOM_USER, email=email).id
        with app.app_context():
            requester = db.session.get(User, requester_id)
            stored, refused = rooms.reserve(
                db.session.get(Room, survey_room), requester, start=at(start), end=at(end),
                purpose="verification", title="Verifikasi dokumen", attendees=2, now=at("07.00"))
            assert len(stored) == 1 and not refused, (stored, refused)
            db.session.commit()
            reservation = stored[0]
            rooms.check_in(reservation, requester_id, at(start))
            db.session.commit()
            if finish is not None:
                rooms.complete(reservation, at(finish))
                db.session.commit()
            return Use(reservation.id, requester_id, invitations.token_for(invitations.ROOM, reservation.id))

    return make


@pytest.fixture
def completed_reservation(make_completed_reservation) -> Use:
    """The verification room used on 30 November 08.30 and finished early at 09.00."""
    return make_completed_reservation()
