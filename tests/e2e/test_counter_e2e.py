"""The service counter in a real browser, on its own server with the clock pinned to
Monday 30 November 2026, 07.00 WITA (conftest COUNTER_NOW): a vendor books verification
and keeps the ticket, the verifikator checks the vendor in, calls them to a counter and
approves, the display board follows by htmx polling, and the vendor sees the outcome.
Then the same steps with JavaScript switched off, as plain form posts.

Every person has a browser context of their own (cookies apart). Queue numbers depend on
the order the tests run in, so they are read from the page, never assumed."""

import re

import pytest
from playwright.sync_api import Page, expect

from lpse_web.demo import DEMO_PASSWORD
from tests.e2e.test_login_e2e import sign_in

pytestmark = pytest.mark.e2e

SERVICE = "Verifikasi dokumen penyedia"
VERIFIKATOR = "verifikator@lpse-demo.test"
CODE = re.compile(r"[A-HJKMNP-Z2-9]{8}")  # booking.CODE_ALPHABET
TICKET = re.compile(r"V-\d{3}")
BOARD_VIEWPORT = {"width": 1280, "height": 720}  # a 16:9 TV, as in the waiting room
POLL_TIMEOUT = 15_000  # ms: the board polls every 5 s


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def open_verification_slots(page: Page) -> None:
    page.goto("/loket/")
    expect(page.locator("h1")).to_have_text("Pesan layanan loket")
    page.locator(".service-list article", has_text=SERVICE).get_by_role(
        "button", name="Pilih jadwal").click()
    expect(page).to_have_url(re.compile(r"/loket/\d+$"))
    expect(page.locator("h1")).to_have_text(SERVICE)
    # The pinned Monday is the first day offered, and chosen.
    current = page.locator(".day-grid a[aria-current=date]")
    expect(current).to_contain_text("30 Nov")
    expect(page.locator("#slots h2")).to_have_text(re.compile(r"^Senin, 30 November 2026$"))


def book(page: Page, hhmm: str) -> str:
    """From the slot page: take the slot at `hhmm` on the day shown, confirm; return the code."""
    page.locator(".slot-grid a.slot", has_text=hhmm).click()
    expect(page).to_have_url(re.compile(rf"/loket/\d+/2026-11-30T{re.escape(hhmm)}$"))
    expect(page.locator("h1")).to_have_text("Konfirmasi pemesanan")
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text(SERVICE)
    expect(facts).to_contain_text("Senin, 30 November 2026")
    expect(facts).to_contain_text(f"{hhmm} WITA")
    checklist = page.locator("main ul.checklist li")
    expect(checklist).to_have_count(6)  # the vendor's list (DOMAIN.md), not the official's
    expect(checklist.first).to_contain_text("KTP direktur utama")
    expect(page.locator("main")).to_contain_text("LPSE tidak meminta dokumen lain selain daftar ini.")
    page.get_by_role("button", name="Pesan slot ini").click()

    expect(page).to_have_url(re.compile(r"/tiket/[A-Z0-9]{8}$"))
    expect(page.locator("#messages")).to_contain_text("Pemesanan berhasil. Simpan atau cetak tiket ini.")
    code = page.locator(".ticket code.big").inner_text().strip()
    assert CODE.fullmatch(code), code
    assert _path(page) == f"/tiket/{code}"
    facts = page.locator(".ticket dl.facts")
    expect(facts).to_contain_text("Senin, 30 November 2026")
    expect(facts).to_contain_text(f"{hhmm} WITA")
    expect(facts).to_contain_text("Dipesan")
    expect(facts).to_contain_text("ditentukan saat dipanggil")
    expect(page.locator(".ticket figure svg")).to_be_visible()  # the QR code, inline
    expect(page.locator(".ticket ul.checklist li")).to_have_count(6)
    return code


def ticket_number(text: str) -> str:
    match = TICKET.search(text)
    assert match, text
    return match.group()


def test_vendor_books_staff_serves_and_the_board_follows(counter_browser, verifikator,
                                                         readme_screenshots):
    # --- The vendor books verification for 09.00, the first slot after 2 hours' notice.
    vendor = counter_browser()
    sign_in(vendor, "penyedia01@lpse-demo.test", DEMO_PASSWORD)
    expect(vendor).to_have_url(re.compile(r"/$"))
    open_verification_slots(vendor)
    slots = vendor.locator(".slot-grid a.slot")
    expect(slots.first.locator("strong")).to_have_text("09.00")  # not 08.00: too soon
    expect(slots.first).to_contain_text("sisa 2")  # Loket 1 and Loket 2 verify

    # Another day through htmx: the slot block is replaced in place, the address follows.
    vendor.evaluate("window.__e2eMarker = 'no reload'")
    vendor.locator(".day-grid a.day").nth(1).click()
    expect(vendor).to_have_url(re.compile(r"\?hari=2026-12-01$"))
    expect(vendor.locator("#slots h2")).to_have_text(re.compile(r"^Selasa, 0?1 Desember 2026$"))
    expect(vendor.locator(".slot-grid a.slot").first.locator("strong")).to_have_text("08.00")
    vendor.locator(".day-grid a.day").first.click()
    expect(vendor.locator("#slots h2")).to_have_text("Senin, 30 November 2026")
    assert vendor.evaluate("window.__e2eMarker") == "no reload"
    vendor.screenshot(path=readme_screenshots / "counter-slots.png", full_page=True)

    code = book(vendor, "09.00")
    vendor.screenshot(path=readme_screenshots / "counter-ticket.png", full_page=True)

    # --- The display board in the waiting room: nobody signed in, a TV-sized screen.
    board = counter_browser(viewport=BOARD_VIEWPORT)
    board.goto("/antrian/layar")
    expect(board.locator("#board h1")).to_have_text("LPSE Provinsi Nusa Tenggara Timur")
    expect(board.locator("#board .clock")).to_contain_text("30 November 2026 · 07.00 WITA")
    loket1 = board.locator("#board .called tbody tr", has_text="Loket 1").locator("td.number")
    expect(loket1).to_have_text("—")
    board.evaluate("window.__e2eMarker = 'no reload'")

    # --- The verifikator at the desk: check-in by code, a walk-in, call to Loket 1.
    staff = counter_browser(storage_state=verifikator)
    staff.goto("/antrian/")
    expect(staff.locator("h1")).to_contain_text("Antrean hari ini")
    expect(staff.locator("main")).to_contain_text("Senin, 30 November 2026")
    expect(staff.locator("#queue")).to_contain_text(code)  # expected today, not arrived yet
    staff.fill("#code", code.lower())  # typed in lower case: still found
    staff.get_by_role("button", name="Catat hadir").click()
    flash = staff.locator("#queue .flash-success")
    expect(flash).to_contain_text("tercatat hadir. Nomor antrean: V-")
    ticket = ticket_number(flash.inner_text())
    expect(staff.locator("#code")).to_have_value("")  # emptied for the next visitor
    waiting = staff.locator("#queue table").nth(1)
    expect(waiting).to_contain_text(ticket)

    # A walk-in for consultation (Loket 3 only): waits on the board, not called here.
    staff.select_option("#service", label="K · Konsultasi SPSE")
    staff.fill("#name", "Pengunjung tanpa janji")
    staff.get_by_role("button", name="Beri nomor antrean").click()
    expect(staff.locator("#queue .flash-success")).to_contain_text("Tiket pengunjung langsung: K-")

    staff.select_option("#counter", label="Loket 1")
    staff.get_by_role("button", name="Panggil berikutnya").click()
    expect(staff.locator("#queue .flash-success")).to_have_text(f"{ticket} dipanggil ke Loket 1.")
    serving = staff.locator("#queue table").first.locator("tbody tr", has_text=ticket)
    expect(serving).to_contain_text("Loket 1")
    expect(serving).to_contain_text("07.00")
    staff.screenshot(path=readme_screenshots / "counter-queue.png", full_page=True)

    # --- The board shows the call without a reload (htmx polls every 5 s).
    expect(loket1).to_have_text(ticket, timeout=POLL_TIMEOUT)
    expect(board.locator("#board .next")).to_contain_text("K-")
    expect(board.locator("#board")).not_to_contain_text("Pengunjung tanpa janji")  # numbers only
    assert board.evaluate("window.__e2eMarker") == "no reload"
    board.screenshot(path=readme_screenshots / "counter-board.png")

    # --- The outcome: approved, with the documents checked.
    serving.get_by_role("button", name="Selesai…").click()
    expect(staff).to_have_url(re.compile(r"/antrian/\d+/selesai$"))
    expect(staff.locator("h1")).to_contain_text(ticket)
    expect(staff.locator("main dl.facts")).to_contain_text(code)
    staff.get_by_role("radio", name="Disetujui", exact=True).check()
    documents = staff.locator("#finish-form input[name=documents]")
    expect(documents).to_have_count(6)
    for i in range(6):
        documents.nth(i).check()
    staff.fill("#note", "Dokumen lengkap dan sesuai.")
    staff.get_by_role("button", name="Simpan hasil").click()
    expect(staff).to_have_url(re.compile(r"/antrian/$"))
    expect(staff.locator("#messages")).to_contain_text(f"Kunjungan {ticket} selesai.")
    done = staff.locator("#queue details tr", has_text=ticket)
    expect(done).to_contain_text("Disetujui")

    # The board frees Loket 1 again, still without a reload.
    expect(loket1).to_have_text("—", timeout=POLL_TIMEOUT)
    assert board.evaluate("window.__e2eMarker") == "no reload"

    # --- The vendor sees the outcome on the ticket and in the list.
    vendor.reload()
    facts = vendor.locator(".ticket dl.facts")
    expect(facts).to_contain_text("Selesai")
    expect(facts).to_contain_text("Disetujui")
    expect(facts).to_contain_text("Dokumen lengkap dan sesuai.")
    expect(facts).to_contain_text(ticket)
    expect(facts).to_contain_text("Loket 1")
    vendor.goto("/tiket-saya")
    row = vendor.locator("main table tbody tr", has_text=code)
    expect(row).to_contain_text("Disetujui")
    expect(row).to_contain_text(SERVICE)


def test_booking_and_the_queue_work_without_javascript(counter_browser, verifikator):
    htmx_requests: list[str] = []

    def no_js_page(**options) -> Page:
        page = counter_browser(java_script_enabled=False, **options)
        page.on("request", lambda r: r.headers.get("hx-request") and htmx_requests.append(r.url))
        return page

    # --- The vendor: plain links for the days, a plain form to confirm.
    vendor = no_js_page()
    sign_in(vendor, "penyedia02@lpse-demo.test", DEMO_PASSWORD)
    expect(vendor).to_have_url(re.compile(r"/$"))
    open_verification_slots(vendor)
    vendor.locator(".day-grid a.day").nth(1).click()
    expect(vendor).to_have_url(re.compile(r"\?hari=2026-12-01$"))
    expect(vendor.locator("#slots h2")).to_have_text(re.compile(r"^Selasa, 0?1 Desember 2026$"))
    vendor.locator(".day-grid a.day").first.click()
    expect(vendor.locator("#slots h2")).to_have_text("Senin, 30 November 2026")
    code = book(vendor, "09.30")

    # --- The verifikator: every step a form post answered by a redirect and a message.
    staff = no_js_page(storage_state=verifikator)
    staff.goto("/antrian/")
    expect(staff.locator("#queue")).to_contain_text(code)
    staff.fill("#code", "ZZZZ2222")
    staff.get_by_role("button", name="Catat hadir").click()
    expect(staff).to_have_url(re.compile(r"/antrian/$"))
    expect(staff.locator("#messages .flash-error")).to_have_text(
        "Kode pemesanan tidak ditemukan. Periksa kembali kodenya.")

    staff.fill("#code", code)
    staff.get_by_role("button", name="Catat hadir").click()
    expect(staff).to_have_url(re.compile(r"/antrian/$"))
    flash = staff.locator("#messages .flash-success")
    expect(flash).to_contain_text("tercatat hadir. Nomor antrean: V-")
    ticket = ticket_number(flash.inner_text())

    staff.select_option("#counter", label="Loket 2")
    staff.get_by_role("button", name="Panggil berikutnya").click()
    expect(staff).to_have_url(re.compile(r"/antrian/$"))
    expect(staff.locator("#messages .flash-success")).to_have_text(f"{ticket} dipanggil ke Loket 2.")
    expect(staff.locator("#counter option:checked")).to_have_text("Loket 2")  # this desk's, kept

    # The board without JavaScript: a page that reloads itself, showing the same.
    board = no_js_page(viewport=BOARD_VIEWPORT)
    board.goto("/antrian/layar")
    loket2 = board.locator("#board .called tbody tr", has_text="Loket 2").locator("td.number")
    expect(loket2).to_have_text(ticket)
    expect(board.locator("noscript")).to_have_count(1)

    serving = staff.locator("#queue table").first.locator("tbody tr", has_text=ticket)
    serving.get_by_role("button", name="Selesai…").click()
    expect(staff).to_have_url(re.compile(r"/antrian/\d+/selesai$"))
    finish_url = staff.url
    # Rejected without a reason: refused on the same page, nothing recorded.
    staff.get_by_role("radio", name="Ditolak", exact=True).check()
    with staff.expect_response(finish_url) as refused:
        staff.get_by_role("button", name="Simpan hasil").click()
    assert refused.value.status == 422
    expect(staff.locator("#finish-form")).to_contain_text("Pilih alasan penolakan.")
    staff.get_by_role("radio", name="Disetujui", exact=True).check()
    staff.get_by_role("button", name="Simpan hasil").click()
    expect(staff).to_have_url(re.compile(r"/antrian/$"))
    expect(staff.locator("#messages .flash-success")).to_have_text(f"Kunjungan {ticket} selesai.")
    expect(staff.locator("#queue details tr", has_text=ticket)).to_contain_text("Disetujui")

    vendor.goto("/tiket-saya")
    expect(vendor.locator("main table tbody tr", has_text=code)).to_contain_text("Disetujui")
    vendor.goto(f"/tiket/{code}")
    expect(vendor.locator(".ticket dl.facts")).to_contain_text("Disetujui")

    assert htmx_requests == [], htmx_requests  # nothing went through htmx
