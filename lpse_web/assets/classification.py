"""The security classification of an asset, with no database: confidentiality,
integrity and availability each rated 1 (rendah) to 3 (tinggi) with the owner, and the
asset value their sum, 3 to 9 (the additive value of ISO/IEC 27005's worked examples:
an asset that matters on two counts is worth more than one that matters on one).

A risk's impact suggestion starts from the highest value among the assets it affects,
mapped linearly onto the methodology's impact scale (`suggested_impact`)."""

import re
import unicodedata

from lpse_web.assets.models import CIA_MAX, CIA_MIN

VALUE_MIN, VALUE_MAX = 3 * CIA_MIN, 3 * CIA_MAX
# Value bands shown next to the number: 3-4 rendah, 5-7 sedang, 8-9 tinggi.
RENDAH, SEDANG, TINGGI = "rendah", "sedang", "tinggi"
_SPACES = re.compile(r"\s+")


def normal_code(value: str | None) -> str | None:
    """A tag or serial as stored and compared: NFKC (a full-width Ｘ１ is X1), invisible
    format characters (zero-width spaces) and spaces dropped, upper case; None when empty
    (so an asset without a serial never clashes with another)."""
    if value is None:
        return None
    value = unicodedata.normalize("NFKC", value)
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Cf")
    cleaned = _SPACES.sub("", value).upper()
    return cleaned or None


def asset_value(confidentiality: int | None, integrity: int | None, availability: int | None) -> int | None:
    """C + I + A, or None while the asset is not classified (all three are needed)."""
    ratings = (confidentiality, integrity, availability)
    if any(r is None for r in ratings):
        return None
    if not all(CIA_MIN <= r <= CIA_MAX for r in ratings):
        raise ValueError(f"C, I and A are rated {CIA_MIN} to {CIA_MAX}: {ratings}")
    return sum(ratings)


def value_band(value: int | None) -> str | None:
    if value is None:
        return None
    if value <= 4:
        return RENDAH
    return SEDANG if value <= 7 else TINGGI


def suggested_impact(values, impact_levels: int) -> int | None:
    """The impact to start a risk's assessment from: the highest asset value among its
    assets, 3..9 mapped onto 1..impact_levels (3 -> 1, 9 -> the top), rounded half up.
    None when no linked asset is classified."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    top = max(known)
    scaled = 1 + (top - VALUE_MIN) * (impact_levels - 1) / (VALUE_MAX - VALUE_MIN)
    return int(scaled + 0.5)
