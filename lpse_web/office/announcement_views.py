"""Announcements of maintenance and outages (any staff member posts them)."""

from datetime import datetime

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lpse_web.database import utcnow
from lpse_web.extensions import db
from lpse_web.office.forms import AnnouncementForm
from lpse_web.office.models import Announcement
from lpse_web.office.services import load_calendar
from lpse_web.web.access import STAFF, allow
from lpse_web.web.render import render

bp = Blueprint("announcements", __name__, url_prefix="/pengumuman")


def _local_to_utc(naive: datetime) -> datetime:
    """A time typed in the office's zone, as a UTC instant."""
    return naive.replace(tzinfo=load_calendar().zone).astimezone(tz=utcnow().tzinfo)


@bp.route("", methods=["GET", "POST"])
@allow(STAFF)
def index():
    form = AnnouncementForm()
    if form.validate_on_submit():
        title, starts_at = form.title.data.strip(), _local_to_utc(form.starts.data)
        duplicate = select(Announcement.id).where(Announcement.title == title,
                                                  Announcement.starts_at == starts_at)
        if db.session.scalar(duplicate):  # a double click, most likely
            form.title.errors.append(_("Pengumuman ini sudah diterbitkan."))
        else:
            db.session.add(Announcement(
                kind=form.kind.data, title=title, body=(form.body.data or "").strip(),
                starts_at=starts_at, ends_at=_local_to_utc(form.ends.data),
                created_by_id=current_user.id))
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
    announcement = db.get_or_404(Announcement, announcement_id)
    now = utcnow()
    if announcement.ends_at > now:
        announcement.ends_at = max(now, announcement.starts_at.replace(microsecond=0))
        if announcement.ends_at <= announcement.starts_at:
            db.session.delete(announcement)  # not yet started: withdrawn altogether
        db.session.commit()
        flash(_("Pengumuman diakhiri."), "success")
    return redirect(url_for("announcements.index"), 303)
