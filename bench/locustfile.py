"""The mixed workload of bench/run --mixed (bench/mixed.py drives it): the real pages of a
busy office, each user class doing what its people do, back to back (no think time:
the figures are the server's capacity, not a day's traffic).

Sessions are signed in beforehand by bench/mixed.py and handed over in the JSON file
$LPSE_BENCH_SESSIONS: one per vendor (each books and cancels its own ticket), and one
shared by all the users of a staff class (TOTP codes are good once, so staff cannot sign
in by the hundred). An answer counts as a failure unless it is 2xx, a redirect, or the
422 of a form refused for a good reason (a room range just taken).
"""

import html
import json
import os
import random
import re
from itertools import count
from pathlib import Path

from locust import HttpUser, between, task

_FILE = os.environ.get("LPSE_BENCH_SESSIONS")
SESSIONS = json.loads(Path(_FILE).read_text()) if _FILE else {}
AGENT = SESSIONS.get("agent", "lpse-bench/1")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
_vendor_numbers = count()


def ok(response, refused=(422,)):
    if response.status_code < 400 or response.status_code in refused:
        response.success()
    else:
        text = response.text or ""
        said = re.search(r"<main[^>]*>.*?<p>(.*?)</p>", text, re.S)  # the error page's message
        missing = re.findall(r'<li><a href="#[^"]+">(.*?)</a>', text)  # a form's error summary
        response.failure(f"status {response.status_code}: {said.group(1).strip()[:160] if said else ''} "
                         f"{'; '.join(missing)[:200]}")


class OfficeUser(HttpUser):
    abstract = True
    wait_time = between(0, 0)
    session_key = ""

    def on_start(self):
        self.client.headers["User-Agent"] = AGENT
        cookie = self.cookie()
        if cookie:
            self.client.cookies.set("lpse_session", cookie)
        self.token = ""

    def cookie(self) -> str:
        return SESSIONS.get(self.session_key, "")

    def get(self, path, name=None, **kw):
        with self.client.get(path, name=name or path, catch_response=True, allow_redirects=False, **kw) as r:
            ok(r)
            found = TOKEN.search(r.text or "")
            if found:
                self.token = found.group(1) or found.group(2)
            return r

    def post(self, path, data, name, refused=(422,)):
        with self.client.post(path, data={"csrf_token": self.token, **data}, name=name, catch_response=True,
                              allow_redirects=False) as r:
            ok(r, refused)
            return r


class VendorUser(OfficeUser):
    """Opens the verification slot page, books a slot from it, cancels it again."""

    weight = 5

    def cookie(self):
        vendors = SESSIONS.get("vendors", [])
        return vendors[next(_vendor_numbers) % len(vendors)] if vendors else ""

    @task(3)
    def slot_page(self):
        self.get(f"/loket/{SESSIONS['service_id']}", name="/loket/<id> (slot page)")

    @task(1)
    def book_and_cancel(self):
        page = self.get(f"/loket/{SESSIONS['service_id']}", name="/loket/<id> (slot page)")
        starts = re.findall(rf'href="/loket/{SESSIONS["service_id"]}/([0-9T.-]+)"', page.text or "")
        if not starts:
            return
        booked = self.post(f"/loket/{SESSIONS['service_id']}/{random.choice(starts)}", {},
                           name="POST /loket/<id>/<start> (book)")
        where = booked.headers.get("Location", "")
        if "/tiket/" in where:
            code = where.rsplit("/", 1)[-1]
            self.post(f"/tiket/{code}/batal", {}, name="POST /tiket/<code>/batal (cancel)")


class StaffUser(OfficeUser):
    """The verifikator's day: the queue page, a walk-in, call the next visitor, finish one."""

    weight = 2
    session_key = "staff"

    @task(3)
    def queue(self):
        self.get("/antrian/", name="/antrian/ (staff queue)")

    @task(1)
    def walk_in_call_finish(self):
        page = self.get("/antrian/", name="/antrian/ (staff queue)").text or ""
        self.post("/antrian/walk-in", {"service": SESSIONS["service_id"], "name": "Tamu Beban"},
                  name="POST /antrian/walk-in")
        counters = re.findall(r'<select[^>]*name="counter".*?</select>', page, re.S)
        ids = re.findall(r'<option value="(\d+)"', counters[0]) if counters else []
        if ids:
            self.post("/antrian/panggil", {"counter": random.choice(ids)},
                      name="POST /antrian/panggil (call)")
        called = re.findall(r'/antrian/(\d+)/selesai', page)
        if called:
            self.post(f"/antrian/{random.choice(called)}/selesai", {"outcome": "served", "note": ""},
                      name="POST /antrian/<id>/selesai (finish)")


class RoomUser(OfficeUser):
    """A Pokja official: the rooms' day view, and a reservation request for a free-looking
    hour within the next two weeks (a range just taken answers 422: not a failure)."""

    weight = 2
    session_key = "official"

    @task(3)
    def day_view(self):
        self.get("/ruang/", name="/ruang/ (rooms day view)")

    @task(1)
    def reserve(self):
        self.get("/ruang/pesan", name="/ruang/pesan (form)")
        day = random.choice(SESSIONS["room_days"])
        hour = random.randrange(8, 15)
        self.post("/ruang/pesan", {"room": random.choice(SESSIONS["room_ids"]), "start_date": day,
                                   "start_time": f"{hour:02d}:00", "end_time": f"{hour + 1:02d}:00",
                                   "purpose": "meeting", "title": "Rapat Pokja Beban", "attendees": "4",
                                   "note": "", "repeat": "", "until": "", "confirm": "Ajukan reservasi"},
                  name="POST /ruang/pesan (reserve)")


class SurveyUser(OfficeUser):
    """The kiosk: the questionnaire, answered and sent."""

    weight = 1
    session_key = "kiosk"

    @task
    def answer(self):
        page = self.get("/survei/kiosk/", name="/survei/kiosk/ (questionnaire)").text or ""
        choices = {}  # every radio group and select of the form, with its values
        for tag in re.findall(r"<input[^>]*>", page):
            attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
            if attributes.get("type") == "radio":
                choices.setdefault(attributes["name"], []).append(attributes["value"])
        for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
            choices[name] = [v for v in re.findall(r'<option[^>]*value="([^"]*)"', options) if v]
        fields = {name: html.unescape(random.choice(values)) for name, values in choices.items() if values}
        fields.update(kind="saran", suggestion="Pelayanan cepat, terima kasih.")  # a complaint asks more
        self.post("/survei/kiosk/", fields, name="POST /survei/kiosk/ (submit)", refused=())


class AssetUser(OfficeUser):
    weight = 1
    session_key = "assets"
    words = ("laptop", "server", "switch", "printer", "lisensi", "router", "UPS", "LPSE-HW")

    @task
    def search(self):
        self.get(f"/aset?q={random.choice(self.words)}", name="/aset?q= (asset search)")


class ManagerUser(OfficeUser):
    weight = 1
    session_key = "manager"

    @task(3)
    def dashboard(self):
        self.get("/", name="/ (manager dashboard)")
        self.get("/dasbor/loket", name="/dasbor/loket (panel)")

    @task(1)
    def quarterly_report(self):
        self.get("/laporan/triwulan/", name="/laporan/triwulan/ (quarterly report)")


class BareUser(OfficeUser):
    """The baseline, run alone: a Flask endpoint with no database and no template."""

    weight = 1

    @task
    def health(self):
        self.get("/sehat", name="/sehat (bare Flask)")
