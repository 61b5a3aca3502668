"""Sign-in flows in a real browser: staff first login with TOTP enrolment, vendor
self-registration (htmx 422 in place), the language switch, and the README screenshots."""

import re
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import Page, expect

from lpse_web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

STEP = 30  # seconds of one TOTP step
VENDOR_PASSWORD = "Sabana#Sumba2026"


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def submit(page: Page) -> None:
    """Press the submit button of the page's main form (the header has forms too)."""
    page.locator("main form button[type=submit]").first.click()


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/masuk")
    page.fill("#email", email)
    page.fill("#password", password)
    submit(page)


def sign_out(page: Page) -> None:
    page.locator("header form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.locator("#messages")).to_contain_text("Anda telah keluar.")


def enrol(page: Page, screenshot=None) -> tuple[str, int, list[str]]:
    """On the enrolment page: read the secret, send the current code, return
    (secret, the step used, the recovery codes shown)."""
    expect(page).to_have_url(re.compile(r"/masuk/aktifkan-2fa$"))
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    now = time.time()
    page.fill("#code", pyotp.TOTP(secret).at(now))
    submit(page)
    codes = page.locator("#recovery-codes li code")
    expect(codes).to_have_count(10)
    return secret, int(now // STEP), [c.strip() for c in codes.all_inner_texts()]


def wait_for_step_after(step: int) -> None:
    """A code is good once: wait until the authenticator shows the code of a later step."""
    while int(time.time() // STEP) <= step:
        time.sleep(min(1.0, (step + 1) * STEP - time.time() + 0.05))


def test_staff_first_login_enrols_totp_then_asks_for_the_code(page, readme_screenshots):
    sign_in(page, "verifikator@lpse-demo.test", DEMO_PASSWORD)
    secret, step, recovery_codes = enrol(page)
    assert len(set(recovery_codes)) == 10
    assert all(re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", c) for c in recovery_codes)

    page.get_by_role("button", name="Saya sudah menyimpannya, lanjutkan").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Selamat datang, Maria Verifikator")
    page.screenshot(path=readme_screenshots / "home-staff.png", full_page=True)
    sign_out(page)

    # Second sign-in: two-factor is on, so the password alone is not enough.
    sign_in(page, "verifikator@lpse-demo.test", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/masuk/kode$"))
    # The enrolment code was used: sending it again is refused, on the same page.
    page.fill("#code", pyotp.TOTP(secret).at(step * STEP))
    with page.expect_response(re.compile(r"/masuk/kode$")) as refused:
        submit(page)
    assert refused.value.status == 422
    expect(page.locator(".field-error")).to_have_text("Kode salah atau sudah pernah dipakai.")

    wait_for_step_after(step)
    page.fill("#code", pyotp.TOTP(secret).now())
    submit(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Selamat datang, Maria Verifikator")
    sign_out(page)

    # Phone lost: a recovery code signs in once, and the user is told how many are left.
    sign_in(page, "verifikator@lpse-demo.test", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/masuk/kode$"))
    page.fill("#code", recovery_codes[0])
    submit(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#messages")).to_contain_text(
        "Kode pemulihan dipakai. Sisa kode pemulihan: 9.")


def test_vendor_registers_with_htmx_errors_in_place_then_signs_in_without_totp(
        page, readme_screenshots):
    email = f"penyedia-{uuid.uuid4().hex[:8]}@contoh.test"
    page.goto("/daftar")
    expect(page.locator("h1")).to_have_text("Pendaftaran penyedia")
    page.evaluate("window.__e2eMarker = 'no reload'")
    page.fill("#name", "Agnes Dacosta")
    page.fill("#company", "CV Lamaholot Sentosa")
    page.fill("#npwp", "012345678901000")
    page.fill("#email", email)
    page.fill("#phone", "081234567890")
    page.fill("#new_password", "rahasia")
    page.fill("#confirm", "rahasia")
    with page.expect_response(re.compile(r"/daftar$")) as weak:
        submit(page)
    assert weak.value.status == 422
    assert weak.value.request.headers.get("hx-request") == "true"
    error = page.locator("#new_password-error")
    expect(error).to_contain_text("Kata sandi minimal 12 karakter.")
    expect(page.locator("#new_password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main [role=alert]")).to_have_text("Periksa kembali isian yang ditandai.")
    # htmx swapped the form's fragment: same document, same address, typed values kept.
    assert page.evaluate("window.__e2eMarker") == "no reload"
    assert _path(page) == "/daftar"
    expect(page.locator("main form")).to_have_count(1)
    expect(page.locator("#email")).to_have_value(email)
    page.screenshot(path=readme_screenshots / "register-errors.png", full_page=True)

    page.fill("#new_password", VENDOR_PASSWORD)
    page.fill("#confirm", VENDOR_PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Selamat datang, Agnes Dacosta")
    expect(page.locator("#messages")).to_contain_text("Pendaftaran berhasil. Selamat datang!")
    expect(page.locator("h1")).to_have_count(1)  # a whole page, not one nested in another
    sign_out(page)

    sign_in(page, email, VENDOR_PASSWORD)  # vendors have no TOTP unless they turn it on
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_have_text("Selamat datang, Agnes Dacosta")

    response = page.goto("/admin/pengguna")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Akses ditolak")


def test_login_page_is_indonesian_and_the_footer_switches_to_english(page, readme_screenshots):
    page.goto("/masuk")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("main h1")).to_have_text("Masuk")
    expect(page.locator("label[for=password]")).to_contain_text("Kata sandi")
    page.screenshot(path=readme_screenshots / "login.png", full_page=True)

    page.locator("footer").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/masuk$"))
    expect(page.locator("footer").get_by_role("button", name="Bahasa Indonesia")).to_be_visible()
    expect(page.locator("label[for=password]")).to_contain_text("Password")
    expect(page.locator("main h1")).not_to_have_text("Masuk")


def test_admin_screens(page, readme_screenshots):
    sign_in(page, "admin@lpse-demo.test", DEMO_PASSWORD)
    enrol(page, screenshot=readme_screenshots / "enrol-totp.png")
    page.get_by_role("button", name="Saya sudah menyimpannya, lanjutkan").click()
    expect(page.locator("h1")).to_have_text("Selamat datang, Yohanes Admin Sistem")

    page.goto("/admin/pengguna")
    expect(page.locator("h1")).to_have_text("Pengguna")
    expect(page.locator("#results tbody tr")).to_have_count(25)  # one page of 38+ accounts
    expect(page.locator("#results .pager")).to_contain_text("Halaman 1 dari 2")
    page.screenshot(path=readme_screenshots / "users.png", full_page=True)

    # Active search: the results panel is replaced in place and the address follows.
    page.evaluate("window.__e2eMarker = 'no reload'")
    page.fill("input[name=q]", "verifikator")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody")).to_contain_text("verifikator@lpse-demo.test")
    expect(page).to_have_url(re.compile(r"/admin/pengguna\?q=verifikator"))
    assert page.evaluate("window.__e2eMarker") == "no reload"

    page.goto("/admin/kantor")
    expect(page.locator("h1")).to_have_text("Pengaturan kantor")
    expect(page.locator("#name")).to_have_value("LPSE Provinsi Nusa Tenggara Timur")
    page.screenshot(path=readme_screenshots / "office-settings.png", full_page=True)
