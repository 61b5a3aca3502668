"""Shared tools of the security suite: one sample of every object a route needs, URLs
built from the rules of app.url_map, row counts of every table, and clients signed in
through the real login flow."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from lpse_web import clock
from lpse_web.auth.models import User
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter import queue
from lpse_web.counter.models import BOOKED, Booking, CounterClosure, Slot
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.models import Announcement, ClosureDay, Counter, CounterService, Room
from lpse_web.office.services import load_calendar

LOGIN_PATH = "/masuk"
HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@dataclass(frozen=True)
class Sample:
    """Ids of one object of each kind, for the routes that take an id."""

    user_id: int
    closure_id: int
    counter_id: int
    room_id: int
    announcement_id: int
    service_id: int
    counter_closure_id: int  # a counter closed for a day (/admin/loket-tutup/<closure_id>/hapus)
    code: str  # a vendor's booking, for the /tiket/<code> routes
    owner: User  # that vendor (signs in with tests.factories.PASSWORD)
    start: str  # a free slot of the service, as /loket/<service_id>/<start> writes it
    reschedule_to: str  # another free slot, where the owner may move the booking
    booking_id: int  # today's visit, called to a counter (/antrian/<booking_id>/selesai)
    absent_id: int  # today's visit called to another counter, not coming (/antrian/<booking_id>/tidak-hadir)
    visit_code: str  # today's booked visit, not arrived yet (the check-in form)

    def args(self) -> dict:
        return {"user_id": self.user_id, "closure_id": self.closure_id,
                "counter_id": self.counter_id, "room_id": self.room_id,
                "announcement_id": self.announcement_id, "service_id": self.service_id, "lang": "id",
                "code": self.code, "start": self.start, "booking_id": self.booking_id,
                # Arguments of one endpoint only: a name that means another object there.
                "counter_admin.reopen:closure_id": self.counter_closure_id,
                "queue.absent:booking_id": self.absent_id}


@pytest.fixture
def sample(app, make_user) -> Sample:
    """A staff account to manage, a closure day, a counter, a room and a running
    announcement (started an hour ago, so ending it keeps the row). At the counter (real
    clock): a second counter closed for a day, a vendor's booking of a slot two weeks
    ahead, and today's visits: one called to a counter, one waiting, two booked."""
    target = make_user(Role.HELPDESK, name="Staf Sasaran")
    owner = make_user(Role.VENDOR, name="Penyedia Pemilik Tiket")
    visitors = [make_user(Role.VENDOR, name=f"Penyedia Hari Ini {n}") for n in (1, 2)]
    now = utcnow()
    with app.app_context():
        service = db.session.scalars(select(CounterService).order_by(CounterService.id)).first()
        closure = ClosureDay(day=date.today() + timedelta(days=60), reason="Rapat kerja")
        counter = Counter(name="Loket Contoh", services=[service])
        calling = Counter(name="Loket Panggilan", services=[service])
        spare = Counter(name="Loket Cadangan", services=[service])
        room = Room(name="Ruang Contoh", kind="meeting", seats=10, computers=2, equipment="Proyektor")
        announcement = Announcement(kind="info", title="Pemeliharaan server", body="SPSE lambat",
                                    starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1))
        db.session.add_all([closure, counter, calling, spare, room, announcement])
        db.session.flush()
        counter_closure = CounterClosure(counter_id=calling.id, day=date.today() + timedelta(days=45),
                                         reason="Petugas cuti")
        db.session.add(counter_closure)
        slots, booking = _ticket(service, owner)
        called, absent, visits = _todays_visits(service, calling, spare, target, visitors)
        db.session.commit()
        return Sample(user_id=target.id, closure_id=closure.id, counter_id=counter.id,
                      room_id=room.id, announcement_id=announcement.id, service_id=service.id,
                      counter_closure_id=counter_closure.id, code=booking.code, owner=owner,
                      start=slots[0], reschedule_to=slots[2], booking_id=called.id,
                      absent_id=absent.id, visit_code=visits[0].code)


def _ticket(service, owner) -> tuple[list[str], Booking]:
    """Three free slots of a day about two weeks ahead (whatever day the suite runs):
    the middle one booked by `owner` through the booking service itself."""
    now, calendar = clock.now(), load_calendar()
    days = bookings.open_days(service, now, calendar)
    offers = bookings.day_offers(service, days[len(days) // 2][0], now, calendar)
    assert len(offers) >= 3, "the sample day needs three slots"
    booking = bookings.book(service, owner, offers[1].starts_at, now)
    return [bookings.format_start(o.starts_at, calendar) for o in offers[:3]], booking


def _todays_visits(service, calling, other, staff, visitors) -> tuple[Booking, Booking, list[Booking]]:
    """Today (office time): a walk-in called to `calling`, one called to `other` (who will
    not come), another walk-in waiting, and one booked visit per visitor whose slot began
    a minute ago (not arrived yet)."""
    now = clock.now()
    today = load_calendar().local_day(now)
    queue.issue_walk_in(service, "Pengunjung Langsung", today, now)
    called = queue.call_next(calling, staff.id, today, now)
    queue.issue_walk_in(service, "Pengunjung Pergi", today, now)
    absent = queue.call_next(other, staff.id, today, now)
    queue.issue_walk_in(service, "", today, now)
    starts = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    slot = Slot(service_id=service.id, starts_at=starts, ends_at=starts + timedelta(minutes=30),
                capacity=len(visitors), booked=len(visitors))
    db.session.add(slot)
    db.session.flush()
    visits = [Booking(code=bookings.new_code(), service_id=service.id, slot_id=slot.id,
                      visitor_id=visitor.id, visitor_name=visitor.name, day=today, scheduled_at=starts,
                      no_show_after=starts + timedelta(minutes=service.grace_minutes),
                      status=BOOKED, created_at=now) for visitor in visitors]
    db.session.add_all(visits)
    db.session.flush()
    return called, absent, visits


def url_of(rule, args: dict) -> str:
    """The path of `rule` with its arguments filled from `args` (each rule, not each
    endpoint: /admin/loket and /admin/loket/<id> are both tried). An "endpoint:name"
    entry of `args` is that endpoint's own value of `name`."""

    def value(match) -> str:
        name = match.group(1)
        own = f"{rule.endpoint}:{name}"
        return str(args[own] if own in args else args[name])

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


def routes(app, method: str):
    """Every rule of app.url_map answering `method`, static files excluded."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and method in rule.methods]


def row_counts(app) -> dict[str, int]:
    """Rows in every table, in one query (its own app context: no transaction stays open
    to block the next request's writer on SQLite)."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        query = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name)
                         for t in tables))
        return dict(db.session.execute(query).one()._mapping)


def login_redirect_next(response) -> str | None:
    """The `next` of a redirect to the login page; "" when there is none; None when the
    response is not a redirect to the login page."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    target = urlsplit(response.location)
    if target.path != LOGIN_PATH:
        return None
    return parse_qs(target.query).get("next", [""])[0]


def is_login_redirect(response) -> bool:
    return login_redirect_next(response) is not None


@pytest.fixture
def signed_in(app, make_user, login):
    """A fresh client signed in (real login flow) as a new user with `roles`."""

    def sign_in(*roles, **fields):
        client = app.test_client()
        user = make_user(*roles, **fields)
        login(client, user)
        return client, user

    return sign_in


def token_of(client) -> str:
    """The CSRF token of this client's current session."""
    return client.csrf_token()


def post(client, url: str, token: str, data=None, headers=None):
    """POST with `token` in the X-CSRFToken header, as htmx sends it. (The CSRFClient's own
    csrf=True fetches a page for a fresh token before every POST: slow in a loop.)"""
    return client.post(url, data=data if data is not None else {}, csrf=False,
                       headers={"X-CSRFToken": token, **(headers or {})})
