"""The counter's test office: NTT hours (WITA), three counters, and a pinned clock.

Monday 30 November 2026, 07.00 WITA: an ordinary working day (no holiday), before
opening, so the whole day's slots lie ahead."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService

NOW = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)  # 30 Nov 2026, 07.00 WITA
WITA = ZoneInfo("Asia/Makassar")
NOW_ISO = "2026-11-30T07:00:00+08:00"


@pytest.fixture
def app_config():
    return {"LPSE_NOW": NOW_ISO}


@pytest.fixture
def office(app):
    return make_office(app)


def make_office(app) -> dict:
    """Loket 1 serves verification and account help, Loket 2 verification, Loket 3
    consultation: verification slots have two places, the others one."""
    with app.app_context():
        services = {s.code: s for s in db.session.scalars(select(CounterService))}
        counters = {}
        for name, codes in (("Loket 1", "VA"), ("Loket 2", "V"), ("Loket 3", "K")):
            counter = Counter(name=name, services=[services[c] for c in codes])
            db.session.add(counter)
            counters[name] = counter
        db.session.commit()
        ids = {"services": {c: s.id for c, s in services.items()},
               "counters": {n: c.id for n, c in counters.items()}}
    return ids


def at(hhmm: str, day: int = 30, month: int = 11) -> datetime:
    """A WITA wall-clock time in 2026 as a UTC instant: at("09.30") is 01.30 UTC."""
    hour, minute = map(int, hhmm.split("."))
    return datetime(2026, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)
