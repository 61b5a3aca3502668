"""A risk's score history as a small SVG line chart drawn on the server (no chart
library, no script: the strict CSP allows SVG presentation attributes, not styles).

A score holds from the moment it was recorded until the next one, so each series is a
step line: flat until the next assessment, then straight up or down; the last value is
held until now. The risk appetite in force is a dashed horizontal line. The template
draws the returned geometry; the same numbers are in a table under the chart."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 14, 12, 30
INHERENT_COLOUR = "#8d6e63"  # brown: before controls
RESIDUAL_COLOUR = "#1565c0"  # blue: after controls (the one that counts)
APPETITE_COLOUR = "#c62828"
GRID_COLOUR = "#cfd8dc"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    score: int
    at: datetime


@dataclass
class Series:
    name: str  # "inherent" / "residual"
    colour: str
    path: str  # an SVG path ("M x y H x V y ...")
    points: list[Point] = field(default_factory=list)


@dataclass
class ScoreChart:
    width: int
    height: int
    series: list[Series]
    appetite: int
    appetite_y: float
    y_ticks: list[tuple[float, int]]  # (y, score)
    x_ticks: list[tuple[float, datetime]]  # (x, instant): the template formats the date
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def first(self) -> Series:
        return self.series[0]


def _step(points: list[Point], end_x: float) -> str:
    if not points:
        return ""
    parts = [f"M {points[0].x:.1f} {points[0].y:.1f}"]
    for point in points[1:]:
        parts.append(f"H {point.x:.1f} V {point.y:.1f}")
    parts.append(f"H {end_x:.1f}")
    return " ".join(parts)


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10):
        if top / step <= 6:
            return step
    return 10


def score_chart(rows, appetite: int, max_score: int, now: datetime) -> ScoreChart | None:
    """The chart of `rows` (RiskScore, oldest first) up to `now`; None when there is none.
    `max_score` is the top of the y axis (the largest score any scheme used allows)."""
    rows = list(rows)
    if not rows:
        return None
    start = rows[0].at
    end = max(now, rows[-1].at)
    if end - start < timedelta(days=4):  # a short history: at least a day per axis tick,
        end = start + timedelta(days=4)  # so no date is printed twice
    span = (end - start).total_seconds()
    top = max(max_score, appetite, *(r.inherent_score for r in rows), *(r.residual_score for r in rows))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(at: datetime) -> float:
        return LEFT + plot_w * (at - start).total_seconds() / span

    def y_of(score: float) -> float:
        return TOP + plot_h * (1 - score / top)

    series = []
    for name, colour in (("inherent", INHERENT_COLOUR), ("residual", RESIDUAL_COLOUR)):
        points = [Point(x_of(r.at), y_of(getattr(r, f"{name}_score")), getattr(r, f"{name}_score"), r.at)
                  for r in rows]
        series.append(Series(name, colour, _step(points, LEFT + plot_w), points))
    step = _tick_step(top)
    y_ticks = [(y_of(v), v) for v in range(0, top + 1, step)]
    x_ticks = [(x_of(start + (end - start) * i / 4), start + (end - start) * i / 4) for i in range(5)]
    return ScoreChart(WIDTH, HEIGHT, series, appetite, y_of(appetite), y_ticks, x_ticks)
