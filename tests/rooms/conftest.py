"""The rooms' test office: NTT hours (WITA), two rooms, an official and an approver, and
a pinned clock.

Monday 30 November 2026, 07.00 WITA: an ordinary working day (no holiday), an hour
before opening, so with the rooms' default hour of notice the whole day lies ahead.
24 and 25 December 2026 are cuti bersama and Christmas."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.rooms import services
from lpse_web.rooms.models import BID_SUBMISSION

NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # 30 Nov 2026, 07.00 WITA
WITA = ZoneInfo("Asia/Makassar")
NOW_ISO = "2026-11-30T07:00:00+08:00"


def at(hhmm: str, day: int = 30, month: int = 11, year: int = 2026) -> datetime:
    """A WITA wall-clock time as a UTC instant: at("09.30") is 01.30 UTC on 30 Nov 2026."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(year, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def tomorrow(hhmm: str) -> datetime:
    """Tuesday 1 December 2026, an ordinary working day."""
    return at(hhmm, 1, 12)


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


ROOM_DEFAULTS = {"kind": "meeting", "seats": 10, "computers": 0, "equipment": "", "active": True}


@pytest.fixture
def make_room(app):
    """make_room(name=..., **fields) -> the new room's id (committed)."""
    def make(name: str, **fields) -> int:
        with app.app_context():
            room = Room(name=name, **{**ROOM_DEFAULTS, **fields})
            db.session.add(room)
            db.session.commit()
            return room.id

    return make


@pytest.fixture
def rooms(make_room):
    """The bidding room (10 seats, requests need approval) and the verification room
    (4 seats, approved at once)."""
    return {
        "bidding": make_room("Ruang Bidding", kind="bidding", seats=10, computers=10, needs_approval=True),
        "verification": make_room("Ruang Verifikasi", kind="verification", seats=4, needs_approval=False),
    }


@pytest.fixture
def people(make_user):
    """Two officials (Pokja / PPK) who reserve, and a helpdesk approver."""
    return {
        "official": make_user(Role.ROOM_USER, name="Yohanes Pokja").id,
        "other_official": make_user(Role.ROOM_USER, name="Maria PPK").id,
        "approver": make_user(Role.HELPDESK, name="Agustina Helpdesk").id,
    }


def room(name_or_id, rooms_ids=None) -> Room:
    room_id = rooms_ids[name_or_id] if isinstance(name_or_id, str) else name_or_id
    return db.session.get(Room, room_id)


def person(people_ids, who) -> User:
    return db.session.get(User, people_ids[who] if isinstance(who, str) else who)


@pytest.fixture
def make_reservation(app, rooms, people):
    """make_reservation(**overrides) -> the stored Reservation, through services.reserve
    and committed. Call it inside an app context: the reservation belongs to that
    context's session. Defaults: the official reserves the bidding room tomorrow
    09.00-10.00 for a bid submission, five people, asked at NOW.

    `room` and `requester` take a fixture key ("bidding", "approver") or an id."""
    def make(**overrides):
        fields = {
            "room": "bidding", "requester": "official",
            "start": tomorrow("09.00"), "end": tomorrow("10.00"),
            "purpose": BID_SUBMISSION, "title": "Pemasukan penawaran: Jalan Kupang-Soe",
            "attendees": 5, "note": "", "now": NOW,
        }
        fields.update(overrides)
        the_room = room(fields.pop("room"), rooms)
        requester = person(people, fields.pop("requester"))
        stored, refused = services.reserve(the_room, requester, **fields)
        assert len(stored) == 1 and not refused, (stored, refused)
        db.session.commit()
        return stored[0]

    return make
