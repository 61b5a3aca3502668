"""The home page: what today looks like for the signed-in user (for staff, the dashboard's
panels of their roles: lpse_web/dashboard/)."""

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, url_for
from flask_login import current_user

from lpse_web import clock
from lpse_web.dashboard.panel_views import offered_panels
from lpse_web.office.services import get_office, load_calendar, zone_label
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("web", __name__)


@bp.route("/")
@allow(PUBLIC)
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    calendar = load_calendar()
    now = clock.now()
    today = calendar.local_day(now)
    intervals = [(a.astimezone(calendar.zone), b.astimezone(calendar.zone))
                 for a, b in calendar.open_intervals(today)]
    # Staff see the panels of their roles, each loaded by htmx after the page; vendors and
    # officials who only book rooms keep the simple home (their panels list is empty).
    return render("web/home.html", office=get_office(), today=today, intervals=intervals,
                  panels=offered_panels(current_user), open_now=calendar.is_open(now),
                  closed_reason=calendar.closed_reason(today), zone_label=zone_label(calendar.timezone))


@bp.route("/sehat")
@allow(PUBLIC)
def health():
    """For load balancers and the benchmark: no database, no template."""
    return {"status": "ok"}


@bp.route("/favicon.ico")
@allow(PUBLIC)
def favicon():
    """Browsers ask for /favicon.ico whatever the page says: give them the icon."""
    icon = Path(current_app.static_folder, "img", "favicon.svg").read_bytes()  # 0.3 kB
    return Response(icon, mimetype="image/svg+xml")
