"""What can stand in the way of a reservation. The views turn each into words
(lpse_web/rooms/messages.py); a plan (services.plan) carries one per refused date."""

from dataclasses import dataclass
from datetime import datetime

from lpse_web.rooms.models import Blackout, Reservation


class ReservationError(Exception):
    """A reservation that cannot be made or changed; the view says why in words."""


class RoomUnavailableError(ReservationError):
    """The room is inactive."""


class OffGridError(ReservationError):
    """Start or end not on the quarter hour, end not after start, or over two days."""


class ClosedDayError(ReservationError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class OutsideHoursError(ReservationError):
    def __init__(self, hours: tuple[datetime, datetime]):
        super().__init__(hours)
        self.hours = hours


class TooSoonError(ReservationError):
    """Inside the room's minimum notice (or in the past)."""


class TooFarError(ReservationError):
    """Beyond the room's maximum advance."""


class TooManyPeopleError(ReservationError):
    def __init__(self, seats: int):
        super().__init__(seats)
        self.seats = seats


class BlackoutError(ReservationError):
    def __init__(self, blackout: Blackout):
        super().__init__(blackout.reason)
        self.blackout = blackout


class ConflictError(ReservationError):
    """Another reservation holds the room for part of the range."""

    def __init__(self, other: Reservation | None):
        super().__init__(other.id if other else None)
        self.other = other


class TooManyOccurrencesError(ReservationError):
    """A recurring request stops at rules.MAX_OCCURRENCES dates."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class WrongStateError(ReservationError):
    """That step does not apply to the reservation as it is now."""


class NothingToReserveError(ReservationError):
    """A recurring request none of whose occurrences can be reserved."""


@dataclass
class Occurrence:
    starts_at: datetime
    ends_at: datetime
    problem: ReservationError | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None
