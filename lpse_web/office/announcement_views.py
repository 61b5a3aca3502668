"""Announcements of maintenance and outages (any staff member posts them)."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.forms import AnnouncementForm
from lpse_web.office.models import Announcement
from lpse_web.web.access import STAFF, allow
from lpse_web.web.render import render

bp = Blueprint("announcements", __name__, url_prefix="/pengumuman")


@bp.route("", methods=["GET", "POST"])
@allow(STAFF)
def index():
    form = AnnouncementForm()
    if form.validate_on_submit():
        try:
            services.publish_announcement(
                kind=form.kind.data, title=form.title.data, body=form.body.data,
                starts_local=form.starts.data, ends_local=form.ends.data, author_id=current_user.id)
        except services.DuplicateError:
            form.title.errors.append(_("Pengumuman ini sudah diterbitkan."))
        else:
            db.session.commit()
            flash(_("Pengumuman diterbitkan."), "success")
            return redirect(url_for("announcements.index"), 303)
    rows = db.session.scalars(select(Announcement).order_by(Announcement.starts_at.desc()).limit(50))
    return render("office/announcements.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form,
                  announcements=list(rows), now=utcnow())


@bp.route("/<int:announcement_id>/akhiri", methods=["POST"])
@allow(STAFF)
def end(announcement_id):
    services.end_announcement(db.get_or_404(Announcement, announcement_id))
    db.session.commit()
    flash(_("Pengumuman diakhiri."), "success")
    return redirect(url_for("announcements.index"), 303)
