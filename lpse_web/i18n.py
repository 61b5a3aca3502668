"""Language and time zone: Indonesian first, English on request; times in the office's zone."""

from flask import current_app, has_request_context, session
from flask_login import current_user


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
