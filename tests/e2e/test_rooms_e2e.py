"""Room reservations in a real browser, on their own server with the clock pinned to
Monday 30 November 2026, 07.00 WITA (conftest ROOMS_NOW) and no reservations at all.

A procurement official (pokja) opens the bidding room's week, clicks a free cell (htmx
loads the form, filled in from the cell, beside the grid), asks for Thursday 3 December
09.00-11.00 every week until 31 December, checks the schedule (Thursday 24 December is
cuti bersama: refused, with why) and sends the request. The approver (helpdesk) approves
the whole series from the desk; the week view then shows it approved. A second official
(ppk) asking for an overlapping time is refused with the time of the conflict but not
the other's package, with htmx and then with JavaScript off (a plain 422 page).
The form a cell loads must appear in sight, at the conftest's 1280x800 viewport.

Every person has a browser context of their own (cookies apart)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import BIDDING_ROOM, ROOMS_NOW, signed_in_state

pytestmark = pytest.mark.e2e

POKJA = ("pokja@lpse-demo.test", "Paulus Pokja Pemilihan")
PPK = ("ppk@lpse-demo.test", "Margaretha PPK Dinas PUPR")
HELPDESK = ("helpdesk@lpse-demo.test", "Agustinus Helpdesk")
PACKAGE = "Paket Rehabilitasi Jalan Ruas Kupang-Baun (pokja 12)"
OTHER_PACKAGE = "Paket Pembangunan Puskesmas Oesao"
THURSDAY = "2026-12-03"  # in the pinned week; weekly to 31 December meets 24 December
UNTIL = "2026-12-31"
CONFLICT = ("Bentrok dengan reservasi lain: Ruang Pemasukan Penawaran sudah dipesan "
            "Kamis, 3 Desember 2026 pukul 09.00–11.00 WITA.")


# Where the loaded form is, in CSS pixels of the viewport, and where the grid is.
FORM_PLACEMENT = """() => {
  const form = document.querySelector('#reservation-panel form').getBoundingClientRect();
  const grid = document.querySelector('#room-grid').getBoundingClientRect();
  return {top: Math.round(form.top), left: Math.round(form.left), width: Math.round(form.width),
          gridRight: Math.round(grid.right), gridBottom: Math.round(grid.bottom),
          viewport: [innerWidth, innerHeight], rem: getComputedStyle(document.documentElement).fontSize};
}"""


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


@pytest.fixture(scope="module")
def pokja(browser, rooms_server) -> dict:
    assert ROOMS_NOW.startswith("2026-11-30T07:00")  # the dates below follow from it
    return signed_in_state(browser, rooms_server, *POKJA)


@pytest.fixture(scope="module")
def ppk(browser, rooms_server) -> dict:
    return signed_in_state(browser, rooms_server, *PPK)


@pytest.fixture(scope="module")
def helpdesk(browser, rooms_server) -> dict:
    return signed_in_state(browser, rooms_server, *HELPDESK)


def cell_link(page: Page, day: str, hhmm: str):
    """The free cell of `day` starting at `hhmm` (HH:MM) in the grid shown."""
    return page.locator(f'#room-grid td.cell.free a[href*="hari={day}&"][href*="mulai={hhmm}&"]')


def open_bidding_week(page: Page) -> str:
    """From the day view to the bidding room's week (its column heading); return its id."""
    page.goto("/ruang/")
    expect(page.locator("h1")).to_have_text("Jadwal ruang")
    expect(page.locator("main hgroup p")).to_contain_text("Senin, 30 November 2026")
    page.locator("#room-grid thead th a", has_text=BIDDING_ROOM).click()
    expect(page).to_have_url(re.compile(r"/ruang/\d+/minggu\?minggu=2026-11-30$"))
    expect(page.locator("h1")).to_have_text(BIDDING_ROOM)
    expect(page.locator("main hgroup p")).to_contain_text("perlu persetujuan")
    expect(page.locator("#room-grid .day-nav strong")).to_have_text("30 Nov – 4 Des 2026")
    return re.search(r"/ruang/(\d+)/minggu", page.url).group(1)


def fill_request(form, *, title: str, attendees: str) -> None:
    form.locator("#purpose").select_option(label="Pemasukan penawaran (paket)")
    form.locator("#title").fill(title)
    form.locator("#attendees").fill(attendees)


def test_official_requests_a_weekly_series_the_approver_approves_it(
        rooms_browser, pokja, helpdesk, ppk, readme_screenshots):
    # --- (1) The official: the bidding room's week, every working day free.
    official = rooms_browser(storage_state=pokja)
    room_id = open_bidding_week(official)
    grid = official.locator("#room-grid")
    heads = grid.locator("thead th")
    expect(heads).to_have_count(6)  # the time column and Monday to Friday
    expect(heads.nth(4)).to_contain_text("Kam, 3 Des")
    expect(grid.locator("td.cell.taken")).to_have_count(0)
    expect(official.locator("#reservation-panel")).to_be_hidden()  # empty until a cell is chosen

    # A free cell: htmx loads the form beside the grid, filled in from the cell.
    official.evaluate("window.__e2eMarker = 'no reload'")
    cell_link(official, THURSDAY, "09:00").click()
    panel = official.locator("#reservation-panel")
    form = panel.locator("#reservation-form")
    expect(panel.locator("h2")).to_have_text("Ajukan reservasi")
    expect(form.locator("#room")).to_have_value(room_id)
    expect(form.locator("#room option:checked")).to_contain_text(BIDDING_ROOM)
    expect(form.locator("#start_date")).to_have_value(THURSDAY)
    expect(form.locator("#start_time")).to_have_value("09:00")
    expect(form.locator("#end_time")).to_have_value("10:00")  # an hour, the cell's proposal
    expect(form.locator("#repeat")).to_have_value("")
    assert _path(official) == f"/ruang/{room_id}/minggu?minggu=2026-11-30"
    assert official.evaluate("window.__e2eMarker") == "no reload"
    # The form must appear where the official is looking (beside the grid, or scrolled
    # to), not out of sight. Asserted at the end: a layout fault should not hide the rest.
    form_placement = official.evaluate(FORM_PLACEMENT)

    form.locator("#end_time").select_option("11:00")
    fill_request(form, title=PACKAGE, attendees="8")
    form.locator("#note").fill("Perlu 8 PC menyala dan printer.")
    form.locator("#repeat").select_option(label="setiap minggu")
    form.locator("#until").fill(UNTIL)

    # "Check the schedule": every Thursday listed, Christmas Eve's cuti bersama refused.
    with official.expect_response(re.compile(r"/ruang/pesan$")) as checked:
        form.get_by_role("button", name="Periksa jadwal").click()
    assert checked.value.status == 200
    assert checked.value.request.headers.get("hx-request") == "true"
    plan = panel.locator("#reservation-plan")
    expect(plan.locator("h3")).to_have_text("Jadwal yang akan dipesan")
    rows = plan.locator("tbody tr")
    expect(rows).to_have_count(5)
    for i, day in enumerate(("3 Des 2026", "10 Des 2026", "17 Des 2026", "24 Des 2026", "31 Des 2026")):
        expect(rows.nth(i)).to_contain_text(day)
        expect(rows.nth(i)).to_contain_text("09.00–11.00")
    refused = plan.locator("tbody tr.refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("24 Des 2026")
    expect(refused).to_contain_text("Tidak dapat dipesan")
    expect(refused).to_contain_text("Kantor tutup hari itu: Cuti Bersama Hari Raya Natal.")
    expect(plan.locator("tbody tr.ok")).to_have_count(4)
    expect(plan).to_contain_text("4 dari 5 jadwal tersedia.")
    expect(form.locator("#title")).to_have_value(PACKAGE)  # nothing typed is lost
    expect(form.locator("#until")).to_have_value(UNTIL)
    assert official.evaluate("window.__e2eMarker") == "no reload"
    expect(grid.locator("td.cell.taken")).to_have_count(0)  # a preview stores nothing
    official.screenshot(path=readme_screenshots / "rooms-form.png", full_page=True)

    # Send it: the reservation's own page, waiting for the approver, with its series.
    form.get_by_role("button", name="Ajukan reservasi").click()
    expect(official).to_have_url(re.compile(r"/ruang/reservasi/\d+$"))
    first_id = re.search(r"/reservasi/(\d+)$", official.url).group(1)
    messages = official.locator("#messages")
    expect(messages).to_contain_text(
        "Permintaan reservasi terkirim (4 jadwal) dan menunggu persetujuan petugas.")
    expect(messages).to_contain_text("Kantor tutup hari itu: Cuti Bersama Hari Raya Natal.")
    expect(official.locator("main h1")).to_have_text(PACKAGE)
    facts = official.locator("main dl.facts")
    expect(facts).to_contain_text(BIDDING_ROOM)
    expect(facts).to_contain_text("Kamis, 3 Desember 2026")
    expect(facts).to_contain_text("09.00–11.00 WITA")
    expect(facts).to_contain_text("Pemasukan penawaran (paket)")
    expect(facts).to_contain_text(POKJA[1])
    expect(facts.locator(".badge")).to_have_text("Menunggu persetujuan")
    expect(official.locator("main h2", has_text="Semua jadwal seri ini")).to_contain_text("(4)")
    series = official.locator("main table tbody tr")
    expect(series).to_have_count(4)
    for i, day in enumerate(("3 Des 2026", "10 Des 2026", "17 Des 2026", "31 Des 2026")):
        expect(series.nth(i)).to_contain_text(day)
        expect(series.nth(i)).to_contain_text("09.00–11.00")
        expect(series.nth(i).locator(".badge")).to_have_text("Menunggu persetujuan")
    expect(series.nth(0)).to_have_attribute("aria-current", "true")
    expect(official.locator("main")).not_to_contain_text("24 Des 2026")
    # An official is no approver: no approving buttons on the page.
    expect(official.get_by_role("button", name=re.compile("^Setujui"))).to_have_count(0)

    # --- (2) The approver's desk: the series as one request, approved at once.
    approver = rooms_browser(storage_state=helpdesk)
    approver.goto("/ruang/kelola")
    expect(approver.locator("h1")).to_have_text("Kelola reservasi ruang")
    request_row = approver.locator("main table").first.locator("tbody tr", has_text=PACKAGE)
    expect(request_row).to_have_count(1)
    expect(request_row).to_contain_text("Kam, 3 Des 2026 09.00–11.00")
    expect(request_row).to_contain_text("4 jadwal, setiap minggu sampai 31 Des 2026")
    expect(request_row).to_contain_text(BIDDING_ROOM)
    expect(request_row).to_contain_text(POKJA[1])
    expect(request_row).to_contain_text("8 orang")
    request_row.get_by_role("button", name="Setujui semua").click()
    expect(approver).to_have_url(re.compile(r"/ruang/kelola$"))
    expect(approver.locator("#messages .flash-success")).to_have_text("4 jadwal disetujui.")
    expect(approver.locator("main table").first).to_contain_text("Tidak ada permintaan yang menunggu.")

    # --- (3) The official's week: the reservation in its cells, approved.
    official.reload()
    expect(official.locator("main dl.facts .badge")).to_have_text("Disetujui")
    expect(official.locator("main table tbody .badge")).to_have_text(["Disetujui"] * 4)
    official.locator("main dl.facts a", has_text=BIDDING_ROOM).click()
    expect(official).to_have_url(re.compile(rf"/ruang/{room_id}/minggu\?minggu={THURSDAY}$"))
    taken = official.locator("#room-grid td.cell.taken")
    expect(taken).to_have_count(1)
    expect(taken).to_have_class(re.compile(r"\bstatus-approved\b"))
    expect(taken).to_have_attribute("rowspan", "8")  # 09.00-11.00: eight quarter hours
    expect(taken.locator("strong")).to_have_text(PACKAGE)
    expect(taken.locator("small")).to_have_text(re.compile(
        rf"^09\.00–11\.00\s+·\s+{POKJA[1]}\s+·\s+Disetujui$"))
    expect(taken.locator("a")).to_have_attribute("href", f"/ruang/reservasi/{first_id}")
    expect(cell_link(official, THURSDAY, "09:00")).to_have_count(0)
    expect(cell_link(official, THURSDAY, "11:00")).to_have_count(1)  # free again from 11.00
    # The cells of a free hour before it propose only what is free: 08.45 to 09.00.
    expect(cell_link(official, THURSDAY, "08:45")).to_have_attribute("href", re.compile(r"selesai=09:00$"))
    official.screenshot(path=readme_screenshots / "rooms-week.png", full_page=True)

    # The next weeks through htmx: the grid is replaced in place, the address follows.
    official.evaluate("window.__e2eMarker = 'no reload'")
    for monday, label in (("2026-12-07", "7 Des – 11 Des 2026"), ("2026-12-14", "14 Des – 18 Des 2026")):
        official.locator("#room-grid .day-nav a", has_text="Minggu berikutnya").click()
        expect(official).to_have_url(re.compile(rf"/ruang/{room_id}/minggu\?minggu={monday}$"))
        expect(official.locator("#room-grid .day-nav strong")).to_have_text(label)
        expect(official.locator("#room-grid td.cell.taken.status-approved")).to_contain_text(PACKAGE)
    # Friday 18 December is the demo's closure day: closed in the grid, with why.
    expect(official.locator("#room-grid thead th").nth(5)).to_contain_text("Rapat kerja tahunan LPSE")
    official.locator("#room-grid .day-nav a", has_text="Minggu berikutnya").click()
    expect(official.locator("#room-grid .day-nav strong")).to_have_text("21 Des – 25 Des 2026")
    heads = official.locator("#room-grid thead th")
    expect(heads.nth(4)).to_contain_text("Cuti Bersama Hari Raya Natal")
    expect(heads.nth(5)).to_contain_text("Hari Raya Natal")
    expect(official.locator("#room-grid td.cell.taken")).to_have_count(0)
    expect(official.locator('#room-grid a[href*="hari=2026-12-24&"]')).to_have_count(0)
    assert official.evaluate("window.__e2eMarker") == "no reload"

    # The day view of that Thursday: the bidding room's column holds it.
    official.goto(f"/ruang/?hari={THURSDAY}")
    expect(official.locator("main hgroup p")).to_contain_text("Kamis, 3 Desember 2026")
    day_taken = official.locator("#room-grid td.cell.taken")
    expect(day_taken).to_have_count(1)
    expect(day_taken).to_contain_text(PACKAGE)
    official.screenshot(path=readme_screenshots / "rooms-day.png", full_page=True)

    # --- (4) The second official: the same room, an overlapping time, refused.
    other = rooms_browser(storage_state=ppk)
    other.goto(f"/ruang/{room_id}/minggu?minggu={THURSDAY}")
    other_taken = other.locator("#room-grid td.cell.taken")
    expect(other_taken).to_have_count(1)
    expect(other_taken.locator("strong")).to_have_text("Terpakai")  # not who, not why
    expect(other_taken.locator("small")).to_have_text("09.00–11.00")
    expect(other_taken.locator("a")).to_have_count(0)
    expect(other.locator("main")).not_to_contain_text(PACKAGE)
    expect(other.locator("main")).not_to_contain_text(POKJA[1])

    other.evaluate("window.__e2eMarker = 'no reload'")
    cell_link(other, THURSDAY, "11:00").click()
    other_form = other.locator("#reservation-panel #reservation-form")
    expect(other_form.locator("#start_time")).to_have_value("11:00")
    expect(other_form.locator("#end_time")).to_have_value("12:00")
    other_form.locator("#start_time").select_option("10:00")
    fill_request(other_form, title=OTHER_PACKAGE, attendees="5")
    with other.expect_response(re.compile(r"/ruang/pesan$")) as refused_post:
        other_form.get_by_role("button", name="Ajukan reservasi").click()
    assert refused_post.value.status == 422
    problem = other.locator("#reservation-panel #reservation-problem")
    expect(problem).to_have_text(CONFLICT)
    expect(other.locator("#reservation-panel")).not_to_contain_text(PACKAGE)
    expect(other.locator("#reservation-panel")).not_to_contain_text(POKJA[1])
    expect(other_form.locator("#title")).to_have_value(OTHER_PACKAGE)  # kept for another try
    expect(other_form.locator("#start_time")).to_have_value("10:00")
    assert other.evaluate("window.__e2eMarker") == "no reload"
    assert _path(other) == f"/ruang/{room_id}/minggu?minggu={THURSDAY}"
    other.screenshot(path=readme_screenshots / "rooms-conflict.png", full_page=True)

    # --- (5) The same with JavaScript off: the cell is a plain link, the form a plain post.
    htmx_requests: list[str] = []
    plain = rooms_browser(storage_state=ppk, java_script_enabled=False)
    plain.on("request", lambda r: r.headers.get("hx-request") and htmx_requests.append(r.url))
    plain.goto(f"/ruang/{room_id}/minggu?minggu={THURSDAY}")
    cell_link(plain, THURSDAY, "11:00").click()
    expect(plain).to_have_url(re.compile(
        rf"/ruang/pesan\?ruang={room_id}&hari={THURSDAY}&mulai=11:00&selesai=12:00$"))
    expect(plain.locator("main h1")).to_have_text("Ajukan reservasi ruang")
    plain_form = plain.locator("#reservation-form")
    expect(plain_form.locator("#start_date")).to_have_value(THURSDAY)
    plain_form.locator("#start_time").select_option("10:00")
    fill_request(plain_form, title=OTHER_PACKAGE, attendees="5")
    with plain.expect_response(re.compile(r"/ruang/pesan$")) as plain_post:
        plain_form.get_by_role("button", name="Ajukan reservasi").click()
    assert plain_post.value.status == 422
    assert plain_post.value.request.headers.get("hx-request") is None
    expect(plain).to_have_url(re.compile(r"/ruang/pesan$"))
    expect(plain.locator("main h1")).to_have_text("Ajukan reservasi ruang")  # a whole page
    expect(plain.locator("#reservation-problem")).to_have_text(CONFLICT)
    expect(plain.locator("main")).not_to_contain_text(PACKAGE)
    expect(plain.locator("main")).not_to_contain_text(POKJA[1])
    expect(plain_form.locator("#title")).to_have_value(OTHER_PACKAGE)
    assert htmx_requests == [], htmx_requests

    # Nothing of the refused requests was stored: the week still holds one reservation.
    plain.goto(f"/ruang/{room_id}/minggu?minggu={THURSDAY}")
    expect(plain.locator("#room-grid td.cell.taken")).to_have_count(1)
    expect(plain.locator("#room-grid td.cell.taken small")).to_have_text("09.00–11.00")

    # The form loaded by the first click was in sight (see above).
    assert 0 <= form_placement["top"] < form_placement["viewport"][1], (
        "clicking a free cell loaded the form out of sight, below the grid, and did not scroll "
        f"to it: {form_placement}")
