"""The security classification (lpse_web/assets/classification.py): tag and serial
normalisation, the CIA value (C + I + A), its bands, the impact a risk starts from,
and the database's own check on the ratings. Expected values are worked out by hand."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from lpse_web.assets import services
from lpse_web.assets.classification import (
    RENDAH,
    SEDANG,
    TINGGI,
    asset_value,
    normal_code,
    suggested_impact,
    value_band,
)
from lpse_web.assets.models import Asset
from lpse_web.extensions import db

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("raw", "stored"), [
    (" srv 01", "SRV01"), ("SRV01", "SRV01"), ("srv01 ", "SRV01"), ("s r\tv\n0 1", "SRV01"),
    ("lpse-ntt/pc/007", "LPSE-NTT/PC/007"), ("", None), ("   ", None), (None, None),
])
def test_normal_code_trims_drops_inner_spaces_and_upper_cases(raw, stored):
    assert normal_code(raw) == stored


@pytest.mark.parametrize(("c", "i", "a", "value"), [
    (1, 1, 1, 3), (3, 3, 3, 9), (1, 2, 3, 6), (3, 1, 1, 5), (2, 2, 3, 7), (3, 3, 2, 8), (1, 1, 2, 4),
])
def test_the_value_is_the_sum_of_the_three_ratings(c, i, a, value):
    assert asset_value(c, i, a) == value


@pytest.mark.parametrize("ratings", [(None, None, None), (3, None, None), (None, 2, 2), (1, 1, None),
                                     (None, None, 3)])
def test_no_value_until_all_three_are_rated(ratings):
    assert asset_value(*ratings) is None


@pytest.mark.parametrize("ratings", [(4, 1, 1), (1, 0, 1), (1, 1, -1), (3, 3, 4), (0, 0, 0)])
def test_a_rating_out_of_range_is_refused(ratings):
    with pytest.raises(ValueError):
        asset_value(*ratings)


@pytest.mark.parametrize(("value", "band"), [
    (3, RENDAH), (4, RENDAH), (5, SEDANG), (6, SEDANG), (7, SEDANG), (8, TINGGI), (9, TINGGI), (None, None),
])
def test_value_bands_at_their_edges(value, band):
    assert value_band(value) == band


@pytest.mark.parametrize(("values", "impact"), [
    ([3], 1), ([9], 5), ([6], 3),
    # 1 + (v - 3) * 4 / 6, half up: 4 -> 1.67 -> 2, 5 -> 2.33 -> 2, 7 -> 3.67 -> 4, 8 -> 4.33 -> 4
    ([4], 2), ([5], 2), ([7], 4), ([8], 4),
    ([3, 8, None, 5], 4), ([None, 9], 5),  # the highest known value counts
])
def test_suggested_impact_on_a_five_level_scale(values, impact):
    assert suggested_impact(values, 5) == impact


@pytest.mark.parametrize(("value", "impact"), [
    # 1 + (v - 3) * 2 / 6: 3 -> 1, 4 -> 1.33 -> 1, 5 -> 1.67 -> 2, 6 -> 2, 7 -> 2.33 -> 2,
    # 8 -> 2.67 -> 3, 9 -> 3
    (3, 1), (4, 1), (5, 2), (6, 2), (7, 2), (8, 3), (9, 3),
])
def test_suggested_impact_on_a_three_level_scale(value, impact):
    assert suggested_impact([value], 3) == impact


@pytest.mark.parametrize(("value", "impact"), [(3, 1), (4, 2), (5, 3), (6, 4), (7, 5), (8, 6), (9, 7)])
def test_suggested_impact_on_a_seven_level_scale(value, impact):
    assert suggested_impact([value], 7) == impact  # 1 + (v - 3) * 6 / 6 = v - 2


def test_suggested_impact_rounds_half_up():
    assert suggested_impact([4], 4) == 2  # 1 + 1 * 3 / 6 = 1.5 -> 2
    assert suggested_impact([8], 4) == 4  # 1 + 5 * 3 / 6 = 3.5 -> 4


@pytest.mark.parametrize("values", [[], [None], [None, None]])
def test_no_suggestion_without_a_classified_asset(values):
    assert suggested_impact(values, 5) is None


# The database holds the classification to the same rule (check constraint cia_range).

def _asset() -> int:
    asset = services.create_asset(TODAY, tag="SRV-01", name="Server SPSE", asset_class="hardware")
    db.session.commit()
    return asset.id


def _classification(asset_id):
    return db.session.execute(text("SELECT confidentiality, integrity, availability FROM asset "
                                   "WHERE id = :id"), {"id": asset_id}).one()


@pytest.mark.parametrize("assignments", [
    "confidentiality = 4, integrity = 2, availability = 2",
    "confidentiality = 2, integrity = 0, availability = 2",
    "confidentiality = 3",  # partial: I and A unrated
    "confidentiality = 1, integrity = 1",
])
def test_the_database_refuses_an_out_of_range_or_partial_classification(ctx, assignments):
    asset_id = _asset()
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE asset SET {assignments} WHERE id = :id"), {"id": asset_id})
    db.session.rollback()
    assert tuple(_classification(asset_id)) == (None, None, None)


def test_the_database_accepts_a_full_classification_and_its_removal(ctx):
    asset_id = _asset()
    db.session.execute(text("UPDATE asset SET confidentiality = 3, integrity = 2, availability = 1 "
                            "WHERE id = :id"), {"id": asset_id})
    db.session.commit()
    assert tuple(_classification(asset_id)) == (3, 2, 1)
    db.session.execute(text("UPDATE asset SET confidentiality = NULL, integrity = NULL, "
                            "availability = NULL WHERE id = :id"), {"id": asset_id})
    db.session.commit()
    assert tuple(_classification(asset_id)) == (None, None, None)


def test_classify_stores_the_ratings_label_and_day_and_the_value_follows(ctx):
    asset_id = _asset()
    asset = db.session.get(Asset, asset_id)
    services.classify(asset, 3, 2, 3, "rahasia", date(2026, 11, 20))
    db.session.commit()
    db.session.expire_all()
    row = db.session.execute(text("SELECT confidentiality, integrity, availability, label, classified_on "
                                  "FROM asset WHERE id = :id"), {"id": asset_id}).one()
    assert tuple(row[:4]) == (3, 2, 3, "rahasia")
    assert str(row[4]) == "2026-11-20"
    assert db.session.get(Asset, asset_id).value == 8


@pytest.mark.parametrize("ratings", [(4, 1, 1), (1, 1, 0), (3, None, None), (None, 2, 2), (1, 1, None)])
def test_classify_refuses_an_out_of_range_or_partial_classification(ctx, ratings):
    asset_id = _asset()
    with pytest.raises(ValueError):
        services.classify(db.session.get(Asset, asset_id), *ratings, None, TODAY)
    db.session.rollback()
    assert tuple(_classification(asset_id)) == (None, None, None)


def test_classify_refuses_an_unknown_label(ctx):
    asset_id = _asset()
    with pytest.raises(ValueError):
        services.classify(db.session.get(Asset, asset_id), 1, 1, 1, "sangat_rahasia", TODAY)
    db.session.rollback()
    assert db.session.scalar(select(Asset.label).where(Asset.id == asset_id)) is None
