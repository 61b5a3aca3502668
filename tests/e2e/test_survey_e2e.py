"""The satisfaction survey in a real browser, on the counter server (clock pinned to
Monday 30 November 2026, 07.00 WITA; the demo's survey period Triwulan IV 2026 is open,
with the demo's answers in it): a vendor's verification is finished at the desk, the
vendor opens the one-time link from the ticket page on a phone, is told which unsur is
missing, answers, and cannot use the link again; the manager's report shows one more
respondent and the index recomputed from every answer, exactly as SKM.md computes it."""

import re
import sqlite3
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from playwright.sync_api import Page, expect

from lpse_web.demo import DEMO_PASSWORD
from tests.e2e.test_counter_e2e import book, open_verification_slots, ticket_number
from tests.e2e.test_login_e2e import enrol, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
PERIOD = "Triwulan IV 2026"
# The vendor's answers: 4 everywhere but Waktu Penyelesaian (3), given as the words.
ANSWERS = {1: "Sangat sesuai", 2: "Sangat mudah", 3: "Cepat", 4: "Gratis", 5: "Sangat sesuai",
           6: "Sangat kompeten", 7: "Sangat sopan dan ramah", 8: "Sangat baik", 9: "Sangat baik"}
SCORES = {n: (3 if n == 3 else 4) for n in ANSWERS}


def _period_sums(database) -> tuple[int, int]:
    """(respondents, sum of all nine scores) of the open period, read off the database."""
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT count(*), coalesce(sum(u1 + u2 + u3 + u4 + u5 + u6 + u7 + u8 + u9), 0)"
            " FROM survey_response r JOIN survey_period p ON p.id = r.period_id"
            " WHERE p.name = ?", (PERIOD,)).fetchone()
    connection.close()
    return row[0], row[1]


def _shown_index(respondents: int, total: int) -> str:
    """IKM x 25 = (sum / respondents) x 1/9 x 25, rounded half up to two decimals (cut
    instead where rounding would reach a band edge), comma decimal."""
    exact = Fraction(total, respondents) / 9 * 25
    precise = Decimal(exact.numerator * 10**6 // exact.denominator).scaleb(-6)
    value = precise.quantize(Decimal("0.01"), ROUND_HALF_UP)
    if any(precise < edge <= value for edge in (Decimal("65"), Decimal("76.61"), Decimal("88.31"))):
        value = precise.quantize(Decimal("0.01"), ROUND_FLOOR)
    return f"{value:.2f}".replace(".", ",")


def _finish_at_the_desk(staff: Page, code: str) -> None:
    staff.goto("/antrian/")
    staff.fill("#code", code)
    staff.get_by_role("button", name="Catat hadir").click()
    flash = staff.locator("#queue .flash-success")
    expect(flash).to_contain_text("tercatat hadir. Nomor antrean: V-")
    ticket = ticket_number(flash.inner_text())
    staff.select_option("#counter", label="Loket 1")
    staff.get_by_role("button", name="Panggil berikutnya").click()
    expect(staff.locator("#queue .flash-success")).to_have_text(f"{ticket} dipanggil ke Loket 1.")
    serving = staff.locator("#queue table").first.locator("tbody tr", has_text=ticket)
    serving.get_by_role("button", name="Selesai…").click()
    staff.get_by_role("radio", name="Disetujui", exact=True).check()
    documents = staff.locator("#finish-form input[name=documents]")
    for i in range(documents.count()):
        documents.nth(i).check()
    staff.get_by_role("button", name="Simpan hasil").click()
    expect(staff.locator("#messages")).to_contain_text(f"Kunjungan {ticket} selesai.")


def _answer(phone: Page, skip: int | None = None) -> None:
    for n, words in ANSWERS.items():
        if n != skip:
            phone.locator(f"#q-u{n} label", has_text=re.compile(rf"^{re.escape(words)}$")).click()
    phone.locator("#q-sex label", has_text="Perempuan").click()
    phone.locator("#q-age_band label", has_text="30").click()
    phone.locator("#q-education label", has_text=re.compile(r"^S1$")).click()
    phone.locator("#q-occupation label", has_text="Wirausaha").click()


def test_vendor_answers_on_a_phone_and_the_report_recomputes(counter_browser, counter_server,
                                                             verifikator, readme_screenshots):
    # --- The manager's report before: the demo's answers of this quarter.
    manager = counter_browser()
    sign_in(manager, "kepala@lpse-demo.test", DEMO_PASSWORD)
    enrol(manager)
    manager.get_by_role("button", name="Saya sudah menyimpannya, lanjutkan").click()
    manager.goto("/survei/laporan/")
    expect(manager.locator(".skm-period")).to_contain_text(PERIOD)
    before_n, before_total = _period_sums(counter_server.database)
    assert before_n > 0
    figure = manager.locator(".skm-figure-value").first
    expect(figure).to_have_text(_shown_index(before_n, before_total))

    # --- A verification booked, then served and approved at the desk.
    vendor = counter_browser()
    sign_in(vendor, "penyedia05@lpse-demo.test", DEMO_PASSWORD)
    expect(vendor).to_have_url(re.compile(r"/$"))
    open_verification_slots(vendor)
    code = book(vendor, "11.00")
    expect(vendor.locator(".survey-offer")).to_have_count(0)  # not before the visit
    _finish_at_the_desk(counter_browser(storage_state=verifikator), code)

    # --- On the phone: the ticket offers the survey; the link opens the questionnaire.
    phone = counter_browser(**PHONE)
    sign_in(phone, "penyedia05@lpse-demo.test", DEMO_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/$"))
    phone.goto(f"/tiket/{code}")
    offer = phone.locator(".survey-offer")
    expect(offer).to_contain_text("Bagaimana layanan kami?")
    offer.get_by_role("button", name="Isi survei kepuasan (1 menit)").click()
    expect(phone).to_have_url(re.compile(r"/survei/isi/[^/]+$"))
    link = phone.url
    expect(phone.locator("main")).to_contain_text("Verifikasi dokumen penyedia")  # the service, fixed
    fits = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the questionnaire is wider than the phone"
    height = phone.locator("#q-u1 label").first.bounding_box()["height"]
    assert height >= 44, f"an answer is {height} px high: too small to tap"

    # Waktu Penyelesaian left out: refused, the unsur named, nothing stored.
    _answer(phone, skip=3)
    phone.get_by_role("button", name="Kirim jawaban").click()
    summary = phone.locator("#ringkasan-kesalahan")
    expect(summary).to_contain_text("U3")
    expect(summary).to_contain_text("Waktu Penyelesaian")
    expect(phone.locator("#q-u3 .question-error")).to_be_visible()
    assert _period_sums(counter_server.database) == (before_n, before_total)

    phone.locator("#q-u3 label", has_text=re.compile(r"^Cepat$")).click()
    phone.screenshot(path=readme_screenshots / "survey-phone.png", full_page=False)
    phone.get_by_role("button", name="Kirim jawaban").click()
    expect(phone).to_have_url(re.compile(r"/survei/terima-kasih$"))
    expect(phone.locator("main")).to_contain_text("Terima kasih")

    # The link is spent: the ticket says so, a second use stores nothing.
    phone.goto(f"/tiket/{code}")
    expect(phone.locator(".survey-offer-done")).to_have_text("Terima kasih, survei sudah diisi.")
    phone.goto(link)
    expect(phone.locator("main")).to_contain_text("sudah")
    expect(phone.get_by_role("button", name="Kirim jawaban")).to_have_count(0)

    # --- The report: one more respondent, the index recomputed over every answer.
    after_n, after_total = _period_sums(counter_server.database)
    assert (after_n, after_total) == (before_n + 1, before_total + sum(SCORES.values()))
    manager.reload()
    expect(figure).to_have_text(_shown_index(after_n, after_total))
    expect(manager.locator("main")).to_contain_text(f"Responden: {after_n:,}".replace(",", "."))
    manager.screenshot(path=readme_screenshots / "survey-report.png", full_page=False)
