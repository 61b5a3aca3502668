"""Kiosk mode: a counter tablet that shows the questionnaire again and again.

A counter staff member (or the survey manager, or an administrator) starts it with an
exit PIN. Starting signs the staff member out (the tablet is in visitors' hands from
then on) and leaves an anonymous session that knows it is a kiosk and holds an HMAC of
the PIN (never the PIN). While it lasts, every other URL redirects to the kiosk form
(`keep_in_kiosk`); only the right PIN ends it, and wrong PINs are rate-limited.

Answers from the kiosk are like those from a link, except that the respondent chooses
the service, and the day and session are the moment of answering."""

import hashlib
import hmac

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.extensions import db, limiter
from lpse_web.office.services import load_calendar
from lpse_web.surveys import catalogue, responses, unsur
from lpse_web.surveys.forms import KioskExitForm, KioskQuestionnaireForm, KioskStartForm
from lpse_web.surveys.models import KIOSK
from lpse_web.surveys.periods import open_period_for
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("survey_kiosk", __name__, url_prefix="/survei/kiosk")
KIOSK_STARTERS = (Role.VERIFIKATOR, Role.HELPDESK, Role.SURVEY_MANAGER, Role.ADMIN)
# What a kiosk session may open; everything else redirects to the form.
KIOSK_ENDPOINTS = frozenset({"survey_kiosk.form", "survey_kiosk.thanks", "survey_kiosk.stop", "static"})
EXIT_LIMIT = "10 per 15 minutes"  # wrong PINs per address
THANKS_SECONDS = 6  # the thank-you page returns to an empty form after this


def pin_digest(pin: str) -> str:
    """HMAC-SHA256 of the PIN keyed with the app's secret key: what the session keeps."""
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode()
    return hmac.new(key, pin.encode(), hashlib.sha256).hexdigest()


def in_kiosk() -> bool:
    return bool(session.get("kiosk"))


@bp.before_app_request
def keep_in_kiosk():
    """Lock-in: a kiosk session reaches the kiosk pages and static files only. (A
    blueprint's app-wide hook: it runs before the app's own access hooks, which are
    registered after the blueprints in create_app().)"""
    if request.endpoint in KIOSK_ENDPOINTS or not in_kiosk():
        return None
    return redirect(url_for("survey_kiosk.form"), 303)


def _kiosk_or_404() -> None:
    if not in_kiosk():
        abort(404)


def _today():
    now = clock.now()
    local = now.astimezone(load_calendar().zone)
    return local.date(), catalogue.session_of(local)


def _page(form: KioskQuestionnaireForm | None = None, exit_form: KioskExitForm | None = None,
          status: int = 200):
    """The kiosk's questionnaire, or the "not open" page when no period holds today."""
    exit_form = exit_form or KioskExitForm(formdata=None)
    day, _session = _today()
    if open_period_for(day) is None:
        return render("surveys/kiosk_closed.html", status=status, exit_form=exit_form)
    form = form or KioskQuestionnaireForm(unsur.load_elements(), catalogue.survey_services(), formdata=None)
    return render("surveys/kiosk_form.html", block="form", status=status, form=form, exit_form=exit_form)


@bp.route("/mulai", methods=["GET", "POST"])
@allow(*KIOSK_STARTERS)
def start():
    form = KioskStartForm()
    if form.validate_on_submit():
        digest, lang, user_id = pin_digest(form.pin.data), session.get("lang"), current_user.id
        current_user.rotate_session_token()  # as at sign-out: no copy of the staff cookie works
        db.session.commit()
        logout_user()
        session.clear()
        session.update(kiosk=True, kiosk_pin=digest)
        if lang:
            session["lang"] = lang
        current_app.logger.info("kiosk mode started by user %s from %s", user_id, request.remote_addr)
        return redirect(url_for(".form"), 303)
    day, _session = _today()
    return render("surveys/kiosk_start.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, period=open_period_for(day))


@bp.route("/", methods=["GET", "POST"])
@allow(PUBLIC)
def form():
    _kiosk_or_404()
    day, day_session = _today()
    if open_period_for(day) is None:
        return _page()
    form = KioskQuestionnaireForm(unsur.load_elements(), catalogue.survey_services())
    if form.validate_on_submit():
        served = catalogue.Served(form.service.data, day, day_session)
        try:
            responses.record(served, scores=form.scores(), profile=form.profile(), channel=KIOSK,
                             suggestion=form.suggestion.data or "", kind=form.suggestion_kind)
            db.session.commit()
        except responses.NoOpenPeriodError:  # closed a moment ago
            db.session.rollback()
            return _page()
        return redirect(url_for(".thanks"), 303)
    return _page(form, status=422 if form.is_submitted() else 200)


@bp.route("/terima-kasih")
@allow(PUBLIC)
def thanks():
    _kiosk_or_404()
    return render("surveys/kiosk_thanks.html", exit_form=KioskExitForm(formdata=None),
                  seconds=THANKS_SECONDS)


def _wrong_pin(response) -> bool:
    """Only refused exits count against the limit."""
    return response.status_code >= 400


@bp.route("/keluar", methods=["POST"])
@allow(PUBLIC)
@limiter.limit(EXIT_LIMIT, deduct_when=_wrong_pin)
def stop():
    _kiosk_or_404()
    exit_form = KioskExitForm()
    if exit_form.validate_on_submit() and hmac.compare_digest(
            pin_digest(exit_form.pin.data), session.get("kiosk_pin") or ""):
        session.clear()
        current_app.logger.info("kiosk mode ended from %s", request.remote_addr)
        flash(_("Mode kiosk selesai."), "info")
        return redirect(url_for("auth.login"), 303)
    wrong = _("PIN salah. Mode kiosk tetap berjalan.")
    if not exit_form.pin.errors:
        exit_form.pin.errors = [wrong]
    flash(wrong, "error")  # at the top too: the exit form is at the bottom of a long page
    return _page(exit_form=exit_form, status=422)


@bp.errorhandler(429)
def too_many_pins(error):
    """Too many wrong PINs: the kiosk stays on screen (not the site's error page)."""
    exit_form = KioskExitForm(formdata=None)
    message = _("Terlalu banyak PIN salah. Tunggu 15 menit lalu coba lagi.")
    exit_form.pin.errors = [message]
    flash(message, "error")
    return _page(exit_form=exit_form, status=429)
