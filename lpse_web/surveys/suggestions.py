"""Following up suggestions and complaints: new -> in progress -> answered, with the
staff reply. Every step is an audited `SurveyFollowUp` change, by the staff member."""

from datetime import datetime

from sqlalchemy import func, select

from lpse_web.extensions import db
from lpse_web.surveys.models import ANSWERED, FOLLOW_UP_STATUSES, NEW, SurveyFollowUp, SurveySuggestion
from lpse_web.web.pagination import Page, paginate

REPLY_MAX = 4000


class FollowUpError(ValueError):
    """`code`: "status" (unknown) or "reply" (an answered one needs the reply)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def status_of(suggestion: SurveySuggestion) -> str:
    return suggestion.follow_up.status if suggestion.follow_up else NEW


def follow_up(suggestion: SurveySuggestion, *, status: str, reply: str, staff_id: int,
              now: datetime) -> SurveyFollowUp:
    reply = (reply or "").strip()[:REPLY_MAX]
    if status not in FOLLOW_UP_STATUSES:
        raise FollowUpError("status")
    if status == ANSWERED and not reply:
        raise FollowUpError("reply")
    row = suggestion.follow_up or SurveyFollowUp(suggestion_id=suggestion.id)
    row.status, row.reply, row.updated_by_id, row.updated_at = status, reply, staff_id, now
    db.session.add(row)
    suggestion.follow_up = row
    return row


def suggestions(period_id: int | None, status: str | None, page, size: int = 25) -> Page:
    """Suggestions, newest day first; `status` filters (NEW includes those never touched)."""
    query = select(SurveySuggestion).outerjoin(SurveyFollowUp)
    if period_id is not None:
        query = query.where(SurveySuggestion.period_id == period_id)
    if status == NEW:
        query = query.where((SurveyFollowUp.status == NEW) | SurveyFollowUp.suggestion_id.is_(None))
    elif status in FOLLOW_UP_STATUSES:
        query = query.where(SurveyFollowUp.status == status)
    return paginate(query.order_by(SurveySuggestion.answered_on.desc(), SurveySuggestion.id), page, size)


def status_counts(period_id: int | None) -> dict[str, int]:
    status = func.coalesce(SurveyFollowUp.status, NEW)
    query = select(status, func.count()).select_from(SurveySuggestion).outerjoin(SurveyFollowUp)
    if period_id is not None:
        query = query.where(SurveySuggestion.period_id == period_id)
    counts = dict(db.session.execute(query.group_by(status)).all())
    return {s: counts.get(s, 0) for s in FOLLOW_UP_STATUSES}
