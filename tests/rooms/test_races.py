"""Races for one room between real processes over separate connections, released
together by a barrier, on SQLite and on PostgreSQL (RELIABILITY.md "Tests that prove
it"): overlapping reservations, and two decisions on one request.

Each racer is a fresh interpreter that builds the app and warms up as a running worker
is warm (the same reads as the real call: the calendar, the holidays, the plan), in a
deferred read transaction that it ENDS before the barrier (on SQLite an app context
begins with BEGIN IMMEDIATE: holding it would make the others wait, not race). Released
together, each calls the service and commits; a loser rolls back and reports the class
of what it was told. Anything but the expected refusal is a failure. What the racers
were told is compared with what the database holds."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.rooms.models import ACTIVE_STATUSES, APPROVED, CANCELLED, REJECTED, REQUESTED, Reservation
from tests.racing import race
from tests.rooms.conftest import NOW, NOW_ISO, tomorrow

pytestmark = pytest.mark.race
RACERS = 20  # N >= 20 separate processes
BARRIER_TIMEOUT = 120  # 20 interpreters importing the app on a small machine take a while


def _app(database_url):
    from lpse_web import create_app
    from tests.conftest import _test_config

    config = _test_config(database_url)
    config["LPSE_NOW"] = NOW_ISO
    return create_app(config)


def _read_only():
    """Begin the session's transaction deferred (lpse_web.database: no write lock on
    SQLite), for the set-up reads."""
    db.session.connection(execution_options={"sqlite_immediate": False})


def _outcome(error: Exception) -> tuple[str, object]:
    other = getattr(error, "other", None)
    return type(error).__name__, other.id if other is not None else repr(error)[:300]


def _reserve_racer(database_url, tag, room_id, user_id, start, end, barrier, results):
    """Reserve [start, end) of the room; report (tag, "ok", id) or (tag, error class,
    the id of the reservation in the way / the error)."""
    outcome = (tag, "NotRun", "")
    try:
        app = _app(database_url)
        with app.app_context():
            from lpse_web import clock
            from lpse_web.auth.models import User
            from lpse_web.office.models import Room
            from lpse_web.rooms import services

            _read_only()
            services.plan(db.session.get(Room, room_id), start, end, clock.now())
            services.release_overdue(clock.now())  # nothing overdue: a read
            assert db.session.get(User, user_id) is not None
            db.session.remove()  # end the set-up transaction before the race begins
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                stored, _ = services.reserve(
                    db.session.get(Room, room_id), db.session.get(User, user_id), start=start, end=end,
                    purpose="bid_submission", title=f"Paket {tag}", attendees=2, now=clock.now())
                db.session.commit()
                outcome = (tag, "ok", stored[0].id)
            except Exception as error:  # the losers' answer, or a bug: reported either way
                db.session.rollback()
                outcome = (tag, *_outcome(error))
            db.session.remove()
            db.engine.dispose()
    except Exception as error:  # set-up failed (or the barrier broke): a failure too
        outcome = (tag, type(error).__name__, repr(error))
    results.put(outcome)


def _decide_racer(database_url, tag, reservation_id, user_id, action, barrier, results):
    """approve / reject / cancel one reservation; report (tag, action, "ok" or error class)."""
    outcome = (tag, action, "NotRun")
    try:
        app = _app(database_url)
        with app.app_context():
            from lpse_web import clock
            from lpse_web.rooms import services

            _read_only()
            services.release_overdue(clock.now())
            assert db.session.get(Reservation, reservation_id).status == REQUESTED
            db.session.remove()
            barrier.wait(timeout=BARRIER_TIMEOUT)
            try:
                reservation, now = db.session.get(Reservation, reservation_id), clock.now()
                if action == "approve":
                    services.approve(reservation, user_id, now)
                elif action == "reject":
                    services.reject(reservation, user_id, "Ruang dipakai ujian", now)
                else:
                    services.cancel(reservation, now)
                db.session.commit()
                outcome = (tag, action, "ok")
            except Exception as error:
                db.session.rollback()
                name = type(error).__name__
                outcome = (tag, action, name if name == "WrongStateError" else f"{name}: {error}"[:300])
            db.session.remove()
            db.engine.dispose()
    except Exception as error:
        outcome = (tag, action, f"{type(error).__name__}: {error!r}")
    results.put(outcome)


def _http_racer(database_url, email, totp_secret, form, barrier, results):
    """The whole app through its test client: sign in (password, TOTP), open the form,
    then, released, submit it. Reports (status, Location, the conflict message or the
    start of the page)."""
    outcome = (0, "", "NotRun")
    try:
        import pyotp

        from tests.conftest import CSRFClient
        from tests.factories import PASSWORD

        app = _app(database_url)
        app.test_client_class = CSRFClient
        client = app.test_client()
        client.post("/masuk", data={"email": email, "password": PASSWORD})
        signed_in = client.post("/masuk/kode", data={"code": pyotp.TOTP(totp_secret).now()})
        assert signed_in.status_code in (302, 303), signed_in.status_code
        assert client.get("/ruang/pesan").status_code == 200
        assert client.get("/ruang/?hari=2026-12-01").status_code == 200
        token = client.csrf_token()
        barrier.wait(timeout=BARRIER_TIMEOUT)
        response = client.post("/ruang/pesan", data=form, headers={"X-CSRFToken": token})
        page = response.get_data(as_text=True)
        conflict = re.search(r"Bentrok dengan reservasi lain[^<]*", page)
        outcome = (response.status_code, response.headers.get("Location", ""),
                   conflict.group(0) if conflict else page[:500])
        with app.app_context():
            db.engine.dispose()
    except Exception as error:
        outcome = (0, "", repr(error)[:500])
    results.put(outcome)


def _officials(make_user, n):
    return [make_user(Role.ROOM_USER).id for _ in range(n)]


def _overlapping_active_pairs() -> int:
    """Pairs of active reservations of one room that overlap, counted by the database."""
    a, b = aliased(Reservation), aliased(Reservation)
    same_room = (a.room_id == b.room_id) & (a.id < b.id)
    return db.session.scalar(select(func.count()).select_from(a).join(b, same_room)
                             .where(a.status.in_(ACTIVE_STATUSES), b.status.in_(ACTIVE_STATUSES),
                                    a.starts_at < b.ends_at, b.starts_at < a.ends_at))


def test_twenty_requests_for_the_same_range_store_exactly_one(app, database_url, rooms, make_user):
    officials = _officials(make_user, RACERS)
    start, end = tomorrow("09.00"), tomorrow("11.00")
    outcomes = race(_reserve_racer, [(database_url, i, rooms["bidding"], official, start, end)
                                     for i, official in enumerate(officials)])

    winners = [detail for _, result, detail in outcomes if result == "ok"]
    losers = [(result, detail) for _, result, detail in outcomes if result != "ok"]
    assert len(winners) == 1, outcomes
    assert {result for result, _ in losers} == {"ConflictError"}, outcomes
    assert {detail for _, detail in losers} == set(winners)  # each loser is told who holds the room
    with app.app_context():
        rows = db.session.execute(select(Reservation.id, Reservation.status, Reservation.starts_at,
                                         Reservation.ends_at)).all()
        assert rows == [(winners[0], REQUESTED, start, end)]
        assert _overlapping_active_pairs() == 0


# Four groups of five ranges, 08.00-10.00, 10.00-12.00, 12.00-14.00 and 14.00-16.00:
# inside a group every range holds minutes 45-60 of the group's first hour, so any two
# of a group overlap; ranges of different groups never do (at most they touch: the
# first group's 08.45-10.00 ends where the second group's 10.00-11.00 begins).
GROUP_RANGES = ((0, 60), (15, 75), (30, 90), (45, 105), (45, 120))  # minutes from the group's start
GROUPS = 4


def _staggered():
    ranges = []
    for group in range(GROUPS):
        base = tomorrow("08.00") + timedelta(hours=2 * group)
        ranges += [(group, base + timedelta(minutes=s), base + timedelta(minutes=e)) for s, e in GROUP_RANGES]
    return ranges


def test_staggered_requests_give_one_winner_per_conflicting_group(app, database_url, rooms, make_user):
    ranges = _staggered()
    assert len(ranges) == RACERS
    officials = _officials(make_user, RACERS)
    outcomes = race(_reserve_racer, [(database_url, i, rooms["bidding"], official, start, end)
                                     for i, (official, (_, start, end)) in enumerate(zip(officials, ranges,
                                                                                         strict=True))])
    group_of = {i: group for i, (group, _, _) in enumerate(ranges)}
    winners = {group_of[tag]: detail for tag, result, detail in outcomes if result == "ok"}
    assert sorted(group_of[tag] for tag, result, _ in outcomes if result == "ok") == list(range(GROUPS)), \
        outcomes
    losers = [(tag, result, detail) for tag, result, detail in outcomes if result != "ok"]
    assert {result for _, result, _ in losers} == {"ConflictError"}, outcomes
    # A loser is told of its own group's winner: the only stored range that overlaps it.
    assert all(detail == winners[group_of[tag]] for tag, _, detail in losers), (winners, losers)

    with app.app_context():
        stored = db.session.execute(select(Reservation.id, Reservation.starts_at, Reservation.ends_at)
                                    .order_by(Reservation.starts_at)).all()
        assert [row.id for row in stored] == [winners[g] for g in range(GROUPS)]
        by_tag = {tag: (start, end) for tag, (_, start, end) in enumerate(ranges)}
        won = {detail: by_tag[tag] for tag, result, detail in outcomes if result == "ok"}
        assert {row.id: (row.starts_at, row.ends_at) for row in stored} == won
        assert _overlapping_active_pairs() == 0


@pytest.fixture
def pending_request(app, rooms, people, make_reservation):
    with app.app_context():
        return make_reservation().id


def _trail(reservation_id):
    return db.session.execute(select(AuditEntry.action, AuditEntry.after).where(
        AuditEntry.table_name == "room_reservation", AuditEntry.record_id == str(reservation_id))
        .order_by(AuditEntry.id)).all()


def test_approve_against_cancel_ends_in_one_consistent_state(app, database_url, make_user, people,
                                                           pending_request):
    """Ten approvers approve while the requester cancels in ten tabs. Whatever the order,
    it is an order: the request is cancelled once, approved at most once and only
    before the cancellation, never approved after it (a lost update)."""
    approvers = [make_user(Role.HELPDESK).id for _ in range(RACERS // 2)]
    racers = [(database_url, i, pending_request, approver, "approve") for i, approver in enumerate(approvers)]
    racers += [(database_url, len(racers) + i, pending_request, people["official"], "cancel")
               for i in range(RACERS // 2)]
    outcomes = race(_decide_racer, racers)

    assert {result for _, _, result in outcomes} <= {"ok", "WrongStateError"}, outcomes
    approved = [tag for tag, action, result in outcomes if action == "approve" and result == "ok"]
    cancelled = [tag for tag, action, result in outcomes if action == "cancel" and result == "ok"]
    assert len(cancelled) == 1 and len(approved) <= 1, outcomes
    with app.app_context():
        row = db.session.get(Reservation, pending_request)
        assert row.status == CANCELLED and row.cancelled_at is not None
        updates = [after["status"] for action, after in _trail(pending_request) if action == "update"]
        if approved:
            assert updates == [APPROVED, CANCELLED]
            assert row.approved_at is not None and row.decided_by_id == approvers[approved[0]]
        else:
            assert updates == [CANCELLED]
            assert row.approved_at is None and row.decided_by_id is None


def test_approve_against_reject_has_one_decision(app, database_url, make_user, pending_request):
    deciders = [make_user(Role.HELPDESK).id for _ in range(RACERS)]
    racers = [(database_url, i, pending_request, staff, "approve" if i % 2 else "reject")
              for i, staff in enumerate(deciders)]
    outcomes = race(_decide_racer, racers)

    assert {result for _, _, result in outcomes} <= {"ok", "WrongStateError"}, outcomes
    (winner,) = [(tag, action) for tag, action, result in outcomes if result == "ok"]
    with app.app_context():
        row = db.session.get(Reservation, pending_request)
        assert row.decided_by_id == deciders[winner[0]]
        if winner[1] == "approve":
            assert row.status == APPROVED and row.rejection_reason == "" and row.approved_at is not None
        else:
            assert row.status == REJECTED and row.rejection_reason == "Ruang dipakai ujian"
            assert row.approved_at is None
        updates = [after["status"] for action, after in _trail(pending_request) if action == "update"]
        assert updates == [row.status]


def test_twenty_people_submitting_the_form_for_one_range_over_http(app, database_url, rooms, make_user):
    """The same race through the page: one is sent to their reservation, the others get
    the form back (422) saying the room is taken, never an error page."""
    officials = [make_user(Role.ROOM_USER) for _ in range(RACERS)]
    form = {"room": rooms["bidding"], "start_date": "2026-12-01", "start_time": "09:00", "end_time": "11:00",
            "purpose": "bid_submission", "title": "Paket Jalan Ruas Kupang-Soe", "attendees": "5", "note": "",
            "repeat": "", "until": "", "confirm": "Ajukan reservasi"}
    outcomes = race(_http_racer, [(database_url, o.email, o.totp_secret, form) for o in officials])

    winners = [location for status, location, _ in outcomes if status == 303]
    losers = [(status, message) for status, location, message in outcomes if status != 303]
    assert len(winners) == 1 and re.fullmatch(r".*/ruang/reservasi/\d+", winners[0]), outcomes
    assert {status for status, _ in losers} == {422}, outcomes
    # Told who holds the room as far as they may know: the room and the time, not who.
    assert {message for _, message in losers} == {
        "Bentrok dengan reservasi lain: Ruang Bidding sudah dipesan Selasa, 1 Desember 2026 pukul "
        "09.00–11.00 WITA."}, losers
    with app.app_context():
        rows = db.session.execute(select(Reservation.id, Reservation.starts_at, Reservation.ends_at)).all()
        assert [(row.starts_at, row.ends_at) for row in rows] == [(tomorrow("09.00"), tomorrow("11.00"))]
        assert winners[0].endswith(f"/ruang/reservasi/{rows[0].id}")



def _insert_racer(database_url, index, room_id, requester_id, rounds, barrier, results):
    """Round after round, insert the round's range through services._insert at the
    moment the other racers do; report every outcome."""
    outcomes = []
    try:
        app = _app(database_url)
        with app.app_context():
            from lpse_web.rooms import services

            postgresql = db.engine.dialect.name == "postgresql"
            for round_no in range(rounds):
                start = tomorrow("00.00") + timedelta(hours=round_no)
                reservation = Reservation(
                    room_id=room_id, requester_id=requester_id, starts_at=start,
                    ends_at=start + timedelta(minutes=45), release_after=start + timedelta(minutes=15),
                    purpose="bid_submission", title=f"Paket {round_no}-{index}", attendees=1,
                    status=REQUESTED, created_at=NOW)
                if postgresql:
                    db.session.connection()  # the transaction is open: only the INSERT is left to race
                barrier.wait(timeout=BARRIER_TIMEOUT)
                try:
                    services._insert(reservation, NOW)
                    db.session.commit()
                    outcomes.append("ok")
                except Exception as error:
                    db.session.rollback()
                    outcomes.append(type(error).__name__ if isinstance(error, services.ReservationError)
                                    else f"{type(error).__name__}: {str(error).splitlines()[0]}")
                db.session.remove()
            db.engine.dispose()
    except Exception as error:
        outcomes.append(f"{type(error).__name__}: {error!r}"[:300])
    results.put(outcomes)


INSERT_RACERS, INSERT_ROUNDS = 4, 400


def test_simultaneous_inserts_of_one_range_are_always_told_conflict(app, database_url, rooms, make_user):
    """_insert, the one function that writes a reservation, must answer ConflictError
    whenever the database refuses an overlap. On PostgreSQL two transactions inserting
    overlapping ranges at the same instant each find the other's new tuple and wait for
    each other; the deadlock detector then aborts one with SQLSTATE 40P01, not 23P01
    (PostgreSQL's src/backend/executor/execIndexing.c, "Exclusion Constraints"). That
    requester must still be told "taken", not shown an error page. A few processes
    released together for many rounds make that instant likely; on SQLite the single
    writer serializes them."""
    requesters = [make_user(Role.ROOM_USER).id for _ in range(INSERT_RACERS)]
    per_racer = race(_insert_racer, [(database_url, i, rooms["bidding"], requester, INSERT_ROUNDS)
                                     for i, requester in enumerate(requesters)], timeout=600)
    outcomes = [o for racer in per_racer for o in racer]
    unexpected = sorted({o for o in outcomes if o not in ("ok", "ConflictError")})
    assert unexpected == [], (len([o for o in outcomes if o in unexpected]), unexpected)
    assert outcomes.count("ok") == INSERT_ROUNDS
    assert outcomes.count("ConflictError") == INSERT_ROUNDS * (INSERT_RACERS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reservation)) == INSERT_ROUNDS
        assert _overlapping_active_pairs() == 0
