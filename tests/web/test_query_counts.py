"""No N+1: a page's query count does not grow with the rows it shows."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select

from lpse_web.auth.roles import Role
from lpse_web.counter.booking import new_code
from lpse_web.counter.models import (
    APPROVED,
    BOOKED,
    CALLED,
    CANCELLED,
    CHECKED_IN,
    DONE,
    NO_SHOW,
    REJECTED,
    Booking,
    Slot,
)
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.office.services import load_calendar
from lpse_web.rooms import history
from lpse_web.rooms.models import Blackout, Reservation
from lpse_web.rooms.rules import RoomRules
from tests.factories import counted_queries


def _queries_for(app, client, url):
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_user_list_query_count_does_not_grow(app, client, make_user, login):
    login(client, make_user(Role.ADMIN))
    for _ in range(3):
        make_user(Role.VENDOR)
    few = _queries_for(app, client, "/admin/pengguna")
    for _ in range(20):
        make_user(Role.VERIFIKATOR, Role.HELPDESK)
    assert _queries_for(app, client, "/admin/pengguna") == few


def test_audit_list_query_count_does_not_grow(app, client, make_user, login):
    login(client, make_user(Role.MANAGER))
    few = _queries_for(app, client, "/audit")
    for _ in range(20):
        make_user(Role.VENDOR)
    assert _queries_for(app, client, "/audit") == few


def test_home_page_reads_the_office_once(app, client, make_user, login):
    login(client, make_user(Role.VENDOR))
    with counted_queries(app) as statements:
        client.get("/")
    assert sum(1 for s in statements if "FROM office" in s) == 1


# --- the service counter: a day with few visits and a day with many ----------------------

WITA = ZoneInfo("Asia/Makassar")
DAY = date(2026, 11, 30)
# After the first visit (called to Loket 1), in turn: every state the counter pages show.
VISIT_KINDS = ("booked", "waiting", "approved", "no_show", "walk_in", "rejected", "cancelled")


def _at(hhmm: str) -> datetime:
    """A WITA time on 30 November 2026, as UTC."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(2026, 11, 30, hour, minute, tzinfo=WITA).astimezone(UTC)


def _slot_id(service_id: int, starts: str) -> int:
    """The slot row at `starts`, taking one more place in it."""
    slot = db.session.scalar(select(Slot).where(Slot.service_id == service_id, Slot.starts_at == _at(starts)))
    if slot is None:
        slot = Slot(service_id=service_id, starts_at=_at(starts), ends_at=_at(starts) + timedelta(minutes=30),
                    capacity=1000, booked=0)
        db.session.add(slot)
    slot.booked += 1
    db.session.flush()
    return slot.id


def _visit(kind: str, vendor, number: int, office: dict, staff_id: int) -> Booking:
    """A verification visit on 30 November in the state `kind`: the morning's visits in
    the 08.00 slot, those still to come in the 13.00 one. `number`: its queue number."""
    service_id = office["services"]["V"]
    booking = Booking(code=new_code(), service_id=service_id, day=DAY, created_at=_at("07.00"),
                      visitor_id=vendor.id, visitor_name=vendor.name, status=BOOKED)
    if kind == "walk_in":
        booking.visitor_id, booking.is_walk_in = None, True
    elif kind == "cancelled":  # its place given back: in the slot row's count no more
        booking.slot_id = _slot_id(service_id, "13.00")
        db.session.get(Slot, booking.slot_id).booked -= 1
        booking.status, booking.cancelled_at = CANCELLED, _at("07.00")
    else:
        starts = "13.00" if kind == "booked" else "08.00"
        booking.slot_id, booking.scheduled_at = _slot_id(service_id, starts), _at(starts)
        booking.no_show_after = _at(starts) + timedelta(minutes=15)
    if kind == "no_show":
        booking.status = NO_SHOW
    if kind in ("waiting", "walk_in", "called", "approved", "rejected"):
        booking.status, booking.checked_in_at, booking.queue_number = CHECKED_IN, _at("07.50"), number
    if kind == "called":
        booking.status, booking.called_at = CALLED, _at("10.50")
        booking.counter_id, booking.served_by_id = office["counters"]["Loket 1"], staff_id
    if kind in ("approved", "rejected"):
        booking.status, booking.called_at, booking.finished_at = DONE, _at("08.05"), _at("08.25")
        booking.counter_id, booking.served_by_id = office["counters"]["Loket 2"], staff_id
        booking.outcome = APPROVED if kind == "approved" else REJECTED
        booking.rejection_reason = "expired" if kind == "rejected" else None
    return booking


class TestCounterPages:
    """The counter pages issue as many statements on a busy day as on a quiet one. The
    clock: Monday 30 November 2026 (tests/counter's day) at 11.00 WITA, when visits have
    been served, one visitor is at a counter, some wait and some are still to come."""

    @pytest.fixture
    def app_config(self):
        return {"LPSE_NOW": "2026-11-30T11:00:00+08:00"}

    @pytest.fixture
    def office(self, app):
        """tests/counter's office: Loket 1 serves V and A, Loket 2 V, Loket 3 K."""
        with app.app_context():
            services = {s.code: s for s in db.session.scalars(select(CounterService))}
            counters = {}
            for name, codes in (("Loket 1", "VA"), ("Loket 2", "V"), ("Loket 3", "K")):
                counters[name] = Counter(name=name, services=[services[c] for c in codes])
                db.session.add(counters[name])
            db.session.commit()
            return {"services": {c: s.id for c, s in services.items()},
                    "counters": {n: c.id for n, c in counters.items()}}

    @pytest.fixture
    def add_visits(self, app, make_user, office):
        """add_visits(n): n more visits on the day, each by its own vendor. Returns their
        codes; the very first visit is the one called to Loket 1."""
        staff_id = make_user(Role.VERIFIKATOR).id
        added = []

        def add(count):
            vendors = [make_user(Role.VENDOR, company=f"CV Uji {len(added) + n}") for n in range(count)]
            with app.app_context():
                codes = []
                for vendor in vendors:
                    kind = VISIT_KINDS[(len(added) - 1) % len(VISIT_KINDS)] if added else "called"
                    booking = _visit(kind, vendor, len(added) + 1, office, staff_id)
                    db.session.add(booking)
                    added.append(booking.code)
                    codes.append(booking.code)
                db.session.commit()
            return codes

        return add

    def _assert_same_count(self, app, client, add_visits, url, few=8, many=60):
        """`url`: the page, or a function of the first visits' codes giving it."""
        codes = add_visits(few)
        url = url(codes) if callable(url) else url
        client.get(url)  # a first request fills per-process caches: count the second
        quiet = _queries_for(app, client, url)
        add_visits(many - few)
        with app.app_context():
            day_count = select(func.count()).select_from(Booking).where(Booking.day == DAY)
            assert db.session.scalar(day_count) == many
        assert _queries_for(app, client, url) == quiet

    def test_vendor_slot_page(self, app, client, make_user, login, office, add_visits):
        login(client, make_user(Role.VENDOR))
        self._assert_same_count(app, client, add_visits, f"/loket/{office['services']['V']}")

    def test_ticket_page(self, app, client, make_user, login, add_visits):
        login(client, make_user(Role.VERIFIKATOR))
        # The first visit's ticket: the visitor at the counter (number, counter, staff).
        self._assert_same_count(app, client, add_visits, lambda codes: f"/tiket/{codes[0]}")

    def test_staff_queue_page(self, app, client, make_user, login, add_visits):
        login(client, make_user(Role.VERIFIKATOR))
        self._assert_same_count(app, client, add_visits, "/antrian/")

    def test_board(self, app, client, add_visits):
        self._assert_same_count(app, client, add_visits, "/antrian/layar")

    def test_counter_report(self, app, client, make_user, login, add_visits):
        login(client, make_user(Role.MANAGER))
        self._assert_same_count(app, client, add_visits, "/antrian/laporan/?periode=day&tanggal=2026-11-30")


# --- the rooms' calendars: a quiet week and a year of history ------------------------------

# Five active rooms, as in the demo office, with the rules that change how a column is
# drawn (own hours, open at weekends, approval or not), and one inactive room that must
# not become a column.
ROOMS = (
    ("Ruang Pemasukan Penawaran", "bidding", 12, {"needs_approval": True}),
    ("Ruang Pelatihan", "training", 30, {"needs_approval": True, "opens": time(7, 30), "closes": time(17)}),
    ("Ruang Verifikasi", "verification", 6, {"needs_approval": False}),
    ("Ruang Rapat Pokja", "meeting", 10, {"needs_approval": False, "open_weekends": True}),
    ("Ruang Konsultasi", "meeting", 4, {"needs_approval": False, "grace_minutes": 30}),
)


class TestRoomPages:
    """The day view (all five active rooms as columns) and the week view of one room
    issue as many statements with a year of room history, the viewed day and week near
    full, as with a handful of reservations, for an official who reserves (sees their
    own reservations in full, the others' as "taken") and for an approver (sees who
    reserved every one). The clock: Monday
    30 November 2026 (tests/rooms' day) at 11.00 WITA, so the viewed day has finished,
    under way and coming reservations, and the week has past and coming days."""

    @pytest.fixture
    def app_config(self):
        return {"LPSE_NOW": "2026-11-30T11:00:00+08:00"}

    NOW = datetime(2026, 11, 30, 11, 0, tzinfo=WITA).astimezone(UTC)

    @pytest.fixture
    def room_ids(self, app):
        with app.app_context():
            rooms = [Room(name=name, kind=kind, seats=seats, computers=0, equipment="", active=True, **rules)
                     for name, kind, seats, rules in ROOMS]
            rooms.append(Room(name="Ruang Lama", kind="meeting", seats=8, active=False))
            db.session.add_all(rooms)
            db.session.commit()
            return [room.id for room in rooms[:len(ROOMS)]]

    def _history(self, app, room_ids, requester_ids, approver_id, *, first, last, fill, seed) -> int:
        with app.app_context():
            rooms = [history.RoomInfo(r.id, r.kind, r.seats, RoomRules.of(r))
                     for r in db.session.scalars(select(Room).where(Room.id.in_(room_ids)))]
            written = history.generate(load_calendar(), rooms, first=first, last=last, now=self.NOW,
                                       requester_ids=requester_ids, approver_id=approver_id, fill=fill,
                                       seed=seed)
            db.session.commit()
            return written

    def _blackouts(self, app, room_ids, days):
        """A blackout on each of `days` in each room: 13.00-14.00 WITA, the afternoon."""
        with app.app_context():
            for day in days:
                start = datetime.combine(day, time(13), WITA).astimezone(UTC)
                end = start + timedelta(hours=1)
                for room_id in room_ids:
                    db.session.add(Blackout(room_id=room_id, starts_at=start, ends_at=end,
                                            reason="Ujian sertifikasi"))
            db.session.commit()

    def _taken_cells(self, client, url) -> int:
        return client.get(url).get_data(as_text=True).count('class="cell taken')

    def _assert_same_count(self, app, client, make_user, login, room_ids, role, url):
        viewer = make_user(role)
        login(client, viewer)
        other = make_user(Role.ROOM_USER).id
        approver = viewer.id if role == Role.HELPDESK else make_user(Role.HELPDESK).id
        requesters = [viewer.id, other, approver]
        # Near-empty: a few reservations on the viewed week (own and others', finished,
        # under way, coming, pending), one blackout on the viewed day.
        few = self._history(app, room_ids, requesters, approver, first=DAY, last=DAY + timedelta(days=4),
                            fill=0.25, seed=5)
        self._blackouts(app, room_ids[:2], [DAY])
        client.get(url)  # a first request fills per-process caches: count the second
        quiet = _queries_for(app, client, url)
        quiet_taken = self._taken_cells(client, url)
        assert 0 < few < 40 and quiet_taken >= 1
        # A year of history up to two weeks ahead (some 3,000 reservations), the viewed
        # day and week near full; blackouts every Friday and on the viewed day.
        with app.app_context():
            db.session.execute(delete(Reservation))
            db.session.commit()
        many = self._history(app, room_ids, requesters, approver, first=DAY - timedelta(days=365),
                             last=DAY + timedelta(days=14), fill=0.95, seed=2026)
        assert many > 2500
        fridays = [DAY - timedelta(days=3 + 7 * n) for n in range(52)] + [DAY + timedelta(days=4)]
        self._blackouts(app, room_ids, [*fridays, DAY])
        assert _queries_for(app, client, url) == quiet
        assert self._taken_cells(client, url) > 3 * quiet_taken

    @pytest.mark.parametrize("role", [Role.ROOM_USER, Role.HELPDESK], ids=["official", "approver"])
    def test_day_view(self, app, client, make_user, login, room_ids, role):
        self._assert_same_count(app, client, make_user, login, room_ids, role,
                                f"/ruang/?hari={DAY.isoformat()}")

    @pytest.mark.parametrize("role", [Role.ROOM_USER, Role.HELPDESK], ids=["official", "approver"])
    def test_week_view(self, app, client, make_user, login, room_ids, role):
        self._assert_same_count(app, client, make_user, login, room_ids, role,
                                f"/ruang/{room_ids[0]}/minggu?minggu={DAY.isoformat()}")


# --- the survey report: a period with few answers and one with many -----------------------

class TestSurveyReportPages:
    """The survey report, the per-respondent table (one page of rows) and the printable
    laporan (every row, up to its 500) issue as many statements with 60 answers as with 5,
    suggestions and their follow-up included."""

    PERIOD = ("Triwulan IV 2026", date(2026, 10, 1), date(2026, 12, 31))

    @pytest.fixture
    def add_answers(self, app, make_user):
        from lpse_web.surveys import periods, responses
        from lpse_web.surveys.catalogue import ROOMS, Served, counter_key
        from lpse_web.surveys.models import SurveySuggestion
        from lpse_web.surveys.suggestions import follow_up

        staff_id = make_user(Role.SURVEY_MANAGER).id
        opened = datetime(2026, 10, 1, tzinfo=UTC)
        with app.app_context():
            period = periods.save_period(None, name=self.PERIOD[0], first=self.PERIOD[1], last=self.PERIOD[2])
            periods.open_period(period, opened)
            db.session.commit()
            period_id = period.id
        added = []

        def add(count):
            with app.app_context():
                keys = [counter_key(s.id) for s in db.session.scalars(select(CounterService))] + [ROOMS]
                for _ in range(count):
                    n = len(added)
                    served = Served(keys[n % len(keys)], date(2026, 10, 1 + n % 28), ("pagi", "siang")[n % 2])
                    responses.record(served, scores={u: 1 + (n + u) % 4 for u in range(1, 10)},
                                     profile=responses.Profile("LP"[n % 2], "30-39", "S1", "PNS"),
                                     channel="kiosk", suggestion=f"Saran {n}" if n % 3 == 0 else "")
                    added.append(n)
                db.session.flush()
                for i, suggestion in enumerate(db.session.scalars(select(SurveySuggestion))):
                    if suggestion.follow_up is None and i % 2 == 0:
                        follow_up(suggestion, status="answered", reply="Terima kasih.", staff_id=staff_id,
                                  now=opened)
                db.session.commit()
            return period_id

        return add

    @pytest.mark.parametrize("page", ["/survei/laporan/?periode={id}", "/survei/laporan/{id}/responden",
                                      "/survei/laporan/{id}/cetak"], ids=["report", "respondents", "print"])
    def test_same_count(self, app, client, make_user, login, add_answers, page):
        login(client, make_user(Role.MANAGER))
        period_id = add_answers(5)
        url = page.format(id=period_id)
        client.get(url)  # a first request fills per-process caches: count the second
        quiet = _queries_for(app, client, url)
        add_answers(55)
        body = client.get(url).get_data(as_text=True)
        assert "Responden: 60 " in body or "· 60 responden" in body
        assert _queries_for(app, client, url) == quiet
