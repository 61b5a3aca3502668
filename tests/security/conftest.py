"""Shared tools of the security suite: one sample of every object a route needs, URLs
built from the rules of app.url_map, row counts of every table, and clients signed in
through the real login flow."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from lpse_web.auth.roles import Role
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.models import Announcement, ClosureDay, Counter, CounterService, Room

LOGIN_PATH = "/masuk"
HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


@dataclass(frozen=True)
class Sample:
    """Ids of one object of each kind, for the routes that take an id."""

    user_id: int
    closure_id: int
    counter_id: int
    room_id: int
    announcement_id: int
    service_id: int

    def args(self) -> dict:
        return {"user_id": self.user_id, "closure_id": self.closure_id,
                "counter_id": self.counter_id, "room_id": self.room_id,
                "announcement_id": self.announcement_id, "service_id": self.service_id, "lang": "id"}


@pytest.fixture
def sample(app, make_user) -> Sample:
    """A staff account to manage, a closure day, a counter, a room and a running
    announcement (started an hour ago, so ending it keeps the row)."""
    target = make_user(Role.HELPDESK, name="Staf Sasaran")
    now = utcnow()
    with app.app_context():
        service = db.session.scalars(select(CounterService).order_by(CounterService.id)).first()
        closure = ClosureDay(day=date.today() + timedelta(days=60), reason="Rapat kerja")
        counter = Counter(name="Loket Contoh", services=[service])
        room = Room(name="Ruang Contoh", kind="meeting", seats=10, computers=2, equipment="Proyektor")
        announcement = Announcement(kind="info", title="Pemeliharaan server", body="SPSE lambat",
                                    starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1))
        db.session.add_all([closure, counter, room, announcement])
        db.session.commit()
        return Sample(user_id=target.id, closure_id=closure.id, counter_id=counter.id,
                      room_id=room.id, announcement_id=announcement.id, service_id=service.id)


def url_of(rule, args: dict) -> str:
    """The path of `rule` with its arguments filled from `args` (each rule, not each
    endpoint: /admin/loket and /admin/loket/<id> are both tried)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(args[m.group(1)]), rule.rule)


def routes(app, method: str):
    """Every rule of app.url_map answering `method`, static files excluded."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and method in rule.methods]


def row_counts(app) -> dict[str, int]:
    """Rows in every table, in one query (its own app context: no transaction stays open
    to block the next request's writer on SQLite)."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        query = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name)
                         for t in tables))
        return dict(db.session.execute(query).one()._mapping)


def login_redirect_next(response) -> str | None:
    """The `next` of a redirect to the login page; "" when there is none; None when the
    response is not a redirect to the login page."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    target = urlsplit(response.location)
    if target.path != LOGIN_PATH:
        return None
    return parse_qs(target.query).get("next", [""])[0]


def is_login_redirect(response) -> bool:
    return login_redirect_next(response) is not None


@pytest.fixture
def signed_in(app, make_user, login):
    """A fresh client signed in (real login flow) as a new user with `roles`."""

    def sign_in(*roles, **fields):
        client = app.test_client()
        user = make_user(*roles, **fields)
        login(client, user)
        return client, user

    return sign_in


def token_of(client) -> str:
    """The CSRF token of this client's current session."""
    return client.csrf_token()


def post(client, url: str, token: str, data=None, headers=None):
    """POST with `token` in the X-CSRFToken header, as htmx sends it. (The CSRFClient's own
    csrf=True fetches a page for a fresh token before every POST: slow in a loop.)"""
    return client.post(url, data=data if data is not None else {}, csrf=False,
                       headers={"X-CSRFToken": token, **(headers or {})})
