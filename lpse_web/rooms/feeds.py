"""Calendar feeds (ICS) of a person's reservations and of a room, for calendar apps that
subscribe to a URL and cannot sign in: the URL carries a secret key. Only the key's
hash is stored; a new key ends the old links. A feed shows who reserved what and why
only where its owner may see that (services.may_see_details); elsewhere "Terpakai"."""

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from lpse_web.auth.models import User
from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.rooms import services
from lpse_web.rooms.models import ACTIVE_STATUSES, FeedKey, Reservation

PAST_DAYS, AHEAD_DAYS = 60, 366  # what a feed covers around today


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(user_id: int) -> str:
    key = secrets.token_urlsafe(24)
    old = db.session.get(FeedKey, user_id)
    if old is not None:  # through the ORM: the audit log records the change of credential
        old.key_hash, old.created_at = _hash(key), utcnow()
    else:
        db.session.add(FeedKey(user_id=user_id, key_hash=_hash(key)))
    return key


def has_key(user_id: int) -> bool:
    return db.session.get(FeedKey, user_id) is not None


def owner_of(key: str) -> User | None:
    if not key or len(key) > 64:
        return None
    user = db.session.scalar(select(User).join(FeedKey, FeedKey.user_id == User.id)
                             .where(FeedKey.key_hash == _hash(key)))
    # Rooms are for staff: a key outlives nothing, neither the account nor its staff role.
    return user if user is not None and user.active and user.is_staff else None


def _window(now: datetime):
    return now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS)


def reservations_of_user(user: User, now: datetime) -> list[Reservation]:
    start, end = _window(now)
    return list(db.session.scalars(select(Reservation).where(
        Reservation.requester_id == user.id, Reservation.status.in_(ACTIVE_STATUSES),
        Reservation.starts_at < end, Reservation.ends_at > start).order_by(Reservation.starts_at)))


def reservations_of_room(room_id: int, now: datetime) -> list[Reservation]:
    start, end = _window(now)
    return [r for r in services.reservations_between([room_id], start, end) if r.status in ACTIVE_STATUSES]


def ics(reservations: list[Reservation], viewer: User, *, name: str, host: str, now: datetime,
        taken_label: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//LPSE Web//Ruang//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for reservation in reservations:
        if not reservation.holds_room(now):
            continue
        event = Event()
        event.add("uid", f"ruang-{reservation.id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", reservation.starts_at)
        event.add("dtend", reservation.ends_at)
        event.add("location", reservation.room.name)
        if services.may_see_details(viewer, reservation):
            event.add("summary", f"{reservation.room.name}: {reservation.title}")
            event.add("description", f"{reservation.requester.name} · {reservation.attendees} orang")
            event.add("status", "CONFIRMED" if reservation.status != "requested" else "TENTATIVE")
        else:
            event.add("summary", f"{reservation.room.name}: {taken_label}")
        calendar.add_component(event)
    return calendar.to_ical()
