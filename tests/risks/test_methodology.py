"""The risk methodology's rules (lpse_web/risks/methodology.py): scoring under the default
5 × 5 and custom scales, level bands at their edges, the next review per level, the
appetite, and what problems() says about a bad proposal."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lpse_web.assets import models as _asset_models  # noqa: F401 - Risk's relationships name them
from lpse_web.auth import models as _auth_models  # noqa: F401
from lpse_web.extensions import db
from lpse_web.risks import methodology
from lpse_web.risks.methodology import (
    DEFAULT_IMPACT,
    DEFAULT_LEVELS,
    DEFAULT_LIKELIHOOD,
    Scheme,
    default_methodology,
    problems,
)
from lpse_web.risks.models import Methodology

DAY = date(2026, 12, 1)


def scheme_of(likelihood, impact, levels, appetite=4, version=2) -> Scheme:
    return Scheme(Methodology(version=version, likelihood_labels=list(likelihood), impact_labels=list(impact),
                              levels=levels, appetite=appetite, note=""))


def band(name, low, colour="green", days=180):
    return {"name": name, "min_score": low, "colour": colour, "review_days": days}


# A 4 × 4 (scores 1-16) and a 3 × 5 (scores 1-15), as an office might write them. (Built
# in the tests: a model instance made at import time would configure the mappers early.)
def four() -> Scheme:
    return scheme_of(["Jarang", "Kadang", "Sering", "Hampir pasti"], ["Kecil", "Sedang", "Besar", "Parah"],
                     [band("Rendah", 1, "green", 365), band("Sedang", 4, "yellow", 180),
                      band("Tinggi", 8, "orange", 60), band("Ekstrem", 12, "darkred", 14)], appetite=6)


def three_by_five() -> Scheme:
    return scheme_of(["Rendah", "Sedang", "Tinggi"], ["1", "2", "3", "4", "5"],
                     [band("Rendah", 1, "green", 360), band("Tinggi", 6, "red", 30)], appetite=5)


@pytest.fixture
def default():
    return Scheme(default_methodology())


# --- scoring and levels -----------------------------------------------------------------

def test_default_is_five_by_five_with_indonesian_labels(default):
    assert default.likelihood_levels == default.impact_levels == 5
    assert default.max_score == 25
    assert default.likelihood_labels[0] == "Hampir tidak terjadi"
    assert default.impact_labels[-1] == "Sangat besar"
    assert [(lv.name, lv.min_score, lv.max_score) for lv in default.levels] == [
        ("Rendah", 1, 4), ("Sedang", 5, 9), ("Tinggi", 10, 16), ("Sangat Tinggi", 17, 25)]


def test_score_is_likelihood_times_impact(default):
    assert default.score(4, 4) == 16
    assert default.score(4, 5) == 20
    assert default.score(1, 1) == 1
    assert default.score(5, 5) == 25
    assert default.assess(4, 4) == (16, 3)
    assert default.assess(4, 5) == (20, 4)


@pytest.mark.parametrize(("score", "name"), [
    (1, "Rendah"), (4, "Rendah"), (5, "Sedang"), (9, "Sedang"), (10, "Tinggi"), (16, "Tinggi"),
    (17, "Sangat Tinggi"), (25, "Sangat Tinggi")])
def test_default_bands_at_their_edges(default, score, name):
    assert default.level_of(score).name == name


def test_levels_by_likelihood_and_impact(default):
    assert default.level_of(default.score(2, 2)).name == "Rendah"  # 4
    assert default.level_of(default.score(1, 5)).name == "Sedang"  # 5
    assert default.level_of(default.score(3, 3)).name == "Sedang"  # 9
    assert default.level_of(default.score(2, 5)).name == "Tinggi"  # 10
    assert default.level_of(default.score(4, 4)).name == "Tinggi"  # 16
    assert default.level_of(default.score(4, 5)).name == "Sangat Tinggi"  # 20


def test_outside_the_scales_is_refused(default):
    assert default.fits(5, 5) and not default.fits(6, 1) and not default.fits(1, 0)
    with pytest.raises(ValueError):
        default.score(6, 1)
    with pytest.raises(ValueError):
        default.score(0, 3)


def test_a_score_below_the_first_band_has_no_level(default):
    with pytest.raises(ValueError):
        default.level_of(0)


def test_custom_four_by_four():
    assert four().max_score == 16
    assert four().score(4, 4) == 16
    assert [(lv.min_score, lv.max_score) for lv in four().levels] == [(1, 3), (4, 7), (8, 11), (12, 16)]
    assert four().level_of(3).name == "Rendah" and four().level_of(4).name == "Sedang"
    assert four().level_of(7).name == "Sedang" and four().level_of(8).name == "Tinggi"
    assert four().level_of(11).name == "Tinggi" and four().level_of(12).name == "Ekstrem"
    assert four().assess(4, 4) == (16, 4)  # Tinggi under the default, Ekstrem here
    assert four().assess(2, 2) == (4, 2)
    assert not four().fits(5, 1)
    with pytest.raises(ValueError):
        four().score(5, 5)


def test_custom_three_by_five():
    assert three_by_five().likelihood_levels == 3 and three_by_five().impact_levels == 5
    assert three_by_five().max_score == 15
    assert three_by_five().assess(3, 5) == (15, 2)
    assert three_by_five().assess(1, 5) == (5, 1)
    assert three_by_five().assess(2, 3) == (6, 2)
    assert three_by_five().fits(3, 5) and not three_by_five().fits(4, 1) and not three_by_five().fits(1, 6)
    assert three_by_five().levels[-1].max_score == 15


def test_level_colours_and_hex(default):
    assert [lv.colour for lv in default.levels] == ["green", "yellow", "orange", "red"]
    assert default.levels[-1].hex == methodology.PALETTE["red"][0]


def test_level_by_rank_falls_back_to_the_highest(default):
    assert default.level(1).name == "Rendah"
    assert default.level(4).name == "Sangat Tinggi"
    assert default.level(9).name == "Sangat Tinggi"  # a rank from a version with more bands


# --- review interval and appetite ---------------------------------------------------------

@pytest.mark.parametrize(("score", "days"), [(20, 30), (17, 30), (16, 90), (10, 90), (9, 180), (5, 180),
                                             (4, 360), (1, 360)])
def test_next_review_per_level(default, score, days):
    rank = default.level_of(score).rank
    assert default.next_review(DAY, rank) == DAY + timedelta(days=days)


def test_next_review_under_a_custom_methodology():
    assert four().next_review(DAY, four().level_of(16).rank) == DAY + timedelta(days=14)
    assert four().next_review(DAY, four().level_of(1).rank) == DAY + timedelta(days=365)


def test_appetite(default):
    assert default.appetite == 9
    assert not default.above_appetite(9)
    assert default.above_appetite(10)
    assert four().above_appetite(7) and not four().above_appetite(6)


# --- problems() ---------------------------------------------------------------------------

def proposal(**overrides):
    value = {"likelihood_labels": list(DEFAULT_LIKELIHOOD), "impact_labels": list(DEFAULT_IMPACT),
             "levels": [dict(b) for b in DEFAULT_LEVELS], "appetite": 9}
    value.update(overrides)
    return value


def found(ctx_proposal):
    return problems(**ctx_proposal)


def test_the_default_and_the_custom_ones_are_valid(ctx):
    assert found(proposal()) == []
    assert found(proposal(likelihood_labels=four().likelihood_labels, impact_labels=four().impact_labels,
                          levels=four().row.levels, appetite=6)) == []
    assert found(proposal(likelihood_labels=["a", "b", "c"], impact_labels=list("abcde"),
                          levels=three_by_five().row.levels, appetite=15)) == []


def test_scales_need_three_to_seven_named_steps(ctx):
    assert "Skala kemungkinan harus memiliki 3 sampai 7 tingkat." in found(
        proposal(likelihood_labels=["a", "b"]))
    assert found(proposal(impact_labels=list("abcdefgh"))) == [
        "Skala dampak harus memiliki 3 sampai 7 tingkat."]
    assert found(proposal(impact_labels=["a", " ", "c", "d", "e"])) == [
        "Skala dampak: setiap tingkat perlu nama."]


def test_first_band_must_start_at_one(ctx):
    levels = [band("Rendah", 2), band("Tinggi", 10)]
    assert found(proposal(levels=levels)) == ["Tingkat risiko pertama harus mulai dari skor 1."]


def test_bands_must_increase(ctx):
    levels = [band("Rendah", 1), band("Sedang", 10), band("Tinggi", 10), band("Ekstrem", 8)]
    assert found(proposal(levels=levels)) == [
        "Skor awal tingkat “Tinggi” harus lebih besar dari tingkat sebelumnya.",
        "Skor awal tingkat “Ekstrem” harus lebih besar dari tingkat sebelumnya."]


def test_last_band_within_the_top_score(ctx):
    levels = [band("Rendah", 1), band("Tinggi", 17)]
    assert found(proposal(likelihood_labels=list("abcd"), impact_labels=list("abcd"), levels=levels,
                          appetite=4)) == ["Skor awal tingkat “Tinggi” melebihi skor tertinggi (16)."]


def test_unknown_colour_blank_name_and_bad_interval(ctx):
    levels = [band("Rendah", 1, colour="pink"), band(" ", 5), band("Tinggi", 10, days=0),
              band("Ekstrem", 17, days=4000)]
    assert found(proposal(levels=levels)) == [
        "Warna tingkat “Rendah” tidak dikenal.",
        "Setiap tingkat risiko perlu nama.",
        "Interval tinjauan tingkat “Tinggi” harus 1 sampai 3650 hari.",
        "Interval tinjauan tingkat “Ekstrem” harus 1 sampai 3650 hari."]


@pytest.mark.parametrize("appetite", [0, 26])
def test_appetite_within_the_scores(ctx, appetite):
    assert found(proposal(appetite=appetite)) == ["Selera risiko harus antara 1 dan 25."]


def test_appetite_above_a_smaller_top(ctx):
    assert found(proposal(likelihood_labels=list("abcd"), impact_labels=list("abcd"),
                          levels=[band("Rendah", 1)], appetite=17)) == [
        "Selera risiko harus antara 1 dan 16."]


def test_no_levels(ctx):
    assert found(proposal(levels=[])) == ["Tentukan minimal satu tingkat risiko."]


# --- versions ----------------------------------------------------------------------------

def test_current_is_the_default_until_stored_then_version_one_once(ctx):
    assert methodology.current().version == 1
    assert db.session.scalar(select(func.count()).select_from(Methodology)) == 0
    assert methodology.schemes()[1].levels[0].name == "Rendah"
    assert methodology.stored_current().version == 1
    assert methodology.stored_current().version == 1
    assert db.session.scalar(select(func.count()).select_from(Methodology)) == 1
    db.session.rollback()


def test_the_newest_stored_version_is_in_force(ctx):
    methodology.stored_current()
    custom = four()
    db.session.add(Methodology(version=2, likelihood_labels=custom.likelihood_labels,
                               impact_labels=custom.impact_labels, levels=custom.row.levels, appetite=6,
                               note="4x4"))
    db.session.flush()
    assert methodology.current().version == 2
    assert methodology.current().max_score == 16
    assert sorted(methodology.schemes()) == [1, 2]
    assert methodology.schemes()[1].max_score == 25
    db.session.rollback()
