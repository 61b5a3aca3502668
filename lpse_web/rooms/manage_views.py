"""The approvers' desk: pending requests (a recurring one decided at once or one
occurrence at a time), today's reservations to let in, and the ones released today for
want of a check-in (released by the app itself, whether or not anyone looks)."""

import re
from datetime import datetime

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lpse_web import clock
from lpse_web.extensions import db
from lpse_web.office.services import load_calendar
from lpse_web.rooms import services
from lpse_web.rooms.forms import RejectForm
from lpse_web.rooms.labels import FREQUENCY_LABELS
from lpse_web.rooms.models import Reservation, ReservationSeries
from lpse_web.rooms.reservation_views import describe_problem, run_step
from lpse_web.web.access import allow
from lpse_web.web.render import render

bp = Blueprint("room_manage", __name__, url_prefix="/ruang")
bp.add_app_template_global(FREQUENCY_LABELS, "FREQUENCY_LABELS")


def _pending_groups(pending: list[Reservation]):
    """One row per request: a series with its pending occurrences, or a single one."""
    groups, by_series = [], {}
    for reservation in pending:
        if reservation.series_id is None:
            groups.append((None, [reservation]))
        elif reservation.series_id in by_series:
            by_series[reservation.series_id].append(reservation)
        else:
            by_series[reservation.series_id] = [reservation]
            groups.append((reservation.series_id, by_series[reservation.series_id]))
    series = {s.id: s for s in db.session.scalars(db.select(ReservationSeries).where(
        ReservationSeries.id.in_(list(by_series))))} if by_series else {}
    return [(series.get(series_id), rows) for series_id, rows in groups]


@bp.route("/kelola")
@allow(*services.APPROVERS)
def index():
    now, calendar = clock.now(), load_calendar()
    today = calendar.local_day(now)
    zone = calendar.zone
    day_start = datetime.combine(today, datetime.min.time(), zone)
    day_end = datetime.combine(today, datetime.max.time(), zone)
    todays = services.reservations_between([r.id for r in services.active_rooms()], day_start, day_end)
    released = [r for r in services.released_since(day_start, now) if r.shown_status(now) == "released"]
    return render("rooms/manage.html", now=now, today=today,
                  groups=_pending_groups([r for r in services.pending_requests() if r.holds_room(now)]),
                  todays=[r for r in todays if r.status not in ("rejected", "cancelled")], released=released,
                  reject_form=RejectForm(formdata=None),
                  can_check_in=lambda r: services.can_check_in(r, now))


@bp.route("/reservasi/<int:reservation_id>/setujui", methods=["POST"])
@allow(*services.APPROVERS)
def approve(reservation_id):
    return run_step(reservation_id, lambda r: services.approve(r, current_user.id, clock.now()),
                    _("Reservasi disetujui."))


@bp.route("/reservasi/<int:reservation_id>/tolak", methods=["POST"])
@allow(*services.APPROVERS)
def reject(reservation_id):
    form = RejectForm()
    if not form.validate_on_submit():
        db.get_or_404(Reservation, reservation_id)
        flash(_("Tulis alasan penolakan."), "error")
        return redirect(url_for(".index"), 303)
    return run_step(reservation_id,
                    lambda r: services.reject(r, current_user.id, form.reason.data, clock.now()),
                    _("Permintaan ditolak; tetap tercatat dalam riwayat."))


@bp.route("/seri/<int:series_id>/setujui", methods=["POST"])
@allow(*services.APPROVERS)
def approve_series(series_id):
    db.get_or_404(ReservationSeries, series_id)
    return _decide_series(series_id, None)


@bp.route("/seri/<int:series_id>/tolak", methods=["POST"])
@allow(*services.APPROVERS)
def reject_series(series_id):
    db.get_or_404(ReservationSeries, series_id)
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Tulis alasan penolakan."), "error")
        return redirect(url_for(".index"), 303)
    return _decide_series(series_id, form.reason.data)


def _decide_series(series_id: int, reason: str | None):
    try:
        count = services.decide_series(series_id, current_user.id, clock.now(), reason=reason)
        db.session.commit()
    except services.ReservationError as error:
        db.session.rollback()
        flash(describe_problem(error), "error")
    else:
        flash(_("%(n)d jadwal disetujui.", n=count) if reason is None
              else _("%(n)d jadwal ditolak; tetap tercatat dalam riwayat.", n=count), "success")
    back = request.form.get("kembali") or ""
    if re.fullmatch(r"[0-9]{1,9}", back):  # from a reservation's own page
        return redirect(url_for("reservations.detail", reservation_id=int(back)), 303)
    return redirect(url_for(".index"), 303)
