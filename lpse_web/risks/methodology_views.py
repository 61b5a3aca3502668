"""The risk methodology: its versions, a new version, and rescoring the risks under it."""

from flask import Blueprint

bp = Blueprint("risk_methodology", __name__, url_prefix="/risiko/metodologi")
