"""Kiosk mode: a counter tablet that shows the questionnaire again and again."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey_kiosk", __name__, url_prefix="/survei/kiosk")
