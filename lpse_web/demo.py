"""Demo data for a believable office: LPSE Provinsi Nusa Tenggara Timur (WITA)."""

import random
from datetime import timedelta

from sqlalchemy import delete, select

from lpse_web import clock
from lpse_web.auth.models import User
from lpse_web.auth.passwords import hash_password
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office import services as office_services
from lpse_web.office.defaults import install_defaults
from lpse_web.office.models import Announcement, ClosureDay, Counter, CounterService, Room

DEMO_PASSWORD = "Kupang#Layanan2026"
DEMO_DOMAIN = "lpse-demo.test"

STAFF = (
    ("admin", "Yohanes Admin Sistem", (Role.ADMIN,)),
    ("verifikator", "Maria Verifikator", (Role.VERIFIKATOR,)),
    ("helpdesk", "Agustinus Helpdesk", (Role.HELPDESK,)),
    ("aset", "Fransiska Pengelola Aset", (Role.ASSET_MANAGER,)),
    ("risiko", "Stefanus Pengelola Risiko", (Role.RISK_MANAGER,)),
    ("survei", "Theresia Hubungan Pengguna", (Role.SURVEY_MANAGER,)),
    ("pokja", "Paulus Pokja Pemilihan", (Role.ROOM_USER,)),
    ("ppk", "Margaretha PPK Dinas PUPR", (Role.ROOM_USER,)),
    ("kepala", "Ir. Benediktus Kepala LPSE", (Role.MANAGER,)),
)
COMPANIES = ("CV Flobamora Jaya", "PT Sumba Konstruksi", "CV Timor Mandiri", "PT Alor Teknik",
             "CV Rote Sejahtera", "PT Komodo Karya", "CV Sabu Abadi", "PT Lembata Prima",
             "CV Ende Lestari", "PT Manggarai Bangun", "CV Belu Perkasa", "PT Kupang Digital",
             "CV Nagekeo Utama", "PT Flores Energi", "CV Sikka Makmur")
NAMES = ("Yosef", "Marselinus", "Kristina", "Adrianus", "Veronika", "Dominikus", "Elisabeth",
         "Antonius", "Maria", "Gabriel", "Yuliana", "Petrus", "Katarina", "Aloysius", "Margaretha")
SURNAMES = ("Lalo", "Bria", "Nahak", "Fanggidae", "Ndun", "Mbuik", "Seran", "Tefa", "Manek", "Kase")


def _demo_emails():
    return select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))


def seed_demo(reset: bool = False, vendors: int = 30, seed: int = 2026) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    if reset:
        _remove_registers()  # their owners and custodians are demo accounts
        for user in db.session.scalars(_demo_emails()):
            db.session.delete(user)
        db.session.execute(delete(Announcement))
        db.session.flush()

    office = office_services.get_office()
    office.name = "LPSE Provinsi Nusa Tenggara Timur"
    office.address = "Jl. El Tari No. 52, Kupang, Nusa Tenggara Timur"
    office.region = "Provinsi Nusa Tenggara Timur"
    office.timezone = "Asia/Makassar"
    db.session.add(office)
    _seed_services_counters_rooms()

    password_hash = hash_password(DEMO_PASSWORD)  # one hash: scrypt is slow on purpose
    now = clock.now()  # LPSE_NOW pins a training demo to its day
    logins = []
    for key, name, roles in STAFF:
        email = f"{key}@{DEMO_DOMAIN}"
        if User.by_email(email) is None:
            user = User(email=email, name=name, password_hash=password_hash,
                        created_at=now - timedelta(days=30))
            user.set_roles(roles)
            db.session.add(user)
        logins.append((email, ", ".join(r.value for r in roles)))
    for i in range(1, vendors + 1):
        email = f"penyedia{i:02d}@{DEMO_DOMAIN}"
        if User.by_email(email) is None:
            company = f"{COMPANIES[(i - 1) % len(COMPANIES)]}{'' if i <= len(COMPANIES) else ' ' + str(i)}"
            user = User(
                email=email, name=f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
                company=company, npwp=f"{rng.randrange(10**14, 10**15)}",
                phone=f"0812{rng.randrange(10**7, 10**8)}", password_hash=password_hash,
                created_at=now - timedelta(days=rng.randrange(0, 30), hours=rng.randrange(0, 24)))
            user.set_roles([Role.VENDOR])
            db.session.add(user)
    logins.append((f"penyedia01@{DEMO_DOMAIN} .. penyedia{vendors:02d}", "vendor"))

    _seed_calendar_and_announcements(now)
    db.session.flush()
    _seed_counter_history(now)
    _seed_room_history(now)
    _seed_survey_history(now)
    _seed_registers(now)
    db.session.commit()
    return logins


def _seed_services_counters_rooms():
    install_defaults()  # the four counter services and the default hours, if missing
    services = {s.code: s for s in db.session.scalars(select(CounterService))}
    for name, codes in (("Loket 1", "VA"), ("Loket 2", "VD"), ("Loket 3", "KA")):
        if db.session.scalar(select(Counter).where(Counter.name == name)) is None:
            db.session.add(Counter(name=name, services=[services[c] for c in codes]))
    for name, kind, seats, computers, equipment, needs_approval in (
        ("Ruang Pemasukan Penawaran", "bidding", 12, 12, "12 PC, internet 100 Mbps, printer", True),
        ("Ruang Pelatihan", "training", 30, 25, "Proyektor, 25 laptop, papan tulis", True),
        ("Ruang Verifikasi", "verification", 6, 2, "Pemindai dokumen, 2 PC", False),
        ("Ruang Rapat Pokja", "meeting", 10, 1, "Layar TV 55 inci, konferensi video", False),
        ("Ruang Konsultasi", "meeting", 4, 1, "1 PC untuk pendampingan SPSE", False),
    ):
        if db.session.scalar(select(Room).where(Room.name == name)) is None:
            db.session.add(Room(name=name, kind=kind, seats=seats, computers=computers,
                                equipment=equipment, needs_approval=needs_approval))


def _local_time(at, hour):
    """`at`'s day in the office's zone, at `hour` o'clock there (as UTC)."""
    zone = office_services.load_calendar().zone
    return at.astimezone(zone).replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(at.tzinfo)


def _seed_calendar_and_announcements(now):
    today = now.date()
    closure = today + timedelta(days=(4 - today.weekday()) % 7 + 14)  # a Friday, two weeks on
    if db.session.scalar(select(ClosureDay).where(ClosureDay.day == closure)) is None:
        db.session.add(ClosureDay(day=closure, reason="Rapat kerja tahunan LPSE"))
    if db.session.scalar(select(Announcement.id).limit(1)) is None:
        db.session.add(Announcement(
            kind="maintenance", title="Pemeliharaan server SPSE",
            body="SPSE tidak dapat diakses sementara karena pemeliharaan server.",
            starts_at=now - timedelta(days=20, hours=3), ends_at=now - timedelta(days=20)))
        db.session.add(Announcement(
            kind="info", title="Layanan verifikasi dengan janji temu",
            body="Pesan jadwal verifikasi dokumen secara daring agar tidak mengantre.",
            starts_at=now - timedelta(hours=1), ends_at=_local_time(now + timedelta(days=14), 16)))


def _seed_counter_history(now):
    """A month of counter visits before today, today's queue, and the next two weeks'
    bookings, once (a second seed-demo leaves them as they are)."""
    from lpse_web.counter import history
    from lpse_web.counter.models import Booking

    if db.session.scalar(select(Booking.id).limit(1)) is not None:
        return
    calendar = office_services.load_calendar()
    vendors = db.session.execute(select(User.id, User.name).where(
        User.email.like(f"penyedia%@{DEMO_DOMAIN}"))).all()
    staff = db.session.scalars(select(User.id).where(
        User.email.in_([f"verifikator@{DEMO_DOMAIN}", f"helpdesk@{DEMO_DOMAIN}"]))).all()
    today = calendar.local_day(now)
    # The demo vendor penyedia01 keeps a clean slate: the first thing to try is booking.
    history.generate(calendar, first=today - timedelta(days=30), last=today + timedelta(days=10),
                     now=now, visitors=[tuple(v) for v in vendors[1:]], staff_ids=list(staff),
                     fill=0.45, walk_ins_per_day=3)


def _seed_room_history(now):
    """A month of room use before today and the next two weeks' reservations, once."""
    from lpse_web.rooms import history
    from lpse_web.rooms.models import Reservation
    from lpse_web.rooms.rules import RoomRules

    if db.session.scalar(select(Reservation.id).limit(1)) is not None:
        return
    calendar = office_services.load_calendar()
    rooms = [history.RoomInfo(r.id, r.kind, r.seats, RoomRules.of(r))
             for r in db.session.scalars(select(Room).where(Room.active))]
    requesters = list(db.session.scalars(select(User.id).where(User.email.in_(
        [f"{key}@{DEMO_DOMAIN}" for key in ("pokja", "ppk", "helpdesk")]))))
    approver = db.session.scalar(select(User.id).where(User.email == f"helpdesk@{DEMO_DOMAIN}"))
    today = calendar.local_day(now)
    history.generate(calendar, rooms, first=today - timedelta(days=30), last=today + timedelta(days=14),
                     now=now, requester_ids=requesters, approver_id=approver, fill=0.35)


def _seed_survey_history(now):
    """This quarter's survey period open, with answers from half the people served in the
    month of history; the three quarters before it closed and published (kiosk answers
    only), for the trend and the public page. Once."""
    from lpse_web.surveys import history
    from lpse_web.surveys.models import SurveyPeriod

    if db.session.scalar(select(SurveyPeriod.id).limit(1)) is not None:
        return
    calendar = office_services.load_calendar()
    db.session.flush()
    history.generate(calendar, first=calendar.local_day(now) - timedelta(days=30), now=now, share=0.5)
    history.earlier_quarters(calendar, quarters=3, now=now)


def _seed_registers(now):
    """The asset register and the risk register of a small office, as its asset and
    risk managers kept them over the past year (through the services: audited). Once."""
    from lpse_web.assets.demo_data import demo_assets
    from lpse_web.risks.sample_data import demo_risks

    staff = {user.email.split("@")[0]: user for user in db.session.scalars(select(User).where(
        User.email.in_([f"{key}@{DEMO_DOMAIN}" for key, _name, _roles in STAFF])))}
    assets = demo_assets(now, staff)
    demo_risks(now, staff, assets)


def _remove_registers():
    from lpse_web.assets.demo_data import remove_demo_assets
    from lpse_web.risks.sample_data import remove_demo_risks

    remove_demo_risks()
    remove_demo_assets()


__all__ = ["DEMO_PASSWORD", "seed_demo"]
