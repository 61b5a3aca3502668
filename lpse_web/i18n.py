"""Language and time zone: Indonesian first, English on request; times in the office's zone;
the report's numbers by their column kind."""

import math
from fractions import Fraction
from numbers import Number

from flask import current_app, has_request_context, session
from flask_babel import format_date, format_decimal
from flask_login import current_user

from lpse_web.surveys.index import shown


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and services called from tests
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    lang = session.get("lang")
    return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    from sqlalchemy.exc import SQLAlchemyError

    from lpse_web.office.services import get_office

    try:
        return get_office().timezone
    except SQLAlchemyError:  # before the first migration has run
        return current_app.config["LPSE_TIMEZONE"]


def cell_text(value, kind: str = "int", places: int | None = None) -> str:
    """A report value (reports/tables.py) shown by its column kind, in the user's locale:
    int 1.204, dec1 45,2, dec2 3,25 (dec3, dec4 alike), minutes 12,5, pct (a share 0..1) 45,2 %, date
    31 Maret 2026; None is "–". Rounded half up as the survey's figures are
    (surveys.index.shown); `places` overrides the decimals (a chart's axis ticks)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if kind == "date":
        return format_date(value, "d MMMM y")
    if kind == "text" or isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    # A float by its shortest decimal: 0.4525 reads 45,3 %, as typed, not 45,2 % (its binary value)
    exact = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    if kind == "pct":
        exact *= 100
    decimals = places if places is not None else {"int": 0, "dec2": 2, "dec3": 3, "dec4": 4}.get(kind, 1)
    text = format_decimal(shown(exact, decimals), format="#,##0" + ("." + "0" * decimals if decimals else ""))
    return text + " %" if kind == "pct" else text
