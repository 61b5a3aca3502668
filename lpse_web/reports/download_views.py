"""The quarterly report's downloads: PDF, XLSX (one sheet per section), CSV per table."""

from flask import Blueprint

bp = Blueprint("quarterly_downloads", __name__, url_prefix="/laporan/triwulan")
