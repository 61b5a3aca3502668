"""A browser's part in the stress and fault tests: one cookie jar per visitor, plain HTTP
to a real server, redirects not followed (the Location says what happened), and a
failure of the connection reported as status 0 rather than raised: under a fault the
caller counts it, as a person would see "the page did not load"."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyotp

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
AGENT = "lpse-stress/1"


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    location: str
    body: str

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.location).path


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    def __init__(self, base: str, timeout: float = 30, agent: str = AGENT):
        self.base, self.timeout = base, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.opener.addheaders = [("User-Agent", agent)]  # flask-login ties a session to it
        self.token = ""

    def _open(self, path: str, body: bytes | None) -> Answer:
        try:
            with self.opener.open(self.base + path, body, timeout=self.timeout) as response:
                return self._read(response.status, "", response.read())
        except urllib.error.HTTPError as answer:
            return self._read(answer.code, answer.headers.get("Location", ""), answer.read())
        except (urllib.error.URLError, OSError) as error:  # refused, reset, timed out
            return Answer(0, "", repr(error))

    def _read(self, status: int, location: str, raw: bytes) -> Answer:
        body = raw.decode(errors="replace")
        found = TOKEN.search(body)
        if found:
            self.token = found.group(1) or found.group(2)
        return Answer(status, location, body)

    def get(self, path: str) -> Answer:
        return self._open(path, None)

    def post(self, path: str, data: dict | None = None) -> Answer:
        if not self.token:
            self.get("/masuk")
        fields = {"csrf_token": self.token, **(data or {})}
        return self._open(path, urllib.parse.urlencode(fields, doseq=True).encode())

    def sign_in(self, email: str, password: str, totp_secret: str | None = None) -> None:
        self.get("/masuk")
        answer = self.post("/masuk", {"email": email, "password": password})
        if totp_secret:
            assert (answer.status, answer.path) == (302, "/masuk/kode"), (email, answer.status)
            self.get("/masuk/kode")
            answer = self.post("/masuk/kode", {"code": pyotp.TOTP(totp_secret).now()})
        assert answer.status == 302 and answer.path == "/", (email, answer.status, answer.location,
                                                               answer.body[:300])
        self.get("/")  # the signed-in session's token
