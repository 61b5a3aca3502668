"""One-time survey links, given after a finished counter visit or a used room reservation.

A link carries the service it was given for, signed with the app's secret key
(itsdangerous), so it needs no table until it is used: a forged or altered link fails
the signature. It expires `link_valid_days` after the service. Using it inserts a
`SurveyInvitationUse` row, whose primary key makes a second use fail, even when two
tabs send the questionnaire at the same moment. The answers never refer to that row."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from lpse_web.counter.models import DONE, Booking
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.rooms.models import COMPLETED, Reservation
from lpse_web.surveys.catalogue import ROOMS, Served, counter_key, session_of
from lpse_web.surveys.models import SurveyConfig, SurveyInvitationUse

COUNTER, ROOM = "loket", "ruang"  # the two kinds of service a link is given for
SALT = "lpse-survey-invitation"
DEFAULT_LINK_DAYS = 7
MIN_LINK_DAYS, MAX_LINK_DAYS = 1, 90  # the survey_config check constraint


class InvitationError(Exception):
    """A link that cannot be used; the subclass says why (each has its own page)."""


class ForgedLinkError(InvitationError):
    pass


class ExpiredLinkError(InvitationError):
    pass


class UsedLinkError(InvitationError):
    pass


@dataclass(frozen=True)
class Invitation:
    source: str  # COUNTER or ROOM
    source_id: int
    served: Served
    expires_at: datetime
    used: bool

    @property
    def token(self) -> str:
        return token_for(self.source, self.source_id)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(source: str, source_id: int) -> str:
    return _serializer().dumps([source, source_id])


def link_valid_days() -> int:
    config = db.session.get(SurveyConfig, 1)
    return config.link_valid_days if config else DEFAULT_LINK_DAYS


def save_link_valid_days(days: int) -> SurveyConfig:
    if not isinstance(days, int) or not MIN_LINK_DAYS <= days <= MAX_LINK_DAYS:
        raise ValueError(f"a link is valid {MIN_LINK_DAYS} to {MAX_LINK_DAYS} days")
    config = db.session.get(SurveyConfig, 1) or SurveyConfig(id=1)
    config.link_valid_days = days
    db.session.add(config)
    return config


def _is_used(source: str, source_id: int) -> bool:
    return db.session.get(SurveyInvitationUse, (source, source_id)) is not None


def for_booking(booking: Booking) -> Invitation | None:
    """The link a finished counter visit gives (None before the visit is finished)."""
    if booking.status != DONE or booking.finished_at is None or booking.visitor_id is None:
        return None
    calendar = load_calendar()
    served = Served(counter_key(booking.service_id), booking.day,
                    session_of(booking.finished_at.astimezone(calendar.zone)))
    return Invitation(COUNTER, booking.id, served,
                      booking.finished_at + timedelta(days=link_valid_days()),
                      _is_used(COUNTER, booking.id))


def for_reservation(reservation: Reservation, now: datetime) -> Invitation | None:
    """The link a used room reservation gives, once it is completed."""
    if reservation.shown_status(now) != COMPLETED:
        return None
    calendar = load_calendar()
    starts = reservation.starts_at.astimezone(calendar.zone)
    served_at = min(reservation.finished_at or reservation.ends_at, reservation.ends_at)
    return Invitation(ROOM, reservation.id, Served(ROOMS, starts.date(), session_of(starts)),
                      served_at + timedelta(days=link_valid_days()), _is_used(ROOM, reservation.id))


def offer(invitation: Invitation | None, now: datetime) -> str | None:
    """What a ticket or reservation page shows: "open" (with the link), "used",
    "expired", or None when there is no survey to offer."""
    if invitation is None:
        return None
    if invitation.used:
        return "used"
    return "expired" if invitation.expires_at <= now else "open"


def read(token: str, now: datetime) -> Invitation:
    """The invitation behind a link, or the reason it cannot be used."""
    try:
        source, source_id = _serializer().loads(token)
        if source not in (COUNTER, ROOM) or not isinstance(source_id, int) or isinstance(source_id, bool):
            raise BadSignature("unknown source")
    except (BadSignature, ValueError, TypeError) as error:
        raise ForgedLinkError() from error
    if not 0 < source_id < 2**31:
        raise ForgedLinkError()
    if source == COUNTER:
        record = db.session.get(Booking, source_id)
        invitation = for_booking(record) if record else None
    else:
        record = db.session.get(Reservation, source_id)
        invitation = for_reservation(record, now) if record else None
    if invitation is None:
        raise ForgedLinkError()  # signed by us, but for no finished service: treat as invalid
    if invitation.used:
        raise UsedLinkError()
    if invitation.expires_at <= now:
        raise ExpiredLinkError()
    return invitation


def use(invitation: Invitation, today: date) -> None:
    """Spend the link in the current transaction; UsedLinkError if another request did first."""
    db.session.add(SurveyInvitationUse(source=invitation.source, source_id=invitation.source_id,
                                       used_on=today))
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise UsedLinkError() from error
