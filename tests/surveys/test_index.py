"""The index of ../shared/SKM.md, checked against figures worked out by hand: exactly 1/9,
x 25, the half-open grade bands, display rounding, and Krejcie & Morgan. Pure: no
database (surveys/index.py never reads one)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from lpse_web.surveys.index import (
    WEIGHT,
    Index,
    grade_of,
    krejcie_morgan,
    shown,
    shown_index,
)

# Twelve completed questionnaires, U1..U9 (a realistic LPSE counter: U4 "Gratis" for all,
# U3 waiting time the weakest).
#              U1 U2 U3 U4 U5 U6 U7 U8 U9    row total
MIXED = [
    (3, 3, 2, 4, 3, 3, 4, 3, 3),  # 28
    (3, 3, 3, 4, 3, 4, 4, 3, 3),  # 30
    (3, 2, 2, 4, 3, 3, 3, 2, 3),  # 25
    (3, 3, 2, 4, 3, 3, 4, 3, 2),  # 27
    (3, 3, 3, 4, 3, 3, 4, 3, 3),  # 29
    (2, 3, 2, 4, 3, 3, 3, 3, 2),  # 25
    (3, 3, 3, 4, 3, 4, 3, 3, 4),  # 30
    (3, 3, 2, 4, 3, 3, 4, 2, 3),  # 27
    (3, 2, 3, 4, 3, 3, 3, 3, 3),  # 27
    (4, 3, 3, 4, 4, 3, 4, 3, 3),  # 31
    (3, 3, 2, 4, 3, 3, 3, 2, 2),  # 25
    (3, 3, 2, 4, 3, 3, 3, 3, 3),  # 27
]
# Sums per unsur, column by column:
#   U1 3+3+3+3+3+2+3+3+3+4+3+3 = 36      U6 3+4+3+3+3+3+4+3+3+3+3+3 = 38
#   U2 3+3+2+3+3+3+3+3+2+3+3+3 = 34      U7 4+4+3+4+4+3+3+4+3+4+3+3 = 42
#   U3 2+3+2+2+3+2+3+2+3+3+2+2 = 29      U8 3+3+2+3+3+3+3+2+3+3+2+3 = 33
#   U4 12 x 4                  = 48      U9 3+3+3+2+3+2+4+3+3+3+2+3 = 34
#   U5 3+3+3+3+3+3+3+3+3+4+3+3 = 37
#   all nine: 36+34+29+48+37+38+42+33+34 = 331 (= the row totals 28+30+...+27)
MIXED_SUMS = (36, 34, 29, 48, 37, 38, 42, 33, 34)
# NRR = sum / 12:      3, 17/6, 29/12, 4, 37/12, 19/6, 7/2, 11/4, 17/6
MIXED_NRR = (Fraction(3), Fraction(17, 6), Fraction(29, 12), Fraction(4), Fraction(37, 12),
             Fraction(19, 6), Fraction(7, 2), Fraction(11, 4), Fraction(17, 6))
# NRR tertimbang = NRR / 9 = sum / 108:
#   1/3, 17/54, 29/108, 4/9, 37/108, 19/54, 7/18, 11/36, 17/54
MIXED_WEIGHTED = (Fraction(1, 3), Fraction(17, 54), Fraction(29, 108), Fraction(4, 9), Fraction(37, 108),
                  Fraction(19, 54), Fraction(7, 18), Fraction(11, 36), Fraction(17, 54))
# IKM = 331 / 108 = 3.0648148...; IKM x 25 = 8275 / 108 = 76.6203703... -> 76.62, B (>= 76.61)
MIXED_IKM = Fraction(331, 108)
MIXED_CONVERTED = Fraction(8275, 108)
# With the rounded weight 0.111 (as some published reports do):
#   sum of NRR = 331/12 = 27.58333...; x 0.111 = 3.06175; x 25 = 76.54375 -> 76.54, C.
# The same answers would be published one grade lower.
BIASED_CONVERTED = Decimal("76.54375")


def test_the_weight_is_exactly_one_ninth():
    assert Fraction(1, 9) == WEIGHT
    assert Fraction("0.111") != WEIGHT and WEIGHT * 9 == 1


def test_all_fours_is_100_grade_a():
    index = Index.of([[4] * 9] * 5)
    assert index.respondents == 5
    assert index.sums == (20,) * 9
    assert index.nrr == (Fraction(4),) * 9
    assert index.weighted == (Fraction(4, 9),) * 9
    assert index.ikm == 4
    assert index.converted == 100
    assert str(shown_index(index.converted)) == "100.00"
    assert str(shown(index.converted)) == "100.00"
    assert (index.grade, index.kinerja) == ("A", "Sangat baik")


def test_all_ones_is_25_grade_d():
    index = Index.of([[1] * 9] * 3)
    assert index.ikm == 1
    assert index.converted == 25
    assert str(shown_index(index.converted)) == "25.00"
    assert (index.grade, index.kinerja) == ("D", "Tidak baik")


def test_a_mixed_set_of_twelve_questionnaires():
    index = Index.of(MIXED)
    assert index.respondents == 12
    assert index.sums == MIXED_SUMS
    assert index.nrr == MIXED_NRR
    assert index.weighted == MIXED_WEIGHTED
    assert index.ikm == MIXED_IKM
    assert index.converted == MIXED_CONVERTED
    assert shown_index(index.converted) == Decimal("76.62")
    assert shown(index.ikm, 4) == Decimal("3.0648")
    # What the report shows per unsur (NRR and NRR tertimbang, two and three places):
    assert [shown(v) for v in index.nrr] == [Decimal(s) for s in (
        "3.00", "2.83", "2.42", "4.00", "3.08", "3.17", "3.50", "2.75", "2.83")]
    assert [shown(v, 3) for v in index.weighted] == [Decimal(s) for s in (
        "0.333", "0.315", "0.269", "0.444", "0.343", "0.352", "0.389", "0.306", "0.315")]
    assert (index.grade, index.kinerja) == ("B", "Baik")


def test_the_same_index_from_sql_style_sums():
    """Reports feed Index the count and nine sums (SQL aggregates), not the rows."""
    assert Index(12, MIXED_SUMS) == Index.of(MIXED)
    assert Index(12, MIXED_SUMS).converted == MIXED_CONVERTED


def test_the_rounded_weight_would_bias_the_figure_and_the_app_does_not():
    index = Index.of(MIXED)
    rounded = sum((Decimal(s) / 12 * Decimal("0.111") for s in MIXED_SUMS), Decimal(0)) * 25
    assert rounded.quantize(Decimal("0.00001")) == BIASED_CONVERTED
    assert grade_of(rounded) == ("C", "Kurang baik")  # biased down a grade ...
    assert shown_index(index.converted) != rounded.quantize(Decimal("0.01"))
    assert grade_of(index.converted) == ("B", "Baik")  # ... which exactly 1/9 does not do
    # 0.11 is worse still: 9 x 0.11 = 0.99, so even all-4s would read 99.00.
    all_fours = sum((Decimal(4) * Decimal("0.11") for _ in range(9)), Decimal(0)) * 25
    assert all_fours == Decimal("99.00")
    assert Index.of([[4] * 9]).converted == 100


@pytest.mark.parametrize(("value", "grade", "kinerja"), [
    ("25", "D", "Tidak baik"),
    ("64.99", "D", "Tidak baik"),
    ("64.999", "D", "Tidak baik"),  # inside the published gap: still D, not ungraded
    ("65.00", "C", "Kurang baik"),
    ("76.60", "C", "Kurang baik"),
    ("76.605", "C", "Kurang baik"),
    ("76.6099", "C", "Kurang baik"),
    ("76.61", "B", "Baik"),
    ("88.30", "B", "Baik"),
    ("88.305", "B", "Baik"),
    ("88.31", "A", "Sangat baik"),
    ("100", "A", "Sangat baik"),
])
def test_grade_band_edges(value, grade, kinerja):
    assert grade_of(Decimal(value)) == (grade, kinerja)
    assert grade_of(Fraction(value)) == (grade, kinerja)
    assert grade_of(value) == (grade, kinerja)


def test_a_float_grades_by_its_written_value():
    # Fraction(76.61) is 76.6099999...: graded naively that would be C.
    assert Fraction(76.61) < Fraction("76.61")
    assert grade_of(76.61) == ("B", "Baik")
    assert grade_of(88.31) == ("A", "Sangat baik")
    assert grade_of(65.0) == ("C", "Kurang baik")


def test_the_ikm_table_agrees_with_the_converted_bands():
    """SKM.md's IKM column (1-4) x 25 lands in the same grade as the converted column."""
    assert grade_of(Fraction("2.5996") * 25) == ("D", "Tidak baik")  # 64.99
    assert grade_of(Fraction("2.60") * 25) == ("C", "Kurang baik")  # 65.00
    assert grade_of(Fraction("3.064") * 25) == ("C", "Kurang baik")  # 76.60
    assert grade_of(Fraction("3.0644") * 25) == ("B", "Baik")  # 76.61
    assert grade_of(Fraction("3.532") * 25) == ("B", "Baik")  # 88.30
    assert grade_of(Fraction("3.5324") * 25) == ("A", "Sangat baik")  # 88.31


def test_shown_index_rounds_half_up_but_never_over_a_band_edge():
    assert shown_index(Fraction("84.5278")) == Decimal("84.53")  # as a spreadsheet shows it
    assert shown_index(Fraction(725, 9)) == Decimal("80.56")  # 80.5555...
    assert shown_index(Fraction("77.775")) == Decimal("77.78")
    edge = Fraction("76.605")  # rounds to 76.61, a B: cut to 76.60, the C it is
    assert shown_index(edge) == Decimal("76.60")
    assert shown(edge) == Decimal("76.61")
    assert shown(Fraction("76.604999")) == Decimal("76.60")
    assert shown(Fraction("2.125")) == Decimal("2.13")  # half up, not banker's (2.12)
    assert shown(Fraction("2.135")) == Decimal("2.14")
    assert shown(Fraction(2, 3)) == Decimal("0.67")
    assert shown(Fraction(1, 3), 3) == Decimal("0.333")
    assert shown(Fraction(7)) == Decimal("7.00")
    assert shown_index(Fraction(8831, 100) - Fraction(1, 10**6)) == Decimal("88.30")


def test_display_rounding_is_exact_not_at_28_digits():
    """A Decimal division rounds at 28 significant digits before the display rounding:
    76.61 - 1e-40 would read 76.61 (B) for an exact value graded C."""
    below_b = Fraction(7661, 100) - Fraction(1, 10**40)
    assert grade_of(below_b) == ("C", "Kurang baik")
    assert shown_index(below_b) == Decimal("76.60")
    assert grade_of(shown_index(below_b)) == ("C", "Kurang baik")
    assert shown(Fraction("2.125") - Fraction(1, 10**40)) == Decimal("2.12")
    assert shown(Fraction("2.125")) == Decimal("2.13")
    assert shown(Fraction("-2.125")) == Decimal("-2.13")  # half up is away from zero, as Decimal's


@pytest.mark.parametrize("converted", [
    Fraction("76.605"), Fraction("76.6099"), Fraction("64.995"), Fraction("64.9999"),
    Fraction("88.305"), Fraction("88.3099"), Fraction(8275, 108), Fraction(100), Fraction(25),
])
def test_the_figure_shown_has_the_grade_of_the_exact_value(converted):
    assert grade_of(shown_index(converted)) == grade_of(converted)


def test_ranked_weakest_first_ties_in_the_regulations_order():
    # NRR: U3 29 < U8 33 < U2 34 = U9 34 < U1 36 < U5 37 < U6 38 < U7 42 < U4 48
    assert Index.of(MIXED).ranked() == [2, 7, 1, 8, 0, 4, 5, 6, 3]
    # Everything equal: the regulation's order U1..U9.
    assert Index.of([[3] * 9] * 4).ranked() == list(range(9))
    # A three-way tie at the bottom keeps U2, U5, U9 in that order; U1 the strongest.
    index = Index(2, (8, 4, 6, 6, 4, 7, 6, 5, 4))
    assert index.ranked() == [1, 4, 8, 7, 2, 3, 6, 5, 0]


def test_an_empty_set_has_no_grade():
    index = Index.of([])
    assert index.empty and index.respondents == 0
    assert index.nrr == (Fraction(0),) * 9
    assert index.ikm == 0
    assert index.grade is None and index.kinerja is None


@pytest.mark.parametrize(("population", "sample"), [
    (10, 10), (50, 44), (100, 80), (500, 217), (1_000, 278), (10_000, 370),
    # More rows of the published Krejcie & Morgan (1970) table:
    (1, 1), (20, 19), (200, 132), (2_000, 322), (1_000_000, 384),
    # SKM.md's formula, worked by hand: 96025 / 250.95775 = 382.63 (the 1970 table prints 384)
    (100_000, 383),
])
def test_krejcie_morgan(population, sample):
    assert krejcie_morgan(population) == sample


def test_krejcie_morgan_never_above_384_nor_the_population():
    for population in [*range(1, 3001), 10**5, 10**6, 10**7, 10**9, 10**12]:
        sample = krejcie_morgan(population)
        assert sample <= 384
        assert sample <= population
    assert krejcie_morgan(10**12) == 384


def test_krejcie_morgan_of_nobody_is_zero():
    assert krejcie_morgan(0) == 0
    assert krejcie_morgan(-5) == 0
