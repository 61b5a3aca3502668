"""bench/run's helper for the signed-in counter and rooms pages (bench/README.md).

Run with the project's venv and the environment bench/run sets (FLASK_APP, DATABASE_URL,
SECRET_KEY, LPSE_NOW):

  pages.py pinned-now               10.00 office time on the last open day up to today
  pages.py prepare SECRET           give verifikator@scale.test, the room official
                                    pokja01@scale.test and the approver helpdesk@scale.test
                                    the TOTP secret SECRET; print the id of the
                                    verification service, the first scale vendor without
                                    an open booking of it and the id of the week view's room
  pages.py login BASE UA EMAIL PASSWORD [TOTP_SECRET]
                                    sign in over HTTP as a browser does; print the value
                                    of the lpse_session cookie
  pages.py seed-small               a near-empty database: the scale accounts, counters and
                                    rooms, a few visits and reservations today
  pages.py rooms                    the rooms' data: active rooms, reservations on the pinned
                                    day, in the week view's week, in all
  pages.py queries UA VENDOR        SQL statements per page, counted in-process with a
                                    SQLAlchemy event listener (Flask test client); one
                                    line per page: name, statements, visits of the day
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVICE_CODE = "V"  # the vendor slot page: verification, the busiest service
STAFF_KEY = "verifikator"
APPROVER_KEY = "helpdesk"  # decides on room requests (lpse_web/scale.py ROOM_APPROVER)


def _official() -> str:
    from lpse_web.scale import official_email

    return official_email(1)


def _week_room():
    """The room of the week view: the bidding room, the busiest (lpse_web/scale.py ROOMS)."""
    from sqlalchemy import select

    from lpse_web.extensions import db
    from lpse_web.office.models import Room
    from lpse_web.scale import ROOMS

    return db.session.scalar(select(Room).where(Room.name == ROOMS[0][0]))


def _app():
    from lpse_web import create_app

    return create_app()


def pinned_now() -> str:
    """Mid-morning of a working day, so the staff queue page shows a day half-way
    through (served, waiting, still expected), whatever day the benchmark runs."""
    from lpse_web.office.calendar import ServiceCalendar

    with _app().app_context():
        from lpse_web.office.services import load_calendar

        calendar: ServiceCalendar = load_calendar()
    day = calendar.local_day(datetime.now(UTC))
    while not calendar.open_intervals(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10), calendar.zone).isoformat()


def prepare(secret: str) -> None:
    from sqlalchemy import select

    from lpse_web.auth.models import User
    from lpse_web.counter.models import OPEN_STATUSES, Booking
    from lpse_web.database import utcnow
    from lpse_web.extensions import db
    from lpse_web.office.models import CounterService
    from lpse_web.scale import SCALE_DOMAIN, staff_email

    with _app().app_context():
        for email in (staff_email(STAFF_KEY), _official(), staff_email(APPROVER_KEY)):
            user = User.by_email(email)
            if user is None:
                sys.exit(f"{email} is missing: run flask seed-scale first")
            user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), None
        db.session.commit()
        room = _week_room()
        if room is None or not room.active:
            sys.exit("the week view's room is missing or inactive: run flask seed-scale first")
        service_id = db.session.scalar(select(CounterService.id).where(CounterService.code == SERVICE_CODE))
        # The slot page shows a vendor's open booking of the service, if any (one more
        # statement): the same kind of vendor on every database, so the counts compare.
        booked = select(Booking.id).where(Booking.visitor_id == User.id, Booking.service_id == service_id,
                                          Booking.status.in_(OPEN_STATUSES)).exists()
        vendor = db.session.scalar(select(User.email).where(
            User.email.like(f"vendor%@{SCALE_DOMAIN}"), ~booked).order_by(User.email).limit(1))
        print(service_id, vendor, room.id)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError: its Location is what we check


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        sys.exit("no csrf_token input on the sign-in page")
    return match.group(1)


def login(base: str, agent: str, email: str, password: str, totp_secret: str | None = None) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    opener.addheaders = [("User-Agent", agent)]

    def request(path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(base + path, body, timeout=10) as response:
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()

    _status, _where, page = request("/masuk")
    status, where, _page = request("/masuk", {"csrf_token": _csrf(page), "email": email,
                                              "password": password})
    if totp_secret:
        import pyotp

        if (status, urllib.parse.urlsplit(where).path) != (302, "/masuk/kode"):
            sys.exit(f"sign-in of {email} answered {status} {where}; expected 302 to /masuk/kode")
        _status, _where, page = request("/masuk/kode")  # a new session, so a new CSRF token
        status, where, _page = request("/masuk/kode", {"csrf_token": _csrf(page),
                                                       "code": pyotp.TOTP(totp_secret).now()})
    if status != 302 or urllib.parse.urlsplit(where).path != "/":
        sys.exit(f"sign-in of {email} answered {status} {where or '(no redirect)'}; expected 302 to /")
    cookie = next((c.value for c in jar if c.name == "lpse_session"), None)
    if not cookie:
        sys.exit("no lpse_session cookie after sign-in")
    print(cookie)


def seed_small() -> None:
    """The scale accounts, counters and rooms with a handful of visits and reservations
    today and in the next days: the same pages with almost nothing on them."""
    from lpse_web import clock, scale
    from lpse_web.audit.recorder import acting_as
    from lpse_web.extensions import db

    with _app().app_context(), acting_as("bench"):
        now = clock.now()
        scale.seed_accounts(vendors=20, seed=1, now=now)
        step = scale.seed_counter(years=0, seed=1, now=now, fill=0.02, future_fill=0.02,
                                  walk_ins_per_day=1, days_ahead=3)
        # The rooms: the past week and the next three days, a few reservations a day, so
        # that the day and week views show some (by officials other than the viewer).
        rooms = scale.seed_rooms(years=7 / 365.25, seed=1, now=now, fill=0.3, days_ahead=3)
        db.session.commit()
    print(f"near-empty database: {step.rows}, {rooms.rows}")


def rooms() -> None:
    """Active rooms, reservations (any status) touching the pinned day in those rooms,
    touching the week view's week in its room, and in all: one line."""
    from sqlalchemy import func, select

    from lpse_web import clock
    from lpse_web.extensions import db
    from lpse_web.office.models import Room
    from lpse_web.office.services import load_calendar
    from lpse_web.rooms.models import Reservation

    with _app().app_context():
        calendar = load_calendar()
        day = calendar.local_day(clock.now())
        monday = day - timedelta(days=day.weekday())

        def touching(first, days, room_ids):
            start = datetime.combine(first, time(0), calendar.zone)
            return db.session.scalar(select(func.count()).select_from(Reservation).where(
                Reservation.room_id.in_(room_ids), Reservation.starts_at < start + timedelta(days=days),
                Reservation.ends_at > start))

        active = list(db.session.scalars(select(Room.id).where(Room.active)))
        total = db.session.scalar(select(func.count()).select_from(Reservation))
        print(len(active), touching(day, 1, active), touching(monday, 7, [_week_room().id]), total)


def queries(agent: str, vendor_address: str) -> None:
    """Statements per page with the signed-in scale vendor, verifikator, room official
    and approver."""
    import pyotp
    from sqlalchemy import event, func, select, update

    from lpse_web import clock
    from lpse_web.auth.models import User
    from lpse_web.counter.models import Booking
    from lpse_web.extensions import db
    from lpse_web.office.models import CounterService
    from lpse_web.office.services import load_calendar
    from lpse_web.scale import SCALE_PASSWORD, staff_email

    app = _app()
    app.config.update(RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        service_id = db.session.scalar(select(CounterService.id).where(CounterService.code == SERVICE_CODE))
        day = load_calendar().local_day(clock.now())
        visits = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.day == day))
        code = db.session.scalar(select(Booking.code).where(
            Booking.day == day, Booking.visitor_id.is_not(None)).order_by(Booking.id).limit(1))
        staff = User.by_email(staff_email(STAFF_KEY))
        # A TOTP code is good once per account: sign-ins here and bench/run's own may
        # fall in the same 30 s step.
        totp_users = [staff.id, User.by_email(_official()).id, User.by_email(staff_email(APPROVER_KEY)).id]
        db.session.execute(update(User).where(User.id.in_(totp_users)).values(totp_last_step=None))
        db.session.commit()
        secret = staff.totp_secret
        room_id = _week_room().id
        engine = db.engine

    def signed_in(email, totp_secret=None):
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = agent
        response = client.post("/masuk", data={"email": email, "password": SCALE_PASSWORD})
        if totp_secret:
            response = client.post("/masuk/kode", data={"code": pyotp.TOTP(totp_secret).now()})
        if response.status_code != 302:
            sys.exit(f"in-process sign-in of {email} answered {response.status_code}")
        return client

    anonymous, vendor = app.test_client(), signed_in(vendor_address)
    staff_client = signed_in(staff_email(STAFF_KEY), secret) if secret else None
    official = signed_in(_official(), secret) if secret else None
    approver = signed_in(staff_email(APPROVER_KEY), secret) if secret else None
    pages = [("/sehat", anonymous, "/sehat"), ("/masuk", anonymous, "/masuk"), ("/", vendor, "/"),
             ("/kalender-layanan", anonymous, "/kalender-layanan"),
             ("/loket/<id>", vendor, f"/loket/{service_id}"),
             ("/antrian/", staff_client, "/antrian/"),
             ("/tiket/<code>", staff_client, f"/tiket/{code}"),
             ("/antrian/layar", anonymous, "/antrian/layar"),
             ("/antrian/laporan/", staff_client, "/antrian/laporan/"),
             ("/ruang/", official, "/ruang/"),
             ("/ruang/<id>/minggu", official, f"/ruang/{room_id}/minggu"),
             ("/ruang/[approver]", approver, "/ruang/"),
             ("/ruang/<id>/minggu[approver]", approver, f"/ruang/{room_id}/minggu")]
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, client, path in pages:
            if client is None or (code is None and "<code>" in name):
                print(f"{name} - {visits}")
                continue
            client.get(path)  # once to warm up (first-request caches), then counted
            statements.clear()
            status = client.get(path).status_code
            if status != 200:
                sys.exit(f"GET {path} answered {status} in-process")
            print(f"{name} {len(statements)} {visits}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():  # leave the current TOTP code to bench/run's own sign-in
            db.session.execute(update(User).where(User.id.in_(totp_users)).values(totp_last_step=None))
            db.session.commit()


def main(argv: list[str]) -> None:
    commands = {"pinned-now": lambda: print(pinned_now()), "prepare": lambda: prepare(argv[1]),
                "login": lambda: login(*argv[1:]), "seed-small": seed_small, "rooms": rooms,
                "queries": lambda: queries(argv[1], argv[2])}
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    commands[argv[0]]()


if __name__ == "__main__":
    main(sys.argv[1:])
