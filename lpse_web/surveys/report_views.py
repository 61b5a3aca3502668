"""The evaluation of a period: the index, the per-respondent table, the printable laporan SKM, exports."""

from flask import Blueprint

from lpse_web.surveys import models as _models  # noqa: F401

bp = Blueprint("survey_report", __name__, url_prefix="/survei/laporan")
