"""The quarterly report page's rendering, from a report made by hand (the section builders
have their own tests): every section, figure and table cell shown and formatted the
Indonesian way, the charts as SVG with a number on every bar and point, the heat map's
grid, the period form and its refusals, and the PDF flavour of the page (for_pdf)."""

from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from flask import render_template

from lpse_web.auth.roles import Role
from lpse_web.office.models import Office
from lpse_web.reports import views
from lpse_web.reports.periods import QUARTER_NAMES, quarter
from lpse_web.reports.quarterly import QuarterlyReport
from lpse_web.reports.tables import Chart, Column, Figure, Section, Series, Table
from lpse_web.risks.heatmap import Cell, Grid
from lpse_web.risks.methodology import current

WITA = ZoneInfo("Asia/Makassar")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], ""

    def all(self, tag=None, **attrs):
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                    value in (child.attrs.get(key.rstrip("_")) or "").split() if key.rstrip("_") == "class"
                    else child.attrs.get(key.rstrip("_")) == value for key, value in attrs.items()):
                yield child
            yield from child.all(tag, **attrs)

    def find(self, tag=None, **attrs):
        return next(self.all(tag, **attrs), None)

    @property
    def content(self) -> str:
        return " ".join((self.text + " " + " ".join(c.content for c in self.children)).split())


class Tree(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.root = self.here = Node("root", {}, None)
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.here)
        self.here.children.append(node)
        if tag not in VOID:
            self.here = node

    def handle_startendtag(self, tag, attrs):
        self.here.children.append(Node(tag, attrs, self.here))

    def handle_endtag(self, tag):
        node = self.here
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.here = node.parent

    def handle_data(self, data):
        self.here.text += data


def parse(page: str) -> Node:
    return Tree(page).root


def heat_grid(counts: dict[tuple[int, int], int], which: str) -> Grid:
    scheme = current()
    rows = [[Cell(lk, im, lk * im, scheme.level_of(lk * im), counts.get((lk, im), 0))
             for im in range(1, scheme.impact_levels + 1)]
            for lk in range(scheme.likelihood_levels, 0, -1)]
    return Grid(which=which, scheme=scheme, rows=rows, outside=0)


def fake_report(period) -> QuarterlyReport:
    """Five sections with every column kind, a None in each place one can be, a bars
    chart, a lines chart with a gap, a "%" chart and a heat map."""
    services = Table("loket-layanan", "Kunjungan per layanan",
                     [Column("Layanan", "text"), Column("Dilayani"), Column("Tidak hadir")],
                     [["Verifikasi", 1204, 12], ["Konsultasi", 30, 0], ["Pelatihan", None, 3]],
                     note="Dilayani: kunjungan yang selesai.")
    times = Table("loket-waktu", "Waktu dan bagian",
                  [Column("Ukuran", "text"), Column("Menit", "minutes"), Column("Bagian", "pct"),
                   Column("Tanggal", "date"), Column("NRR", "dec2"), Column("Jumlah"), Column("Jam", "dec1")],
                  [["Tunggu", 12.25, 0.4525, date(2026, 3, 31), 3.125, 1234567, 45.25],
                   ["Layanan", None, None, None, None, None, None]])
    counter = Section("counter", "1. Layanan loket",
                      figures=[Figure("Kunjungan dilayani", 1204, note="triwulan lalu 1.100"),
                               Figure("Waktu tunggu median", 12.25, "minutes"),
                               Figure("Bagian tidak hadir", 0.4525, "pct"),
                               Figure("Belum terukur", None, "dec1")],
                      charts=[Chart("bars", "Kunjungan per layanan", "loket-layanan",
                                    ["Verifikasi", "Konsultasi", "Pelatihan"],
                                    [Series("Dilayani", [1204, 30, None]),
                                     Series("Tidak hadir", [12, 0, 3])])],
                      tables=[services, times], notes=["Kunjungan menurut tanggal layanan."])
    usage = Table("ruang-pemakaian", "Pemakaian ruang",
                  [Column("Ruang", "text"), Column("Bagian dipesan", "pct")],
                  [["Ruang Rapat", 0.625], ["Aula", 0.1]])
    rooms = Section("rooms", "2. Ruang", tables=[usage],
                    charts=[Chart("bars", "Bagian jam buka yang dipesan", "ruang-pemakaian",
                                  ["Ruang Rapat", "Aula"], [Series("Dipesan", [62.5, 10.0])], unit="%")])
    trend = Table("survei-tren", "IKM per triwulan", [Column("Triwulan", "text"), Column("IKM × 25", "dec2")],
                  [["Triwulan II 2025", 80.25], ["Triwulan III 2025", 82.0], ["Triwulan IV 2025", None],
                   ["Triwulan I 2026", 88.5]])
    survey = Section("survey", "3. Kepuasan pengguna layanan",
                     figures=[Figure("IKM × 25", 88.5, "dec2"), Figure("Responden", 150)],
                     charts=[Chart("lines", "IKM × 25 per triwulan", "survei-tren",
                                   [r[0] for r in trend.rows],
                                   [Series("IKM × 25", [r[1] for r in trend.rows])])],
                     tables=[trend])
    assets = Section("assets", "4. Aset", tables=[Table("aset-kelas", "Aset per kelas",
                                                        [Column("Kelas", "text"), Column("Jumlah")], [])],
                     notes=["Belum ada aset."])
    grid = Table("risiko-peta-inheren", "Peta risiko inheren",
                 [Column("Kemungkinan", "text"), Column("Risiko")],
                 [["5 Hampir pasti", 7], ["1 Jarang", 2]])
    risks = Section("risks", "5. Risiko",
                    charts=[Chart("heatmap", "Risiko inheren", "risiko-peta-inheren",
                                  grid=heat_grid({(5, 4): 7, (1, 1): 2}, "inherent"))],
                    tables=[grid])
    office = Office(name="LPSE Provinsi Contoh", timezone="Asia/Makassar")
    made_at = datetime(2026, 4, 2, 14, 5, tzinfo=WITA)
    return QuarterlyReport(office, period, made_at, [counter, rooms, survey, assets, risks])


@pytest.fixture
def app_config():
    return {"LPSE_NOW": "2026-04-02T14:05:00+08:00"}


@pytest.fixture
def faked(app, monkeypatch):
    monkeypatch.setattr(views, "build_report", lambda period, now: fake_report(period))


@pytest.fixture
def manager(client, login, make_user):
    login(client, make_user(Role.MANAGER))
    return client


def page_of(client, url):
    response = client.get(url)
    return response, parse(response.get_data(as_text=True))


def cells(table: Node) -> list[list[str]]:
    return [[cell.content for cell in row.children if cell.tag in ("td", "th")]
            for row in table.find("tbody").all("tr")]


def test_the_heading_names_the_period_the_office_and_when(faked, manager):
    response, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    assert response.status_code == 200
    head = tree.find("header", class_="report-head")
    assert head.find("h1").content == "Laporan Triwulan I 2026"
    assert "LPSE Provinsi Contoh" in head.content
    assert "Disusun 2 April 2026 14.05 WITA" in head.content
    contents = [(a.attrs["href"], a.content) for a in tree.find("nav", class_="report-contents").all("a")]
    assert contents == [("#counter", "1. Layanan loket"), ("#rooms", "2. Ruang"),
                        ("#survey", "3. Kepuasan pengguna layanan"), ("#assets", "4. Aset"),
                        ("#risks", "5. Risiko")]


def test_a_special_report_is_named_by_its_days(faked, manager):
    response, tree = page_of(manager, "/laporan/triwulan/?dari=2026-01-01&sampai=2026-02-15")
    assert response.status_code == 200
    assert tree.find("h1").content == "Laporan Khusus 1 Januari 2026 – 15 Februari 2026"
    assert tree.find("input", name="dari").attrs["value"] == "2026-01-01"
    assert tree.find("input", name="sampai").attrs["value"] == "2026-02-15"


def test_every_section_figure_and_note_is_shown(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    for key, title in (("counter", "1. Layanan loket"), ("rooms", "2. Ruang"),
                       ("survey", "3. Kepuasan pengguna layanan"), ("assets", "4. Aset"),
                       ("risks", "5. Risiko")):
        section = tree.find("section", id=key)
        assert section.find("h2").content == title
    counter = tree.find("section", id="counter")
    figures = [(f.find("span").content, f.find("strong").content,
                (f.find("small") or Node("", {}, None)).content)
               for f in counter.all("div", class_="report-figure")]
    assert figures == [("Kunjungan dilayani", "1.204", "triwulan lalu 1.100"),
                       ("Waktu tunggu median", "12,3", ""),
                       ("Bagian tidak hadir", "45,3 %", ""), ("Belum terukur", "–", "")]
    survey = tree.find("section", id="survey")
    assert [f.find("strong").content for f in survey.all("div", class_="report-figure")] == ["88,50", "150"]
    assert "Kunjungan menurut tanggal layanan." in counter.content
    assert "Belum ada aset." in tree.find("section", id="assets").content


def test_every_table_cell_is_formatted_by_its_kind(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    tables = {t.find("caption").content: t for t in tree.all("table", class_="report-table")}
    assert set(tables) == {"Kunjungan per layanan", "Waktu dan bagian", "Pemakaian ruang", "IKM per triwulan",
                           "Aset per kelas", "Peta risiko inheren"}
    assert cells(tables["Kunjungan per layanan"]) == [["Verifikasi", "1.204", "12"],
                                                      ["Konsultasi", "30", "0"],
                                                      ["Pelatihan", "–", "3"]]
    assert cells(tables["Waktu dan bagian"]) == [
        ["Tunggu", "12,3", "45,3 %", "31 Maret 2026", "3,13", "1.234.567", "45,3"],
        ["Layanan", "–", "–", "–", "–", "–", "–"]]
    assert cells(tables["Pemakaian ruang"]) == [["Ruang Rapat", "62,5 %"], ["Aula", "10,0 %"]]
    assert cells(tables["IKM per triwulan"]) == [["Triwulan II 2025", "80,25"],
                                                 ["Triwulan III 2025", "82,00"],
                                                 ["Triwulan IV 2025", "–"], ["Triwulan I 2026", "88,50"]]
    assert cells(tables["Aset per kelas"]) == [["Tidak ada data pada periode ini."]]
    headers = [th.content for th in tables["Waktu dan bagian"].find("thead").all("th")]
    assert headers == ["Ukuran", "Menit", "Bagian", "Tanggal", "NRR", "Jumlah", "Jam"]
    assert "Dilayani: kunjungan yang selesai." in tree.find("section", id="counter").content


def test_a_chart_is_followed_by_its_own_table_then_the_others(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    counter = tree.find("section", id="counter")
    block = counter.find("div", class_="report-chart-block")
    assert (block.find("svg") is not None
            and block.find("table").find("caption").content == "Kunjungan per layanan")
    order = [t.find("caption").content for t in counter.all("table")]
    assert order == ["Kunjungan per layanan", "Waktu dan bagian"]  # each table once


def test_bars_carry_a_number_each_and_none_is_no_bar(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    svg = tree.find("section", id="counter").find("svg")
    assert svg.attrs["role"] == "img" and svg.find("title").content.startswith("Kunjungan per layanan")
    assert "style" not in svg.attrs and not [n for n in svg.all() if "style" in n.attrs]
    bars = list(svg.all("g", class_="chart-bar"))
    # Dilayani 1204, 30 (Pelatihan: None, no bar); Tidak hadir 12, 0, 3
    assert [b.find("text").content for b in bars] == ["1.204", "30", "12", "0", "3"]
    heights = [float(b.find("rect").attrs["height"]) for b in bars]
    assert heights[3] == 0 and heights[0] > heights[1] > heights[4] > 0
    assert abs(heights[1] / heights[0] - 30 / 1204) < 0.01
    fills = {b.find("rect").attrs["fill"] for b in bars}
    assert len(fills) == 2  # one colour per series, named in the legend
    assert {"Dilayani", "Tidak hadir"} <= {t.content for t in svg.all("text")}
    assert {"Verifikasi", "Konsultasi", "Pelatihan"} <= {t.content for t in svg.all("text")}


def test_a_percent_chart_shows_its_unit(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    svg = tree.find("section", id="rooms").find("svg")
    assert [b.find("text").content for b in svg.all("g", class_="chart-bar")] == ["62,5", "10,0"]
    assert "%" in {t.content for t in svg.all("text")}


def test_lines_have_a_point_per_value_and_a_gap_for_none(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    svg = tree.find("section", id="survey").find("svg")
    circles = list(svg.all("circle"))
    assert len(circles) == 3
    assert [t.content for t in svg.all("text", class_="chart-value")] == ["80,25", "82,00", "88,50"]
    lines = list(svg.all("polyline"))
    assert len(lines) == 1 and len(lines[0].attrs["points"].split()) == 2  # the gap breaks the line
    assert float(circles[2].attrs["cy"]) < float(circles[1].attrs["cy"]) < float(circles[0].attrs["cy"])


def test_the_heat_map_is_drawn_as_its_grid(faked, manager):
    response, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    risks = tree.find("section", id="risks")
    grid = risks.find("table", class_="heat-grid")
    counts = {(int(td.attrs["data-likelihood"]), int(td.attrs["data-impact"])): int(td.attrs["data-count"])
              for td in grid.all("td", class_="heat-cell")}
    assert len(counts) == 25 and counts[(5, 4)] == 7 and counts[(1, 1)] == 2 and sum(counts.values()) == 9
    assert grid.find("a") is None  # no links into the register from a report
    page = response.get_data(as_text=True)
    assert "css/heatmap.css" in page and "css/risks.css" in page and "css/report.css" in page


def test_downloads_link_the_period(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2026&triwulan=1")
    hrefs = {a.attrs["href"] for a in tree.all("a") if "href" in a.attrs}
    assert "/laporan/triwulan/unduh.pdf?tahun=2026&triwulan=1" in hrefs
    assert "/laporan/triwulan/unduh.xlsx?tahun=2026&triwulan=1" in hrefs
    assert "/laporan/triwulan/tabel/loket-layanan.csv?tahun=2026&triwulan=1" in hrefs
    assert "/laporan/triwulan/tabel/aset-kelas.csv?tahun=2026&triwulan=1" in hrefs


def test_the_form_shows_the_period_shown(faked, manager):
    _r, tree = page_of(manager, "/laporan/triwulan/?tahun=2025&triwulan=3")
    assert tree.find("h1").content == "Laporan Triwulan III 2025"
    selected = [o.attrs["value"] for o in tree.find("select", name="triwulan").all("option")
                if "selected" in o.attrs]
    assert selected == ["3"] and tree.find("input", name="tahun").attrs["value"] == "2025"
    forms = list(tree.all("form", class_="report-form"))
    assert [f.attrs["method"] for f in forms] == ["get", "get"]
    assert [[i.attrs["name"] for i in f.all() if i.tag in ("input", "select")] for f in forms] \
        == [["triwulan", "tahun"], ["dari", "sampai"]]
    assert [f.find("input", name="dari") and f.find("input", name="dari").attrs["type"] for f in forms] \
        == [None, "date"]
    assert [f.find("button", type="submit").content for f in forms] == ["Tampilkan", "Tampilkan"]


@pytest.mark.parametrize(("query", "message"), [
    ("tahun=2026&triwulan=5", "Pilih triwulan I sampai IV."),
    ("dari=2026-03-01&sampai=2026-02-01", "Tanggal awal harus sebelum atau sama dengan tanggal akhir."),
    ("dari=2026-03-01", "Isi tanggal awal dan tanggal akhir untuk laporan khusus."),
    ("sampai=2026-03-01", "Isi tanggal awal dan tanggal akhir untuk laporan khusus."),
])
def test_a_refused_period_gives_the_form_and_the_message(faked, manager, query, message):
    response, tree = page_of(manager, f"/laporan/triwulan/?{query}")
    assert response.status_code == 400
    alert = tree.find(role="alert")
    assert alert is not None and alert.content == message
    assert tree.find("section", class_="report-section") is None and tree.find("svg") is None
    assert tree.find("form", class_="report-form") is not None
    assert "unduh.pdf" not in response.get_data(as_text=True)


def test_the_pdf_flavour_has_no_form_and_no_links_to_act_on(faked, app):
    period = quarter(2026, 1)
    with app.test_request_context("/laporan/triwulan/?tahun=2026&triwulan=1"):
        html = render_template("reports/quarterly.html", report=fake_report(period), period=period,
                               error=None, quarters=QUARTER_NAMES, args=period.args(), for_pdf=True)
    tree = parse(html)
    assert tree.find("form", class_="report-form") is None
    assert tree.find("nav", class_="report-downloads") is None and ".csv" not in html
    assert tree.find("h1").content == "Laporan Triwulan I 2026"
    assert len([s for s in tree.all("section", class_="report-section")]) == 5
    assert len(list(tree.all("svg", role="img"))) == 3
    # The framework's stylesheet is left out (WeasyPrint is five times slower with it).
    assert "pico" not in html and "css/report.css" in html


def test_others_than_managers_do_not_see_it(faked, client, login, make_user):
    login(client, make_user(Role.VERIFIKATOR))
    assert client.get("/laporan/triwulan/?tahun=2026&triwulan=1").status_code in (403, 404)
