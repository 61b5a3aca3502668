"""Suggestions and complaints and their follow-up."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey_suggestions", __name__, url_prefix="/survei/saran")
