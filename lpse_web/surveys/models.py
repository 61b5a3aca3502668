"""The satisfaction survey (SKM, PermenPANRB 14/2017; ../shared/SKM.md).

Anonymity is a property of the schema: a `SurveyResponse` and a `SurveySuggestion`
keep the period, the service, the day and the session (pagi/siang), never a user, a
booking, a reservation or an invitation, and no time finer than the day. Their keys
are random and, on SQLite, the tables have no rowid, so not even the storage order
lines them up with the invitation uses (which do name the booking or reservation, to
make a link single-use); the link is spent in a transaction of its own, so on
PostgreSQL the two rows do not share a transaction id either (surveys/respond_views.py).
What remains: PostgreSQL's heap keeps rows in insertion order and the two transaction
ids are usually consecutive, so someone with direct access to the database (not through
the app: no page, export or audit entry relates them) could pair the n-th link answer
with the n-th spent link; tests/surveys/test_schema.py keeps that gap in view. Answers are
never changed after they are stored; staff follow-up lives in `SurveyFollowUp`,
which is audited like every staff change."""

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lpse_web.audit.recorder import Audited
from lpse_web.database import UTCDateTime
from lpse_web.extensions import db

UNSUR_COUNT = 9
DRAFT, OPEN, CLOSED = "draft", "open", "closed"
PERIOD_STATUSES = (DRAFT, OPEN, CLOSED)
PAGI, SIANG = "pagi", "siang"  # morning 08-12, afternoon 13-17
SESSIONS = (PAGI, SIANG)
LINK, KIOSK = "tautan", "kiosk"  # how the questionnaire was reached
CHANNELS = (LINK, KIOSK)
SEXES = ("L", "P")
AGE_BANDS = ("<20", "20-29", "30-39", "40-49", "50+")
EDUCATIONS = ("SD", "SMP", "SMA", "D1-D4", "S1", "S2", "S3")
OCCUPATIONS = ("PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya")
SARAN, PENGADUAN = "saran", "pengaduan"
SUGGESTION_KINDS = (SARAN, PENGADUAN)
NEW, IN_PROGRESS, ANSWERED = "new", "in_progress", "answered"
FOLLOW_UP_STATUSES = (NEW, IN_PROGRESS, ANSWERED)
UNSUR_COLUMNS = tuple(f"u{n}" for n in range(1, UNSUR_COUNT + 1))


# SQLite stores a table in the order of a hidden rowid, i.e. in insertion order, which
# would line the n-th link answer up with the n-th link spent. Without it, the answers
# are stored in the order of their random keys and the spent links in booking order.
NO_ROWID = {"sqlite_with_rowid": False}


def sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def random_key() -> str:
    return secrets.token_hex(16)


class SurveyElement(Audited, db.Model):
    """The office's wording of one unsur. Only edited elements have a row; the others
    read the regulation's wording (`surveys/unsur.py`). Elements and scores are fixed."""

    __tablename__ = "survey_element"
    __table_args__ = (CheckConstraint(f"number BETWEEN 1 AND {UNSUR_COUNT}", name="known_unsur"),)

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    question: Mapped[str] = mapped_column(Text)
    option_1: Mapped[str] = mapped_column(String(80))
    option_2: Mapped[str] = mapped_column(String(80))
    option_3: Mapped[str] = mapped_column(String(80))
    option_4: Mapped[str] = mapped_column(String(80))


class SurveyConfig(Audited, db.Model):
    """The survey's settings: one row (id 1), read with defaults when absent."""

    __tablename__ = "survey_config"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),
                      CheckConstraint("link_valid_days BETWEEN 1 AND 90", name="link_days_range"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    link_valid_days: Mapped[int] = mapped_column(default=7, server_default="7")


class SurveyPeriod(Audited, db.Model):
    """A survey period ("Triwulan IV 2026"): answers are taken while it is open, for
    services received between its first and last day. Periods never overlap."""

    __tablename__ = "survey_period"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="starts_before_ends"),
        CheckConstraint(f"status IN ({sql_list(PERIOD_STATUSES)})", name="known_status"),
        CheckConstraint(f"NOT published OR status = '{CLOSED}'", name="published_when_closed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_scores = tuple(CheckConstraint(f"{column} BETWEEN 1 AND 4", name=f"{column}_score")
                for column in UNSUR_COLUMNS)


class SurveyResponse(db.Model):
    """One completed questionnaire: the nine scores and the respondent profile.

    Deliberately not `Audited`: the log would name the user who answered. A response is
    only ever inserted, by the respondent, and never changed."""

    __tablename__ = "survey_response"
    __table_args__ = (
        *_scores,
        CheckConstraint(f"session IN ({sql_list(SESSIONS)})", name="known_session"),
        CheckConstraint(f"channel IN ({sql_list(CHANNELS)})", name="known_channel"),
        CheckConstraint(f"sex IN ({sql_list(SEXES)})", name="known_sex"),
        CheckConstraint(f"age_band IN ({sql_list(AGE_BANDS)})", name="known_age_band"),
        CheckConstraint(f"education IN ({sql_list(EDUCATIONS)})", name="known_education"),
        CheckConstraint(f"occupation IN ({sql_list(OCCUPATIONS)})", name="known_occupation"),
        Index("ix_survey_response_period_service", "period_id", "service_key"),
        # The per-respondent table's order: a page is read off the index, not sorted.
        Index("ix_survey_response_period_order", "period_id", "answered_on", "session", "id"),
        NO_ROWID,
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    period_id: Mapped[int] = mapped_column(ForeignKey("survey_period.id", ondelete="RESTRICT"))
    service_key: Mapped[str] = mapped_column(String(20))  # "loket-3" or "ruang" (surveys/catalogue.py)
    answered_on: Mapped[date]  # the day of the service received
    session: Mapped[str] = mapped_column(String(5))
    channel: Mapped[str] = mapped_column(String(10))
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(8))
    education: Mapped[str] = mapped_column(String(8))
    occupation: Mapped[str] = mapped_column(String(12))
    u1: Mapped[int] = mapped_column(SmallInteger)
    u2: Mapped[int] = mapped_column(SmallInteger)
    u3: Mapped[int] = mapped_column(SmallInteger)
    u4: Mapped[int] = mapped_column(SmallInteger)
    u5: Mapped[int] = mapped_column(SmallInteger)
    u6: Mapped[int] = mapped_column(SmallInteger)
    u7: Mapped[int] = mapped_column(SmallInteger)
    u8: Mapped[int] = mapped_column(SmallInteger)
    u9: Mapped[int] = mapped_column(SmallInteger)

    @property
    def scores(self) -> list[int]:
        return [getattr(self, column) for column in UNSUR_COLUMNS]


class SurveySuggestion(db.Model):
    """A suggestion or complaint left with a questionnaire. Stored apart from the scores
    (no key between them) and, like them, never changed and not audited."""

    __tablename__ = "survey_suggestion"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_list(SUGGESTION_KINDS)})", name="known_kind"),
        Index("ix_survey_suggestion_period", "period_id", "answered_on"),
        NO_ROWID,
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    period_id: Mapped[int] = mapped_column(ForeignKey("survey_period.id", ondelete="RESTRICT"))
    service_key: Mapped[str] = mapped_column(String(20))
    answered_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10), default=SARAN)
    text: Mapped[str] = mapped_column(Text)

    follow_up: Mapped["SurveyFollowUp | None"] = relationship(lazy="joined", uselist=False)


class SurveyFollowUp(Audited, db.Model):
    """Staff's follow-up of a suggestion: new -> in progress -> answered, with the reply.
    No row yet means "new"."""

    __tablename__ = "survey_follow_up"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_list(FOLLOW_UP_STATUSES)})", name="known_status"),
        CheckConstraint(f"status <> '{ANSWERED}' OR reply <> ''", name="answered_has_reply"),
    )

    suggestion_id: Mapped[str] = mapped_column(
        ForeignKey("survey_suggestion.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default=NEW)
    reply: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    updated_by = relationship("User", lazy="joined")


class SurveyInvitationUse(db.Model):
    """A one-time survey link that has been used, by the service it was given for.

    The link itself is never stored (it is signed, surveys/invitations.py); this row
    is what makes it single-use: the primary key refuses a second use, races included.
    Nothing points from here to the answers. Deliberately not `Audited`: an entry would
    name who answered, from where and at what second, which, beside the one answer of
    that day, session and service, names the person behind the answer."""

    __tablename__ = "survey_invitation_use"
    __table_args__ = (CheckConstraint("source IN ('loket', 'ruang')", name="known_source"), NO_ROWID)

    source: Mapped[str] = mapped_column(String(8), primary_key=True)  # "loket" or "ruang"
    source_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    used_on: Mapped[date]
