"""The heat map: likelihood x impact counts, inherent beside residual; a cell lists its risks."""

from flask import Blueprint

bp = Blueprint("risk_heatmap", __name__, url_prefix="/risiko/peta")
