"""Blackout periods of a room (maintenance, exam days): no reservation can be made in
them, and the page warns of reservations already holding the room then."""

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.office.services import load_calendar
from lpse_web.rooms import services
from lpse_web.rooms.forms import BlackoutForm, parse_hhmm
from lpse_web.rooms.models import Blackout
from lpse_web.web.access import allow
from lpse_web.web.render import render

bp = Blueprint("room_admin", __name__, url_prefix="/admin/ruang")


@bp.route("/<int:room_id>/penutupan", methods=["GET", "POST"])
@allow(Role.ADMIN)
def blackouts(room_id):
    room = db.get_or_404(Room, room_id)
    now, calendar = clock.now(), load_calendar()
    form = BlackoutForm()
    if form.validate_on_submit():
        zone = calendar.zone
        start = datetime.combine(form.start_date.data, parse_hhmm(form.start_time.data), zone).astimezone(UTC)
        end = datetime.combine(form.end_date.data, parse_hhmm(form.end_time.data), zone).astimezone(UTC)
        services.add_blackout(room, start, end, form.reason.data)
        affected = services.holding_between([room.id], start, end, now)
        db.session.commit()
        flash(_("Penutupan ruang disimpan. Reservasi baru pada waktu itu ditolak."), "success")
        if affected:
            flash(_("%(n)d reservasi sudah memesan ruang pada waktu itu: hubungi pemesannya atau "
                    "batalkan.", n=len(affected)), "warning")
        return redirect(url_for(".blackouts", room_id=room.id), 303)
    rows = db.session.scalars(select(Blackout).where(Blackout.room_id == room.id, Blackout.ends_at > now)
                              .order_by(Blackout.starts_at)).all()
    return render("rooms/blackouts.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, room=room, rows=rows)


@bp.route("/penutupan/<int:blackout_id>/hapus", methods=["POST"])
@allow(Role.ADMIN)
def remove_blackout(blackout_id):
    blackout = db.get_or_404(Blackout, blackout_id)
    room_id = blackout.room_id
    services.remove_blackout(blackout)
    db.session.commit()
    flash(_("Penutupan ruang dihapus."), "success")
    return redirect(url_for(".blackouts", room_id=room_id), 303)
