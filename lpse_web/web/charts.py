"""The geometry of the quarterly report's charts, drawn on the server as SVG
(templates/_macros/charts.html): grouped bars and lines over a row of labels. Pure
functions of a reports.tables.Chart: no request, no Babel; the template formats the
numbers (the `cell` filter) and draws what these return.

Why on the server: the report prints and turns into a PDF (WeasyPrint) from the same
HTML, and the strict CSP allows SVG presentation attributes but no script or style.
A value of None is a gap (no bar, a break in the line), never a zero. The value axis
always holds zero; an all-zero or empty chart gets an axis of 0..1 so nothing divides
by zero."""

import math
from dataclasses import dataclass, field

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 28
ROTATED_BOTTOM = 78  # the least room for slanted labels under the axis (more for longer ones)
SLANT = 35  # degrees; templates/_macros/charts.html rotates by -SLANT
LEGEND_ROW = 18
CHAR_WIDTH = 6.4  # an estimate at 11px, for the legend's layout and when to slant labels
LABEL_CHARS = 24  # a longer label is cut on the axis (the table has it whole)
TICKS = 5  # at most this many steps on the value axis
PLOT_HEIGHT = 200
PALETTE = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#546e7a")
AXIS_COLOUR = "#90a4ae"
GRID_COLOUR = "#e0e6ea"
TEXT_COLOUR = "#455a64"


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class Label:
    x: float
    text: str  # as drawn (cut when long)
    full: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    name: str
    colour: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    label: str  # the label (group) it belongs to
    series: str
    colour: str
    text_x: float  # where its value is written
    text_y: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str


@dataclass
class Line:
    name: str
    colour: str
    points: list[Point]
    segments: list[str]  # polyline "x,y x,y" runs; a None value breaks the line


@dataclass
class Frame:
    """What both kinds share: the canvas, the plot area, the axes and the legend."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    zero_y: float
    ticks: list[Tick]
    tick_places: int  # decimals the tick labels need (in the shown unit: % for shares)
    labels: list[Label]
    slanted: bool  # labels drawn at an angle (many or long ones)
    legend: list[LegendItem]
    low: float  # the value axis's ends
    high: float
    slot: float  # the width given to each label
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    small_values: bool = False  # bars too narrow for a level label: write it upright

    def y_of(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value - self.low) / (self.high - self.low)

    @property
    def empty(self) -> bool:
        return not self.bars and not any(line.points for line in self.lines)


def numbers(values) -> list[float]:
    return [float(v) for v in values if v is not None]


def nice_step(span: float, ticks: int = TICKS) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^k step that covers `span` in `ticks` steps."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw - 1e-12:
            return factor * power
    return 10 * power


def scale(values, ticks: int = TICKS, whole: bool = False, headroom: float = 0.0) -> tuple[float, ...]:
    """(low, high, step) of the value axis: round numbers holding every value and zero.
    `whole`: counts, so no step under 1. `headroom`: a share of the span kept free above
    the highest value (room for the labels written over the bars)."""
    found = numbers(values)
    low, high = min([0.0, *found]), max([0.0, *found])
    if low == high:  # nothing but zeros (or nothing): an axis of 0..1
        return 0.0, 1.0, 1.0 if whole else nice_step(1.0, ticks)
    high += (high - low) * headroom if high > 0 else 0.0
    step = nice_step(high - low, ticks)
    while True:
        if whole and step != math.floor(step):  # counts: 1, 2, 5, 10, 20, 25... never 2.5
            step = max(1.0, nice_step(step * ticks * 1.001, ticks))
            continue
        bottom, top = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
        # Across zero each end is rounded outwards on its own and may add a step: take the next.
        if round((top - bottom) / step) <= ticks:
            return bottom, top, step
        step = nice_step(step * ticks * 1.001, ticks)


def places(step: float, percent: bool = False) -> int:
    """Decimals a tick label needs so that neighbouring ticks read differently."""
    if percent:
        step *= 100
    shown = 0
    while shown < 4 and abs(step * 10**shown - round(step * 10**shown)) > 1e-9:
        shown += 1
    return shown


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[:max(limit, 2) - 1].rstrip() + "…"


def _slanted_limit(x: float) -> int:
    """The characters a label slanted at SLANT degrees, ending at `x`, may hold without
    running out of the drawing's left edge (the first labels of a long row)."""
    return min(LABEL_CHARS, int((x - 2) / (CHAR_WIDTH * math.cos(math.radians(SLANT)))))


def _legend(names: list[str], width: int) -> list[LegendItem]:
    """Swatch and name for each series, left to right, wrapping into rows."""
    if len(names) < 2:  # one series: the chart's title says what it is
        return []
    items, x, row = [], float(LEFT), 0
    for index, name in enumerate(names):
        room = 18 + CHAR_WIDTH * len(name) + 16
        if x + room > width - RIGHT and x > LEFT:
            x, row = float(LEFT), row + 1
        items.append(LegendItem(x, TOP + row * LEGEND_ROW, name, PALETTE[index % len(PALETTE)]))
        x += room
    return items


def _frame(chart, width: int, kind: str, headroom: float) -> Frame:
    labels = [str(label) for label in chart.labels]
    names = [str(series.name) for series in chart.series]
    legend = _legend(names, width)
    top = (legend[-1].y + LEGEND_ROW if legend else TOP) + 14  # the unit is written above the axis
    slot = (width - LEFT - RIGHT) / max(len(labels), 1)
    slanted = any(len(_cut(text)) * CHAR_WIDTH > slot - 6 for text in labels)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    axis = [Label(x, _cut(text, _slanted_limit(x) if slanted else LABEL_CHARS), text)
            for x, text in zip(xs, labels, strict=True)]
    # Slanted labels hang below the axis by their length: room for the longest one.
    drop = max((len(label.text) for label in axis), default=0) * CHAR_WIDTH * math.sin(math.radians(SLANT))
    bottom_margin = max(ROTATED_BOTTOM, math.ceil(14 + drop + 4)) if slanted else BOTTOM
    height = round(top + PLOT_HEIGHT + bottom_margin)
    bottom = top + PLOT_HEIGHT
    low, high, step = scale([v for series in chart.series for v in series.values],
                            whole=kind == "int", headroom=headroom)
    frame = Frame(width, height, LEFT, width - RIGHT, top, bottom, 0.0, [], places(step, kind == "pct"),
                  axis, slanted, legend, low, high, slot)
    frame.zero_y = frame.y_of(0.0)
    steps = round((high - low) / step)
    frame.ticks = [Tick(frame.y_of(low + i * step), low + i * step) for i in range(steps + 1)]
    return frame


def bar_chart(chart, width: int = WIDTH, kind: str = "int") -> Frame:
    """Grouped bars: one group per label, one bar per series in it. `kind` is how the
    numbers are shown (counts get whole ticks; shares, percent ticks)."""
    series = chart.series
    slot = (width - LEFT - RIGHT) / max(len(chart.labels), 1)
    upright = slot * 0.8 / max(len(series), 1) < 26  # narrow bars: their labels are written upright
    frame = _frame(chart, width, kind, 0.22 if upright else 0.1)
    inner = frame.slot * 0.8  # a gap between the groups
    bar_width = inner / max(len(series), 1)
    frame.small_values = upright
    for s_index, one in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for l_index, value in enumerate(one.values):
            if value is None or l_index >= len(frame.labels):
                continue
            value = float(value)
            x = frame.left + frame.slot * l_index + (frame.slot - inner) / 2 + bar_width * s_index
            y_value, y_zero = frame.y_of(value), frame.zero_y
            top, height = min(y_value, y_zero), abs(y_zero - y_value)
            text_y = top - 4 if value >= 0 else top + height + 12
            frame.bars.append(Bar(x + 1, top, max(bar_width - 2, 1), height, value,
                                  frame.labels[l_index].full, one.name, colour, x + bar_width / 2, text_y))
    return frame


def line_chart(chart, width: int = WIDTH, kind: str = "int") -> Frame:
    """One line per series over the labels; a point per value, a gap for None."""
    frame = _frame(chart, width, kind, 0.1)
    for s_index, one in enumerate(chart.series):
        points, segments, run = [], [], []
        for l_index, value in enumerate(one.values):
            if l_index >= len(frame.labels):
                break
            if value is None:
                if run:
                    segments.append(run)
                run = []
                continue
            label = frame.labels[l_index]
            point = Point(label.x, frame.y_of(float(value)), float(value), label.full)
            points.append(point)
            run.append(point)
        if run:
            segments.append(run)
        paths = [" ".join(f"{p.x:.1f},{p.y:.1f}" for p in part) for part in segments if len(part) > 1]
        frame.lines.append(Line(one.name, PALETTE[s_index % len(PALETTE)], points, paths))
    return frame


def value_kind(chart, table) -> str:
    """The column kind the chart's numbers are shown in. A chart in "%" holds percents
    (0..100; its table may keep the shares): one decimal. Else the kind of the table
    column named like a series, else of the table's first number column, else "int"."""
    if chart.unit == "%":
        return "dec1"
    if table is None:
        return "int"
    by_title = {column.title: column.kind for column in table.columns}
    for series in chart.series:
        if by_title.get(series.name, "text") != "text":
            return by_title[series.name]
    return next((column.kind for column in table.columns if column.kind not in ("text", "date")), "int")


def geometry(chart, table=None, width: int = WIDTH) -> tuple[Frame | None, str]:
    """(frame, kind) for the template: the drawing of a "bars" or "lines" chart and the
    kind its numbers are formatted in; (None, kind) for any other kind."""
    kind = value_kind(chart, table)
    if chart.kind == "bars":
        return bar_chart(chart, width, kind), kind
    if chart.kind == "lines":
        return line_chart(chart, width, kind), kind
    return None, kind
