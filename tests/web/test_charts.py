"""The geometry of the quarterly report's SVG charts (lpse_web/web/charts.py): pure
functions of a reports.tables.Chart, so no app and no database. The expected numbers are
worked out by hand from the module's constants (WIDTH 640, LEFT 52, RIGHT 12, TOP 14,
PLOT_HEIGHT 200, ...): with no legend the plot runs from y 28 to 228, with one legend row
from 46 to 246; n labels share a slot of 576 / n."""

import math

import pytest

from lpse_web.reports.tables import Chart, Column, Series, Table
from lpse_web.web.charts import (
    CHAR_WIDTH,
    LABEL_CHARS,
    LEFT,
    PALETTE,
    SLANT,
    TICKS,
    TOP,
    _cut,
    _legend,
    _slanted_limit,
    bar_chart,
    geometry,
    line_chart,
    places,
    scale,
    value_kind,
)


def bars(labels, *series, unit=""):
    return Chart("bars", "Judul", "tabel", list(labels), [Series(name, values) for name, values in series],
                 unit=unit)


def lines(labels, *series):
    return Chart("lines", "Judul", "tabel", list(labels), [Series(name, values) for name, values in series])


# --- the value axis ---------------------------------------------------------------------

@pytest.mark.parametrize(("values", "whole", "headroom", "expected"), [
    ([], False, 0.0, (0, 1, 0.2)),  # nothing: 0..1, in five steps of 0.2
    ([], True, 0.0, (0, 1, 1)),  # counts: no step under 1
    ([0, None, 0], False, 0.0, (0, 1, 0.2)),  # all zeros (None ignored): no division by zero
    ([None, None], True, 0.0, (0, 1, 1)),
    ([7], True, 0.0, (0, 8, 2)),  # span 7 / 5 = 1.4 -> step 2, top rounded up to 8
    ([3], True, 0.0, (0, 3, 1)),  # 0.6 -> 1
    ([1, 2], True, 0.0, (0, 2, 1)),  # 0.4 -> 0.5, but a count's step is at least 1
    ([0.45, 0.8], False, 0.0, (0, 0.8, 0.2)),  # shares
    ([10], False, 0.1, (0, 12.5, 2.5)),  # headroom: 11 / 5 = 2.2 -> 2.5, 11 -> 12.5
    ([100], False, 0.1, (0, 125, 25)),
    ([-3], False, 0.0, (-3, 0, 1)),  # all negative: the axis ends at zero
    ([-5], False, 0.1, (-5, 0, 1)),  # no headroom added above a top of zero
    ([4, -2], False, 0.0, (-2, 4, 2)),  # 6 / 5 = 1.2 -> 2
])
def test_scale(values, whole, headroom, expected):
    """(low, high, step) holds every value and zero, in round steps."""
    assert scale(values, whole=whole, headroom=headroom) == pytest.approx(expected)


@pytest.mark.parametrize("values", [
    [1], [7], [13], [99], [101], [0.37], [0.045, 0.9], [1234, 17], [-8], [-0.3, -7]])
@pytest.mark.parametrize("whole", [False, True])
def test_scale_holds_zero_and_every_value_in_at_most_ticks_steps(values, whole):
    """The axis spans zero and all values, in a whole number of at most TICKS steps."""
    low, high, step = scale(values, whole=whole)
    assert low <= min([0, *values]) and high >= max([0, *values])
    steps = (high - low) / step
    assert steps == pytest.approx(round(steps)) and 1 <= round(steps) <= TICKS
    if whole:
        assert step >= 1 and step == int(step)


def test_mixed_sign_axis_keeps_at_most_ticks_steps():
    """TICKS says 'at most this many steps on the value axis', also across zero."""
    low, high, step = scale([-1, 9])
    assert round((high - low) / step) <= TICKS


@pytest.mark.parametrize(("step", "percent", "expected"), [
    (1, False, 0), (25, False, 0), (0.2, False, 1), (0.25, False, 2), (2.5, False, 1), (0.001, False, 3),
    (1e-6, False, 4),  # at most four decimals
    (0.2, True, 0),  # 20 %
    (0.025, True, 1),  # 2.5 %
    (0.005, True, 1),  # 0.5 %
    (0.0025, True, 2),
])
def test_places(step, percent, expected):
    """Tick labels get the decimals their step needs, counted in % for shares."""
    assert places(step, percent) == expected


# --- labels -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Jan", LABEL_CHARS, "Jan"),
    ("x" * LABEL_CHARS, LABEL_CHARS, "x" * LABEL_CHARS),  # exactly at the limit: whole
    ("x" * (LABEL_CHARS + 1), LABEL_CHARS, "x" * (LABEL_CHARS - 1) + "…"),
    ("abcd efgh", 6, "abcd…"),  # no space left before the ellipsis
    ("Layanan konsultasi", 10, "Layanan k…"),
])
def test_cut(text, limit, expected):
    """A long label is cut to `limit` characters, the last one an ellipsis."""
    assert _cut(text, limit) == expected
    assert len(_cut(text, limit)) <= limit


@pytest.mark.parametrize(("x", "expected"), [
    (52, 9),  # (52 - 2) / (6.4 * cos 35°) = 50 / 5.2426 = 9.5
    (76, 14),  # 74 / 5.2426 = 14.1
    (124, 23),  # 122 / 5.2426 = 23.3
    (1000, LABEL_CHARS),  # never more than an upright label may hold
])
def test_slanted_limit(x, expected):
    """The characters a slanted label ending at x may hold."""
    assert _slanted_limit(x) == expected


def test_long_label_is_cut_on_the_axis_and_kept_whole():
    """Two labels have room upright: a long one is cut to LABEL_CHARS, its full text kept."""
    long = "Pendampingan penyusunan dokumen pemilihan"
    frame = bar_chart(bars(["Jan", long], ("Kunjungan", [1, 2])))
    assert not frame.slanted
    assert [label.text for label in frame.labels] == ["Jan", "Pendampingan penyusunan…"]
    assert [label.full for label in frame.labels] == ["Jan", long]
    assert len(frame.labels[1].text) == LABEL_CHARS
    assert [bar.label for bar in frame.bars] == ["Jan", long]  # a bar's tooltip has the whole label


@pytest.mark.parametrize(("length", "slanted", "height"), [(6, False, 256), (7, True, 306)])
def test_labels_slant_when_they_do_not_fit_their_slot(length, slanted, height):
    """12 labels get 48 px each: 6 characters (38.4 px) fit in 48 - 6, 7 (44.8 px) do not."""
    frame = bar_chart(bars(["x" * length] * 12, ("A", [1] * 12)))
    assert frame.slot == 48
    assert frame.slanted is slanted
    assert frame.height == height  # 28 + 200 + 28, or + 78 under slanted labels


def test_slanted_labels_fit_between_the_left_edge_and_their_x():
    """A slanted label's cut text runs no further left than 2 px from the drawing's edge."""
    texts = [f"Layanan konsultasi pengadaan nomor {i}" for i in range(12)]
    frame = bar_chart(bars(texts, ("A", [1] * 12)))
    assert frame.slanted
    assert [label.x for label in frame.labels[:3]] == [76, 124, 172]
    assert [label.text for label in frame.labels[:3]] == [
        "Layanan konsu…", "Layanan konsultasi pen…", "Layanan konsultasi peng…"]  # 14, 23, 24 characters
    for label in frame.labels:
        assert len(label.text) * CHAR_WIDTH * math.cos(math.radians(SLANT)) <= label.x - 2
        assert len(label.text) <= LABEL_CHARS
        assert label.full in texts
    assert [label.full for label in frame.labels] == texts


def test_slanted_labels_stay_above_the_drawings_bottom():
    """A slanted label's start (its lowest point) lies inside the drawing."""
    frame = bar_chart(bars([f"Layanan konsultasi pengadaan nomor {i}" for i in range(12)], ("A", [1] * 12)))
    for label in frame.labels:
        drop = len(label.text) * CHAR_WIDTH * math.sin(math.radians(SLANT))
        assert frame.bottom + 14 + drop <= frame.height


# --- the legend -------------------------------------------------------------------------

def test_no_legend_for_a_single_series():
    """One series: the chart's title says what it is, and the plot starts higher."""
    assert _legend([], 640) == [] and _legend(["Kunjungan"], 640) == []
    assert bar_chart(bars(["Jan"], ("Kunjungan", [1]))).top == TOP + 14


def test_legend_wraps_into_rows_within_the_width():
    """Each item takes 18 + 6.4 x characters + 16 px; one that would pass 640 - 12 opens a row."""
    items = _legend(["A" * 10] * 6, 640)  # 98 px each: 52, 150, 248, 346, 444 (ends at 542), then 640 > 628
    assert [(item.x, item.y) for item in items] == [
        (52, 14), (150, 14), (248, 14), (346, 14), (444, 14), (52, 32)]
    assert [item.colour for item in items] == list(PALETTE[:6])
    assert all(item.x + 18 + CHAR_WIDTH * 10 + 16 <= 640 - 12 for item in items)


def test_legend_colours_cycle_and_a_too_long_name_keeps_its_row_start():
    """A name wider than the drawing still starts its own row at LEFT; colours repeat past the palette."""
    items = _legend(["x" * 200, "y"] + ["z"] * len(PALETTE), 640)
    assert (items[0].x, items[0].y) == (LEFT, TOP)  # not pushed to a row of its own below an empty one
    assert (items[1].x, items[1].y) == (LEFT, TOP + 18)
    assert items[len(PALETTE)].colour == PALETTE[0]


# --- bars -------------------------------------------------------------------------------

def test_bar_chart_geometry_by_hand():
    """Counts over three months, one gap: axis 0..10 in steps of 2, bars from zero_y up to y_of(value)."""
    frame = bar_chart(bars(["Jan", "Feb", "Mar"], ("Kunjungan", [4, None, 8])), kind="int")
    # no legend: top 28, bottom 228, height 256; headroom 0.1: 8.8 / 5 = 1.76 -> step 2, top 10
    assert (frame.top, frame.bottom, frame.height, frame.low, frame.high) == (28, 228, 256, 0, 10)
    assert frame.zero_y == 228 and frame.tick_places == 0
    assert [(t.value, t.y) for t in frame.ticks] == [
        (0, 228), (2, 188), (4, 148), (6, 108), (8, 68), (10, 28)]
    assert [label.x for label in frame.labels] == [148, 340, 532]  # 52 + 192 x (i + 0.5)
    assert [(bar.label, bar.value) for bar in frame.bars] == [("Jan", 4), ("Mar", 8)]  # no bar for None
    jan, mar = frame.bars
    assert (jan.y, jan.height, jan.y + jan.height) == (148, 80, 228)
    assert (mar.y, mar.height) == (68, 160)
    # the group is 80 % of the 192 px slot: 153.6 px from 52 + 19.2, less 1 px on each side
    assert (jan.x, jan.width) == (pytest.approx(72.2), pytest.approx(151.6))
    assert (jan.text_x, jan.text_y) == (148, 144)  # centred, 4 px over the bar
    assert not frame.small_values and not frame.empty


def test_grouped_bars_sit_side_by_side_in_their_slot():
    """Two series: a legend row, bars of 115.2 px each, the second next to the first; None is no bar."""
    frame = bar_chart(bars(["Q1", "Q2"], ("Inheren", [1, 2]), ("Residual", [3, None])))
    assert (frame.top, frame.bottom) == (46, 246)
    assert [(b.series, b.label, b.colour) for b in frame.bars] == [
        ("Inheren", "Q1", PALETTE[0]), ("Inheren", "Q2", PALETTE[0]), ("Residual", "Q1", PALETTE[1])]
    first, _second, other = frame.bars
    assert first.x == pytest.approx(52 + 28.8 + 1) and other.x == pytest.approx(52 + 28.8 + 115.2 + 1)
    for bar in frame.bars:
        assert bar.y == pytest.approx(frame.y_of(bar.value))
        assert bar.y + bar.height == pytest.approx(frame.zero_y)


def test_zero_is_a_bar_none_is_not():
    """A zero is drawn (height 0 at the zero line); a chart of only None is empty."""
    zero = bar_chart(bars(["Jan", "Feb"], ("A", [0, None])))
    assert [(bar.value, bar.height, bar.y) for bar in zero.bars] == [(0, 0, zero.zero_y)]
    assert not zero.empty
    gaps = bar_chart(bars(["Jan", "Feb"], ("A", [None, None])))
    assert gaps.bars == [] and gaps.empty
    assert (gaps.low, gaps.high) == (0, 1)


def test_negative_bars_go_below_zero():
    """A negative bar hangs from zero_y down to y_of(value); its number is written under it."""
    frame = bar_chart(bars(["A", "B"], ("Selisih", [-4, 6])), kind="dec1")
    # headroom: 6 + 10 x 0.1 = 7, span 11 -> 2.5: axis -5..7.5
    assert (frame.low, frame.high) == (-5, 7.5)
    down, up = frame.bars
    assert frame.top < frame.zero_y < frame.bottom
    assert down.y == pytest.approx(frame.zero_y) and down.y + down.height == pytest.approx(frame.y_of(-4))
    assert down.text_y == pytest.approx(down.y + down.height + 12)
    assert up.y + up.height == pytest.approx(frame.zero_y) and up.text_y == pytest.approx(up.y - 4)


def test_narrow_bars_write_their_numbers_upright_with_more_headroom():
    """12 labels x 3 series: 48 x 0.8 / 3 = 12.8 px bars, under 26: upright numbers, 22 % headroom."""
    frame = bar_chart(bars([str(m) for m in range(1, 13)], *[(s, [10] * 12) for s in "ABC"]), kind="dec1")
    assert frame.small_values
    assert frame.high >= 10 * 1.22
    assert len(frame.bars) == 36
    wide = bar_chart(bars(["Q1", "Q2"], ("A", [10, 10])), kind="dec1")
    assert not wide.small_values


# --- lines ------------------------------------------------------------------------------

def test_line_chart_breaks_at_none():
    """None drops the point and breaks the line; a lone point has no polyline."""
    frame = line_chart(lines(["Q1", "Q2", "Q3", "Q4", "Q5"], ("A", [2, 4, None, 8, None]), ("B", [1] * 5)),
                       kind="dec2")
    # legend row: plot 46..246; headroom: 8.8 -> step 2, axis 0..10; slots of 115.2 px
    assert (frame.top, frame.bottom, frame.low, frame.high) == (46, 246, 0, 10)
    a, b = frame.lines
    assert [(p.label, p.value, p.x, p.y) for p in a.points] == [
        ("Q1", 2, pytest.approx(109.6), 206), ("Q2", 4, pytest.approx(224.8), 166),
        ("Q4", 8, pytest.approx(455.2), 86)]
    assert a.segments == ["109.6,206.0 224.8,166.0"]  # Q4 alone: a point, no line to it
    assert len(b.points) == 5 and len(b.segments) == 1 and b.colour == PALETTE[1]
    assert all(p.y == pytest.approx(frame.y_of(p.value)) for p in a.points + b.points)


def test_frame_y_of_and_ticks_are_evenly_spaced():
    """y_of maps low to the bottom and high to the top, linearly; ticks step evenly from low to high."""
    frame = line_chart(lines(["a", "b", "c"], ("A", [3, 17, 41])), kind="int")
    assert frame.y_of(frame.low) == frame.bottom and frame.y_of(frame.high) == frame.top
    assert frame.y_of((frame.low + frame.high) / 2) == pytest.approx((frame.top + frame.bottom) / 2)
    assert frame.ticks[0].value == frame.low and frame.ticks[-1].value == frame.high
    gaps = {round(a.y - b.y, 6) for a, b in zip(frame.ticks, frame.ticks[1:], strict=False)}
    assert len(gaps) == 1 and len(frame.ticks) - 1 <= TICKS


@pytest.mark.parametrize("kind", ["int", "dec1"])
def test_empty_chart_gets_an_axis_of_zero_to_one(kind):
    """No labels and no series: an empty frame with an axis 0..1 (whole ticks for counts)."""
    frame = line_chart(Chart("lines", "Judul", "tabel"), kind=kind)
    assert frame.empty and frame.labels == [] and frame.legend == []
    assert (frame.low, frame.high) == (0, 1)
    expected = [0, 1] if kind == "int" else [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert [t.value for t in frame.ticks] == pytest.approx(expected)


# --- kinds and geometry -----------------------------------------------------------------

@pytest.mark.parametrize(("kind", "ticks", "tick_places"), [
    ("int", [0, 1, 2, 3], 0),  # headroom 2.2: step 0.5 raised to 1
    ("dec1", [0, 0.5, 1, 1.5, 2, 2.5], 1),
])
def test_counts_get_whole_ticks(kind, ticks, tick_places):
    frame = bar_chart(bars(["Q1", "Q2"], ("A", [1, 2])), kind=kind)
    assert [t.value for t in frame.ticks] == ticks and frame.tick_places == tick_places


def test_shares_get_percent_tick_places():
    """Shares 0..1 ("pct"): the decimals are those of the step in %, 0.5 % -> one, not three."""
    chart = bars(["Q1", "Q2"], ("Bagian", [0.01, 0.012]))
    table = Table("t", "T", [Column("Ruang", "text"), Column("Bagian", "pct")], [])
    frame, kind = geometry(chart, table)
    assert kind == "pct"
    assert (frame.low, frame.high) == pytest.approx((0, 0.015))  # 0.0132 / 5 -> step 0.005
    assert frame.tick_places == 1
    assert bar_chart(chart, kind="dec3").tick_places == 3


@pytest.mark.parametrize(("unit", "columns", "series", "expected"), [
    ("%", [Column("Bagian", "pct")], "Bagian", "dec1"),  # a "%" chart holds percents 0..100
    ("", None, "A", "int"),  # no table
    ("", [Column("Bulan", "text"), Column("Kunjungan"), Column("Rata-rata", "minutes")], "Rata-rata",
     "minutes"),
    ("", [Column("Unsur", "text"), Column("Tanggal", "date"), Column("NRR", "dec3")], "Lain", "dec3"),
    ("", [Column("Unsur", "text"), Column("NRR", "dec2")], "Unsur", "dec2"),  # a text column is no match
    ("", [Column("Unsur", "text")], "Unsur", "int"),
])
def test_value_kind(unit, columns, series, expected):
    """The series' own column, else the table's first number column, else "int"; "%" -> dec1."""
    chart = bars(["x"], (series, [1]), unit=unit)
    table = None if columns is None else Table("t", "T", columns, [])
    assert value_kind(chart, table) == expected


def test_geometry_draws_bars_and_lines_but_not_a_heatmap():
    """bars -> bars, lines -> lines, heatmap -> (None, kind) for the template's own grid."""
    table = Table("t", "T", [Column("Tingkat", "text"), Column("Risiko", "int")], [])
    bar_frame, kind = geometry(bars(["Rendah"], ("Risiko", [3])), table)
    assert kind == "int" and len(bar_frame.bars) == 1 and bar_frame.lines == []
    line_frame, _kind = geometry(lines(["Q1", "Q2"], ("Risiko", [3, 4])), table)
    assert line_frame.bars == [] and len(line_frame.lines[0].points) == 2
    assert geometry(Chart("heatmap", "Peta", "t", grid=object()), table) == (None, "int")
    assert geometry(Chart("heatmap", "Peta", "t", unit="%")) == (None, "dec1")


def test_counts_step_by_round_whole_numbers():
    """A count axis that would step by 2.5 steps by 5 instead (not 3): 0, 5, 10, 15."""
    assert scale([12], whole=True) == (0.0, 15.0, 5.0)
    assert scale([12]) == (0.0, 12.5, 2.5)  # not counts: 2.5 is a round step
