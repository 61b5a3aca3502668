"""Storing a completed questionnaire: all nine unsur answered with a score 1-4 and a
complete profile, or nothing is stored and the error names what is missing."""

from dataclasses import dataclass

from sqlalchemy import func, select

from lpse_web.extensions import db
from lpse_web.surveys.catalogue import Served
from lpse_web.surveys.models import (
    AGE_BANDS,
    CHANNELS,
    EDUCATIONS,
    OCCUPATIONS,
    SEXES,
    SUGGESTION_KINDS,
    UNSUR_COLUMNS,
    SurveyPeriod,
    SurveyResponse,
    SurveySuggestion,
)
from lpse_web.surveys.periods import open_period_for
from lpse_web.surveys.unsur import CODES

SUGGESTION_MAX = 2000


class ResponseError(ValueError):
    pass


class MissingElementsError(ResponseError):
    """Some unsur have no valid answer; `codes` lists them (U1..U9) in order."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


class InvalidProfileError(ResponseError):
    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


class NoOpenPeriodError(ResponseError):
    """No open survey period holds the day of the service."""


@dataclass(frozen=True)
class Profile:
    sex: str
    age_band: str
    education: str
    occupation: str

    def invalid_fields(self) -> list[str]:
        allowed = {"sex": SEXES, "age_band": AGE_BANDS, "education": EDUCATIONS, "occupation": OCCUPATIONS}
        return [name for name, values in allowed.items() if getattr(self, name) not in values]


def missing_elements(scores: dict[int, object]) -> list[str]:
    """The codes of the unsur (1..9 -> U1..U9) without a score of 1, 2, 3 or 4."""
    return [CODES[n - 1] for n in range(1, len(CODES) + 1)
            if not (isinstance(scores.get(n), int) and not isinstance(scores.get(n), bool)
                    and 1 <= scores[n] <= 4)]


def record(served: Served, *, scores: dict[int, int], profile: Profile, channel: str,
           suggestion: str = "", kind: str = "saran") -> SurveyResponse:
    """Store one questionnaire (and its suggestion apart from it) in the open period
    that holds the day of the service."""
    missing = missing_elements(scores)
    if missing:
        raise MissingElementsError(missing)
    invalid = profile.invalid_fields()
    if invalid:
        raise InvalidProfileError(invalid)
    if channel not in CHANNELS or kind not in SUGGESTION_KINDS:
        raise ResponseError("channel or kind")
    period = open_period_for(served.day)
    if period is None:
        raise NoOpenPeriodError()
    response = SurveyResponse(
        period_id=period.id, service_key=served.service_key, answered_on=served.day,
        session=served.session, channel=channel, sex=profile.sex, age_band=profile.age_band,
        education=profile.education, occupation=profile.occupation,
        **{column: scores[n] for n, column in enumerate(UNSUR_COLUMNS, start=1)})
    db.session.add(response)
    text = (suggestion or "").strip()[:SUGGESTION_MAX]
    if text:
        db.session.add(SurveySuggestion(period_id=period.id, service_key=served.service_key,
                                        answered_on=served.day, kind=kind, text=text))
    return response


def response_count(period_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse)
                             .where(SurveyResponse.period_id == period_id)) or 0


def accepting(served_day) -> SurveyPeriod | None:
    return open_period_for(served_day)
