"""The index of SKM.md, computed exactly: Fractions all the way, rounded only when a
value is shown. Nothing here reads the database; `surveys/report.py` feeds it the sums
that SQL aggregates.

    NRR per unsur         = sum of its scores / completed questionnaires
    NRR tertimbang        = NRR x 1/9      (never 0.111: 9 x 0.111 = 0.999 biases it)
    IKM                   = sum of the nine NRR tertimbang          (1..4)
    IKM unit pelayanan    = IKM x 25                                (25..100)
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from lpse_web.surveys.models import UNSUR_COUNT

WEIGHT = Fraction(1, UNSUR_COUNT)
CONVERSION = 25

# Half-open bands on the converted value, so every value has exactly one grade
# (the published table leaves gaps between 64.99 and 65.00, 76.60 and 76.61, ...).
# (lower bound, grade, mutu / kinerja unit)
BANDS = (
    (Fraction(8831, 100), "A", _l("Sangat baik")),
    (Fraction(7661, 100), "B", _l("Baik")),
    (Fraction(65), "C", _l("Kurang baik")),
    (Fraction(25), "D", _l("Tidak baik")),
)


def grade_of(converted: Fraction | Decimal | int | float | str) -> tuple[str, str]:
    """(grade, kinerja) of a converted value (IKM x 25), e.g. 76.605 -> ("C", "Kurang baik")."""
    value = Fraction(str(converted)) if isinstance(converted, float | str) else Fraction(converted)
    for lower, grade, label in BANDS:
        if value >= lower:
            return grade, str(label)
    return BANDS[-1][1], str(BANDS[-1][2])


def shown(value: Fraction, places: int = 2) -> Decimal:
    """A value rounded for display (half up, as the published reports round). Exact: a
    Decimal division would round at 28 digits first (2.125 - 1e-40 read 2.13)."""
    scaled = Fraction(value) * 10**places
    units = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(-units if scaled < 0 else units).scaleb(-places)


def shown_ikm(ikm: Fraction) -> Decimal:
    """IKM (1-4) for display: cut to four decimals, as the regulation's interval table
    reads (3,0644 is the first B), so it never reads as the next band."""
    return Decimal(math.floor(Fraction(ikm) * 10**4)).scaleb(-4)


def shown_index(converted: Fraction) -> Decimal:
    """IKM x 25 for display: two decimals rounded half up, as the published reports (and a
    spreadsheet) show it, except where rounding would carry it over a band edge: then cut,
    so the figure shown is always in the band of the exact value (84.5278 reads 84,53;
    76.605 reads 76,60 C, never 76,61 next to a C)."""
    exact = Fraction(converted)
    rounded = shown(exact, 2)
    if grade_of(rounded)[0] != grade_of(exact)[0]:
        return Decimal(math.floor(exact * 100)).scaleb(-2)
    return rounded


@dataclass(frozen=True)
class Index:
    """The index of a set of completed questionnaires, from their count and the nine sums."""

    respondents: int
    sums: tuple[int, ...]

    @classmethod
    def of(cls, questionnaires) -> "Index":
        """From score lists (tests and small sets); reports use SQL sums instead."""
        rows = [tuple(q) for q in questionnaires]
        return cls(len(rows), tuple(sum(r[i] for r in rows) for i in range(UNSUR_COUNT)))

    @property
    def empty(self) -> bool:
        return self.respondents == 0

    @property
    def nrr(self) -> tuple[Fraction, ...]:
        if self.empty:
            return tuple(Fraction(0) for _ in self.sums)
        return tuple(Fraction(s, self.respondents) for s in self.sums)

    @property
    def weighted(self) -> tuple[Fraction, ...]:
        return tuple(value * WEIGHT for value in self.nrr)

    @property
    def ikm(self) -> Fraction:
        return sum(self.weighted, Fraction(0))

    @property
    def converted(self) -> Fraction:
        return self.ikm * CONVERSION

    @property
    def grade(self) -> str | None:
        return None if self.empty else grade_of(self.converted)[0]

    @property
    def kinerja(self) -> str | None:
        return None if self.empty else grade_of(self.converted)[1]

    def ranked(self) -> list[int]:
        """Element indexes (0..8), weakest NRR first; ties keep the regulation's order."""
        return sorted(range(len(self.sums)), key=lambda i: (self.nrr[i], i))


def krejcie_morgan(population: int) -> int:
    """The minimum sample S for a population N (SKM.md), rounded half up:
    S = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P)), X2 = 3.841, P = 0.5, d = 0.05."""
    if population <= 0:
        return 0
    chi2, p, d = Fraction(3841, 1000), Fraction(1, 2), Fraction(5, 100)
    sample = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return int((sample + Fraction(1, 2)).__floor__())
