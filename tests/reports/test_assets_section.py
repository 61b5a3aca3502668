"""Section 4 of the quarterly report (reports/assets_section.py) against a register
seeded here through the asset services, each change at a chosen instant (`replaying`:
created_at, the assignments' times and the audit log's `at` read as written then).

Triwulan I 2026 (1 January - 31 March 2026), office zone Asia/Makassar (WITA, UTC+8):

    tag  class        created (WITA)       status     other
    H1   hardware     1 Nov 2025           in_use     warranty 31 Mar 2026; stocktake 10 Feb 2026;
                                                      classified 31 Dec 2025; held 5 Jan - 31 Mar 23.30
    H2   hardware     10 Jan 2026          in_stock   warranty 29 Jun 2026 (the 90th day after);
                                                      stocktake 1 Apr 2026; handed out 31 Mar 23.50
    H3   hardware     31 Mar 2026 23.30    in_repair  warranty 30 Jun 2026 (the 91st day)
    H4   hardware     1 Apr 2026 00.10     in_use     warranty 15 Mar 2026 (not there at Q1's end)
    H5   hardware     1 Jun 2025           retired    retired 15 Dec 2025; renamed in Q1
    H6   hardware     1 Jun 2025           retired    retired 2 Apr 2026 (Q2); end of life 1 Mar 2026
    H7   hardware     1 Feb 2026           retired    created retired (an import): no retirement
    S1   software     1 Jun 2025           in_use     licence 15 Jan 2026; stocktake 1 Dec 2025;
                                                      held 20 Dec 2025 - 1 Apr 2026 00.10
    L1   licence      1 Jun 2025           in_use     licence 30 Apr 2026; end of life 1 Feb 2026
    L2   licence      1 Jan 2025           retired    retired 20 Feb 2026 (the service: audit log);
                                                      licence 1 Feb 2026; stocktake 20 Jan 2026
    I1   information  1 Jan 2025           in_use     classified 31 Mar 2026; stocktake 31 Mar 2026;
                                                      end of life 31 Dec 2025
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from lpse_web.assets import services as assets
from lpse_web.assets.models import Asset
from lpse_web.auth.roles import Role
from lpse_web.database import replaying
from lpse_web.extensions import db
from lpse_web.office.services import get_office, load_calendar
from lpse_web.reports import assets_section
from lpse_web.reports.periods import quarter
from tests.factories import counted_queries

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 4, 15, 2, 0, tzinfo=UTC)
Q1 = quarter(2026, 1)
CLASSES = ("Perangkat keras", "Perangkat lunak", "Lisensi", "Informasi / data", "Layanan", "Fasilitas",
           "SDM / peran")


def wita(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=WITA)


@pytest.fixture
def office(ctx):
    get_office().timezone = "Asia/Makassar"
    db.session.commit()


def make(tag, asset_class, at, **fields):
    with replaying(at):
        asset = assets.create_asset(at.date(), tag=tag, name=f"Aset {tag}", asset_class=asset_class, **fields)
        db.session.commit()
        return asset.id


def at_moment(at, change):
    with replaying(at):
        change()
        db.session.commit()


def asset(tag):
    return db.session.scalar(select(Asset).where(Asset.tag == tag))


def retire(tag, at):
    at_moment(at, lambda: assets.update_asset(asset(tag), status="retired"))


@pytest.fixture
def seeded(office, make_user):
    staff = make_user(Role.ASSET_MANAGER).id
    make("H1", "hardware", wita(2025, 11, 1), warranty_ends=date(2026, 3, 31))
    make("H2", "hardware", wita(2026, 1, 10), status="in_stock", warranty_ends=date(2026, 6, 29))
    make("H3", "hardware", wita(2026, 3, 31, 23, 30), status="in_repair", warranty_ends=date(2026, 6, 30))
    make("H4", "hardware", wita(2026, 4, 1, 0, 10), warranty_ends=date(2026, 3, 15))
    make("H5", "hardware", wita(2025, 6, 1))
    make("H6", "hardware", wita(2025, 6, 1), end_of_life=date(2026, 3, 1))
    make("H7", "hardware", wita(2026, 2, 1), status="retired")
    make("S1", "software", wita(2025, 6, 1), licence_expires=date(2026, 1, 15))
    make("L1", "licence", wita(2025, 6, 1), licence_expires=date(2026, 4, 30), end_of_life=date(2026, 2, 1))
    make("L2", "licence", wita(2025, 1, 1), licence_expires=date(2026, 2, 1))
    make("I1", "information", wita(2025, 1, 1), end_of_life=date(2025, 12, 31))
    retire("H5", wita(2025, 12, 15))
    at_moment(wita(2026, 1, 8), lambda: assets.update_asset(asset("H5"), name="PC lama"))  # no status change
    retire("L2", wita(2026, 2, 20))
    retire("H6", wita(2026, 4, 2))
    at_moment(wita(2025, 12, 31), lambda: assets.classify(asset("H1"), 2, 2, 2, None, date(2025, 12, 31)))
    at_moment(wita(2026, 3, 31), lambda: assets.classify(asset("I1"), 3, 3, 2, "rahasia", date(2026, 3, 31)))
    for tag, seen in (("H1", date(2026, 2, 10)), ("L2", date(2026, 1, 20)), ("I1", date(2026, 3, 31)),
                      ("S1", date(2025, 12, 1)), ("H2", date(2026, 4, 1))):
        at_moment(wita(seen.year, seen.month, seen.day),
                  lambda tag=tag, seen=seen: assets.record_stocktake(asset(tag), seen, staff, "good"))
    at_moment(wita(2025, 12, 20), lambda: assets.assign(asset("S1"), staff, staff))
    at_moment(wita(2026, 1, 5), lambda: assets.assign(asset("H1"), staff, staff))
    at_moment(wita(2026, 3, 31, 23, 30), lambda: assets.give_back(asset("H1"), staff))
    at_moment(wita(2026, 3, 31, 23, 50), lambda: assets.assign(asset("H2"), staff, staff))
    at_moment(wita(2026, 4, 1, 0, 10), lambda: assets.give_back(asset("S1"), staff))
    return staff


def build(period=Q1):
    return assets_section.build(period, NOW, load_calendar())


def figure(section, label):
    return next(f for f in section.figures if f.label == label)


def rows_of(section, key):
    return {row[0]: row[1:] for row in section.table(key).rows}


def test_counts_by_class_and_status_at_the_end(seeded):
    section = build()
    assert (section.key, section.title) == ("assets", "4. Aset")
    rows = rows_of(section, "aset-kelas")
    # in use, in stock, in repair, retired, total: H4 (created 00.10 WITA on 1 April) is not there yet.
    assert rows["Perangkat keras"] == [1, 1, 1, 3, 6]
    assert rows["Perangkat lunak"] == [1, 0, 0, 0, 1]
    assert rows["Lisensi"] == [1, 0, 0, 1, 2]
    assert rows["Informasi / data"] == [1, 0, 0, 0, 1]
    assert all(rows[name] == [0] * 5 for name in ("Layanan", "Fasilitas", "SDM / peran"))
    assert rows["Jumlah"] == [4, 1, 1, 4, 10]
    assert list(rows) == [*CLASSES, "Jumlah"]
    assert "riwayat status" in section.table("aset-kelas").note
    created_before_end = db.session.scalar(select(func.count()).select_from(Asset).where(
        Asset.created_at < datetime(2026, 3, 31, 16, 0, tzinfo=UTC)))  # midnight WITA on 1 April
    assert figure(section, "Aset pada akhir periode").value == created_before_end == 10
    chart = next(c for c in section.charts if c.table == "aset-kelas")
    assert chart.kind == "bars" and chart.labels == list(CLASSES)
    assert [s.name for s in chart.series] == ["Dipakai", "Di gudang", "Diperbaiki", "Dihapus / pensiun"]
    assert chart.series[3].values == [3, 0, 1, 0, 0, 0, 0]


def test_changes_in_the_quarter(seeded):
    section = build()
    rows = rows_of(section, "aset-perubahan")
    assert rows == {"Ditambahkan ke register": [3],  # H2, H7, H3 (23.30 WITA on 31 March)
                    "Diserahkan ke pemegang": [2],  # H1, H2 (23.50 WITA on 31 March)
                    "Dikembalikan pemegang": [1],  # H1; S1 came back at 00.10 on 1 April
                    "Dihapus / pensiun": [1],  # L2 only: H5 in December, H6 in April, H7 born retired
                    "Diklasifikasi": [1],  # I1 on 31 March; H1 on 31 December
                    "Stock opname dicatat": [3]}  # H1, L2, I1
    assert figure(section, "Ditambahkan").value == 3
    assert figure(section, "Dihapus / pensiun").value == 1


def test_changes_in_the_next_quarter(seeded):
    rows = rows_of(build(quarter(2026, 2)), "aset-perubahan")
    assert rows["Ditambahkan ke register"] == [1]  # H4, 00.10 WITA on 1 April
    assert rows["Dikembalikan pemegang"] == [1]  # S1
    assert rows["Diserahkan ke pemegang"] == [0]
    assert rows["Dihapus / pensiun"] == [1]  # H6
    assert rows["Stock opname dicatat"] == [1]  # H2


def test_expiring_items(seeded):
    section = build()
    # in the quarter, in the 90 days after 31 March (to 29 June)
    assert rows_of(section, "aset-berakhir") == {
        "Lisensi berakhir": [1, 1],  # S1 15 Jan; L1 30 Apr (L2 retired)
        "Garansi berakhir": [1, 1],  # H1 31 Mar; H2 29 Jun (H3 30 Jun too late, H4 not there)
        "Akhir masa pakai": [1, 0],  # L1 1 Feb (H6 retired, I1 in December)
    }
    assert figure(section, "Berakhir dalam periode").value == 3
    chart = next(c for c in section.charts if c.table == "aset-berakhir")
    assert chart.kind == "bars" and [s.values for s in chart.series] == [[1, 1, 1], [1, 1, 0]]


def test_stocktake_coverage(seeded):
    section = build()
    rows = rows_of(section, "aset-stock-opname")
    # not retired now and there at the end: H1 H2 H3 S1 L1 I1 (H6, retired in April, counts as retired:
    # the status is today's). Seen in Q1: H1, I1. Never up to 31 March: H2 (seen 1 April), H3, L1.
    assert rows["Perangkat keras"] == [3, 1, pytest.approx(1 / 3), 2]
    assert rows["Perangkat lunak"] == [1, 0, 0.0, 0]
    assert rows["Lisensi"] == [1, 0, 0.0, 1]
    assert rows["Informasi / data"] == [1, 1, 1.0, 0]
    assert rows["Layanan"] == [0, 0, None, 0]
    assert rows["Jumlah"] == [6, 2, pytest.approx(2 / 6), 3]
    assert figure(section, "Cakupan stock opname").value == pytest.approx(1 / 3)
    assert figure(section, "Aset pada akhir periode").note == "6 aktif (tidak dihapus / pensiun)"


def test_empty_quarter(office):
    section = build(quarter(2023, 3))
    assert rows_of(section, "aset-kelas")["Jumlah"] == [0] * 5
    assert all(row == [0] for row in rows_of(section, "aset-perubahan").values())
    assert all(row == [0, 0] for row in rows_of(section, "aset-berakhir").values())
    assert rows_of(section, "aset-stock-opname")["Jumlah"] == [0, 0, None, 0]
    assert figure(section, "Cakupan stock opname").value is None


def test_query_count_does_not_grow(app, seeded):
    with counted_queries(app) as few:
        build()
    for n in range(30):
        tag = f"X{n}"
        make(tag, ("hardware", "software", "service")[n % 3], wita(2026, 2, 1) + timedelta(hours=n),
             warranty_ends=date(2026, 3, 1))
        at_moment(wita(2026, 2, 3), lambda tag=tag: assets.record_stocktake(asset(tag), date(2026, 2, 3),
                                                                           seeded, "good"))
        if n % 2:
            retire(tag, wita(2026, 3, 1))
    with counted_queries(app) as many:
        section = build()
    assert len(many) == len(few)
    assert rows_of(section, "aset-perubahan")["Dihapus / pensiun"] == [16]
