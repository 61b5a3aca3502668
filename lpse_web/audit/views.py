"""Browsing the audit log (administrators and managers)."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, current_app, request
from sqlalchemy import select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.web.access import allow
from lpse_web.web.forms import clean_arg
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _parse_day(value):
    """A filter date, or None for anything that is not a plausible date."""
    try:
        day = date.fromisoformat(clean_arg(value, 10)) if value else None
    except ValueError:
        return None
    return day if day and 1900 <= day.year <= 9000 else None


@bp.route("")
@allow(Role.ADMIN, Role.MANAGER)
def index():
    args = request.args
    table = clean_arg(args.get("tabel"), 64)
    actor = clean_arg(args.get("oleh"), 120)
    record = clean_arg(args.get("id"), 64)
    start, end = _parse_day(args.get("dari")), _parse_day(args.get("sampai"))
    zone = load_calendar().zone
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if table:
        query = query.where(AuditEntry.table_name == table)
    if actor:
        query = query.where(AuditEntry.actor_name.contains(actor, autoescape=True))
    if record:
        query = query.where(AuditEntry.record_id == record)
    if start:
        query = query.where(AuditEntry.at >= datetime.combine(start, time(), zone))
    if end:
        query = query.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time(), zone))
    page = paginate(query, args.get("hal"), current_app.config["PAGE_SIZE"])
    tables = db.session.scalars(select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name))
    return render("audit/index.html", block="results", page=page, tables=list(tables), zone=zone,
                  filters={"tabel": table, "oleh": actor, "id": record,
                           "dari": start.isoformat() if start else "",
                           "sampai": end.isoformat() if end else ""})
