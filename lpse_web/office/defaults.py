"""The defaults a new office starts with. The first migration inserts the same rows
(frozen in the migration, as migrations must be); tests and `flask seed-demo` call this."""

from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.office.models import CounterService, Office
from lpse_web.office.services import DEFAULT_COUNTER_SERVICES, DEFAULT_SERVICE_RULES, install_default_hours


def install_defaults(timezone: str = "Asia/Makassar") -> None:
    if db.session.get(Office, 1) is None:
        db.session.add(Office(id=1, name="LPSE", address="", government_level="provinsi",
                              region="", timezone=timezone, national_holidays=True))
    install_default_hours()
    for code, name in DEFAULT_COUNTER_SERVICES:
        if db.session.scalar(select(CounterService.id).where(CounterService.code == code)) is None:
            db.session.add(CounterService(code=code, name=name, **DEFAULT_SERVICE_RULES[code]))
    db.session.flush()
