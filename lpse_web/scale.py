"""`flask seed-scale`: a busy office with years of history, for the benchmarks and the
query-count checks (bench/README.md). Not for a real office: its accounts are in the
`scale.test` domain and share one password.

Rows are written in bulk (multi-row INSERTs, not the ORM) and idempotently: a second
run adds only what is missing. One function per module, each returning what it wrote;
`seed_scale` runs them in order and commits after each: the accounts, the counter, the
rooms, the survey, the asset register and the risk register.

Bulk-loaded rows are not in the audit log (like an import); the few rows made through
the ORM (staff, counters, rooms, the room officials) are, as the work of "seed-scale"."""

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from lpse_web import clock
from lpse_web.auth.models import User, UserRole, new_session_token
from lpse_web.auth.passwords import hash_password
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.defaults import install_defaults
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.office.services import load_calendar

SCALE_DOMAIN = "scale.test"
SCALE_PASSWORD = "Skala#Loket2026"  # test data only: printed by the command, used by bench/run
STAFF = (("verifikator", "Verifikator Skala", (Role.VERIFIKATOR,)),)

# The counter: 8 counters each offering every service give 8 places per slot, some
# 560 places per open day (70 slots of the four services); at 80 % taken that is over
# 100,000 online bookings in a year of some 240 open days, plus walk-ins.
COUNTERS = 8
FILL = 0.8  # share of the places taken in slots before now
FUTURE_FILL = 0.1  # ... and in slots still to come
WALK_INS_PER_DAY = 4  # per service, on average
DAYS_AHEAD = 14

# The registers: an office network's worth of assets (lpse_web/assets/scale_data.py)
# and risks linked to them (lpse_web/risks/sample_data.py), kept by an asset manager and
# a risk manager of their own.
ASSETS = 20_000
RISKS = 2_000
REGISTER_STAFF = (("aset", "Pengelola Aset Skala", (Role.ASSET_MANAGER,)),
                  ("risiko", "Pengelola Risiko Skala", (Role.RISK_MANAGER,)),
                  ("kepala", "Kepala LPSE Skala", (Role.MANAGER,)))

# The rooms: the demo office's five (lpse_web/demo.py), by the same names, so that
# seed-demo after seed-scale adds no rooms of its own (the day view keeps five columns)
# and, finding reservations, no room history either. Ten officials (Pokja / PPK) reserve
# them and the helpdesk decides; every candidate range of their open hours is taken
# (ROOM_FILL; the gaps between ranges stay free), some 2,600 reservations a year, so two
# years give the 5,000 issue 8 asks for, up to ROOM_DAYS_AHEAD days on.
ROOMS = (  # name, kind, seats, computers, equipment, needs approval
    ("Ruang Pemasukan Penawaran", "bidding", 12, 12, "12 PC, internet 100 Mbps, printer", True),
    ("Ruang Pelatihan", "training", 30, 25, "Proyektor, 25 laptop, papan tulis", True),
    ("Ruang Verifikasi", "verification", 6, 2, "Pemindai dokumen, 2 PC", False),
    ("Ruang Rapat Pokja", "meeting", 10, 1, "Layar TV 55 inci, konferensi video", False),
    ("Ruang Konsultasi", "meeting", 4, 1, "1 PC untuk pendampingan SPSE", False),
)
ROOM_OFFICIALS = 10
ROOM_APPROVER = ("helpdesk", "Helpdesk Skala", (Role.HELPDESK,))
ROOM_FILL = 1.0
ROOM_DAYS_AHEAD = 14

GIVEN = ("Yosef", "Marselinus", "Kristina", "Adrianus", "Veronika", "Dominikus", "Elisabeth", "Antonius",
         "Maria", "Gabriel", "Yuliana", "Petrus", "Katarina", "Aloysius", "Margaretha", "Fransiskus")
FAMILY = ("Lalo", "Bria", "Nahak", "Fanggidae", "Ndun", "Mbuik", "Seran", "Tefa", "Manek", "Kase", "Bere",
          "Taek", "Amalo", "Lay", "Sinlae", "Nope")
COMPANY_FORMS = ("CV", "PT", "UD")
COMPANY_WORDS = ("Flobamora", "Sumba", "Timor", "Alor", "Rote", "Komodo", "Sabu", "Lembata", "Ende",
                 "Manggarai", "Belu", "Kupang", "Nagekeo", "Flores", "Sikka", "Ngada")
COMPANY_ENDINGS = ("Jaya", "Konstruksi", "Mandiri", "Teknik", "Sejahtera", "Karya", "Abadi", "Prima",
                   "Lestari", "Bangun", "Perkasa", "Digital", "Utama", "Energi", "Makmur", "Niaga")


@dataclass
class Step:
    """What one function wrote, for the command's report."""

    name: str
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def vendor_email(number: int) -> str:
    return f"vendor{number:04d}@{SCALE_DOMAIN}"


def _history_days(today, years, days_ahead, earliest):
    """The days to fill: `years` back to `days_ahead` on, or, when history exists from
    `earliest` on, only the days before it (a second run adds nothing it already has)."""
    first = today - timedelta(days=round(365.25 * years))
    last = today + timedelta(days=days_ahead)
    if earliest is not None:
        last = min(earliest, today) - timedelta(days=1)
    return first, last


def staff_email(key: str) -> str:
    return f"{key}@{SCALE_DOMAIN}"


def official_email(number: int) -> str:
    """A room official (Pokja / PPK): pokja01@scale.test ..."""
    return f"pokja{number:02d}@{SCALE_DOMAIN}"


def seed_scale(*, years: float = 1, seed: int = 2026, vendors: int = 3000,
               now: datetime | None = None, counters: int = COUNTERS, assets: int | None = None,
               risks: int | None = None, fill: float = FILL) -> list[Step]:
    """Everything, module by module, `years` of history ending `now`; commits after each.
    `now` defaults to the app's clock (LPSE_NOW pins it); `assets` and `risks` to ASSETS
    and RISKS. `counters` and `fill` size the counter (places per slot, share taken):
    the survey follows the counter, since its answers come from the people served."""
    now = now or clock.now()
    assets = ASSETS if assets is None else assets
    risks = RISKS if risks is None else risks
    install_defaults()
    steps = []
    modules = (  # accounts first: every module after it uses them (issue 8 adds its own here)
        lambda: seed_accounts(vendors=vendors, seed=seed, now=now),
        lambda: seed_counter(years=years, seed=seed, now=now, counters=counters, fill=fill),
        lambda: seed_rooms(years=years, seed=seed, now=now),
        lambda: seed_survey(seed=seed, now=now),
        lambda: seed_assets(count=assets, seed=seed, now=now, years=years),
        lambda: seed_risks(count=risks, seed=seed, now=now, years=years),
    )
    for run in modules:
        started = time.perf_counter()
        step = run()
        db.session.commit()
        step.seconds = time.perf_counter() - started
        steps.append(step)
    return steps


# --- accounts --------------------------------------------------------------------------

def seed_accounts(*, vendors: int, seed: int, now: datetime) -> Step:
    """`vendors` vendor accounts (vendor0001@scale.test ...) and the staff, one shared
    password hash (scrypt is slow on purpose: one hash, not 3,000)."""
    step = Step("accounts")
    rng = random.Random(seed)
    existing = set(db.session.scalars(select(User.email).where(User.email.like(f"%@{SCALE_DOMAIN}"))))
    wanted = [vendor_email(n) for n in range(1, vendors + 1)]
    missing_staff = [s for s in STAFF if staff_email(s[0]) not in existing]
    # Every vendor's details are drawn, inserted or not, so a row does not depend on
    # which ones a previous run already wrote.
    rows = [_vendor_row(rng, email, now) for email in wanted]
    rows = [row for row in rows if row["email"] not in existing]
    password_hash = hash_password(SCALE_PASSWORD) if rows or missing_staff else ""
    if rows:
        for row in rows:
            row["password_hash"] = password_hash
        db.session.execute(insert(User), rows)
        new_ids = db.session.scalars(select(User.id).where(
            User.email.like(f"vendor%@{SCALE_DOMAIN}"),
            ~select(UserRole.id).where(UserRole.user_id == User.id).exists())).all()
        db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.VENDOR.value} for i in new_ids])
    for key, name, roles in missing_staff:  # few: through the ORM, so the audit log has them
        user = User(email=staff_email(key), name=name, password_hash=password_hash,
                    created_at=now - timedelta(days=400))
        user.set_roles(roles)
        db.session.add(user)
    db.session.flush()
    step.rows = {"vendors": len(rows), "staff": len(missing_staff)}
    step.notes.append(f"{len(existing & set(wanted))} vendors were already there")
    return step


def _vendor_row(rng: random.Random, email: str, now: datetime) -> dict:
    company = (f"{rng.choice(COMPANY_FORMS)} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_ENDINGS)}")
    return {
        "email": email, "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "company": company,
        "npwp": f"{rng.randrange(10**14, 10**15)}", "phone": f"0812{rng.randrange(10**7, 10**8)}",
        "active": True, "must_change_password": False, "locale": "id",
        "session_token": new_session_token(),
        "created_at": now - timedelta(days=rng.randrange(30, 900), minutes=rng.randrange(24 * 60)),
    }


def scale_vendors() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.name).where(User.email.like(f"vendor%@{SCALE_DOMAIN}")).order_by(User.email))]


def scale_staff_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.email.in_([staff_email(key) for key, _name, _roles in STAFF])).order_by(User.id)))


# --- the service counter ---------------------------------------------------------------

def seed_counter(*, years: float, seed: int, now: datetime, counters: int = COUNTERS, fill: float = FILL,
                 future_fill: float = FUTURE_FILL, walk_ins_per_day: int = WALK_INS_PER_DAY,
                 days_ahead: int = DAYS_AHEAD) -> Step:
    """`counters` counters offering every service, then counter visits from `years`
    back to `days_ahead` days on (lpse_web.counter.history). With history already in
    the database, only the past days before its first day are added: finished visits,
    which cannot clash with the open bookings already there."""
    from lpse_web.counter import history
    from lpse_web.counter.models import Booking, Slot

    step = Step("counter")
    services = db.session.scalars(select(CounterService).where(CounterService.active)
                                  .order_by(CounterService.code)).all()
    names = set(db.session.scalars(select(Counter.name)))
    added = 0
    for n in range(1, counters + 1):
        name = f"Loket S{n}"
        if name not in names:
            db.session.add(Counter(name=name, services=list(services)))
            added += 1
    db.session.flush()

    calendar = load_calendar()
    earliest = db.session.scalar(select(func.min(Booking.day)))
    first, last = _history_days(calendar.local_day(now), years, days_ahead, earliest)
    visitors, staff_ids = scale_vendors(), scale_staff_ids()
    slots_before = db.session.scalar(select(func.count()).select_from(Slot))
    visits = 0
    open_days = sum(1 for n in range((last - first).days + 1)
                    if calendar.open_intervals(first + timedelta(days=n)))
    if open_days and visitors and staff_ids:
        visits = history.generate(calendar, first=first, last=last, now=now, visitors=visitors,
                                  staff_ids=staff_ids, fill=fill, future_fill=future_fill,
                                  walk_ins_per_day=walk_ins_per_day, seed=seed)
        step.notes.append(f"visits of {open_days} open days, {first.isoformat()} to {last.isoformat()}")
    else:
        step.notes.append("counter history already there: no visits added" if earliest is not None
                          else "no scale vendors or staff: no visits added")
    step.rows = {"counters": added, "slots": db.session.scalar(select(func.count()).select_from(Slot))
                 - slots_before, "bookings": visits}
    return step



# --- the rooms ---------------------------------------------------------------------------

def seed_rooms(*, years: float, seed: int, now: datetime, officials: int = ROOM_OFFICIALS,
               fill: float = ROOM_FILL, days_ahead: int = ROOM_DAYS_AHEAD) -> Step:
    """The five rooms of ROOMS and the officials who reserve them, then reservations of
    every active room from `years` back to `days_ahead` days on
    (lpse_web.rooms.history: never overlapping, checked by the database's own guard).
    With reservations already in the database, only the past days before the first of
    them are added: finished reservations, which cannot clash with those there."""
    from lpse_web.rooms import history
    from lpse_web.rooms.models import Reservation
    from lpse_web.rooms.rules import RoomRules

    step = Step("rooms")
    names = set(db.session.scalars(select(Room.name)))
    new_rooms = [Room(name=name, kind=kind, seats=seats, computers=computers, equipment=equipment,
                      needs_approval=needs_approval)
                 for name, kind, seats, computers, equipment, needs_approval in ROOMS if name not in names]
    db.session.add_all(new_rooms)  # few: through the ORM, so the audit log has them
    people = _room_people(officials, now)
    db.session.flush()

    calendar = load_calendar()
    earliest = db.session.scalar(select(func.min(Reservation.starts_at)))
    first, last = _history_days(calendar.local_day(now), years, days_ahead,
                                calendar.local_day(earliest) if earliest is not None else None)
    rooms = [history.RoomInfo(r.id, r.kind, r.seats, RoomRules.of(r)) for r in db.session.scalars(
        select(Room).where(Room.active).order_by(Room.kind, Room.name))]
    requesters = list(db.session.scalars(select(User.id).where(
        User.email.in_([official_email(n) for n in range(1, officials + 1)])).order_by(User.email)))
    approver = db.session.scalar(select(User.id).where(User.email == staff_email(ROOM_APPROVER[0])))
    reservations = 0
    if first <= last and rooms and requesters:
        reservations = history.generate(calendar, rooms, first=first, last=last, now=now,
                                        requester_ids=requesters, approver_id=approver, fill=fill, seed=seed)
        step.notes.append(f"reservations of {len(rooms)} active rooms, "
                          f"{first.isoformat()} to {last.isoformat()}")
    else:
        step.notes.append("room history already there: no reservations added" if earliest is not None
                          else "no active rooms or officials: no reservations added")
    step.notes.append(f"officials {official_email(1)} .. {official_email(officials)}, "
                      f"approver {staff_email(ROOM_APPROVER[0])}")
    step.rows = {"rooms": len(new_rooms), "officials": people, "reservations": reservations}
    return step


def _room_people(officials: int, now: datetime) -> int:
    """The officials who reserve and the helpdesk who approves, through the ORM (few,
    and staff: the audit log has them). They share the scale password; staff enrol a
    TOTP app at their first sign-in."""
    wanted = [(official_email(n), f"Pokja Pemilihan Skala {n:02d}", (Role.ROOM_USER,))
              for n in range(1, officials + 1)]
    wanted.append((staff_email(ROOM_APPROVER[0]), *ROOM_APPROVER[1:]))
    existing = set(db.session.scalars(select(User.email).where(User.email.in_([w[0] for w in wanted]))))
    missing = [w for w in wanted if w[0] not in existing]
    password_hash = hash_password(SCALE_PASSWORD) if missing else ""
    for email, name, roles in missing:
        user = User(email=email, name=name, password_hash=password_hash, created_at=now - timedelta(days=400))
        user.set_roles(roles)
        db.session.add(user)
    return len(missing)


# --- the satisfaction survey -------------------------------------------------------------

SURVEY_SHARE = 0.4  # of the people served who answer (published SKM reports: 30-60 %)


def seed_survey(*, seed: int, now: datetime, share: float = SURVEY_SHARE) -> Step:
    """A survey period per quarter of the counter and room history (past ones closed and
    published, this one open) and answers from `share` of the people served
    (lpse_web.surveys.history). Periods that already have answers are left alone."""
    from lpse_web.counter.models import Booking
    from lpse_web.surveys import history

    step = Step("survey")
    earliest = db.session.scalar(select(func.min(Booking.day)))
    if earliest is None:
        step.notes.append("no counter history: no survey answers added")
        return step
    step.rows = history.generate(load_calendar(), first=earliest, now=now, share=share, seed=seed)
    return step


# --- the asset and risk registers --------------------------------------------------------

def seed_assets(*, count: int, seed: int, now: datetime, years: float = 1) -> Step:
    """`count` assets of every class (SKL-HW-00001 ...), with their assignments and stock
    opnames (a yearly one over `years` of history), owned by the register staff and held
    by the scale staff and officials (lpse_web.assets.scale_data.scale_assets). Only
    missing tags are added."""
    from lpse_web.assets.scale_data import scale_assets

    step = Step("assets")
    people = _register_people(now)
    db.session.flush()
    owners = _ids_of(["aset", "kepala", "verifikator", "helpdesk"])
    holders = owners + list(db.session.scalars(select(User.id).where(
        User.email.like(f"pokja%@{SCALE_DOMAIN}")).order_by(User.email)))
    rows = scale_assets(count=count, seed=seed, now=now, owner_ids=owners, custodian_ids=holders,
                        by_id=_ids_of(["aset"])[0], years=years)
    step.rows = {"staff": people, **rows}
    step.notes.append(f"asset manager {staff_email('aset')}, risk manager {staff_email('risiko')}, "
                      f"manager {staff_email('kepala')}")
    return step


def seed_risks(*, count: int, seed: int, now: datetime, years: float = 1) -> Step:
    """`count` risks (RS-0001 ...) linked to the scale assets, recorded over `years` of
    history or more, with their actions, reviews and score history
    (lpse_web.risks.sample_data.scale_risks). Only missing codes are added."""
    from lpse_web.risks.sample_data import scale_risks

    step = Step("risks")
    people = _register_people(now)
    db.session.flush()
    step.rows = {"staff": people, **scale_risks(
        count=count, seed=seed, now=now, owner_ids=_ids_of(["risiko", "aset", "kepala", "verifikator"]),
        reviewer_id=_ids_of(["risiko"])[0], years=years)}
    return step


def _ids_of(keys: list[str]) -> list[int]:
    """The ids of these scale staff accounts, in the order given (those that exist)."""
    found = dict(db.session.execute(select(User.email, User.id).where(
        User.email.in_([staff_email(k) for k in keys]))).all())
    return [found[staff_email(k)] for k in keys if staff_email(k) in found]


def _register_people(now: datetime) -> int:
    """The asset manager, the risk manager and the Kepala, through the ORM (few, and
    staff: the audit log has them)."""
    existing = set(db.session.scalars(select(User.email).where(
        User.email.in_([staff_email(k) for k, _n, _r in REGISTER_STAFF]))))
    missing = [s for s in REGISTER_STAFF if staff_email(s[0]) not in existing]
    password_hash = hash_password(SCALE_PASSWORD) if missing else ""
    for key, name, roles in missing:
        user = User(email=staff_email(key), name=name, password_hash=password_hash,
                    created_at=now - timedelta(days=400))
        user.set_roles(roles)
        db.session.add(user)
    return len(missing)
