"""The heat map's data, with no request: for the inherent or the residual assessment, a
likelihood × impact grid (highest likelihood first, as it is drawn) with the number of
risks in each cell, each cell coloured by the level of its score under the methodology
in force. One grouped query per side (services.heat_map_counts), whatever the number
of risks.

Risks scored under an older, larger methodology may lie outside the scales in force
until they are rescored or reassessed: they are counted apart (`outside`), not dropped
silently."""

from dataclasses import dataclass, field

from lpse_web.risks.methodology import Level, Scheme
from lpse_web.risks.services import heat_map_counts

SIDES = ("inherent", "residual")


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    level: Level
    count: int


@dataclass
class Grid:
    which: str  # "inherent" or "residual"
    scheme: Scheme
    rows: list[list[Cell]]  # highest likelihood first; impact ascending within a row
    outside: int  # risks whose likelihood or impact lies outside the scales in force
    filters: dict = field(default_factory=dict)  # the query args a cell's link keeps

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row)

    def by_level(self) -> dict[int, int]:
        """{level rank: risks}, by the level of the cell under the methodology in force."""
        found = {level.rank: 0 for level in self.scheme.levels}
        for row in self.rows:
            for cell in row:
                found[cell.level.rank] += cell.count
        return found

    def cell(self, likelihood: int, impact: int) -> Cell | None:
        if not self.scheme.fits(likelihood, impact):
            return None
        return self.rows[self.scheme.likelihood_levels - likelihood][impact - 1]


def build(which: str, scheme: Scheme, include_closed: bool = False, category: str | None = None,
          filters: dict | None = None, counts: dict[tuple[int, int], int] | None = None) -> Grid:
    """The grid of the register as it stands, or of `counts` ({(likelihood, impact):
    risks}) when given: no query then (the quarterly report passes the register as it
    stood at a period's end)."""
    if which not in SIDES:
        raise ValueError(f"unknown side {which}")
    if counts is None:
        counts = heat_map_counts(which, include_closed=include_closed, category=category)
    rows = [[Cell(likelihood=lk, impact=im, score=lk * im, level=scheme.level_of(lk * im),
                  count=counts.get((lk, im), 0))
             for im in range(1, scheme.impact_levels + 1)]
            for lk in range(scheme.likelihood_levels, 0, -1)]
    outside = sum(n for (lk, im), n in counts.items() if not scheme.fits(lk, im))
    return Grid(which=which, scheme=scheme, rows=rows, outside=outside, filters=dict(filters or {}))


def heat_map(scheme: Scheme, include_closed: bool = False, category: str | None = None,
             filters: dict | None = None) -> dict[str, Grid]:
    """Both sides: {"inherent": Grid, "residual": Grid}."""
    return {side: build(side, scheme, include_closed, category, filters) for side in SIDES}


@dataclass(frozen=True)
class LevelTotal:
    level: Level
    inherent: int
    residual: int


def level_totals(grids: dict[str, Grid]) -> list[LevelTotal]:
    """Risks per level, inherent beside residual, highest level first."""
    inherent, residual = grids["inherent"].by_level(), grids["residual"].by_level()
    scheme = grids["inherent"].scheme
    return [LevelTotal(level, inherent[level.rank], residual[level.rank])
            for level in reversed(scheme.levels)]
