"""Security headers on every answer, cookie flags, Vary for htmx fragments, and HTML that
a strict Content-Security-Policy can run (no inline script or style, nothing loaded from
another host)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from lpse_web.auth.roles import Role
from tests.factories import PASSWORD
from tests.security.conftest import post, routes, token_of, url_of

SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin",
                          "strict-origin-when-cross-origin"}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def header_problems(response, signed_in: bool) -> list[str]:
    problems = []
    headers = response.headers
    csp = csp_directives(response)
    policy = headers.get("Content-Security-Policy", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append(f"CSP allows unsafe-inline/unsafe-eval: {policy}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"CSP frame-ancestors is {csp.get('frame-ancestors')}")
    for directive in ("script-src", "style-src"):
        if csp.get(directive, csp.get("default-src")) != ["'self'"]:
            problems.append(f"CSP {directive} is not 'self' alone")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {headers.get('Referrer-Policy')!r}")
    if signed_in and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"signed-in answer without Cache-Control: no-store ({headers.get('Cache-Control')})")
    return problems


class CSPAudit(HTMLParser):
    """Collects what a strict CSP would block or what loads from elsewhere."""

    LOADING = {("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
               ("link", "href"), ("form", "action"), ("button", "formaction"), ("input", "formaction"),
               ("object", "data"), ("embed", "src"), ("source", "src"), ("video", "poster"),
               ("audio", "src"), ("video", "src")}

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.problems.append("inline <style> element")
        if tag == "script":
            self.in_script = True
            if not dict(attrs).get("src"):
                self.problems.append("<script> without src")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name}= event attribute on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {name}= of <{tag}>")
            if (tag, name) in self.LOADING and value:
                self._check_same_origin(tag, name, value)
        if tag == "link" and "stylesheet" in (dict(attrs).get("rel") or ""):
            self.stylesheets.append(dict(attrs)["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("inline script content")

    def _check_same_origin(self, tag, name, value):
        for url in (v.strip().split()[0] for v in value.split(",") if v.strip()):
            if url.startswith("data:") and tag == "img":
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                self.problems.append(f"<{tag} {name}={url}> loads from another host")


def html_problems(response) -> list[str]:
    audit = CSPAudit()
    audit.feed(response.get_data(as_text=True))
    audit.close()
    return audit.problems


def stylesheets_of(response) -> list[str]:
    audit = CSPAudit()
    audit.feed(response.get_data(as_text=True))
    return audit.stylesheets


def get_every_page(app, client, sample, signed_in: bool):
    failures, pages = [], []
    for rule in routes(app, "GET"):
        url = url_of(rule, sample.args())
        response = client.get(url)
        failures += [f"GET {url}: {p}" for p in header_problems(response, signed_in)]
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
            failures += [f"GET {url}: {p}" for p in html_problems(response)]
    return failures, pages


def test_the_html_audit_recognises_what_a_strict_csp_blocks():
    class Page:
        def __init__(self, html):
            self.html = html

        def get_data(self, as_text):
            return self.html

    bad = ('<script>alert(1)</script><p style="color:red" onclick="x()">a</p><style>p{}</style>'
           '<script src="https://cdn.example.com/x.js"></script><a href="javascript:alert(1)">b</a>')
    assert len(html_problems(Page(bad))) == 7  # the first <script> counts twice: no src, content
    assert html_problems(Page('<script src="/static/js/app.js" defer></script><img src="data:,">')) == []


def test_every_page_for_anonymous_visitor_has_security_headers_and_csp_safe_html(app, sample):
    failures, pages = get_every_page(app, app.test_client(), sample, signed_in=False)
    assert not failures, "\n".join(failures)
    assert {"/masuk", "/daftar", "/kalender-layanan"} <= set(pages)


def test_every_page_for_administrator_has_security_headers_no_store_and_csp_safe_html(
        app, sample, signed_in):
    client, _ = signed_in(Role.ADMIN)
    failures, pages = get_every_page(app, client, sample, signed_in=True)
    assert not failures, "\n".join(failures)
    # The pages really were seen, not redirects: every staff page of an administrator.
    assert {"/", "/akun", "/admin/pengguna", f"/admin/pengguna/{sample.user_id}", "/admin/kantor",
            "/admin/loket", f"/admin/ruang/{sample.room_id}", "/pengumuman", "/audit"} <= set(pages)
    room = sample.room_id
    assert {"/ruang/", f"/ruang/{room}/minggu", "/ruang/pesan", "/ruang/saya", "/ruang/kelola",
            f"/ruang/reservasi/{sample.reservation_id}", f"/admin/ruang/{room}/penutupan"} <= set(pages)


def test_vendor_pages_and_two_factor_enrolment_are_csp_safe(app, make_user, signed_in):
    vendor_client, _ = signed_in(Role.VENDOR)
    for url in ("/", "/akun", "/akun/2fa", "/akun/kata-sandi"):
        response = vendor_client.get(url)
        assert response.status_code == 200, url
        assert header_problems(response, signed_in=True) == [], url
        assert html_problems(response) == [], url
    # The QR code of a staff member's first sign-in is an inline SVG: still CSP-safe.
    response = enrolment_page(app, make_user)
    assert response.status_code == 200 and "<svg" in response.get_data(as_text=True)
    assert html_problems(response) == []
    assert header_problems(response, signed_in=False) == []


def enrolment_page(app, make_user):
    """The first sign-in of a staff member without two-factor: the page with the QR code."""
    staff = make_user(Role.VERIFIKATOR, totp=False)
    client = app.test_client()
    client.post("/masuk", data={"email": staff.email, "password": PASSWORD})
    return client.get("/masuk/aktifkan-2fa")


def test_two_factor_enrolment_page_is_never_cached(app, make_user):
    """It shows the TOTP secret (text and QR code) before the sign-in is complete: a shared
    counter PC's browser must not keep it."""
    response = enrolment_page(app, make_user)
    assert response.status_code == 200 and 'id="totp-secret"' in response.get_data(as_text=True)
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_stylesheets_load_nothing_from_another_host(app):
    client = app.test_client()
    page = client.get("/masuk")
    sheets = stylesheets_of(page)
    assert sheets, "the login page links no stylesheet"
    for href in sheets:
        with client.get(href) as response:  # a file response: close it
            assert response.status_code == 200, href
            css = response.get_data(as_text=True)
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css)
        for url in urls:
            assert url.startswith("data:") or not urlsplit(url).netloc, (href, url)


def test_session_cookie_is_httponly_and_samesite_lax(app, make_user, login):
    client = app.test_client()
    client.get("/masuk")  # the CSRF token already makes a session
    cookie = client.get_cookie("lpse_session", domain="lpse.test")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    login(client, make_user(Role.ADMIN))
    cookie = client.get_cookie("lpse_session", domain="lpse.test")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # plain HTTP in tests; see the HTTPS test below


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_over_https_cookie_is_secure_and_hsts_is_sent(app, make_user, login):
    client = app.test_client()
    response = client.get("/masuk", base_url="https://lpse.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = client.get_cookie("lpse_session", domain="lpse.test")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_error_pages_carry_the_headers(app, sample, signed_in):
    anonymous = app.test_client()
    vendor, _ = signed_in(Role.VENDOR)
    admin, _ = signed_in(Role.ADMIN)
    cases = [  # (signed in, response, status)
        (False, anonymous.get("/tidak-ada"), 404),
        (True, admin.get("/tidak-ada"), 404),
        (True, admin.get("/admin/pengguna/999999"), 404),
        (True, vendor.get("/admin/pengguna"), 403),
        (True, vendor.get("/audit", headers={"HX-Request": "true"}), 403),
        (True, admin.get("/keluar"), 405),
        (True, admin.post("/admin/ruang", data={}, csrf=False), 400),
        (True, post(admin, "/admin/ruang", token_of(anonymous)), 400),
    ]
    for signed, response, status in cases:
        assert response.status_code == status, (response.request.path, response.status_code)
        assert header_problems(response, signed) == [], (response.request.path, status)
        assert html_problems(response) == [], (response.request.path, status)


def test_a_url_answering_page_and_fragment_sends_vary_hx_request(app, sample, signed_in):
    client, _ = signed_in(Role.ADMIN)
    both_ways = []
    for rule in routes(app, "GET"):
        url = url_of(rule, sample.args())
        full = client.get(url)
        fragment = client.get(url, headers={"HX-Request": "true"})
        if (fragment.status_code != 200 or fragment.mimetype != "text/html"
                or "<html" in fragment.get_data(as_text=True)):
            continue  # this URL has one answer only
        assert "<html" in full.get_data(as_text=True), url
        both_ways.append(url)
        for response in (full, fragment):
            assert "HX-Request" in response.vary, (url, response.headers.get("Vary"))
    assert {"/admin/pengguna", "/audit"} <= set(both_ways)


def test_history_restore_and_boosted_requests_get_the_full_page(app, signed_in):
    client, _ = signed_in(Role.ADMIN)
    for extra in ({"HX-History-Restore-Request": "true"}, {"HX-Boosted": "true"}):
        response = client.get("/admin/pengguna", headers={"HX-Request": "true", **extra})
        assert response.status_code == 200
        assert "<html" in response.get_data(as_text=True), extra
        assert "HX-Request" in response.vary
