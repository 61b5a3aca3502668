"""The administrator's lists of counter services, counters (loket) and rooms."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.forms import ROOM_KIND_LABELS, CounterForm, CounterServiceForm, RoomForm
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.web.access import allow
from lpse_web.web.forms import choices, prefill
from lpse_web.web.render import render

bp = Blueprint("catalogue", __name__, url_prefix="/admin")


def _saved(name):
    db.session.commit()
    flash(_("%(name)s disimpan.", name=name), "success")


@bp.route("/layanan", methods=["GET", "POST"])
@bp.route("/layanan/<int:service_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def counter_services(service_id=None):
    service = db.get_or_404(CounterService, service_id) if service_id else None
    form = CounterServiceForm(obj=prefill(service))
    if form.validate_on_submit():
        try:
            saved = services.save_counter_service(service, code=form.code.data, name=form.name.data,
                                                  active=form.active.data)
        except services.DuplicateError:
            form.code.errors.append(_("Kode atau nama layanan sudah dipakai."))
        else:
            _saved(saved.name)
            return redirect(url_for("catalogue.counter_services"), 303)
    rows = db.session.scalars(select(CounterService).order_by(CounterService.code)).all()
    return render("office/counter_services.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, service=service,
                  services=rows)


@bp.route("/loket", methods=["GET", "POST"])
@bp.route("/loket/<int:counter_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def counters(counter_id=None):
    counter = db.get_or_404(Counter, counter_id) if counter_id else None
    form = CounterForm(obj=prefill(counter))
    form.services.choices = choices((s.id, s.name) for s in db.session.scalars(
        select(CounterService).where(CounterService.active).order_by(CounterService.name)))
    if counter is not None and not form.is_submitted():
        form.services.data = [s.id for s in counter.services]
    if form.validate_on_submit():
        try:
            saved = services.save_counter(counter, name=form.name.data, active=form.active.data,
                                          service_ids=form.services.data)
        except services.DuplicateError:
            form.name.errors.append(_("Nama loket sudah dipakai."))
        else:
            _saved(saved.name)
            return redirect(url_for("catalogue.counters"), 303)
    rows = db.session.scalars(select(Counter).order_by(Counter.name)).all()
    return render("office/counters.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, counter=counter,
                  counters=rows)


@bp.route("/ruang", methods=["GET", "POST"])
@bp.route("/ruang/<int:room_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def rooms(room_id=None):
    room = db.get_or_404(Room, room_id) if room_id else None
    form = RoomForm(obj=prefill(room))
    if form.validate_on_submit():
        fields = {name: form[name].data for name in
                  ("name", "kind", "seats", "computers", "equipment", "active")}
        try:
            saved = services.save_room(room, **fields)
        except services.DuplicateError:
            form.name.errors.append(_("Nama ruang sudah dipakai."))
        else:
            _saved(saved.name)
            return redirect(url_for("catalogue.rooms"), 303)
    rows = db.session.scalars(select(Room).order_by(Room.name)).all()
    return render("office/rooms.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, room=room, rooms=rows,
                  kind_labels=ROOM_KIND_LABELS)
