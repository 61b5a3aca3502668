"""The risk register's flags, computed when a page is served (no scheduled job): risks
above the appetite, reviews overdue, treatment actions overdue. Closed risks raise none.
Used by the home page and the register; overdue means the day after the due date."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, select

from lpse_web.extensions import db
from lpse_web.risks.models import CLOSED, Risk, RiskAction


def above_appetite_condition(appetite: int):
    return and_(Risk.status != CLOSED, Risk.residual_score > appetite)


def review_overdue_condition(today: date):
    return and_(Risk.status != CLOSED, Risk.next_review_on < today)


def action_overdue_condition(today: date):
    """A risk with at least one open action past its due date."""
    return and_(Risk.status != CLOSED, exists().where(
        RiskAction.risk_id == Risk.id, RiskAction.done_on.is_(None), RiskAction.due_on < today))


@dataclass(frozen=True)
class RiskFlags:
    above_appetite: int
    overdue_reviews: int
    overdue_actions: int  # actions, not risks
    open_risks: int

    @property
    def total(self) -> int:
        return self.above_appetite + self.overdue_reviews + self.overdue_actions


def flag_counts(today: date, appetite: int) -> RiskFlags:
    """Two queries however large the register: one scan of the risks, one of the actions."""
    def counted(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    above, reviews, live = db.session.execute(select(
        counted(above_appetite_condition(appetite)), counted(review_overdue_condition(today)),
        counted(Risk.status != CLOSED)).select_from(Risk)).one()
    actions = db.session.scalar(
        select(func.count()).select_from(RiskAction).join(Risk, Risk.id == RiskAction.risk_id)
        .where(Risk.status != CLOSED, RiskAction.done_on.is_(None), RiskAction.due_on < today))
    return RiskFlags(int(above), int(reviews), int(actions), int(live))
