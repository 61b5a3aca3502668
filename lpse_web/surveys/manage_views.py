"""The survey manager's pages: periods, the questionnaire's wording, the link settings."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey_manage", __name__, url_prefix="/survei/kelola")
