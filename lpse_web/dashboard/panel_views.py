"""The dashboard's panels, each its own URL (htmx loads them after the page)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")
