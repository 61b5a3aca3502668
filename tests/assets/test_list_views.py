"""The register list: active search, filters, sorting and paging, all kept in the URL;
the htmx answer is the results block alone; bad query arguments are ignored; and the
page's query count does not grow with the register.

The clock is pinned to Tuesday 1 December 2026, 09.00 WITA."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from lpse_web.assets import services
from lpse_web.assets.models import Asset
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from tests.factories import counted_queries
from tests.registers import HTMX, NOW_ISO, TODAY


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def register(app, make_user):
    """A small register: tags, names, classes and values chosen so that each filter and
    sort has one right answer."""
    owner = make_user(Role.ASSET_MANAGER, name="Yosef Pengelola")
    holder = make_user(Role.HELPDESK, name="Maria Helpdesk")
    rows = [
        dict(tag="SRV-01", name="Server aplikasi SPSE", asset_class="hardware", category="Server",
             location="Ruang server", serial="DL380-AAA", supplier="PT Timor Teknologi",
             purchased_on=date(2023, 5, 1), cia=(3, 3, 3), owner_id=owner.id),
        dict(tag="PC-07", name="PC verifikator", asset_class="hardware", category="PC / laptop",
             location="Ruang verifikasi", purchased_on=date(2025, 1, 10), cia=(1, 1, 2)),
        dict(tag="LIC-AV", name="Lisensi antivirus 50 seat", asset_class="licence",
             category="Lisensi perangkat lunak", supplier="PT Aman_Sentosa 100%", licence_seats=50,
             licence_expires=TODAY + timedelta(days=10), cia=(2, 2, 2)),
        dict(tag="DB-SPSE", name="Basis data SPSE", asset_class="information", category="Basis data",
             location="Ruang server", cia=(3, 3, 2), label="rahasia", owner_id=owner.id),
        dict(tag="UPS-02", name="UPS ruang server", asset_class="hardware", category="UPS",
             location="Ruang Server", status="in_repair", purchased_on=date(2020, 2, 2),
             next_audit_on=TODAY - timedelta(days=5)),
        dict(tag="OLD-PC", name="PC lama", asset_class="hardware", status="retired",
             next_audit_on=TODAY - timedelta(days=50)),
    ]
    ids = {}
    with app.app_context():
        for row in rows:
            cia = row.pop("cia", None)
            label = row.pop("label", None)
            asset = services.create_asset(TODAY, **row)
            if cia:
                services.classify(asset, *cia, label, TODAY)
            ids[asset.tag] = asset.id
        services.assign(db.session.get(Asset, ids["PC-07"]), holder.id, owner.id)
        db.session.commit()
    return ids


def tags(page: str) -> list[str]:
    """The tags of the result rows, in order."""
    return re.findall(r'<a href="/aset/\d+"><code>([^<]+)</code></a>', page)


def get(client, url, **kw) -> str:
    response = client.get(url, **kw)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_list_shows_every_asset_by_tag(client, login, head, register):
    login(client, head)
    page = get(client, "/aset")
    assert tags(page) == ["DB-SPSE", "LIC-AV", "OLD-PC", "PC-07", "SRV-01", "UPS-02"]
    assert "dipegang Maria Helpdesk" in page and "9 · Tinggi" in page and "Rahasia" in page
    assert "6 aset" in page


@pytest.mark.parametrize("query, expected", [
    ("q=spse", ["DB-SPSE", "SRV-01"]),  # name and tag, any case
    ("q=SERVER", ["DB-SPSE", "SRV-01", "UPS-02"]),  # name, category, location
    ("q=dl380", ["SRV-01"]),  # serial
    ("q=srv-01", ["SRV-01"]),  # a tag in lower case
    ("q=timor", ["SRV-01"]),  # supplier
    ("q=aman_", ["LIC-AV"]),  # "_" is a character, not a LIKE wildcard
    ("q=100%25", ["LIC-AV"]),
    ("q=_", ["LIC-AV"]),
    ("q=%25", ["LIC-AV"]),
    ("q=laptop", ["PC-07"]),
    ("kelas=hardware", ["OLD-PC", "PC-07", "SRV-01", "UPS-02"]),
    ("kelas=hardware&q=server", ["SRV-01", "UPS-02"]),
    ("status=in_repair", ["UPS-02"]),
    ("status=retired", ["OLD-PC"]),
    ("label=rahasia", ["DB-SPSE"]),
    ("label=belum", ["OLD-PC", "UPS-02"]),
    ("lokasi=ruang server", ["DB-SPSE", "SRV-01", "UPS-02"]),
    ("peringatan=licence", ["LIC-AV"]),
    ("peringatan=audit", ["UPS-02"]),  # the retired one raises none
    ("kelas=spaceship", ["DB-SPSE", "LIC-AV", "OLD-PC", "PC-07", "SRV-01", "UPS-02"]),  # ignored
    ("status=%27;DROP", ["DB-SPSE", "LIC-AV", "OLD-PC", "PC-07", "SRV-01", "UPS-02"]),
    ("peringatan=meteor&label=x&pemilik=abc&urut=password_hash&arah=sideways&hal=-4",
     ["DB-SPSE", "LIC-AV", "OLD-PC", "PC-07", "SRV-01", "UPS-02"]),
])
def test_search_and_filters(client, login, head, register, query, expected):
    login(client, head)
    assert tags(get(client, f"/aset?{query}")) == expected


def test_filter_by_owner(client, login, head, register, app):
    login(client, head)
    page = get(client, "/aset")
    owner_id = re.search(r'<option value="(\d+)">Yosef Pengelola</option>', page).group(1)
    assert tags(get(client, f"/aset?pemilik={owner_id}")) == ["DB-SPSE", "SRV-01"]
    assert tags(get(client, "/aset?pemilik=999999")) == []


@pytest.mark.parametrize("sort, expected", [
    ("urut=tag&arah=turun", ["UPS-02", "SRV-01", "PC-07", "OLD-PC", "LIC-AV", "DB-SPSE"]),
    ("urut=nama", ["DB-SPSE", "LIC-AV", "OLD-PC", "PC-07", "SRV-01", "UPS-02"]),
    # value: 9, 8, 6, 4, then the unclassified (by tag) last either way
    ("urut=nilai&arah=turun", ["SRV-01", "DB-SPSE", "LIC-AV", "PC-07", "OLD-PC", "UPS-02"]),
    ("urut=nilai", ["PC-07", "LIC-AV", "DB-SPSE", "SRV-01", "OLD-PC", "UPS-02"]),
    ("urut=kelas", ["OLD-PC", "PC-07", "SRV-01", "UPS-02", "LIC-AV", "DB-SPSE"]),  # the classes' order
    ("urut=status", ["DB-SPSE", "LIC-AV", "PC-07", "SRV-01", "UPS-02", "OLD-PC"]),
    ("urut=beli", ["UPS-02", "SRV-01", "PC-07", "DB-SPSE", "LIC-AV", "OLD-PC"]),
    ("urut=beli&arah=turun", ["PC-07", "SRV-01", "UPS-02", "DB-SPSE", "LIC-AV", "OLD-PC"]),
    ("urut=audit", ["OLD-PC", "UPS-02", "DB-SPSE", "LIC-AV", "PC-07", "SRV-01"]),
])
def test_sorting(client, login, head, register, sort, expected):
    login(client, head)
    assert tags(get(client, f"/aset?{sort}")) == expected


def test_sort_links_keep_the_filters_and_toggle_the_direction(client, login, head, register):
    login(client, head)
    page = get(client, "/aset?kelas=hardware&urut=nilai")
    assert 'href="/aset?kelas=hardware&amp;urut=nilai&amp;arah=turun"' in page  # the current column reverses
    assert 'href="/aset?kelas=hardware&amp;urut=nama"' in page
    assert 'aria-sort="ascending"' in page
    assert '<input type="hidden" name="urut" value="nilai">' in page  # a filter change keeps the sort
    assert 'href="/aset/ekspor.xlsx?kelas=hardware&amp;urut=nilai"' in page


def test_paging_keeps_the_filters(client, login, head, app):
    login(client, head)
    with app.app_context():
        db.session.execute(insert(Asset), [
            {"tag": f"PC-{n:03d}", "name": f"PC staf {n}", "asset_class": "hardware", "status": "in_use",
             "category": "", "location": "", "supplier": "", "notes": ""} for n in range(1, 61)]
            + [{"tag": "SRV-999", "name": "Server", "asset_class": "hardware", "status": "in_use",
                "category": "", "location": "", "supplier": "", "notes": ""}])
        db.session.commit()
    first = get(client, "/aset?q=pc")
    assert tags(first) == [f"PC-{n:03d}" for n in range(1, 26)]
    assert "Halaman 1 dari 3" in first and 'href="/aset?q=pc&amp;hal=2"' in first
    third = get(client, "/aset?q=pc&hal=3")
    assert tags(third) == [f"PC-{n:03d}" for n in range(51, 61)]
    assert 'href="/aset?q=pc&amp;hal=2"' in third and "Berikutnya" not in third
    assert tags(get(client, "/aset?q=pc&hal=99")) == tags(third)  # past the end: the last page
    desc = get(client, "/aset?q=pc&urut=tag&arah=turun&hal=2")
    assert tags(desc)[0] == "PC-035" and 'href="/aset?q=pc&amp;arah=turun&amp;hal=3"' in desc


def test_htmx_gets_only_the_results_block(client, login, head, register):
    login(client, head)
    response = client.get("/aset?q=spse", headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert tags(page) == ["DB-SPSE", "SRV-01"]
    assert "<html" not in page and "<form" not in page and 'name="q"' not in page
    assert "Perlu perhatian" not in page  # the banner is outside the block
    assert page.lstrip().startswith('<input type="hidden" name="urut"')
    assert response.headers["HX-Push-Url"] == "/aset?q=spse"  # the address bar, without empty fields
    response = client.get("/aset?q=&kelas=hardware&status=&label=&urut=nilai&arah=naik&hal=1", headers=HTMX)
    assert response.headers["HX-Push-Url"] == "/aset?kelas=hardware&urut=nilai"
    full = get(client, "/aset?q=spse")
    assert 'hx-get="/aset"' in full and 'hx-push-url="true"' in full and "input changed delay:200ms" in full
    assert 'value="spse"' in full  # the search box shows the state of the URL


def test_search_text_is_escaped(client, login, head, register):
    login(client, head)
    page = get(client, '/aset?q=<script>alert(1)</script>')
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def _bulk(app, start: int, n: int, owner_id: int, holder_id: int) -> None:
    with app.app_context():
        db.session.execute(insert(Asset), [
            {"tag": f"AST-{i:04d}", "name": f"Aset {i}", "asset_class": "hardware", "status": "in_use",
             "category": "PC", "location": "Lantai 2", "supplier": "PT X", "notes": "",
             "owner_id": owner_id, "custodian_id": holder_id if i % 2 else None,
             "confidentiality": 2, "integrity": 2, "availability": 2, "label": "terbatas",
             "licence_expires": TODAY + timedelta(days=i % 40),
             "next_audit_on": TODAY - timedelta(days=i % 3)}
            for i in range(start, start + n)])
        db.session.commit()


def test_the_list_query_count_does_not_grow_with_the_rows(app, client, login, head, make_user):
    owners = [make_user(Role.ASSET_MANAGER), make_user(Role.ADMIN)]
    holders = [make_user(Role.HELPDESK), make_user(Role.VERIFIKATOR)]
    login(client, head)
    _bulk(app, 0, 5, owners[0].id, holders[0].id)

    def queries(url):
        with counted_queries(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    urls = ("/aset", "/aset?urut=nilai&arah=turun", "/aset?peringatan=licence&q=aset", "/aset/peringatan",
            "/aset/stock-opname", "/aset/ekspor.xlsx", "/aset/ekspor.csv")
    few = {url: queries(url) for url in urls}
    _bulk(app, 5, 35, owners[1].id, holders[1].id)
    for i, (owner, holder) in enumerate(zip(owners, holders, strict=True)):
        _bulk(app, 100 + i, 1, owner.id, holder.id)
    many = {url: queries(url) for url in urls}
    assert many == few
    with counted_queries(app) as statements:
        client.get("/aset", headers=HTMX)
    assert sum(1 for s in statements if re.search(r"FROM asset\b", s)) == 2  # one COUNT, one page
