"""The services a respondent can have received, by the key their answers keep:
"loket-<id>" for a counter service, "ruang" for a room reservation."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lpse_web.extensions import db
from lpse_web.office.models import CounterService
from lpse_web.surveys.models import PAGI, SIANG

ROOMS = "ruang"
ROOMS_LABEL = _l("Peminjaman ruang")


def counter_key(service_id: int) -> str:
    return f"loket-{service_id}"


@dataclass(frozen=True)
class SurveyService:
    key: str
    name: str
    counter_service_id: int | None = None  # None: the rooms


def survey_services(include_inactive: bool = False) -> list[SurveyService]:
    """Counter services (active ones for the questionnaire, all for reports), then rooms."""
    query = select(CounterService).order_by(CounterService.name)
    if not include_inactive:
        query = query.where(CounterService.active)
    services = [SurveyService(counter_key(s.id), s.name, s.id) for s in db.session.scalars(query)]
    return [*services, SurveyService(ROOMS, str(ROOMS_LABEL))]


def service_names() -> dict[str, str]:
    return {s.key: s.name for s in survey_services(include_inactive=True)}


def session_of(local: time | datetime) -> str:
    """pagi (08-12) or siang (13-17), from the office's local time of the service."""
    moment = local.time() if isinstance(local, datetime) else local
    return PAGI if moment < time(12) else SIANG


@dataclass(frozen=True)
class Served:
    """What a questionnaire is about: the service, its local day and session."""

    service_key: str
    day: date
    session: str
