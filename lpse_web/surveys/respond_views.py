"""The respondent's side: the questionnaire reached by a one-time link."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey", __name__, url_prefix="/survei")
