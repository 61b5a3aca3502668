"""The risk register's pages: list, detail, create, edit, treat, review, actions, export, print."""

from flask import Blueprint

from lpse_web.risks import models as _models  # noqa: F401 - the register tables

bp = Blueprint("risks", __name__, url_prefix="/risiko")
