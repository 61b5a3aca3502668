"""The asset register's pages: list, detail, create, edit, classify, assign, stocktake, alerts, export."""

from flask import Blueprint

from lpse_web.assets import models as _models  # noqa: F401 - the register tables

bp = Blueprint("assets", __name__, url_prefix="/aset")
