"""The respondent's side: the questionnaire reached by a one-time link.

The link is the credential (surveys/invitations.py): it works from an e-mail without
signing in. A link that cannot be used gets a page saying why, with its own status:
404 forged or altered, 410 expired, 409 already used. Nothing is stored then, nor when
no open survey period holds the day of the service (the link stays unused for later).

The link is spent (committed) before the answers are stored, so two tabs cannot both
store answers; if storing then fails, the link is given back."""

from flask import Blueprint, current_app, redirect, url_for
from sqlalchemy.exc import SQLAlchemyError

from lpse_web import clock
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.surveys import catalogue, invitations, periods, responses, unsur
from lpse_web.surveys.forms import QuestionnaireForm
from lpse_web.surveys.models import LINK, SurveyInvitationUse
from lpse_web.surveys.periods import open_period_for
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.render import render

bp = Blueprint("survey", __name__, url_prefix="/survei")

FORGED, EXPIRED, USED = "forged", "expired", "used"
LINK_PROBLEMS = {
    invitations.ForgedLinkError: (FORGED, 404),
    invitations.ExpiredLinkError: (EXPIRED, 410),
    invitations.UsedLinkError: (USED, 409),
}


def link_problem(error: invitations.InvitationError):
    problem, status = LINK_PROBLEMS[type(error)]
    return render("surveys/link_problem.html", status=status, problem=problem)


def give_back(invitation: invitations.Invitation) -> None:
    """Nothing was stored after the link was spent: make it usable again (best effort:
    a database that just failed may fail again, and the first error is the one to tell)."""
    db.session.rollback()
    try:
        spent = db.session.get(SurveyInvitationUse, (invitation.source, invitation.source_id))
        if spent is not None:
            db.session.delete(spent)
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("survey link %s %s spent without answers", invitation.source,
                                     invitation.source_id)


def closed_page(served: catalogue.Served | None = None):
    # A closed period holding the day will not open again: "try later" would mislead.
    period_closed = served is not None and periods.closed_period_for(served.day)
    return render("surveys/closed.html", served=served, period_closed=period_closed,
                  service_name=catalogue.service_names().get(served.service_key) if served else None)


@bp.route("/isi/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def respond(token):
    now = clock.now()
    try:
        invitation = invitations.read(token, now)
    except invitations.InvitationError as error:
        return link_problem(error)
    served = invitation.served
    if open_period_for(served.day) is None:
        return closed_page(served)
    form = QuestionnaireForm(unsur.load_elements())
    if form.validate_on_submit():
        # The link is spent in a transaction of its own, then the answers are stored in
        # another: on PostgreSQL the two rows share no transaction id (surveys/models.py).
        try:
            invitations.use(invitation, load_calendar().local_day(now))
            db.session.commit()
        except invitations.UsedLinkError as error:  # another tab sent it first
            db.session.rollback()
            return link_problem(error)
        try:
            responses.record(served, scores=form.scores(), profile=form.profile(), channel=LINK,
                             suggestion=form.suggestion.data or "", kind=form.suggestion_kind)
            db.session.commit()
        except responses.NoOpenPeriodError:  # closed a moment ago: the link stays usable
            give_back(invitation)
            return closed_page(served)
        except Exception:
            give_back(invitation)
            raise
        return redirect(url_for(".thanks"), 303)
    return render("surveys/questionnaire.html", block="form", status=422 if form.is_submitted() else 200,
                  form=form, action=url_for(".respond", token=token), served=served,
                  service_name=catalogue.service_names().get(served.service_key, served.service_key),
                  expires_at=invitation.expires_at)


@bp.route("/terima-kasih")
@allow(PUBLIC)
def thanks():
    return render("surveys/thanks.html")
