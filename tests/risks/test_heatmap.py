"""The heat map: every cell's count equals a direct count in SQL, inherent and residual;
closed risks left out unless asked for; a cell's list holds exactly that cell's risks
(whole page without JavaScript, the list alone for htmx); bad args never give a 500;
the page's query count does not grow with the number of risks."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, text

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.risks import heatmap, services
from lpse_web.risks.methodology import current
from lpse_web.risks.models import Risk
from tests.factories import counted_queries

DAY = date(2026, 12, 1)
HTMX = {"HX-Request": "true"}
CATEGORIES = ("security", "operational", "continuity")


class Cells(HTMLParser):
    """{side: {(likelihood, impact): count}} from the cells' data attributes."""

    def __init__(self):
        super().__init__()
        self.side = None
        self.cells = {}
        self.labels = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-side"):
            self.side = attrs["data-side"]
            self.cells[self.side] = {}
        elif tag == "td" and "data-count" in attrs:
            key = (int(attrs["data-likelihood"]), int(attrs["data-impact"]))
            self.cells[self.side][key] = int(attrs["data-count"])
            self.labels[(self.side, *key)] = attrs.get("aria-label")


def parse(page: str) -> Cells:
    found = Cells()
    found.feed(page)
    return found


def listed_codes(page: str) -> set[str]:
    return set(re.findall(r'<tr data-risk-code="([^"]+)"', page))


def direct_count(app, which, likelihood, impact, closed=False, category=None) -> int:
    sql = f"SELECT count(*) FROM risk WHERE {which}_likelihood = :l AND {which}_impact = :i"
    if not closed:
        sql += " AND status <> 'closed'"
    if category:
        sql += " AND category = :c"
    with app.app_context():
        return db.session.execute(text(sql), {"l": likelihood, "i": impact, "c": category}).scalar()


def seed(app, count, owner_id=None, start=0):
    """`count` risks over the grid (varied likelihood and impact, three categories); every
    third is reviewed down to a lower residual, every seventh closed."""
    with app.app_context():
        for n in range(start, start + count):
            likelihood, impact = n % 5 + 1, (n * 3 + n // 5) % 5 + 1
            risk = services.create_risk(DAY, code=f"R-{n + 1:03d}", title=f"Risiko nomor {n + 1}",
                                        category=CATEGORIES[n % 3], inherent_likelihood=likelihood,
                                        inherent_impact=impact, owner_id=owner_id)
            if n % 3 == 0:
                services.review(risk, DAY, owner_id, note="Kendali ditambah",
                                residual_likelihood=max(1, likelihood - 2),
                                residual_impact=max(1, impact - 1))
            if n % 7 == 3:
                services.update_risk(risk, DAY, status="closed")
        db.session.commit()


@pytest.fixture
def reader(make_user):
    return make_user(Role.MANAGER, name="Kepala LPSE")


@pytest.fixture
def seeded(app, make_user):
    owner = make_user(Role.RISK_MANAGER, name="Pemilik Risiko")
    seed(app, 30, owner.id)
    return owner


def test_every_cell_count_equals_a_direct_count(client, login, reader, seeded, app):
    login(client, reader)
    response = client.get("/risiko/peta/")
    assert response.status_code == 200
    cells = parse(response.get_data(as_text=True)).cells
    assert set(cells) == {"inherent", "residual"}
    for which in ("inherent", "residual"):
        assert len(cells[which]) == 25
        for (likelihood, impact), shown in cells[which].items():
            assert shown == direct_count(app, which, likelihood, impact), (which, likelihood, impact)
    assert sum(cells["inherent"].values()) == sum(cells["residual"].values()) == 30 - 4  # 4 closed
    assert cells["inherent"] != cells["residual"]  # reviews moved some risks down


def test_closed_risks_are_counted_only_when_asked(client, login, reader, seeded, app):
    login(client, reader)
    cells = parse(client.get("/risiko/peta/?tutup=1").get_data(as_text=True)).cells
    for which in ("inherent", "residual"):
        for (likelihood, impact), shown in cells[which].items():
            assert shown == direct_count(app, which, likelihood, impact, closed=True)
    assert sum(cells["inherent"].values()) == 30


def test_category_filter(client, login, reader, seeded, app):
    login(client, reader)
    page = client.get("/risiko/peta/?kategori=operational").get_data(as_text=True)
    cells = parse(page).cells
    for which in ("inherent", "residual"):
        for (likelihood, impact), shown in cells[which].items():
            assert shown == direct_count(app, which, likelihood, impact, category="operational")
    assert 'value="operational" selected' in page
    # An unknown category is ignored: every risk counted.
    cells = parse(client.get("/risiko/peta/?kategori=nope").get_data(as_text=True)).cells
    assert sum(cells["inherent"].values()) == 26


def test_level_totals_follow_the_cells(client, login, reader, seeded, app):
    login(client, reader)
    page = client.get("/risiko/peta/").get_data(as_text=True)
    cells = parse(page).cells
    with app.app_context():
        scheme = current()
    for which in ("inherent", "residual"):
        per_level = {}
        for (likelihood, impact), n in cells[which].items():
            rank = scheme.level_of(likelihood * impact).rank
            per_level[rank] = per_level.get(rank, 0) + n
        for rank, n in per_level.items():
            row = re.search(rf'<tr data-level="{rank}">(.*?)</tr>', page, re.S).group(1)
            assert re.search(rf'<td data-side="{which}">(\d+)</td>', row).group(1) == str(n)


def test_grid_is_an_accessible_table_with_links(client, login, reader, seeded, app):
    login(client, reader)
    page = client.get("/risiko/peta/").get_data(as_text=True)
    found = parse(page)
    n = found.cells["inherent"][(5, 5)]
    assert found.labels[("inherent", 5, 5)] == f"Kemungkinan 5, dampak 5: {n} risiko"
    assert 'scope="row"' in page and 'scope="col"' in page and 'scope="rowgroup"' in page
    assert "<caption>" in page
    # Likelihood highest at the top, impact ascending left to right.
    inherent = page[page.index('id="peta-inherent"'):page.index('id="peta-residual"')]
    order = re.findall(r'data-likelihood="(\d)" data-impact="(\d)"', inherent)
    assert order[0] == ("5", "1") and order[4] == ("5", "5") and order[-1] == ("1", "5")
    likelihood, impact = next(k for k, v in found.cells["inherent"].items() if v)
    assert (f'href="/risiko/peta/?sisi=inherent&amp;k={likelihood}&amp;d={impact}#daftar-sel"' in page)
    assert f'hx-get="/risiko/peta/sel?sisi=inherent&amp;k={likelihood}&amp;d={impact}"' in page
    assert 'hx-target="#cell-list"' in page and "hx-push-url" in page
    assert "Sangat Tinggi" in page and "Hampir pasti terjadi" in page and "Sangat besar" in page
    assert " style=" not in page  # strict CSP
    assert 'class="heat-cell risk-level-red' in page
    empty = next(k for k, v in found.cells["inherent"].items() if not v)
    assert f'sisi=inherent&amp;k={empty[0]}&amp;d={empty[1]}' not in page  # no link to an empty cell


def cell_codes(app, which, likelihood, impact, closed=False) -> set[str]:
    with app.app_context():
        query = select(Risk.code).where(getattr(Risk, f"{which}_likelihood") == likelihood,
                                        getattr(Risk, f"{which}_impact") == impact)
        if not closed:
            query = query.where(Risk.status != "closed")
        return set(db.session.scalars(query))


def test_a_cell_lists_exactly_its_risks(client, login, reader, seeded, app):
    login(client, reader)
    cells = parse(client.get("/risiko/peta/").get_data(as_text=True)).cells
    checked = 0
    for which in ("inherent", "residual"):
        for (likelihood, impact), n in cells[which].items():
            if not n:
                continue
            page = client.get(f"/risiko/peta/?sisi={which}&k={likelihood}&d={impact}").get_data(as_text=True)
            expected = cell_codes(app, which, likelihood, impact)
            assert listed_codes(page) == expected, (which, likelihood, impact)
            assert f"{n} risiko di sel ini" in page
            checked += 1
    assert checked > 10
    page = client.get("/risiko/peta/?sisi=inherent&k=1&d=1&tutup=1").get_data(as_text=True)
    assert listed_codes(page) == cell_codes(app, "inherent", 1, 1, closed=True)


def test_the_list_shows_owner_status_and_scores(client, login, reader, seeded, app):
    login(client, reader)
    page = client.get("/risiko/peta/?sisi=inherent&k=1&d=1").get_data(as_text=True)
    assert "Pemilik Risiko" in page and "Terbuka" in page
    assert "1 × 1 = <strong>1</strong>" in page
    assert 'class="risk-level risk-level-green">Rendah</span>' in page
    assert "heat-selected" in page and 'aria-current="true"' in page


def test_htmx_cell_request_returns_only_the_list(client, login, reader, seeded, app):
    login(client, reader)
    response = client.get("/risiko/peta/sel?sisi=residual&k=1&d=1", headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and 'id="peta-inherent"' not in page and "<form" not in page
    assert listed_codes(page) == cell_codes(app, "residual", 1, 1)
    assert "HX-Request" in response.headers.get("Vary", "")
    # Without htmx the same URL is the whole page.
    full = client.get("/risiko/peta/sel?sisi=residual&k=1&d=1").get_data(as_text=True)
    assert "<html" in full and 'id="peta-inherent"' in full and listed_codes(full) == listed_codes(page)


def test_the_list_pages_by_25(client, login, reader, app):
    with app.app_context():
        for n in range(30):
            services.create_risk(DAY, code=f"R-{n + 1:03d}", title=f"Risiko {n}", category="security",
                                 inherent_likelihood=4, inherent_impact=5)
        db.session.commit()
    login(client, reader)
    first = client.get("/risiko/peta/?sisi=inherent&k=4&d=5").get_data(as_text=True)
    assert len(listed_codes(first)) == 25 and "Halaman 1 dari 2" in first
    assert 'hx-get="/risiko/peta/sel?hal=2&amp;sisi=inherent&amp;k=4&amp;d=5"' in first
    second = client.get("/risiko/peta/sel?sisi=inherent&k=4&d=5&hal=2", headers=HTMX).get_data(as_text=True)
    assert len(listed_codes(second)) == 5
    assert listed_codes(first) | listed_codes(second) == cell_codes(app, "inherent", 4, 5)
    assert parse(first).labels[("inherent", 4, 5)] == "Kemungkinan 4, dampak 5: 30 risiko"


@pytest.mark.parametrize("query", ["sisi=x&k=1&d=1", "sisi=inherent&k=abc&d=1", "sisi=inherent&k=6&d=1",
                                   "sisi=inherent&k=1&d=0", "sisi=inherent&k=-1&d=2", "k=1&d=1",
                                   "sisi=inherent&k=99999999999999999999&d=1", "sisi=inherent&k=%00&d=1",
                                   "sisi=residual&d=3"])
def test_bad_cell_args_are_ignored(client, login, reader, seeded, query):
    login(client, reader)
    for url, headers in ((f"/risiko/peta/?{query}", {}), (f"/risiko/peta/sel?{query}", {}),
                         (f"/risiko/peta/sel?{query}", HTMX)):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert "risiko di sel ini" not in response.get_data(as_text=True)
        assert not listed_codes(response.get_data(as_text=True))
    assert "<html" not in client.get(f"/risiko/peta/sel?{query}", headers=HTMX).get_data(as_text=True)


def test_bad_page_and_filter_args_are_ignored(client, login, reader, seeded):
    login(client, reader)
    for query in ("sisi=inherent&k=1&d=1&hal=abc", "sisi=inherent&k=1&d=1&hal=999", "tutup=yes&kategori=%00",
                  "kategori=" + "x" * 500):
        assert client.get(f"/risiko/peta/?{query}").status_code == 200, query


@pytest.mark.parametrize("role", [Role.RISK_MANAGER, Role.ASSET_MANAGER, Role.MANAGER, Role.ADMIN])
def test_readers_see_the_heat_map(client, login, make_user, role):
    login(client, make_user(role))
    assert client.get("/risiko/peta/").status_code == 200
    assert client.get("/risiko/peta/sel?sisi=inherent&k=1&d=1").status_code == 200


@pytest.mark.parametrize("role", [Role.VENDOR, Role.VERIFIKATOR, Role.HELPDESK])
def test_others_do_not(client, login, make_user, role):
    login(client, make_user(role))
    assert client.get("/risiko/peta/").status_code == 403
    assert client.get("/risiko/peta/sel?sisi=inherent&k=1&d=1").status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get("/risiko/peta/").status_code == 302


def _queries(app, client, url) -> int:
    with counted_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_query_count_does_not_grow_with_the_risks(client, login, reader, app, make_user):
    owner = make_user(Role.RISK_MANAGER)
    seed(app, 5, owner.id)
    login(client, reader)
    urls = ("/risiko/peta/", "/risiko/peta/?sisi=inherent&k=1&d=1",
            "/risiko/peta/?sisi=residual&k=1&d=1&tutup=1")
    few = [_queries(app, client, url) for url in urls]
    htmx_few = _queries(app, client, "/risiko/peta/sel?sisi=inherent&k=1&d=1")
    seed(app, 55, owner.id, start=5)
    assert [_queries(app, client, url) for url in urls] == few
    assert _queries(app, client, "/risiko/peta/sel?sisi=inherent&k=1&d=1") == htmx_few


def test_risks_outside_the_scales_in_force_are_counted_apart(client, login, reader, app):
    with app.app_context():
        services.create_risk(DAY, code="R-001", title="Server mati", category="continuity",
                             inherent_likelihood=5, inherent_impact=5)
        services.create_risk(DAY, code="R-002", title="Sandi lemah", category="security",
                             inherent_likelihood=2, inherent_impact=2)
        services.save_methodology(["a", "b", "c"], ["x", "y", "z"],
                                  [{"name": "Rendah", "min_score": 1, "colour": "green", "review_days": 360},
                                   {"name": "Tinggi", "min_score": 5, "colour": "red", "review_days": 30}],
                                  4, "3 × 3", None)
        db.session.commit()
        grids = heatmap.heat_map(current())
        assert grids["inherent"].outside == 1 and grids["inherent"].total == 1
        assert grids["inherent"].cell(2, 2).count == 1 and grids["inherent"].cell(5, 5) is None
    login(client, reader)
    page = client.get("/risiko/peta/").get_data(as_text=True)
    cells = parse(page).cells
    assert len(cells["inherent"]) == 9 and cells["inherent"][(2, 2)] == 1
    assert "1 risiko dinilai dengan skala lama di luar skala yang berlaku" in page
    outside = client.get("/risiko/peta/sel?sisi=inherent&k=5&d=5", headers=HTMX)
    assert outside.status_code == 200 and not listed_codes(outside.get_data(as_text=True))


def test_grid_rows_highest_likelihood_first(ctx):
    grid = heatmap.build("inherent", current())
    assert [row[0].likelihood for row in grid.rows] == [5, 4, 3, 2, 1]
    assert [cell.impact for cell in grid.rows[0]] == [1, 2, 3, 4, 5]
    assert grid.cell(4, 5).score == 20 and grid.cell(4, 5).level.name == "Sangat Tinggi"
    assert grid.cell(4, 4).level.name == "Tinggi"
    with pytest.raises(ValueError):
        heatmap.build("sideways", current())
