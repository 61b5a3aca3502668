"""The administrator's lists of counter services, counters (loket) and rooms: each page
lists the records and holds the form to add one or edit the one in the URL."""

from datetime import time

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lpse_web.auth.roles import Role
from lpse_web.extensions import db
from lpse_web.office import services
from lpse_web.office.forms import ROOM_KIND_LABELS, CounterForm, CounterServiceForm, RoomForm, photo_type
from lpse_web.office.models import Counter, CounterService, Room
from lpse_web.web.access import allow
from lpse_web.web.forms import choices, prefill
from lpse_web.web.render import render

bp = Blueprint("catalogue", __name__, url_prefix="/admin")


def _list_and_form(*, model, record_id, form_class, save, duplicate, endpoint, template, order,
                   prepare=None, **context):
    """GET: the list and an empty (or pre-filled) form. POST: save, or the form again with
    its errors (422). `save(record, form)` returns the saved record or raises DuplicateError,
    whose message `duplicate` is shown on `form.<first field>`."""
    record = db.get_or_404(model, record_id) if record_id else None
    form = form_class(obj=prefill(record))
    if prepare:
        prepare(form, record)
    if form.validate_on_submit():
        try:
            saved = save(record, form)
        except services.DuplicateError:
            next(iter(f for f in form if f.name != "csrf_token")).errors.append(duplicate)
        else:
            db.session.commit()
            flash(_("%(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for(endpoint), 303)
    rows = db.session.scalars(select(model).order_by(order)).all()
    return render(template, block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, record=record, rows=rows,
                  **context)


@bp.route("/layanan", methods=["GET", "POST"])
@bp.route("/layanan/<int:service_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def counter_services(service_id=None):
    return _list_and_form(
        model=CounterService, record_id=service_id, form_class=CounterServiceForm,
        save=lambda record, form: services.save_counter_service(
            record, code=form.code.data, name=form.name.data, active=form.active.data,
            **{f: form[f].data for f in services.SERVICE_RULE_FIELDS}),
        duplicate=_("Kode atau nama layanan sudah dipakai."), endpoint="catalogue.counter_services",
        template="office/counter_services.html", order=CounterService.code)


def _offer_active_services(form, counter):
    form.services.choices = choices((s.id, s.name) for s in db.session.scalars(
        select(CounterService).where(CounterService.active).order_by(CounterService.name)))
    if counter is not None and not form.is_submitted():
        form.services.data = [s.id for s in counter.services]


@bp.route("/loket", methods=["GET", "POST"])
@bp.route("/loket/<int:counter_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def counters(counter_id=None):
    return _list_and_form(
        model=Counter, record_id=counter_id, form_class=CounterForm, prepare=_offer_active_services,
        save=lambda record, form: services.save_counter(
            record, name=form.name.data, active=form.active.data, service_ids=form.services.data),
        duplicate=_("Nama loket sudah dipakai."), endpoint="catalogue.counters",
        template="office/counters.html", order=Counter.name)


ROOM_FIELDS = ("name", "kind", "seats", "computers", "equipment", "active", "open_weekends", "needs_approval",
               "min_notice_minutes", "max_advance_days", "grace_minutes")


def _room_hours_as_text(form, room):
    if room is not None and not form.is_submitted():
        form.opens.data = room.opens.strftime("%H:%M") if room.opens else ""
        form.closes.data = room.closes.strftime("%H:%M") if room.closes else ""


def _save_room(record, form):
    fields = {f: form[f].data for f in ROOM_FIELDS}
    fields["opens"] = time.fromisoformat(form.opens.data) if form.opens.data else None
    fields["closes"] = time.fromisoformat(form.closes.data) if form.closes.data else None
    if getattr(form, "photo_bytes", None):
        fields["photo"], fields["photo_type"] = form.photo_bytes, photo_type(form.photo_bytes)
    elif form.remove_photo.data:
        fields["photo"], fields["photo_type"] = None, None
    return services.save_room(record, **fields)


@bp.route("/ruang", methods=["GET", "POST"])
@bp.route("/ruang/<int:room_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def rooms(room_id=None):
    return _list_and_form(
        model=Room, record_id=room_id, form_class=RoomForm, prepare=_room_hours_as_text, save=_save_room,
        duplicate=_("Nama ruang sudah dipakai."), endpoint="catalogue.rooms",
        template="office/rooms.html", order=Room.name, kind_labels=ROOM_KIND_LABELS)
