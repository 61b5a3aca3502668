"""Shared tools of the security suite: one sample of every object a route needs, URLs
built from the rules of app.url_map, row counts of every table, and clients signed in
through the real login flow."""

import io
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

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
from lpse_web.rooms import feeds, rules
from lpse_web.rooms import services as rooms
from lpse_web.rooms.models import APPROVED, CHECKED_IN, Reservation

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
    # Rooms. The sample room (with a photo) is reserved by `official`, a procurement
    # official none of the matrix's users is, on `room_day` (an open day two weeks ahead).
    official: User  # Role.ROOM_USER; signs in with tests.factories.PASSWORD
    room_day: str  # ISO date: the official's requests, a blackout 15.00-16.00 (office time)
    free_day: str  # ISO date: another open day of the room, nothing reserved or closed
    reservation_id: int  # pending request 09.00-10.00 (detail, cancel, approve)
    reject_id: int  # another pending request, 10.00-11.00 (room_manage.reject)
    series_id: int  # weekly requests 13.00-14.00 for three weeks (approve a series)
    reject_series_id: int  # weekly requests 14.00-15.00 for two weeks (reject a series)
    arriving_id: int  # approved, in a second room, starting in 5 minutes: check-in is open
    in_use_id: int  # checked in, in the sample room, now (finish early)
    blackout_id: int  # the sample room closed on room_day 15.00-16.00
    feed_key: str  # the official's calendar-feed key (feeds.new_key)
    title: str  # the title of the official's requests: only they and approvers see it
    # The survey: an open period with one answer and its suggestion, a draft period, and
    # the owner's finished visit with its unused one-time link.
    period_id: int
    period_days: tuple[str, str]  # its first and last day, ISO
    draft_period_id: int
    suggestion_id: str
    survey_token: str
    # The registers: an asset (unassigned, owned by the sample staff member), a risk of it
    # with one open action, a finished import of the admin's.
    asset_id: int
    risk_id: int
    action_id: int
    import_id: int

    def args(self) -> dict:
        return {"user_id": self.user_id, "closure_id": self.closure_id,
                "counter_id": self.counter_id, "room_id": self.room_id,
                "announcement_id": self.announcement_id, "service_id": self.service_id, "lang": "id",
                "code": self.code, "start": self.start, "booking_id": self.booking_id,
                "reservation_id": self.reservation_id, "series_id": self.series_id,
                "blackout_id": self.blackout_id, "key": self.feed_key,
                "period_id": self.period_id, "suggestion_id": self.suggestion_id, "number": 1,
                "token": self.survey_token, "survey_manage.delete:period_id": self.draft_period_id,
                "asset_id": self.asset_id, "risk_id": self.risk_id, "action_id": self.action_id,
                "import_id": self.import_id, "version": 1, "ext": "csv",
                # Arguments of one endpoint only: a name that means another object there.
                "counter_admin.reopen:closure_id": self.counter_closure_id,
                "queue.absent:booking_id": self.absent_id,
                "reservations.check_in:reservation_id": self.arriving_id,
                "reservations.complete:reservation_id": self.in_use_id,
                "room_manage.reject:reservation_id": self.reject_id,
                "room_manage.reject_series:series_id": self.reject_series_id,
                "quarterly_downloads.csv:key": "loket-layanan"}  # a table of the report's counter section


@pytest.fixture
def sample(app, make_user) -> Sample:
    """A staff account to manage, a closure day, a counter, a room and a running
    announcement (started an hour ago, so ending it keeps the row). At the counter (real
    clock): a second counter closed for a day, a vendor's booking of a slot two weeks
    ahead, and today's visits: one called to a counter, one waiting, two booked. In the
    rooms: an official's requests, series, today's reservations and a blackout
    (`_reservations`)."""
    target = make_user(Role.HELPDESK, name="Staf Sasaran")
    owner = make_user(Role.VENDOR, name="Penyedia Pemilik Tiket")
    visitors = [make_user(Role.VENDOR, name=f"Penyedia Hari Ini {n}") for n in (1, 2)]
    official = make_user(Role.ROOM_USER, name="Pejabat Pemesan Ruang")
    now = utcnow()
    with app.app_context():
        service = db.session.scalars(select(CounterService).order_by(CounterService.id)).first()
        closure = ClosureDay(day=date.today() + timedelta(days=60), reason="Rapat kerja")
        counter = Counter(name="Loket Contoh", services=[service])
        calling = Counter(name="Loket Panggilan", services=[service])
        spare = Counter(name="Loket Cadangan", services=[service])
        room = Room(name="Ruang Contoh", kind="meeting", seats=10, computers=2, equipment="Proyektor",
                    photo=TINY_PNG, photo_type="image/png")
        second_room = Room(name="Ruang Pelatihan Contoh", kind="training", seats=20, computers=20)
        announcement = Announcement(kind="info", title="Pemeliharaan server", body="SPSE lambat",
                                    starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1))
        db.session.add_all([closure, counter, calling, spare, room, second_room, announcement])
        db.session.flush()
        counter_closure = CounterClosure(counter_id=calling.id, day=date.today() + timedelta(days=45),
                                         reason="Petugas cuti")
        db.session.add(counter_closure)
        slots, booking = _ticket(service, owner)
        called, absent, visits = _todays_visits(service, calling, spare, target, visitors)
        db.session.commit()
        rooms_part = _reservations(room, second_room, official)
        survey_part = _survey(service, owner)
        registers_part = _registers(target)
        return Sample(**survey_part, **registers_part, user_id=target.id, closure_id=closure.id,
                      counter_id=counter.id, room_id=room.id, announcement_id=announcement.id,
                      service_id=service.id,
                      counter_closure_id=counter_closure.id, code=booking.code, owner=owner,
                      start=slots[0], reschedule_to=slots[2], booking_id=called.id,
                      absent_id=absent.id, visit_code=visits[0].code, official=official, **rooms_part)


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


def _png() -> bytes:
    """A real 1x1 PNG (what photo_type recognises: the PNG signature)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


TINY_PNG = _png()
ROOM_TITLE = "Pembuktian Paket Jalan Rahasia 77"


def open_room_days(room, first: date, count: int) -> list[date]:
    """The first `count` days from `first` on which `room` can be reserved (open hours
    08.00-16.00 by default: the office's weekday)."""
    calendar, room_rules = load_calendar(), rules.RoomRules.of(room)
    days, day = [], first
    while len(days) < count:
        if rules.open_hours(calendar, room_rules, day) is not None:
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, hhmm: str) -> datetime:
    """Office time on `day` as the UTC instant the services take."""
    return datetime.combine(day, time.fromisoformat(hhmm), load_calendar().zone).astimezone(UTC)


def _registers(staff) -> dict:
    from lpse_web.assets import services as assets
    from lpse_web.assets.models import AssetImport
    from lpse_web.risks import services as risks

    today = load_calendar().local_day(utcnow())
    asset = assets.create_asset(today, tag="LPSE-HW-9001", name="Server Contoh", asset_class="hardware",
                                serial="SN-9001", owner_id=staff.id,
                                licence_expires=today + timedelta(days=5))
    risk = risks.create_risk(today, code="R-901", title="Server contoh mati", category="continuity",
                             inherent_likelihood=4, inherent_impact=5, asset_ids=[asset.id],
                             owner_id=staff.id)
    action = risks.add_action(risk, "Pasang UPS kedua", staff.id, today + timedelta(days=10))
    job = AssetImport(filename="aset.csv", state="done", total_rows=1, done_rows=1, imported=1,
                      finished_at=utcnow())
    db.session.add(job)
    db.session.commit()
    return {"asset_id": asset.id, "risk_id": risk.id, "action_id": action.id, "import_id": job.id}


def _survey(service, owner) -> dict:
    """An open survey period around today with one kiosk answer and its suggestion; a
    draft period next year (no answers: it may be deleted); the owner's visit of earlier
    today, finished, whose survey link is still unused."""
    from lpse_web.counter.models import DONE, SERVED
    from lpse_web.surveys import invitations, periods, responses
    from lpse_web.surveys.catalogue import ROOMS, Served
    from lpse_web.surveys.models import KIOSK, PAGI, SurveySuggestion

    today = load_calendar().local_day(utcnow())
    period = periods.save_period(None, name="Periode Contoh", first=today - timedelta(days=30),
                                 last=today + timedelta(days=30))
    periods.open_period(period, utcnow())
    draft = periods.save_period(None, name="Periode Draf", first=today + timedelta(days=400),
                                last=today + timedelta(days=490))
    finished = Booking(code=bookings.new_code(), service_id=service.id, visitor_id=owner.id,
                       visitor_name=owner.name, is_walk_in=True, day=today, status=DONE, outcome=SERVED,
                       created_at=utcnow() - timedelta(hours=1), finished_at=utcnow() - timedelta(minutes=5))
    db.session.add(finished)
    db.session.flush()
    responses.record(Served(ROOMS, today, PAGI), scores=dict.fromkeys(range(1, 10), 3),
                     profile=responses.Profile("P", "30-39", "S1", "Swasta"), channel=KIOSK,
                     suggestion="Mohon kursi ruang tunggu ditambah.")
    db.session.commit()
    suggestion_id = db.session.scalar(select(SurveySuggestion.id))
    return {"period_id": period.id, "draft_period_id": draft.id,
            "period_days": (period.starts_on.isoformat(), period.ends_on.isoformat()),
            "suggestion_id": suggestion_id,
            "survey_token": invitations.for_booking(finished).token}


def _reservations(room, second_room, official) -> dict:
    """Through rooms.reserve (the official needs approval: every one is pending): a
    request 09.00-10.00 and one 10.00-11.00 on an open day two weeks ahead, a weekly
    series 13.00-14.00 for three weeks and one 14.00-15.00 for two; a blackout that day
    15.00-16.00. Written directly, as the passing of time makes them: a reservation
    approved and starting in 5 minutes (in the second room), one checked in now."""
    now = clock.now()
    today = load_calendar().local_day(now)
    room_day, free_day = open_room_days(room, today + timedelta(days=14), 2)
    fields = dict(purpose="verification", title=ROOM_TITLE, attendees=4, note="Butuh proyektor", now=now)

    def reserve(start, end, **repeat):
        stored, _refused = rooms.reserve(room, official, start=at(room_day, start), end=at(room_day, end),
                                         **fields, **repeat)
        return stored

    reservation, = reserve("09:00", "10:00")
    to_reject, = reserve("10:00", "11:00")
    series = reserve("13:00", "14:00", frequency="weekly", until=room_day + timedelta(days=21))
    series_to_reject = reserve("14:00", "15:00", frequency="weekly", until=room_day + timedelta(days=14))
    assert series[0].series_id and series_to_reject[0].series_id, "the sample series need two dates"
    blackout = rooms.add_blackout(room, at(room_day, "15:00"), at(room_day, "16:00"), "Pemeliharaan AC")
    soon = now.replace(microsecond=0) + timedelta(minutes=5)
    arriving = Reservation(room_id=second_room.id, requester_id=official.id, starts_at=soon,
                           ends_at=soon + timedelta(hours=1), release_after=soon + timedelta(minutes=15),
                           purpose="training", title=ROOM_TITLE, attendees=3, status=APPROVED,
                           created_at=now, decided_at=now, approved_at=now)
    began = now.replace(microsecond=0) - timedelta(minutes=30)
    in_use = Reservation(room_id=room.id, requester_id=official.id, starts_at=began,
                         ends_at=began + timedelta(hours=2), release_after=began + timedelta(minutes=15),
                         purpose="meeting", title=ROOM_TITLE, attendees=3, status=CHECKED_IN,
                         created_at=now, decided_at=now, approved_at=now, checked_in_at=began,
                         checked_in_by_id=official.id)
    db.session.add_all([arriving, in_use])
    db.session.flush()
    key = feeds.new_key(official.id)
    db.session.commit()
    return {"room_day": room_day.isoformat(), "free_day": free_day.isoformat(),
            "reservation_id": reservation.id, "reject_id": to_reject.id, "series_id": series[0].series_id,
            "reject_series_id": series_to_reject[0].series_id, "arriving_id": arriving.id,
            "in_use_id": in_use.id, "blackout_id": blackout.id, "feed_key": key, "title": ROOM_TITLE}


def reservation_state(app, reservation_id: int) -> dict:
    """Every column of one reservation (an update changes no row count)."""
    with app.app_context():
        row = db.session.get(Reservation, reservation_id)
        return {c.key: getattr(row, c.key) for c in Reservation.__table__.columns}


@dataclass(frozen=True)
class Upload:
    """A file of a submission: `encoded` makes the multipart body afresh for each
    request (a stream can be read only once)."""

    content: bytes
    filename: str
    mimetype: str


def encoded(data: dict) -> tuple[dict | bytes, dict]:
    """(body, headers) of a submission: with an Upload, a multipart body built in memory
    (the test client spools a large one to a temporary file it never closes)."""
    if not any(isinstance(v, Upload) for v in data.values()):
        return data, {}
    values = {k: FileStorage(io.BytesIO(v.content), v.filename, content_type=v.mimetype)
              if isinstance(v, Upload) else v for k, v in data.items()}
    boundary, body = encode_multipart(values)
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


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
