"""The public results page: the latest published period's index (no login)."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey_public", __name__)
