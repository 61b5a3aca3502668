"""Counters (loket) with their services, and rooms: the administrator's lists."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office.forms import ROOM_KIND_LABELS, CounterForm, RoomForm
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.web.access import allow
from lpse_web.web.forms import choices, prefill
from lpse_web.web.render import render

bp = Blueprint("catalogue", __name__, url_prefix="/admin")


def _service_choices():
    return choices((s.id, s.name) for s in db.session.scalars(
        select(CounterService).where(CounterService.active).order_by(CounterService.name)))


def _name_taken(model, name, except_id=None) -> bool:
    query = select(model.id).where(model.name == name.strip())
    if except_id:
        query = query.where(model.id != except_id)
    return db.session.scalar(query) is not None


@bp.route("/loket", methods=["GET", "POST"])
@bp.route("/loket/<int:counter_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def counters(counter_id=None):
    counter = db.get_or_404(Counter, counter_id) if counter_id else None
    form = CounterForm(obj=prefill(counter))
    form.services.choices = _service_choices()
    if counter is not None and not form.is_submitted():
        form.services.data = [s.id for s in counter.services]
    if form.validate_on_submit():
        if _name_taken(Counter, form.name.data, counter_id):
            form.name.errors.append(_("Nama loket sudah dipakai."))
        else:
            target = counter or Counter()
            target.name = form.name.data.strip()
            target.active = form.active.data
            target.services = [db.session.get(CounterService, i) for i in form.services.data or []]
            db.session.add(target)
            db.session.commit()
            flash(_("Loket %(name)s disimpan.", name=target.name), "success")
            return redirect(url_for("catalogue.counters"), 303)
    status = 422 if form.is_submitted() else 200
    rows = db.session.scalars(select(Counter).order_by(Counter.name)).all()
    return render("office/counters.html", block="form" if form.is_submitted() else None,
                  status=status, form=form, counter=counter, counters=rows)


@bp.route("/ruang", methods=["GET", "POST"])
@bp.route("/ruang/<int:room_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def rooms(room_id=None):
    room = db.get_or_404(Room, room_id) if room_id else None
    form = RoomForm(obj=prefill(room))
    if form.validate_on_submit():
        if _name_taken(Room, form.name.data, room_id):
            form.name.errors.append(_("Nama ruang sudah dipakai."))
        else:
            target = room or Room()
            form.populate_obj(target)
            target.name = target.name.strip()
            db.session.add(target)
            db.session.commit()
            flash(_("Ruang %(name)s disimpan.", name=target.name), "success")
            return redirect(url_for("catalogue.rooms"), 303)
    status = 422 if form.is_submitted() else 200
    rows = db.session.scalars(select(Room).order_by(Room.name)).all()
    return render("office/rooms.html", block="form" if form.is_submitted() else None,
                  status=status, form=form, room=room, rooms=rows, kind_labels=ROOM_KIND_LABELS)
