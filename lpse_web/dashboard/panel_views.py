"""The dashboard's panels, each its own URL (htmx loads them after the page).

A panel answers an htmx request with its fragment and a plain request (the link in the
home page's placeholder, without JavaScript) with a page holding just that panel. Who
sees a panel on the home page is its view's own @allow(...): `offered_panels` reads the
same policy the guard enforces, so the two can never disagree."""

from dataclasses import dataclass

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lpse_web import clock
from lpse_web.assets import roles as asset_roles
from lpse_web.assets.alerts import alert_counts
from lpse_web.auth.roles import STAFF_ROLES, Role
from lpse_web.dashboard import panels
from lpse_web.office.services import active_announcements, load_calendar
from lpse_web.risks import methodology
from lpse_web.risks import roles as risk_roles
from lpse_web.risks.alerts import flag_counts
from lpse_web.rooms.services import is_approver, may_see_details
from lpse_web.web.access import allow, permitted, policy_of
from lpse_web.web.render import render

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")

# The office's own staff: officials who only book rooms (ROOM_USER) keep the simple home.
OFFICE_STAFF = tuple(sorted(STAFF_ROLES - {Role.ROOM_USER}))
COUNTER_VIEWERS = (Role.VERIFIKATOR, Role.HELPDESK, Role.MANAGER)
SURVEY_READERS = (Role.SURVEY_MANAGER, Role.MANAGER)
SUGGESTION_HANDLERS = (Role.SURVEY_MANAGER, Role.HELPDESK, Role.MANAGER)
KIOSK_STAFF = (Role.VERIFIKATOR, Role.HELPDESK, Role.ADMIN, Role.SURVEY_MANAGER)  # at the counter
SURVEY_VIEWERS = tuple(sorted({*SURVEY_READERS, *SUGGESTION_HANDLERS, *KIOSK_STAFF}))


@dataclass(frozen=True)
class Panel:
    key: str  # the element id is panel-<key>
    endpoint: str
    title: str


PANELS = (
    Panel("counter", "dashboard.counter", _l("Loket hari ini")),
    Panel("rooms", "dashboard.rooms", _l("Ruang")),
    Panel("survey", "dashboard.survey", _l("Survei Kepuasan Masyarakat")),
    Panel("assets", "dashboard.assets", _l("Aset")),
    Panel("risks", "dashboard.risks", _l("Risiko")),
    Panel("announcements", "dashboard.announcements", _l("Pengumuman")),
)


@bp.app_template_global("may")
def may(endpoint: str) -> bool:
    """Whether the signed-in user may open `endpoint` (the header shows only those)."""
    policy = policy_of(endpoint)
    return policy is not None and permitted(current_user, policy)


def offered_panels(user) -> list[Panel]:
    return [p for p in PANELS if permitted(user, policy_of(p.endpoint))]


def _panel(template: str, key: str, **context):
    panel = next(p for p in PANELS if p.key == key)
    return render(template, block="panel", panel=panel, panel_url=url_for(panel.endpoint), **context)


def _today():
    calendar = load_calendar()
    now = clock.now()
    return calendar, now, calendar.local_day(now)


@bp.route("/loket")
@allow(*COUNTER_VIEWERS)
def counter():
    _calendar, now, today = _today()
    return _panel("dashboard/counter.html", "counter", counter=panels.counter_today(today, now), now=now)


@bp.route("/ruang")
@allow(*OFFICE_STAFF)
def rooms():
    calendar, now, today = _today()
    start, _end = panels.day_bounds(today, calendar.zone)
    glance = panels.rooms_glance(now, start, approver=is_approver(current_user))
    return _panel("dashboard/rooms.html", "rooms", glance=glance, now=now, today=today,
                  day_of=calendar.local_day, sees=lambda r: may_see_details(current_user, r))


@bp.route("/survei")
@allow(*SURVEY_VIEWERS)
def survey():
    _calendar, _now, today = _today()
    glance = panels.survey_glance(today, reader=current_user.has_role(*SURVEY_READERS),
                                  handler=current_user.has_role(*SUGGESTION_HANDLERS))
    return _panel("dashboard/survey.html", "survey", glance=glance, kiosk=current_user.has_role(*KIOSK_STAFF),
                  reader=current_user.has_role(*SURVEY_READERS))


@bp.route("/aset")
@allow(*asset_roles.READERS)
def assets():
    _calendar, _now, today = _today()
    return _panel("dashboard/assets.html", "assets", alerts=alert_counts(today))


@bp.route("/risiko")
@allow(*risk_roles.READERS)
def risks():
    _calendar, _now, today = _today()
    appetite = methodology.current().appetite
    return _panel("dashboard/risks.html", "risks", flags=flag_counts(today, appetite), appetite=appetite)


@bp.route("/pengumuman")
@allow(*OFFICE_STAFF)
def announcements():
    return _panel("dashboard/announcements.html", "announcements", items=active_announcements(clock.now()))

