"""The managers' dashboard and the quarterly report in a real browser, on the session's
live server (seed-demo's office: its counter, rooms, survey and registers).

The Kepala LPSE opens the home page: the panels of the day arrive by htmx after the page
(each placeholder is replaced by its panel). From the dashboard's link the quarterly
report opens on the current quarter with its five sections, each with server-drawn SVG
charts; choosing another quarter in the form reloads the page for it. The PDF and XLSX
downloads start and hold a real PDF and a real workbook. Every page's console must stay
clean (conftest)."""

import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import signed_in_state

pytestmark = pytest.mark.e2e

MANAGER = ("kepala@lpse-demo.test", "Ir. Benediktus Kepala LPSE")
PANELS = ("counter", "rooms", "survey", "assets", "risks", "announcements")
SECTIONS = (("counter", "1. Layanan loket"), ("rooms", "2. Ruang"), ("survey", "3. Kepuasan"),
            ("assets", "4. Aset"), ("risks", "5. Risiko"))
PDF_SECONDS = 60  # WeasyPrint lays out some twenty A4 pages; slow beside a busy test run


@pytest.fixture(scope="module")
def manager(browser, live_server) -> dict:
    return signed_in_state(browser, live_server, *MANAGER)


def _shot(page: Page, name: str, folder, full_page: bool = True) -> None:
    """Into the e2e screenshots folder, or the README's with LPSE_README_SCREENSHOTS=1."""
    page.screenshot(path=folder / name, full_page=full_page)


def test_the_dashboard_loads_its_panels_after_the_page(live_browser, manager, readme_screenshots):
    page = live_browser(storage_state=manager)
    page.goto("/")
    expect(page.locator("h1")).to_have_text(f"Selamat datang, {MANAGER[1]}")
    for key in PANELS:
        panel = page.locator(f"#panel-{key}")
        expect(panel).to_be_visible()
        expect(panel).not_to_have_class(re.compile(r"panel-loading"))  # htmx replaced the placeholder
    expect(page.locator(".panel-loading")).to_have_count(0)
    # A manager reads the counter's report, not its queue; the survey panel shows the index.
    expect(page.locator("#panel-counter a[href^='/antrian/laporan']")).to_have_count(1)
    expect(page.locator("#panel-survey")).to_contain_text("IKM")
    _shot(page, "dashboard-manager.png", readme_screenshots)


def test_the_quarterly_report_opens_chooses_and_downloads(live_browser, manager, readme_screenshots):
    page = live_browser(storage_state=manager)
    page.goto("/")
    page.get_by_role("button", name="Laporan triwulan").click()
    expect(page).to_have_url(re.compile(r"/laporan/triwulan/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^Laporan Triwulan (I|II|III|IV) \d{4}$"))
    for key, title in SECTIONS:
        section = page.locator(f"section#{key}")
        expect(section.locator("h2").first).to_contain_text(title)
        assert section.locator("svg").count() >= 1, f"no chart in section {key}"
    page.set_viewport_size({"width": 1280, "height": 1500})  # the heading and the first section
    _shot(page, "quarterly-report.png", readme_screenshots, full_page=False)

    page.select_option("#laporan-triwulan", "1")
    page.fill("#laporan-tahun", "2026")
    page.locator("form[aria-label='Laporan triwulan'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"triwulan=1"))
    expect(page.locator("h1")).to_have_text("Laporan Triwulan I 2026")
    expect(page.locator("nav.report-contents li")).to_have_count(len(SECTIONS))

    with page.expect_download(timeout=PDF_SECONDS * 1000) as pdf:
        page.locator("nav.report-downloads a", has_text="PDF").click()
    path = pdf.value.path()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert path.read_bytes()[:5] == b"%PDF-"

    with page.expect_download() as xlsx:
        page.locator("nav.report-downloads a", has_text="XLSX").click()
    with zipfile.ZipFile(xlsx.value.path()) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


def test_a_wrong_range_gets_a_message_not_a_report(live_browser, manager):
    page = live_browser(storage_state=manager)
    page.goto("/laporan/triwulan/")
    page.fill("#laporan-dari", "2026-06-30")
    page.fill("#laporan-sampai", "2026-06-01")
    page.locator("form[aria-label='Laporan khusus'] button[type=submit]").click()
    expect(page.locator(".report-error")).to_be_visible()
    expect(page.locator("section#counter")).to_have_count(0)
