"""Suggestions and complaints and their follow-up.

The survey manager and helpdesk (who handles complaints, DOMAIN.md) follow them up; the
head of office reads them. Reading and changing are two endpoints on the same URL, so
the guard itself says who may change (GET `detail`, POST `follow_up`)."""

import re

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.surveys import catalogue, suggestions
from lpse_web.surveys.manage_forms import FollowUpForm
from lpse_web.surveys.messages import FOLLOW_UP_LABELS, KIND_LABELS, follow_up_message
from lpse_web.surveys.models import FOLLOW_UP_STATUSES, SurveyPeriod, SurveySuggestion
from lpse_web.web.access import allow
from lpse_web.web.render import render

bp = Blueprint("survey_suggestions", __name__, url_prefix="/survei/saran")
HANDLERS = (Role.SURVEY_MANAGER, Role.HELPDESK)
READERS = (*HANDLERS, Role.MANAGER)
SUGGESTION_ID = re.compile(r"[0-9a-f]{32}")


def _period_arg(known: list[SurveyPeriod]) -> int | None:
    value = request.args.get("periode", "")
    if re.fullmatch(r"[0-9]{1,9}", value) and int(value) in {p.id for p in known}:
        return int(value)
    return None


@bp.route("/")
@allow(*READERS)
def index():
    known = list(db.session.scalars(select(SurveyPeriod).order_by(SurveyPeriod.starts_on.desc())))
    period_id = _period_arg(known)
    status = request.args.get("status", "")
    status = status if status in FOLLOW_UP_STATUSES else None
    page = suggestions.suggestions(period_id, status, request.args.get("hal"))
    args = {k: v for k, v in (("periode", period_id), ("status", status)) if v is not None}
    return render("surveys/suggestions.html", page=page, periods=known, period_id=period_id,
                  filter_status=status,
                  counts=suggestions.status_counts(period_id), args=args,
                  period_names={p.id: p.name for p in known}, services=catalogue.service_names(),
                  status_of=suggestions.status_of, STATUS_LABELS=FOLLOW_UP_LABELS, KIND_LABELS=KIND_LABELS)


def _suggestion(suggestion_id: str) -> SurveySuggestion:
    if not SUGGESTION_ID.fullmatch(suggestion_id):
        abort(404)
    return db.get_or_404(SurveySuggestion, suggestion_id)


def _page(suggestion: SurveySuggestion, form: FollowUpForm, status: int = 200):
    return render("surveys/suggestion.html", block="form" if status != 200 else None, status=status,
                  suggestion=suggestion, form=form, period=db.session.get(SurveyPeriod, suggestion.period_id),
                  services=catalogue.service_names(), current_status=suggestions.status_of(suggestion),
                  can_change=current_user.has_role(*HANDLERS),
                  STATUS_LABELS=FOLLOW_UP_LABELS, KIND_LABELS=KIND_LABELS)


@bp.route("/<suggestion_id>")
@allow(*READERS)
def detail(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    row = suggestion.follow_up
    form = FollowUpForm(formdata=None, data={"status": suggestions.status_of(suggestion),
                                             "reply": row.reply if row else ""})
    return _page(suggestion, form)


@bp.route("/<suggestion_id>", methods=["POST"])
@allow(*HANDLERS)
def follow_up(suggestion_id):
    suggestion = _suggestion(suggestion_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            suggestions.follow_up(suggestion, status=form.status.data, reply=form.reply.data,
                                  staff_id=current_user.id, now=clock.now())
        except suggestions.FollowUpError as error:
            db.session.rollback()
            field = form.reply if error.code == "reply" else form.status
            field.errors.append(follow_up_message(error.code))
        else:
            db.session.commit()
            flash(_("Tindak lanjut disimpan: %(status)s.", status=FOLLOW_UP_LABELS[form.status.data]),
                  "success")
            return redirect(url_for(".detail", suggestion_id=suggestion.id), 303)
    return _page(suggestion, form, status=422)
