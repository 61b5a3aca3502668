"""Importing assets from a CSV or XLSX file, with progress, all rows or none."""

from flask import Blueprint

bp = Blueprint("asset_import", __name__, url_prefix="/aset/impor")
