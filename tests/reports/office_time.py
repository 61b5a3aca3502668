"""Times in the office's zone for the reports' tests: the quarter's edges are midnight
WITA, so the rows that test them are written as "23.30 on 31 March, WITA"."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")


def wita(day: date, hhmm: str) -> datetime:
    """`day` at "HH.MM" in WITA, as the UTC instant the database keeps."""
    hour, minute = map(int, hhmm.split("."))
    return datetime.combine(day, time(hour, minute), WITA).astimezone(UTC)
