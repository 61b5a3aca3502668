"""The day and week views as a grid: time rows of 15 minutes, one column per room (day
view) or per day (week view). Pure: built from values the view has already queried."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from lpse_web.rooms.rules import GRID, overlaps

FREE, TAKEN, BLACKOUT, CLOSED, PAST = "free", "taken", "blackout", "closed", "past"


@dataclass
class Cell:
    kind: str
    starts_at: datetime
    rows: int = 1  # rowspan
    reservation: object = None
    blackout: object = None
    default_end: datetime | None = None  # a free cell: what its link proposes as the end


def row_starts(first: datetime, last: datetime) -> list[datetime]:
    rows, at = [], first
    while at < last:
        rows.append(at)
        at += GRID
    return rows


def column(rows: list[datetime], hours: tuple[datetime, datetime] | None, holding: list, blackouts: list,
           now: datetime) -> list[Cell | None]:
    """One column: a Cell where a cell begins, None where a taller cell above covers the
    row. `holding` are the reservations holding the room (already filtered by status)."""
    cells: list[Cell | None] = []
    covered_until = None
    for at in rows:
        if covered_until is not None and at < covered_until:
            cells.append(None)
            continue
        end = at + GRID
        reservation = next((r for r in holding if overlaps(at, end, r.starts_at, r.ends_at)), None)
        blackout = next((b for b in blackouts if overlaps(at, end, b.starts_at, b.ends_at)), None)
        if reservation is not None:
            cell = Cell(TAKEN, at, reservation=reservation)
            covered_until = min(reservation.ends_at, rows[-1] + GRID)
        elif blackout is not None:
            cell = Cell(BLACKOUT, at, blackout=blackout)
            covered_until = min(blackout.ends_at, rows[-1] + GRID)
        elif hours is None or at < hours[0] or end > hours[1]:
            cell, covered_until = Cell(CLOSED, at), None
        elif at < now:
            cell, covered_until = Cell(PAST, at), None
        else:
            cell, covered_until = Cell(FREE, at), None
        if covered_until is not None:
            cell.rows = max(1, sum(1 for r in rows if at <= r < covered_until))
        cells.append(cell)
    _propose_ends(cells)
    return cells


DEFAULT_LENGTH = timedelta(hours=1)


def _propose_ends(cells: list[Cell | None]) -> None:
    """A free cell proposes an hour, or less where the free time runs out sooner."""
    free_until = None
    for cell in reversed(cells):
        if cell is None:
            continue
        if cell.kind != FREE:
            free_until = None
            continue
        free_until = free_until or cell.starts_at + GRID
        cell.default_end = min(cell.starts_at + DEFAULT_LENGTH, free_until)
