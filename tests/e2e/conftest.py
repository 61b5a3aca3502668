"""End-to-end fixtures: the real app under gunicorn, driven by headless Chromium.

These tests use none of the fixtures of tests/conftest.py (they are parametrized over two
databases; the browser tests run once, on a fresh SQLite file). The server is a separate
process started once per session: `flask db upgrade`, `flask seed-demo`, then gunicorn with
two workers on a free port. Every page collects its console: a Content-Security-Policy
violation or a JavaScript error fails the test. A failing test leaves a screenshot in
tests/e2e/screenshots/ (git-ignored) and the tail of the server's log in its report.

The counter tests get a second server of their own (`counter_server`): its clock is pinned
with LPSE_NOW to COUNTER_NOW, and the demo's counter history (generated around the real
date) is removed, so that day's queue and slots are empty whenever the suite runs. The
rooms tests get a third (`rooms_server`), pinned to the same Monday, with the demo's room
reservations removed, so that week and the next ones are free."""

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from tests.stress.server import answers, free_port

ROOT = Path(__file__).resolve().parents[2]
# The venv's bin/ (flask, gunicorn): the project's .venv, else the one running pytest.
_VENV_BIN = ROOT / ".venv" / "bin"
BIN = _VENV_BIN if (_VENV_BIN / "gunicorn").exists() else Path(sys.executable).parent
CHROMIUM = os.environ.get("LPSE_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FAILURE_SCREENSHOTS = Path(__file__).parent / "screenshots"  # git-ignored
README_SCREENSHOTS = ROOT / "docs" / "screenshots"  # committed, shown in the README
VIEWPORT = {"width": 1280, "height": 800}
STARTUP_SECONDS = 30
# The counter server's pinned clock: Monday 30 November 2026, 07.00 WITA, an ordinary
# working day before opening (with the default 2-hour notice, the first slot is 09.00).
COUNTER_NOW = "2026-11-30T07:00:00+08:00"
# The rooms server's pinned clock: the same Monday. Its week holds Thursday 3 December;
# weekly from there, Thursday 24 December 2026 is cuti bersama (Christmas Eve).
ROOMS_NOW = "2026-11-30T07:00:00+08:00"
BIDDING_ROOM = "Ruang Pemasukan Penawaran"

SERVER_LOGS = pytest.StashKey[list[Path]]()
REPORT = pytest.StashKey[dict]()


@dataclass
class LiveServer:
    url: str
    log: Path
    database: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _flask(env: dict, *args: str) -> None:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    if result.returncode != 0:
        pytest.fail(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}", pytrace=False)


@contextmanager
def _serve(base: Path, request, extra_env: dict | None = None,
           prepare: Callable[[Path], None] | None = None) -> Iterator[LiveServer]:
    """The real app in its own processes, on a fresh migrated and seeded SQLite database
    in `base`; `prepare(database)` runs after the seed, before gunicorn starts."""
    # Flask puts the instance folder next to the package and no setting moves it; an
    # instance/config.py there would override DATABASE_URL and point us at real data.
    if (ROOT / "instance" / "config.py").exists():
        pytest.fail(f"{ROOT / 'instance' / 'config.py'} exists and would override the e2e "
                    "database; move it away to run the end-to-end tests.", pytrace=False)
    database = base / "e2e.db"
    log = base / "server.log"
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "e2e-secret-key-not-for-production",
        "LPSE_RATELIMIT": "0",
        "FLASK_APP": "wsgi",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("LPSE_HTTPS", None)  # plain http on 127.0.0.1: a Secure cookie would never come back
    env.pop("LPSE_NOW", None)  # a clock pinned in the caller's shell is not the tests' clock
    env.update(extra_env or {})
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    if prepare is not None:
        prepare(database)

    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
             "--access-logfile", "-", "--error-logfile", "-", "--log-level", "info",
             "--capture-output", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    live = LiveServer(url=f"http://127.0.0.1:{port}", log=log, database=database)
    request.config.stash.setdefault(SERVER_LOGS, []).append(log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not answers(live.url + "/sehat"):
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited with {server.returncode}:\n{live.log_tail()}",
                            pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer in {STARTUP_SECONDS} s:\n{live.log_tail()}",
                            pytrace=False)
            time.sleep(0.2)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, request) -> Iterator[LiveServer]:
    """The real app in its own processes, on a fresh migrated and seeded SQLite database."""
    with _serve(tmp_path_factory.mktemp("e2e"), request) as live:
        yield live


def _empty_counter(database: Path) -> None:
    """Remove the demo's counter history: seed-demo generates it around the real date,
    which may be the pinned day. The counters and services stay; check the ones the
    tests use."""
    with sqlite3.connect(database) as connection:
        for table in ("counter_booking", "counter_slot", "counter_ticket_sequence", "counter_closure"):
            connection.execute(f"DELETE FROM {table}")
        # The demo's survey answers about those visits go with them (the report would
        # count more respondents than people served), and so do their spent links, which
        # name the bookings by ids that new bookings reuse.
        connection.execute("DELETE FROM survey_invitation_use WHERE source = 'loket'")
        connection.execute("DELETE FROM survey_follow_up WHERE suggestion_id IN"
                           " (SELECT id FROM survey_suggestion WHERE service_key LIKE 'loket-%')")
        connection.execute("DELETE FROM survey_suggestion WHERE service_key LIKE 'loket-%'")
        connection.execute("DELETE FROM survey_response WHERE service_key LIKE 'loket-%'")
        offered = {name for (name,) in connection.execute(
            "SELECT c.name || ':' || s.code FROM counter c"
            " JOIN counter_offers o ON o.counter_id = c.id"
            " JOIN counter_service s ON s.id = o.service_id"
            " WHERE c.active AND s.active")}
    connection.close()
    needed = {"Loket 1:V", "Loket 2:V", "Loket 3:K"}
    if not needed <= offered:
        pytest.fail(f"seed-demo no longer sets up the counters the e2e tests use ({sorted(needed)}); "
                    f"found {sorted(offered)}", pytrace=False)


@pytest.fixture(scope="session")
def counter_server(tmp_path_factory, request) -> Iterator[LiveServer]:
    """A second server for the service counter: clock pinned to COUNTER_NOW, counters
    from seed-demo (Loket 1 and Loket 2 offer verification, Loket 3 consultation), and
    no bookings at all."""
    with _serve(tmp_path_factory.mktemp("e2e-counter"), request,
                extra_env={"LPSE_NOW": COUNTER_NOW}, prepare=_empty_counter) as live:
        yield live


def _empty_rooms(database: Path) -> None:
    """Remove the demo's room history (generated around the real date, which may be the
    pinned week) and any blackout. The rooms stay; check the one the tests use: the
    bidding room, active, reserved only with an approver's consent, national holidays
    (and cuti bersama) closing the office."""
    with sqlite3.connect(database) as connection:
        for table in ("room_reservation", "room_reservation_series", "room_blackout"):
            connection.execute(f"DELETE FROM {table}")
        connection.execute("DELETE FROM survey_invitation_use WHERE source = 'ruang'")
        room = connection.execute(
            "SELECT active, needs_approval, open_weekends, seats FROM room WHERE name = ?",
            (BIDDING_ROOM,)).fetchone()
        holidays = connection.execute("SELECT national_holidays FROM office").fetchone()
    connection.close()
    if room is None or tuple(room[:3]) != (1, 1, 0) or room[3] < 8:
        pytest.fail(f"seed-demo no longer sets up {BIDDING_ROOM!r} as the e2e tests expect "
                    "(active, needs approval, closed at weekends, at least 8 seats); found "
                    f"{room}", pytrace=False)
    if holidays is None or not holidays[0]:
        pytest.fail("seed-demo no longer closes the office on national holidays", pytrace=False)


@pytest.fixture(scope="session")
def rooms_server(tmp_path_factory, request) -> Iterator[LiveServer]:
    """A third server for the rooms: clock pinned to ROOMS_NOW, rooms from seed-demo,
    no reservations and no blackouts at all."""
    with _serve(tmp_path_factory.mktemp("e2e-rooms"), request,
                extra_env={"LPSE_NOW": ROOMS_NOW}, prepare=_empty_rooms) as live:
        yield live


def signed_in_state(browser: Browser, server: LiveServer, email: str, name: str) -> dict:
    """Sign a demo staff member in once on `server` (the first sign-in enrols TOTP: a
    second one would wait for the next 30-second step) and return the storage state the
    tests open their contexts with; `name` is the one the home page greets."""
    from lpse_web.demo import DEMO_PASSWORD
    from tests.e2e.test_login_e2e import enrol, sign_in

    ctx = browser.new_context(base_url=server.url, locale="id-ID", timezone_id="Asia/Makassar")
    try:
        page = ctx.new_page()
        sign_in(page, email, DEMO_PASSWORD)
        enrol(page)
        page.get_by_role("button", name="Saya sudah menyimpannya, lanjutkan").click()
        expect(page.locator("h1")).to_have_text(f"Selamat datang, {name}")
        return ctx.storage_state()
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def verifikator(browser, counter_server) -> dict:
    """The verifikator on the counter server, signed in once for the whole session; the
    counter and survey tests open their contexts with this state."""
    assert COUNTER_NOW.startswith("2026-11-30T07:00")  # the dates below follow from it
    return signed_in_state(browser, counter_server, "verifikator@lpse-demo.test", "Maria Verifikator")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class ConsoleProblems:
    """What a page said that a clean page never says."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.csp.append(text)
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # A refused status (403, 422) is logged by Chromium as "Failed to load resource":
            # the tests check statuses themselves; anything else at error level is a bug.
            self.errors.append(text)

    def on_page_error(self, error) -> None:
        self.errors.append(f"uncaught: {error}")

    def summary(self) -> str:
        return "\n".join([*(f"CSP: {t}" for t in self.csp), *(f"JS: {t}" for t in self.errors)])


# Every CSP violation also reaches the console with its directive and source, so the
# failure says what was blocked and where (Chromium's own message does not always).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _new_context(browser: Browser, server: LiveServer, **options) -> BrowserContext:
    ctx = browser.new_context(**{"base_url": server.url, "viewport": VIEWPORT, "locale": "id-ID",
                                 "timezone_id": "Asia/Makassar", **options})
    ctx.set_default_timeout(10_000)
    ctx.add_init_script(_CSP_LISTENER)
    return ctx


class _WatchedPages:
    """The pages a test opened: their console is collected; at teardown a failed test
    gets their screenshots, and a passing one fails if a console reported problems."""

    def __init__(self) -> None:
        self.problems = ConsoleProblems()
        self.pages: list[Page] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self.problems.on_console)
        page.on("pageerror", self.problems.on_page_error)
        self.pages.append(page)
        return page

    def finish(self, request) -> None:
        report = request.node.stash.get(REPORT, {})
        call = report.get("call")
        if call is not None and call.failed:
            FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for i, page in enumerate(self.pages):
                if not page.is_closed():
                    page.screenshot(path=FAILURE_SCREENSHOTS / f"{request.node.name}-{i}.png",
                                    full_page=True)
        problems = self.problems
        if problems.csp or problems.errors:
            if call is not None and call.failed:  # already failing: say it, do not add an error
                print(f"the browser console reported problems:\n{problems.summary()}")
            else:
                pytest.fail(f"the browser console reported problems:\n{problems.summary()}",
                            pytrace=False)


@pytest.fixture
def context(browser, live_server) -> Iterator[BrowserContext]:
    ctx = _new_context(browser, live_server)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def new_page(context, request):
    """Open a page in this test's browser context (cookies shared); each one is watched."""
    watched = _WatchedPages()
    yield lambda: watched.watch(context.new_page())
    watched.finish(request)


@contextmanager
def _one_context_per_person(browser: Browser, server: LiveServer, request) -> Iterator[Callable[..., Page]]:
    """`open_page(**options)`: a page in a new browser context on `server`; keyword
    arguments go to new_context. Pages are watched like `new_page`'s."""
    watched = _WatchedPages()
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        ctx = _new_context(browser, server, **options)
        contexts.append(ctx)
        return watched.watch(ctx.new_page())

    try:
        yield open_page
        watched.finish(request)
    finally:
        for ctx in contexts:
            ctx.close()


@pytest.fixture
def counter_browser(browser, counter_server, request):
    """Open a page on the counter server in a browser context of its own (one per person:
    the vendor, the staff member, the display board). Keyword arguments go to
    new_context (java_script_enabled=False, storage_state=...). Pages are watched like
    `new_page`'s."""
    with _one_context_per_person(browser, counter_server, request) as open_page:
        yield open_page


@pytest.fixture
def rooms_browser(browser, rooms_server, request):
    """Like `counter_browser`, on the rooms server (the officials, the approver)."""
    with _one_context_per_person(browser, rooms_server, request) as open_page:
        yield open_page


@pytest.fixture
def live_browser(browser, live_server, request):
    """Like `counter_browser`, on the session's live server (the registers' keepers)."""
    with _one_context_per_person(browser, live_server, request) as open_page:
        yield open_page


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture(scope="session")
def readme_screenshots() -> Path:
    """Where the tests' screenshots go: the git-ignored folder, or the README's with
    LPSE_README_SCREENSHOTS=1 (so a test run does not rewrite committed pictures)."""
    folder = README_SCREENSHOTS if os.environ.get("LPSE_README_SCREENSHOTS") else FAILURE_SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORT, {})[report.when] = report
    if report.failed:
        # The log of the server(s) this test used; all of them if it failed before.
        used = [v.log for v in getattr(item, "funcargs", {}).values() if isinstance(v, LiveServer)]
        for log in used or item.config.stash.get(SERVER_LOGS, []):
            if log.exists():
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
                report.sections.append((f"server log {log.parent.name} (last 60 lines)", tail))
    return report
