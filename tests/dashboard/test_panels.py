"""Each panel's figures against rows made for it (the expected numbers are counted from
the rows below, by hand), and each panel's query count, which does not grow with them."""

import re
from datetime import date, timedelta

import pytest

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Announcement
from lpse_web.surveys import responses
from lpse_web.surveys.catalogue import ROOMS, Served
from lpse_web.surveys.models import OPEN, PAGI, SurveyPeriod
from tests.dashboard.conftest import DAY, HTMX, PANEL_URLS, at, figures, page
from tests.registers import asset_factory, risk_factory

TOMORROW = DAY + timedelta(days=1)
PROFILE = responses.Profile("P", "30-39", "S1", "Swasta")


@pytest.fixture
def manager(app, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.MANAGER, name="Kepala LPSE"))
    return client


def panel(client, key) -> str:
    response = client.get(PANEL_URLS[key], headers=HTMX)
    assert response.status_code == 200
    return page(response)


# --- Loket hari ini ------------------------------------------------------------------------

def counter_day(make_booking):
    """Today at 11.00: (service, status, walk-in, checked in at, no-show after)."""
    visits = [
        ("V", "booked", False, None, "13.15"),  # still to come
        ("V", "booked", False, None, "08.15"),  # past its grace period: a no-show not yet recorded
        ("V", "no_show", False, None, "09.15"),
        ("V", "checked_in", False, "10.40", "10.45"),  # waiting
        ("V", "called", False, "09.50", "10.00"),  # at a counter
        ("V", "done", False, "08.00", "08.15"),
        ("V", "done", False, "08.10", "08.45"),
        ("V", "checked_in", True, "10.30", None),  # a walk-in, waiting
        ("V", "cancelled", False, None, "14.15"),  # not a visit any more
        ("K", "done", True, "08.20", None),
        ("K", "booked", False, None, "15.15"),
    ]
    for service, status, walk_in, checked_in, no_show_after in visits:
        make_booking(service, status, walk_in, checked_in=checked_in, no_show_after=no_show_after)
    make_booking("V", "done", False, day=DAY - timedelta(days=3), checked_in="09.00")  # another day
    make_booking("A", "booked", False, day=TOMORROW, no_show_after="09.15")


def test_the_counter_panel_counts_todays_visits(manager, make_booking, services):
    counter_day(make_booking)
    html = panel(manager, "counter")
    # V: 7 appointments and 1 walk-in not cancelled; K: 1 appointment and 1 walk-in.
    assert figures(html) == {"Pesanan": "8", "Walk-in": "2", "Sudah datang": "6", "Menunggu": "2",
                             "Di loket": "1", "Selesai": "3", "Tidak hadir": "2"}
    cells = r"<td>(\d+)</td>" * 5
    rows = re.findall(r"<tr><td>(.*?)</td>" + cells + "</tr>", re.sub(r">\s+<", "><", html))
    # Layanan, Pesanan, Walk-in, Menunggu, Selesai, Tidak hadir
    assert sorted(rows) == sorted([(services["V"][1], "7", "1", "2", "2", "2"),
                                   (services["K"][1], "1", "1", "0", "1", "0")])
    assert 'href="/antrian/laporan' in html and 'href="/antrian/"' not in html  # a manager: the report


def test_counter_staff_are_sent_to_the_queue(app, make_user, login):
    client = app.test_client()
    login(client, make_user(Role.VERIFIKATOR))
    html = panel(client, "counter")
    assert 'href="/antrian/"' in html and "Belum ada kunjungan hari ini." in html
    assert set(figures(html).values()) == {"0"}


# --- Ruang ---------------------------------------------------------------------------------

@pytest.fixture
def room_day(app, make_user, make_room, make_reservation):
    """Today at 11.00 in two rooms; the verifikator asked for one of tomorrow's."""
    official = make_user(Role.ROOM_USER, name="Yohanes Pokja").id
    verifikator = make_user(Role.VERIFIKATOR, name="Maria Verifikator")
    a, b = make_room("Ruang A"), make_room("Ruang B")
    make = make_reservation
    make(a, official, at("07.00"), at("08.00"), "completed", "Selesai pagi")
    make(a, official, at("08.00"), at("09.00"), "requested", "Permintaan kedaluwarsa", approved=False)
    make(a, official, at("08.30"), at("09.30"), "released", "Dilepas tercatat")  # recorded at 08.45
    make(a, official, at("10.00"), at("10.30"), "approved", "Dilepas belum tercatat")  # past 10.15
    make(a, official, at("10.30"), at("11.30"), "checked_in", "Sedang dipakai")
    make(b, official, at("10.50"), at("12.00"), "approved", "Belum check-in")  # released at 11.05
    make(b, official, at("09.00", TOMORROW), at("10.00", TOMORROW), "requested", "Menunggu keputusan",
         approved=False)
    make(b, verifikator.id, at("13.00", TOMORROW), at("14.00", TOMORROW), "approved", "Rapat verifikator")
    make(a, official, at("13.00", TOMORROW), at("14.00", TOMORROW), "cancelled", "Dibatalkan")
    make(a, official, at("09.00", DAY - timedelta(days=1)), at("10.00", DAY - timedelta(days=1)), "released",
         "Dilepas kemarin")
    return verifikator


UPCOMING = ["Sedang dipakai", "Belum check-in", "Menunggu keputusan", "Rapat verifikator"]


def test_the_rooms_panel_for_an_approver(manager, room_day):
    html = panel(manager, "rooms")
    assert figures(html) == {"Menunggu persetujuan": "1", "Belum check-in": "1", "Dilepas hari ini": "2"}
    awaiting, upcoming = html.split("Reservasi berikutnya")
    assert "Belum check-in</a>" in awaiting and "dilepas pukul 11.05" in awaiting
    shown = re.findall(r'<a href="/ruang/reservasi/\d+">(.*?)</a>', upcoming)
    assert shown == UPCOMING
    for gone in ("Selesai pagi", "kedaluwarsa", "Dilepas", "Dibatalkan"):
        assert gone not in upcoming
    assert "Hari ini" in upcoming and 'href="/ruang/kelola' in html


def test_other_staff_see_the_next_reservations_without_their_details(app, login, room_day):
    client = app.test_client()
    login(client, room_day)
    html = panel(client, "rooms")
    assert figures(html) == {} and "Menunggu persetujuan</dt>" not in html
    assert re.findall(r'<a href="/ruang/reservasi/\d+">(.*?)</a>', html) == ["Rapat verifikator"]
    assert html.count("Terpakai") == 3 and "/ruang/kelola" not in html


# --- Survei --------------------------------------------------------------------------------

@pytest.fixture
def survey_quarter(app, make_booking):
    """Triwulan IV 2026 open: four questionnaires (three scoring 3 on every unsur, one 4),
    two with a suggestion; five visits served in the quarter, one before it."""
    with app.app_context():
        db.session.add(SurveyPeriod(name="Triwulan III 2026", starts_on=date(2026, 7, 1),
                                    ends_on=date(2026, 9, 30), status="closed"))
        db.session.add(SurveyPeriod(name="Triwulan IV 2026", starts_on=date(2026, 10, 1),
                                    ends_on=date(2026, 12, 31), status=OPEN))
        db.session.commit()
        for score, suggestion in ((3, "Ruang tunggu panas."), (3, ""), (3, "Petugas ramah."), (4, "")):
            responses.record(Served(ROOMS, DAY, PAGI), scores=dict.fromkeys(range(1, 10), score),
                             profile=PROFILE, channel="kiosk", suggestion=suggestion)
        db.session.commit()
    for n in range(5):
        make_booking("V", "done", checked_in="08.00", day=date(2026, 10, 5) + timedelta(days=n))
    make_booking("V", "done", checked_in="08.00", day=date(2026, 9, 30))


def test_the_survey_panel_shows_the_open_periods_index_and_sample(manager, survey_quarter):
    html = panel(manager, "survey")
    # IKM x 25 = 25 x the mean score: (3 x 27 + 4 x 9) / 36 = 3.25 -> 81.25, grade B (76.61-88.30).
    # Krejcie & Morgan for N = 5: 3.841 x 5 x 0.25 / (0.0025 x 4 + 3.841 x 0.25) = 4.95 -> 5.
    assert figures(html) == {"IKM × 25": "81,25", "Mutu": "B", "Responden / sampel": "4 / 5",
                             "Saran baru": "2"}
    assert "Triwulan IV 2026" in html and "Triwulan III" not in html and "Baik" in html
    assert "5 orang yang dilayani" in html
    assert 'href="/survei/laporan/' in html and "/survei/kiosk/mulai" not in html


def test_the_survey_panel_by_role(app, make_user, login, survey_quarter):
    seen = {}
    for role in (Role.SURVEY_MANAGER, Role.HELPDESK, Role.VERIFIKATOR):
        client = app.test_client()
        login(client, make_user(role))
        seen[role] = panel(client, "survey")
    assert figures(seen[Role.SURVEY_MANAGER])["Saran baru"] == "2"
    assert "/survei/kiosk/mulai" in seen[Role.SURVEY_MANAGER]
    helpdesk = seen[Role.HELPDESK]
    assert figures(helpdesk) == {"Saran dan pengaduan baru": "2"} and "/survei/kiosk/mulai" in helpdesk
    assert "/survei/laporan/" not in helpdesk and "IKM" not in helpdesk
    verifikator = seen[Role.VERIFIKATOR]
    assert (figures(verifikator) == {} and "/survei/kiosk/mulai" in verifikator
            and "/survei/saran" not in verifikator)


def test_no_open_period_is_said(manager):
    assert "Tidak ada periode survei yang sedang dibuka." in panel(manager, "survey")


# --- Aset, Risiko ---------------------------------------------------------------------------

def test_the_asset_panel_counts_the_alerts(app, manager):
    make = asset_factory(app)
    today = DAY  # the clock's day; the default window is 30 days
    make("L1", licence_expires=today + timedelta(days=10))
    make("L2", licence_expires=today - timedelta(days=1), warranty_ends=today + timedelta(days=30))
    make("L3", licence_expires=today + timedelta(days=31))  # outside the window
    make("E1", end_of_life=today + timedelta(days=2), next_audit_on=today - timedelta(days=1))
    make("R1", status="retired", licence_expires=today, next_audit_on=today - timedelta(days=9))
    make("A1", next_audit_on=today)  # due today: not yet overdue
    html = panel(manager, "assets")
    assert figures(html) == {"Lisensi berakhir": "2", "Garansi berakhir": "1", "Akhir masa pakai": "1",
                             "Stock opname terlambat": "1"}
    assert 'href="/aset/peringatan' in html


def test_the_risk_panel_counts_the_flags(app, manager):
    make = risk_factory(app)
    make("R-1", 5, 4)  # 20 > appetite 9
    make("R-2", 3, 4)  # 12 > 9
    make("R-3", 3, 3)  # 9: at the appetite, not above
    make("R-4", 1, 2, today=DAY - timedelta(days=400))  # Rendah: reviewed every 360 days, overdue
    make("R-5", 5, 5, status="closed")  # closed: no flag, not open
    with app.app_context():
        from lpse_web.risks import services as risks
        from lpse_web.risks.models import Risk
        risk = db.session.scalar(db.select(Risk).where(Risk.code == "R-3"))
        risks.add_action(risk, "Tambah UPS", None, DAY - timedelta(days=1))
        risks.add_action(risk, "Latih petugas", None, DAY + timedelta(days=5))
        db.session.commit()
    html = panel(manager, "risks")
    assert figures(html) == {"Di atas selera (skor > 9)": "2", "Tinjauan terlambat": "1",
                             "Tindakan terlambat": "1", "Risiko terbuka": "4"}
    assert 'href="/risiko/peta' in html


# --- Pengumuman ----------------------------------------------------------------------------

def test_the_announcement_panel_lists_the_active_ones(app, manager):
    with app.app_context():
        for title, start, end in (("Pemeliharaan SPSE", at("08.00"), at("17.00")),
                                  ("Sudah lewat", at("07.00"), at("09.00")),
                                  ("Besok", at("08.00", TOMORROW), at("12.00", TOMORROW))):
            db.session.add(Announcement(kind="maintenance", title=title, body="", starts_at=start,
                                        ends_at=end))
        db.session.commit()
    html = panel(manager, "announcements")
    assert "Pemeliharaan SPSE" in html and "Sudah lewat" not in html and "Besok" not in html
    assert "sampai 30 Nov 17.00" in html and 'href="/pengumuman' in html


def test_no_announcement_is_said(manager):
    assert "Tidak ada pengumuman aktif." in panel(manager, "announcements")
