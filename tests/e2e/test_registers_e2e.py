"""The asset register and the risk register in a real browser, on the session's live
server (seed-demo's registers in it: some sixty assets and their risks).

The asset manager imports three assets from a CSV file (the progress page polls until
"diimpor"), finds them with the register's active search, and classifies one (C, I and
A all 3: value 9). The risk manager records a risk, picks that asset in the risk form's
asset picker (htmx active search; ticking it brings the impact suggestion, the top of
the scale), assesses it 4 x 5 = 20, and sees it in both grids of the heat map at (4, 5).
Treated (mitigate, residual 2 x 2), it stays in the inherent grid's cell and moves in the
residual grid from (4, 5) to (2, 2); clicking that cell lists it (htmx, no reload). The
asset's page then lists the risk. Every page's console must stay clean (conftest).

Each person has a browser context of their own (cookies apart)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FAILURE_SCREENSHOTS, signed_in_state

pytestmark = pytest.mark.e2e

ASSET_MANAGER = ("aset@lpse-demo.test", "Fransiska Pengelola Aset")
RISK_MANAGER = ("risiko@lpse-demo.test", "Stefanus Pengelola Risiko")
TAGS = ("E2E-HW-001", "E2E-HW-002", "E2E-HW-003")
SERIAL = "SN-E2E-0001"
# The file as someone types it in a spreadsheet: the template's Indonesian headers, a
# few of its columns, the class by its code, one serial.
CSV = ("Nomor aset,Nama,Kelas,Kategori,Lokasi,Nomor seri\r\n"
       f"{TAGS[0]},Server uji end-to-end,hardware,Server,Ruang server,{SERIAL}\r\n"
       f"{TAGS[1]},PC uji end-to-end,hardware,PC / laptop,Ruang layanan,\r\n"
       f"{TAGS[2]},UPS uji end-to-end,hardware,UPS,Ruang server,\r\n")
RISK_CODE = "E2E-R-01"  # sorts before the demo's R-0xx: first in a cell's list
RISK_TITLE = "Server uji mati karena listrik padam"
IMPORT_SECONDS = 30
# (side, likelihood, impact) of the heat map cells the test follows.
CELLS = (("inherent", 4, 5), ("residual", 4, 5), ("residual", 2, 2), ("inherent", 2, 2))


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


@pytest.fixture(scope="module")
def asset_manager(browser, live_server) -> dict:
    return signed_in_state(browser, live_server, *ASSET_MANAGER)


@pytest.fixture(scope="module")
def risk_manager(browser, live_server) -> dict:
    return signed_in_state(browser, live_server, *RISK_MANAGER)


def screenshot(page: Page, name: str, readme_folder) -> None:
    """Into the e2e screenshots folder; the README's pictures also into docs/screenshots
    when LPSE_README_SCREENSHOTS=1 (readme_folder is then that folder)."""
    FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = FAILURE_SCREENSHOTS / name
    page.screenshot(path=path, full_page=True)
    if readme_folder is not None and readme_folder.resolve() != FAILURE_SCREENSHOTS.resolve():
        page.screenshot(path=readme_folder / name)  # the README shows the first screenful


def heat_cell(page: Page, which: str, likelihood: int, impact: int):
    return page.locator(f'#peta-{which} td.heat-cell[data-likelihood="{likelihood}"]'
                        f'[data-impact="{impact}"]')


def heat_counts(page: Page) -> dict[tuple[str, int, int], int]:
    """The heat map page's count of the CELLS, from their data-count attributes."""
    page.goto("/risiko/peta/")
    expect(page.locator("h1")).to_have_text("Peta risiko")
    expect(page.locator("#peta-inherent")).to_be_visible()
    expect(page.locator("#peta-residual")).to_be_visible()
    return {cell: int(heat_cell(page, *cell).get_attribute("data-count")) for cell in CELLS}


def import_assets(page: Page, tmp_path) -> None:
    upload = tmp_path / "aset-e2e.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.goto("/aset/impor")
    expect(page.locator("h1")).to_have_text("Impor aset dari CSV atau XLSX")
    form = page.locator("#import-form")
    form.locator("input[type=file][name=file]").set_input_files(upload)
    form.locator("button[type=submit]").click()
    # The import's own page, polling itself (htmx every second) until it is done.
    expect(page).to_have_url(re.compile(r"/aset/impor/\d+$"))
    expect(page.locator("h1")).to_have_text("Impor aset-e2e.csv")
    progress = page.locator("#import-progress")
    expect(progress.locator(".flash-success")).to_have_text("3 aset diimpor.", timeout=IMPORT_SECONDS * 1000)
    expect(progress.locator(".flash-error")).to_have_count(0)


def find_imported(page: Page, readme_folder) -> str:
    """The register, searched for the imported tags (active search); return the path of
    the first one's page."""
    page.goto("/aset")
    expect(page.locator("h1")).to_have_text("Register aset")
    screenshot(page, "registers-assets.png", readme_folder)
    page.evaluate("window.__e2eMarker = 'no reload'")
    with page.expect_response(re.compile(r"/aset\?.*q=E2E")) as searched:
        page.locator("input[type=search][name=q]").fill("E2E")
    assert searched.value.status == 200
    assert searched.value.request.headers.get("hx-request") == "true"
    rows = page.locator("#results table.asset-table tbody tr")
    expect(rows).to_have_count(3)
    for row, tag in zip(rows.all(), TAGS, strict=True):  # sorted by tag
        expect(row.locator("td").first).to_have_text(tag)
        expect(row).to_contain_text("Perangkat keras")
    expect(page.locator("#results .asset-list-head")).to_contain_text("3 aset cocok")
    assert page.evaluate("window.__e2eMarker") == "no reload"
    expect(page).to_have_url(re.compile(r"/aset\?(.*&)?q=E2E"))  # the search is in the address
    href = rows.first.locator("td").first.locator("a").get_attribute("href")
    assert re.fullmatch(r"/aset/\d+", href), href
    screenshot(page, "registers-assets-search.png", None)
    return href


def classify(page: Page, asset_path: str) -> None:
    page.goto(asset_path)
    expect(page.locator("main h1")).to_contain_text(TAGS[0])
    facts = page.locator("main dl.facts").first
    expect(facts).to_contain_text(SERIAL)
    expect(facts).to_contain_text("Ruang server")
    expect(page.locator("main")).to_contain_text("Belum diklasifikasi bersama pemilik aset.")
    page.locator(f'main a[href="{asset_path}/klasifikasi"][role=button]').click()
    expect(page).to_have_url(re.compile(re.escape(asset_path) + r"/klasifikasi$"))
    expect(page.locator("h1")).to_have_text("Klasifikasi keamanan")
    form = page.locator("form.asset-form")
    for name in ("confidentiality", "integrity", "availability"):
        form.locator(f'input[type=radio][name={name}][value="3"]').check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(asset_path) + r"$"))
    expect(page.locator("#messages")).to_contain_text(f"Klasifikasi {TAGS[0]} disimpan: nilai aset 9")
    value = page.locator("main span.asset-value")
    expect(value).to_have_count(1)
    expect(value).to_have_text("9 · Tinggi")
    expect(value).to_have_class(re.compile(r"\basset-value-tinggi\b"))


def record_risk(page: Page, asset_path: str) -> str:
    """The risk form: code, title, category, the asset picked, 4 x 5; return the risk's path."""
    asset_id = asset_path.rsplit("/", 1)[1]
    page.goto("/risiko/baru")
    expect(page.locator("h1")).to_have_text("Catat risiko")
    form = page.locator("#risk-form")
    expect(form.locator("input[name=code]")).to_have_value(re.compile(r"^R-\d{3}$"))  # suggested
    form.locator("input[name=code]").fill(RISK_CODE)
    form.locator("input[name=title]").fill(RISK_TITLE)
    form.locator("select[name=category]").select_option("continuity")
    form.locator("textarea[name=threat]").fill("Listrik PLN padam lebih lama dari daya tahan UPS.")
    suggestion = form.locator("#impact-suggestion")
    expect(suggestion).to_contain_text("Saran dampak muncul bila")

    # The asset picker: active search, then tick the asset; the suggestion follows.
    page.evaluate("window.__e2eMarker = 'no reload'")
    with page.expect_response(re.compile(r"/risiko/aset-cari\?")) as searched:
        form.locator("input[type=search][name=cari_aset]").fill(TAGS[0])
    assert searched.value.request.headers.get("hx-request") == "true"
    box = form.locator(f'#asset-picker-body input[type=checkbox][name=aset][value="{asset_id}"]')
    expect(box).to_have_count(1)
    expect(form.locator("#asset-picker-body input[name=aset]")).to_have_count(1)  # only that tag
    expect(form.locator("#asset-picker-body li").filter(has=box.page.locator(
        f'input[name=aset][value="{asset_id}"]'))).to_contain_text("nilai 9")
    posted = lambda r: r.url.endswith("/risiko/baru") and r.request.method == "POST"  # noqa: E731
    with page.expect_response(posted) as counted:
        box.check()
    assert counted.value.status == 200
    assert counted.value.request.headers.get("hx-request") == "true"
    expect(suggestion.locator("strong")).to_have_text(re.compile(r"^5 — "))  # the top impact
    expect(suggestion).to_contain_text(f"({TAGS[0]}, nilai 9)")
    assert page.evaluate("window.__e2eMarker") == "no reload"
    top_impact = suggestion.locator("strong").inner_text()

    form.locator('input[type=radio][name=inherent_likelihood][value="4"]').check()
    impact = form.locator('input[type=radio][name=inherent_impact][value="5"]')
    impact.check()
    expect(form.locator("label.scale-option").filter(
        has=page.locator('input[name=inherent_impact][value="5"]'))).to_have_text(top_impact)
    expect(box).to_be_checked()
    screenshot(page, "registers-risk-form.png", None)

    form.locator("button[type=submit][name=simpan]").click()
    expect(page).to_have_url(re.compile(r"/risiko/\d+$"))
    expect(page.locator("#messages")).to_contain_text(f"Risiko {RISK_CODE} dicatat")
    expect(page.locator("main h1")).to_contain_text(RISK_CODE)
    expect(page.locator("main h1")).to_contain_text(RISK_TITLE)
    expect(page.locator(".assessment-inherent .risk-score")).to_have_text("20")
    expect(page.locator(".assessment-residual .risk-score")).to_have_text("20")  # until treated
    expect(page.locator(f'main table a[href="{asset_path}"]')).to_have_text(TAGS[0])  # its assets
    return _path(page)


def treat(page: Page, risk_path: str) -> None:
    page.goto(risk_path)
    page.locator(f'main a[href="{risk_path}/penanganan"]').click()
    expect(page).to_have_url(re.compile(re.escape(risk_path) + r"/penanganan$"))
    expect(page.locator("h1")).to_have_text("Penanganan risiko")
    expect(page.locator("main")).to_contain_text("Inheren: 4 × 5 = 20.")
    form = page.locator("form.risk-form")
    form.locator('input[type=radio][name=treatment][value="mitigate"]').check()
    form.locator("textarea[name=treatment_plan]").fill(
        "Pasang UPS kedua dan genset; uji pindah daya tiap bulan.")
    form.locator('input[type=radio][name=residual_likelihood][value="2"]').check()
    form.locator('input[type=radio][name=residual_impact][value="2"]').check()
    form.locator("select[name=status]").select_option("in_treatment")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(risk_path) + r"$"))
    expect(page.locator("#messages")).to_contain_text(f"Penanganan risiko {RISK_CODE} disimpan.")
    expect(page.locator(".assessment-inherent .risk-score")).to_have_text("20")
    expect(page.locator(".assessment-residual .risk-score")).to_have_text("4")
    expect(page.locator("main hgroup")).to_contain_text("Dalam penanganan")


def test_import_classify_link_a_risk_treat_it_and_watch_the_heat_map(
        live_browser, asset_manager, risk_manager, tmp_path, readme_screenshots):
    readme_folder = readme_screenshots if readme_screenshots != FAILURE_SCREENSHOTS else None

    # --- (1) The asset manager imports three assets and finds them in the register.
    assets = live_browser(storage_state=asset_manager)
    import_assets(assets, tmp_path)
    asset_path = find_imported(assets, readme_folder)

    # --- (2) Classifies the first: C = I = A = 3, value 9.
    classify(assets, asset_path)

    # --- (3) The risk manager: the heat map as it was, then a risk on that asset.
    risks = live_browser(storage_state=risk_manager)
    before = heat_counts(risks)
    risk_path = record_risk(risks, asset_path)

    # --- (4) Untreated, the risk sits at (4, 5) in both grids.
    created = heat_counts(risks)
    assert created == {**before, ("inherent", 4, 5): before["inherent", 4, 5] + 1,
                       ("residual", 4, 5): before["residual", 4, 5] + 1}, (before, created)

    # --- (5) Treated: mitigate, residual 2 x 2.
    treat(risks, risk_path)

    # --- (6) The inherent cell keeps it; the residual one moves from (4, 5) to (2, 2).
    treated = heat_counts(risks)
    assert treated == {**created, ("residual", 4, 5): created["residual", 4, 5] - 1,
                       ("residual", 2, 2): created["residual", 2, 2] + 1}, (created, treated)
    risks.evaluate("window.__e2eMarker = 'no reload'")
    with risks.expect_response(re.compile(r"/risiko/peta/sel\?")) as listed:
        heat_cell(risks, "residual", 2, 2).locator("a").click()
    assert listed.value.status == 200
    assert listed.value.request.headers.get("hx-request") == "true"
    cell_list = risks.locator("#cell-list")
    expect(cell_list.locator("h2")).to_contain_text("Risiko residual")
    expect(cell_list.locator("h2")).to_contain_text("kemungkinan 2")
    expect(cell_list.locator("h2")).to_contain_text("dampak 2")
    row = cell_list.locator(f'tr[data-risk-code="{RISK_CODE}"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(RISK_TITLE)
    expect(row).to_contain_text("4 × 5 = 20")
    expect(row).to_contain_text("2 × 2 = 4")
    expect(row.locator(f'a[href="{risk_path}"]')).to_have_text(RISK_CODE)
    assert risks.evaluate("window.__e2eMarker") == "no reload"
    expect(risks).to_have_url(re.compile(r"/risiko/peta/\?.*sisi=residual"))  # pushed: a link to share
    screenshot(risks, "registers-heatmap.png", readme_folder)

    # --- From the asset, its risk (residual level after treatment).
    assets.goto(asset_path)
    related = assets.locator("main table", has_text=RISK_CODE)
    expect(related).to_contain_text(RISK_TITLE)
    expect(related).to_contain_text("skor 4")
    screenshot(assets, "registers-asset-detail.png", None)
