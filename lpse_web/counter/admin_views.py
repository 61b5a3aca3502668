"""Closing a counter (loket) for a day: the slots of that day lose its place, and the
page warns when bookings already exceed the places left."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.counter.booking import overfull_slots
from lpse_web.counter.forms import CounterClosureForm
from lpse_web.counter.models import CounterClosure
from lpse_web.extensions import db
from lpse_web.office.models import Counter
from lpse_web.office.services import load_calendar
from lpse_web.web.access import allow
from lpse_web.web.forms import choices
from lpse_web.web.render import render

bp = Blueprint("counter_admin", __name__, url_prefix="/admin/loket-tutup")


@bp.route("/", methods=["GET", "POST"])
@allow(Role.ADMIN)
def closures():
    today = load_calendar().local_day(clock.now())
    form = CounterClosureForm()
    form.counter.choices = choices((c.id, c.name) for c in db.session.scalars(
        select(Counter).where(Counter.active).order_by(Counter.name)))
    if form.validate_on_submit():
        if form.day.data < today:
            form.day.errors.append(_("Tanggal sudah lewat."))
        else:
            db.session.add(CounterClosure(counter_id=form.counter.data, day=form.day.data,
                                          reason=(form.reason.data or "").strip()))
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.day.errors.append(_("Loket itu sudah ditutup pada tanggal tersebut."))
            else:
                counter = db.session.get(Counter, form.counter.data)
                overfull = overfull_slots([s.id for s in counter.services], form.day.data)
                flash(_("Loket ditutup pada tanggal itu. Slot baru dihitung tanpa loket ini."), "success")
                if overfull:
                    flash(_("%(n)d slot pada hari itu sudah dipesan lebih banyak dari loket yang masih "
                            "buka: hubungi pemesannya atau buka loket lain.", n=overfull), "warning")
                return redirect(url_for(".closures"), 303)
    rows = db.session.scalars(select(CounterClosure).where(CounterClosure.day >= today)
                              .order_by(CounterClosure.day)).all()
    return render("counter/closures.html", block="form" if form.is_submitted() else None,
                  status=422 if form.is_submitted() else 200, form=form, rows=rows)


@bp.route("/<int:closure_id>/hapus", methods=["POST"])
@allow(Role.ADMIN)
def reopen(closure_id):
    closure = db.get_or_404(CounterClosure, closure_id)
    db.session.delete(closure)
    db.session.commit()
    flash(_("Loket dibuka kembali pada tanggal itu."), "success")
    return redirect(url_for(".closures"), 303)
