"""The dashboard's test office: Monday 30 November 2026 at 11.00 WITA (the office's
zone, Asia/Makassar), when the morning's visits are served, some visitors wait and some
are still to come; and factories for the rows each panel counts, committed."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.counter.booking import new_code
from lpse_web.counter.models import Booking, Slot
from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Room
from lpse_web.rooms.models import Reservation

WITA = ZoneInfo("Asia/Makassar")
DAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 11, 0, tzinfo=WITA)
HTMX = {"HX-Request": "true"}
PANEL_URLS = {"counter": "/dasbor/loket", "rooms": "/dasbor/ruang", "survey": "/dasbor/survei",
              "assets": "/dasbor/aset", "risks": "/dasbor/risiko", "announcements": "/dasbor/pengumuman"}


def at(hhmm: str, day: date = DAY) -> datetime:
    """A WITA wall-clock time on `day`, as UTC."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA).astimezone(UTC)


def page(response) -> str:
    return response.get_data(as_text=True)


def figures(html: str) -> dict[str, str]:
    """A panel's figures, label -> the number shown under it."""
    found = re.findall(r"<dt>(?:<a [^>]*>)?(.*?)(?:</a>)?</dt><dd>(.*?)</dd>", html, re.S)
    return {label.strip(): value.strip() for label, value in found}


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW.isoformat()}


@pytest.fixture
def services(app):
    """The default counter services' ids by code (V, K, A, D) and names."""
    with app.app_context():
        return {s.code: (s.id, s.name) for s in db.session.scalars(select(CounterService))}


@pytest.fixture
def make_booking(app, services, make_user):
    """make_booking(code="V", status=..., walk_in=False, day=DAY, checked_in=None,
    no_show_after=None) -> the id of a committed booking (the row only, as the queue
    leaves it; times are WITA "hh.mm" on its day). A booked visit has its own vendor and
    its own slot (one open booking per visitor and service)."""
    made = []

    def make(service="V", status="booked", walk_in=False, day=DAY, checked_in=None, no_show_after=None):
        made.append(service)
        visitor = None if walk_in else make_user(Role.VENDOR, company=f"CV Uji {len(made)}")
        with app.app_context():
            booking = Booking(code=new_code(), service_id=services[service][0], day=day, status=status,
                              is_walk_in=walk_in, visitor_name="Pengunjung", created_at=at("07.00", day),
                              checked_in_at=at(checked_in, day) if checked_in else None,
                              no_show_after=at(no_show_after, day) if no_show_after else None)
            if visitor is not None:
                starts = at("06.00", day) + timedelta(minutes=len(made))
                slot = Slot(service_id=booking.service_id, starts_at=starts,
                            ends_at=starts + timedelta(minutes=30), capacity=1000, booked=1)
                db.session.add(slot)
                db.session.flush()
                booking.visitor_id, booking.slot_id, booking.scheduled_at = visitor.id, slot.id, starts
            db.session.add(booking)
            db.session.commit()
            return booking.id

    return make


@pytest.fixture
def make_room(app):
    def make(name: str) -> int:
        with app.app_context():
            room = Room(name=name, kind="meeting", seats=10, computers=0, equipment="", active=True)
            db.session.add(room)
            db.session.commit()
            return room.id

    return make


@pytest.fixture
def make_reservation(app):
    """make_reservation(room_id, requester_id, start, end, status, title, grace=15,
    approved=True) -> its id: the row itself, released `grace` minutes after its start."""
    def make(room_id, requester_id, start: datetime, end: datetime, status: str, title: str,
             grace: int = 15, approved: bool = True) -> int:
        with app.app_context():
            reservation = Reservation(room_id=room_id, requester_id=requester_id, starts_at=start,
                                      ends_at=end, release_after=start + timedelta(minutes=grace),
                                      purpose="meeting",
                                      title=title, attendees=3, status=status, created_at=at("07.00"),
                                      approved_at=at("07.30") if approved else None)
            db.session.add(reservation)
            db.session.commit()
            return reservation.id

    return make
