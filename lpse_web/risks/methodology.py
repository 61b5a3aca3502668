"""The risk methodology as rules, with no request: the scales, the score, the level
bands, the appetite and the review interval per level (Pasal 14 a: the risk manager
writes the methodology). `Scheme` wraps one stored version (or the default).

Score = likelihood × impact. A level band holds the scores from its `min_score` up to
the next band's `min_score` - 1; the first band starts at 1 and the last runs to the
top score, so every score has exactly one level."""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lpse_web.database import upsert_insert
from lpse_web.extensions import db
from lpse_web.risks.models import MAX_SCALE, Methodology

MIN_SCALE = 3
# Level colours come from a fixed palette (CSS classes and SVG fills): the strict CSP
# allows no inline styles, and a palette keeps the heat map readable when printed.
PALETTE = {
    "green": ("#2e7d32", _l("Hijau")),
    "lime": ("#9e9d24", _l("Hijau muda")),
    "yellow": ("#f9a825", _l("Kuning")),
    "orange": ("#ef6c00", _l("Oranye")),
    "red": ("#c62828", _l("Merah")),
    "darkred": ("#6a1b1a", _l("Merah tua")),
    "blue": ("#1565c0", _l("Biru")),
    "grey": ("#616161", _l("Abu-abu")),
}

DEFAULT_LIKELIHOOD = ["Hampir tidak terjadi", "Jarang terjadi", "Kadang terjadi", "Sering terjadi",
                      "Hampir pasti terjadi"]
DEFAULT_IMPACT = ["Tidak signifikan", "Kecil", "Sedang", "Besar", "Sangat besar"]
# Review intervals of the issue: Sangat Tinggi 30 days, Tinggi 90, Sedang 180, Rendah 360.
DEFAULT_LEVELS = [
    {"name": "Rendah", "min_score": 1, "colour": "green", "review_days": 360},
    {"name": "Sedang", "min_score": 5, "colour": "yellow", "review_days": 180},
    {"name": "Tinggi", "min_score": 10, "colour": "orange", "review_days": 90},
    {"name": "Sangat Tinggi", "min_score": 17, "colour": "red", "review_days": 30},
]
DEFAULT_APPETITE = 9  # up to Sedang is accepted without treatment


def default_methodology() -> Methodology:
    return Methodology(version=1, likelihood_labels=list(DEFAULT_LIKELIHOOD),
                       impact_labels=list(DEFAULT_IMPACT), levels=[dict(b) for b in DEFAULT_LEVELS],
                       appetite=DEFAULT_APPETITE, note="")


@dataclass(frozen=True)
class Level:
    rank: int  # 1 = lowest
    name: str
    min_score: int
    max_score: int
    colour: str
    review_days: int

    @property
    def hex(self) -> str:
        return PALETTE.get(self.colour, PALETTE["grey"])[0]


class Scheme:
    """One methodology version's rules."""

    def __init__(self, row: Methodology):
        self.row = row
        self.version = row.version
        self.likelihood_labels = list(row.likelihood_labels)
        self.impact_labels = list(row.impact_labels)
        self.appetite = row.appetite
        self.max_score = len(self.likelihood_labels) * len(self.impact_labels)
        bands = row.levels
        self.levels = [
            Level(rank=i + 1, name=b["name"], min_score=int(b["min_score"]),
                  max_score=(int(bands[i + 1]["min_score"]) - 1 if i + 1 < len(bands) else self.max_score),
                  colour=b["colour"], review_days=int(b["review_days"]))
            for i, b in enumerate(bands)]

    @property
    def likelihood_levels(self) -> int:
        return len(self.likelihood_labels)

    @property
    def impact_levels(self) -> int:
        return len(self.impact_labels)

    def fits(self, likelihood: int, impact: int) -> bool:
        return 1 <= likelihood <= self.likelihood_levels and 1 <= impact <= self.impact_levels

    def score(self, likelihood: int, impact: int) -> int:
        if not self.fits(likelihood, impact):
            raise ValueError(f"likelihood {likelihood} / impact {impact} outside the "
                             f"{self.likelihood_levels} × {self.impact_levels} scales")
        return likelihood * impact

    def level_of(self, score: int) -> Level:
        for level in reversed(self.levels):
            if score >= level.min_score:
                return level
        raise ValueError(f"score {score} below the first band")

    def level(self, rank: int) -> Level:
        return self.levels[rank - 1] if 1 <= rank <= len(self.levels) else self.levels[-1]

    def assess(self, likelihood: int, impact: int) -> tuple[int, int]:
        """(score, level rank)."""
        score = self.score(likelihood, impact)
        return score, self.level_of(score).rank

    def next_review(self, from_day: date, rank: int) -> date:
        return from_day + timedelta(days=self.level(rank).review_days)

    def above_appetite(self, score: int) -> bool:
        return score > self.appetite


def problems(likelihood_labels, impact_labels, levels, appetite) -> list[str]:
    """What is wrong with a proposed methodology, in the user's language (empty: valid)."""
    found = []
    for name, labels in ((_("Skala kemungkinan"), likelihood_labels), (_("Skala dampak"), impact_labels)):
        if not MIN_SCALE <= len(labels) <= MAX_SCALE:
            found.append(_("%(scale)s harus memiliki %(lo)d sampai %(hi)d tingkat.",
                           scale=name, lo=MIN_SCALE, hi=MAX_SCALE))
        if any(not str(label).strip() for label in labels):
            found.append(_("%(scale)s: setiap tingkat perlu nama.", scale=name))
    top = len(likelihood_labels) * len(impact_labels)
    if not levels:
        found.append(_("Tentukan minimal satu tingkat risiko."))
        return found
    if int(levels[0]["min_score"]) != 1:
        found.append(_("Tingkat risiko pertama harus mulai dari skor 1."))
    for before, after in pairwise(levels):
        if int(after["min_score"]) <= int(before["min_score"]):
            found.append(_("Skor awal tingkat “%(name)s” harus lebih besar dari tingkat sebelumnya.",
                           name=after["name"]))
    if int(levels[-1]["min_score"]) > top:
        found.append(_("Skor awal tingkat “%(name)s” melebihi skor tertinggi (%(top)d).",
                       name=levels[-1]["name"], top=top))
    names = [str(band["name"]).strip().casefold() for band in levels]
    if len(set(names)) < len(names):
        found.append(_("Setiap tingkat risiko perlu nama yang berbeda."))
    for band in levels:
        if not str(band["name"]).strip():
            found.append(_("Setiap tingkat risiko perlu nama."))
        if band["colour"] not in PALETTE:
            found.append(_("Warna tingkat “%(name)s” tidak dikenal.", name=band["name"]))
        if not 1 <= int(band["review_days"]) <= 3650:
            found.append(_("Interval tinjauan tingkat “%(name)s” harus 1 sampai 3650 hari.",
                           name=band["name"]))
    if not 1 <= int(appetite) <= top:
        found.append(_("Selera risiko harus antara 1 dan %(top)d.", top=top))
    return found


def current_row() -> Methodology:
    """The newest stored version, or the default (not yet stored) when there is none."""
    row = db.session.scalar(select(Methodology).order_by(Methodology.version.desc()).limit(1))
    return row if row is not None else default_methodology()


def current() -> Scheme:
    return Scheme(current_row())


def stored_current() -> Scheme:
    """The version in force, storing the default as version 1 first if the register has
    none yet (a risk's methodology_version must name a stored row). Two first risks
    created at once both insert version 1: ON CONFLICT DO NOTHING lets both go on."""
    if db.session.scalar(select(func.max(Methodology.version))) is None:
        default = default_methodology()
        db.session.execute(
            upsert_insert(Methodology.__table__, db.session).values(
                version=1, likelihood_labels=default.likelihood_labels,
                impact_labels=default.impact_labels, levels=default.levels,
                appetite=default.appetite, note="").on_conflict_do_nothing())
    return current()


def schemes() -> dict[int, Scheme]:
    """Every stored version by number, to read risks scored under older ones."""
    rows = db.session.scalars(select(Methodology).order_by(Methodology.version))
    found = {row.version: Scheme(row) for row in rows}
    return found or {1: Scheme(default_methodology())}
