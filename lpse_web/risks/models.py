"""The risk register (DOMAIN.md "Risk register"; 001_6ab587347c85cf9e.txt Pasal 14):
the methodology (versioned: a risk remembers the version it was scored under), the
risks with the assets they affect, their treatment actions, reviews and score history.

A score is likelihood × impact, and the database holds it to that (check constraints),
so the heat map and the level counts can be read with plain SQL. A level is stored as
its rank in its methodology version's bands (1 = the lowest)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime, utcnow
from lpse_web.extensions import db

OPERATIONAL, SECURITY, CONTINUITY, COMPLIANCE, FINANCIAL, REPUTATION = (
    "operational", "security", "continuity", "compliance", "financial", "reputation")
CATEGORIES = (OPERATIONAL, SECURITY, CONTINUITY, COMPLIANCE, FINANCIAL, REPUTATION)
MITIGATE, ACCEPT, TRANSFER, AVOID = "mitigate", "accept", "transfer", "avoid"
TREATMENTS = (MITIGATE, ACCEPT, TRANSFER, AVOID)
OPEN, IN_TREATMENT, ACCEPTED, CLOSED = "open", "in_treatment", "accepted", "closed"
STATUSES = (OPEN, IN_TREATMENT, ACCEPTED, CLOSED)
# Why a score history row was written.
CREATED, EDITED, REVIEWED, RESCORED = "created", "edited", "reviewed", "rescored"
SCORE_REASONS = (CREATED, EDITED, REVIEWED, RESCORED)
MAX_SCALE = 7  # a scale has 3 to 7 steps


def sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Methodology(Audited, db.Model):
    """One version of the risk methodology. Saving a change writes a new version; the
    newest is in force. Rescoring the risks under it is a separate, recorded step."""

    __tablename__ = "risk_methodology"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),
                      CheckConstraint("appetite >= 1", name="appetite_positive"))

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    likelihood_labels: Mapped[list] = mapped_column(JSON)  # ["Hampir tidak terjadi", ...], lowest first
    impact_labels: Mapped[list] = mapped_column(JSON)
    # [{"name": "Rendah", "min_score": 1, "colour": "green", "review_days": 360}, ...], lowest first
    levels: Mapped[list] = mapped_column(JSON)
    appetite: Mapped[int]  # the highest residual score the office accepts
    note: Mapped[str] = mapped_column(Text, default="")  # what changed and why
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    rescored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when risks were moved to it
    rescored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


risk_asset = Table(
    "risk_asset", db.metadata,
    Column("risk_id", ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def _score_checks(prefix: str) -> tuple:
    return (
        CheckConstraint(f"{prefix}_likelihood BETWEEN 1 AND {MAX_SCALE}",
                        name=f"{prefix}_likelihood_range"),
        CheckConstraint(f"{prefix}_impact BETWEEN 1 AND {MAX_SCALE}", name=f"{prefix}_impact_range"),
        CheckConstraint(f"{prefix}_score = {prefix}_likelihood * {prefix}_impact",
                        name=f"{prefix}_score_product"),
        CheckConstraint(f"{prefix}_level >= 1", name=f"{prefix}_level_positive"),
    )


class Risk(Audited, db.Model):
    __tablename__ = "risk"
    __audit_collections__ = {"assets": "tag"}
    __table_args__ = (
        CheckConstraint(f"category IN ({sql_list(CATEGORIES)})", name="known_category"),
        CheckConstraint(f"treatment IS NULL OR treatment IN ({sql_list(TREATMENTS)})",
                        name="known_treatment"),
        CheckConstraint(f"status IN ({sql_list(STATUSES)})", name="known_status"),
        # (COALESCE: a NULL treatment would make the check unknown, which a CHECK lets pass.)
        CheckConstraint("status <> 'accepted' OR COALESCE(treatment, '') = 'accept'",
                        name="accepted_means_accept"),
        CheckConstraint("code <> ''", name="code_given"),
        *_score_checks("inherent"),
        *_score_checks("residual"),
        Index("ix_risk_status_review", "status", "next_review_on"),
        Index("ix_risk_inherent_cell", "inherent_likelihood", "inherent_impact"),
        Index("ix_risk_residual_cell", "residual_likelihood", "residual_impact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    threat: Mapped[str] = mapped_column(Text, default="")
    vulnerability: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"),
                                                 index=True)
    existing_controls: Mapped[str] = mapped_column(Text, default="")
    methodology_version: Mapped[int] = mapped_column(
        ForeignKey("risk_methodology.version", ondelete="RESTRICT"))
    inherent_likelihood: Mapped[int] = mapped_column(SmallInteger)
    inherent_impact: Mapped[int] = mapped_column(SmallInteger)
    inherent_score: Mapped[int] = mapped_column(SmallInteger)
    inherent_level: Mapped[int] = mapped_column(SmallInteger)
    treatment: Mapped[str | None] = mapped_column(String(20))
    treatment_plan: Mapped[str] = mapped_column(Text, default="")
    # After controls and treatment; equal to the inherent assessment until treated.
    residual_likelihood: Mapped[int] = mapped_column(SmallInteger)
    residual_impact: Mapped[int] = mapped_column(SmallInteger)
    residual_score: Mapped[int] = mapped_column(SmallInteger)
    residual_level: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    next_review_on: Mapped[date] = mapped_column(Date)  # last review + the residual level's interval
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_on: Mapped[date | None] = mapped_column(Date)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    assets = relationship("Asset", secondary=risk_asset, lazy="selectin", order_by="Asset.tag",
                          active_history=True, backref="risks")
    actions = relationship("RiskAction", back_populates="risk", lazy="select",
                           order_by="RiskAction.due_on", cascade="all, delete-orphan")


class RiskAction(Audited, db.Model):
    """A step of a risk's treatment plan, with its owner and due date."""

    __tablename__ = "risk_action"
    __table_args__ = (Index("ix_risk_action_due", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")

    risk = relationship(Risk, back_populates="actions")
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")


class RiskReview(Audited, db.Model):
    """A recorded review: who, when, what they found and what changed."""

    __tablename__ = "risk_review"
    __table_args__ = (Index("ix_risk_review_risk", "risk_id", "reviewed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {"residual_score": [12, 6], ...}
    next_review_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer = relationship("User", foreign_keys=[reviewer_id], lazy="joined")


class RiskScore(db.Model):
    """A risk's assessment at one moment, for its score history chart. Written with
    every change of score (the change itself is also in the audit log, on the risk)."""

    __tablename__ = "risk_score"
    __table_args__ = (CheckConstraint(f"reason IN ({sql_list(SCORE_REASONS)})", name="known_reason"),
                      Index("ix_risk_score_risk", "risk_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(10))
    methodology_version: Mapped[int]
    inherent_likelihood: Mapped[int] = mapped_column(SmallInteger)
    inherent_impact: Mapped[int] = mapped_column(SmallInteger)
    inherent_score: Mapped[int] = mapped_column(SmallInteger)
    inherent_level: Mapped[int] = mapped_column(SmallInteger)
    residual_likelihood: Mapped[int] = mapped_column(SmallInteger)
    residual_impact: Mapped[int] = mapped_column(SmallInteger)
    residual_score: Mapped[int] = mapped_column(SmallInteger)
    residual_level: Mapped[int] = mapped_column(SmallInteger)
