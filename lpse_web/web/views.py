"""The home page: what today looks like for the signed-in user."""

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from lpse_web import clock
from lpse_web.assets import roles as asset_roles
from lpse_web.assets.alerts import alert_counts
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.services import get_office, load_calendar, zone_label
from lpse_web.risks import methodology
from lpse_web.risks import roles as risk_roles
from lpse_web.risks.alerts import flag_counts
from lpse_web.rooms.services import is_approver, pending_count
from lpse_web.surveys.models import NEW, OPEN, SurveyPeriod
from lpse_web.surveys.suggestions import status_counts
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("web", __name__)

# Who sees what of the survey on the home page.
SURVEY_READERS = (Role.SURVEY_MANAGER, Role.MANAGER)
SUGGESTION_HANDLERS = (Role.SURVEY_MANAGER, Role.HELPDESK, Role.MANAGER)
KIOSK_STAFF = (Role.VERIFIKATOR, Role.HELPDESK, Role.ADMIN, Role.SURVEY_MANAGER)  # at the counter


def survey_card(user) -> dict | None:
    """The survey's card: the open periods, the suggestions waiting, the kiosk link;
    None for a user with no part in the survey (and no query then)."""
    if not user.has_role(*SURVEY_READERS, *SUGGESTION_HANDLERS, *KIOSK_STAFF):
        return None
    card = {"open_periods": [], "new_suggestions": None, "kiosk": user.has_role(*KIOSK_STAFF)}
    if user.has_role(*SURVEY_READERS):
        card["open_periods"] = list(db.session.scalars(
            select(SurveyPeriod).where(SurveyPeriod.status == OPEN).order_by(SurveyPeriod.starts_on)))
    if user.has_role(*SUGGESTION_HANDLERS):
        card["new_suggestions"] = status_counts(None)[NEW]
    return card


def registers_card(user, today) -> dict | None:
    """The registers' alerts, computed now (no scheduled job): expiring licences,
    warranties and ends of life, overdue stocktakes; risks above appetite, overdue reviews
    and actions. None for a user who reads neither register (and no query then)."""
    assets = user.has_role(*asset_roles.READERS)
    risks = user.has_role(*risk_roles.READERS)
    if not (assets or risks):
        return None
    scheme = methodology.current() if risks else None
    return {"assets": alert_counts(today) if assets else None,
            "risks": flag_counts(today, scheme.appetite) if risks else None,
            "appetite": scheme.appetite if scheme else None}


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
    return render("web/home.html", office=get_office(), today=today, intervals=intervals,
                  rooms_pending=pending_count(now) if is_approver(current_user) else 0,
                  survey=survey_card(current_user), registers=registers_card(current_user, today),
                  open_now=calendar.is_open(now), closed_reason=calendar.closed_reason(today),
                  zone_label=zone_label(calendar.timezone), Role=Role)


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
