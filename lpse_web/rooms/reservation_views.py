"""The requester's side: the reservation form (with a preview of a recurring request's
occurrences and what stands in the way of each), a reservation's page with its steps
(cancel, check in, finish early), and "my reservations" with the calendar-feed links.

A reservation is shown only to its requester and to the approvers: anyone else gets
404, as if it did not exist."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lpse_web import clock
from lpse_web.database import reads_only_from_here
from lpse_web.extensions import db
from lpse_web.office.models import Room
from lpse_web.office.services import load_calendar, zone_label
from lpse_web.rooms import feeds, services
from lpse_web.rooms.calendar_views import RESERVERS
from lpse_web.rooms.forms import ReservationForm, parse_hhmm
from lpse_web.rooms.messages import describe
from lpse_web.rooms.models import Reservation
from lpse_web.surveys import invitations as survey_invitations
from lpse_web.surveys.notify import offer as survey_offer
from lpse_web.surveys.notify import queue_reservation_survey
from lpse_web.web.access import allow
from lpse_web.web.forms import choices, quarter_hours
from lpse_web.web.pagination import paginate
from lpse_web.web.render import render

bp = Blueprint("reservations", __name__, url_prefix="/ruang")


def describe_problem(problem):
    calendar = g.get("rooms_calendar") or g.setdefault("rooms_calendar", load_calendar())
    return describe(problem, current_user, calendar.zone, zone_label(calendar.timezone))


def _prefill(form: ReservationForm, rooms: list[Room]) -> None:
    """A GET from a free cell of the day or week view: ?ruang=&hari=&mulai=&selesai=."""
    args = request.args
    room_id = args.get("ruang", type=int)
    if room_id in {r.id for r in rooms}:
        form.room.data = room_id
    try:
        form.start_date.data = datetime.strptime((args.get("hari") or "")[:10], "%Y-%m-%d").date()
    except ValueError:
        form.start_date.data = None
    times = quarter_hours()
    if args.get("mulai") in times:
        form.start_time.data = args["mulai"]
    if args.get("selesai") in times:
        form.end_time.data = args["selesai"]


def _range_of(form: ReservationForm):
    zone = load_calendar().zone
    start = datetime.combine(form.start_date.data, parse_hhmm(form.start_time.data), zone)
    end = datetime.combine(form.start_date.data, parse_hhmm(form.end_time.data), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _own_or_404(reservation_id: int) -> Reservation:
    reservation = db.get_or_404(Reservation, reservation_id)
    if not services.may_see_details(current_user, reservation):
        abort(404)
    return reservation


@bp.route("/pesan", methods=["GET", "POST"])
@allow(RESERVERS)
def new():
    rooms = services.active_rooms()
    form = ReservationForm()
    form.room.choices = choices((r.id, _("%(name)s (%(n)d kursi)", name=r.name, n=r.seats)) for r in rooms)
    if not form.is_submitted():
        _prefill(form, rooms)
    occurrences, problem = None, None
    if form.validate_on_submit():
        room = next(r for r in rooms if r.id == form.room.data)
        start, end = _range_of(form)
        repeat = dict(frequency=form.repeat.data or None, until=form.until.data if form.repeat.data else None)
        now = clock.now()
        if not form.confirm.data:  # "check the schedule": show every occurrence, store nothing
            try:
                services.check_people(room, form.attendees.data)
                occurrences = services.plan(room, start, end, now, **repeat)
            except services.ReservationError as error:
                problem = describe_problem(error)
        else:
            try:
                stored, refused = services.reserve(
                    room, current_user, start=start, end=end, purpose=form.purpose.data,
                    title=form.title.data, attendees=form.attendees.data, note=form.note.data, now=now,
                    **repeat)
                db.session.commit()
            except services.ReservationError as error:
                db.session.rollback()
                reads_only_from_here(db.session)
                problem = describe_problem(error)
            else:
                return _reserved(stored, refused)
    status = 422 if form.is_submitted() and (form.errors or problem) else 200
    return render("rooms/new.html", block="form", status=status, form=form, occurrences=occurrences,
                  problem=problem, describe=describe_problem, rooms=rooms)


def _reserved(stored: list[Reservation], refused):
    first = stored[0]
    if first.status == "approved":
        flash(_("Reservasi disetujui: %(n)d jadwal.", n=len(stored)), "success")
    else:
        flash(_("Permintaan reservasi terkirim (%(n)d jadwal) dan menunggu persetujuan petugas.",
                n=len(stored)), "success")
    for occurrence in refused:
        flash(describe_problem(occurrence.problem), "warning")
    return redirect(url_for(".detail", reservation_id=first.id), 303)


@bp.route("/reservasi/<int:reservation_id>")
@allow(RESERVERS)
def detail(reservation_id):
    reservation = _own_or_404(reservation_id)
    now = clock.now()
    series = services.series_of(reservation.series_id) if reservation.series_id else []
    # The survey link of a used room: for the requester only, not for the approvers.
    survey = (survey_offer(survey_invitations.for_reservation(reservation, now), now)
              if reservation.requester_id == current_user.id else None)
    return render("rooms/detail.html", reservation=reservation, series=series, now=now, survey=survey,
                  can_cancel=services.can_cancel(reservation, current_user, now),
                  can_check_in=services.can_check_in(reservation, now),
                  can_complete=reservation.shown_status(now) == "checked_in",
                  approver=services.is_approver(current_user))


def run_step(reservation_id: int, action, success: str):
    """Run one step in its own transaction; a refused step changes nothing. Back to
    where the button was: the management list, or the reservation's page."""
    reservation = _own_or_404(reservation_id)
    try:
        action(reservation)
        db.session.commit()
    except services.ReservationError as error:
        db.session.rollback()
        flash(describe_problem(error), "error")
    else:
        flash(success, "success")
    if request.form.get("kembali") == "kelola" and services.is_approver(current_user):
        return redirect(url_for("room_manage.index"), 303)
    return redirect(url_for("reservations.detail", reservation_id=reservation_id), 303)


@bp.route("/reservasi/<int:reservation_id>/batal", methods=["POST"])
@allow(RESERVERS)
def cancel(reservation_id):
    return run_step(reservation_id, lambda r: services.cancel(r, clock.now()), _("Reservasi dibatalkan."))


@bp.route("/reservasi/<int:reservation_id>/check-in", methods=["POST"])
@allow(RESERVERS)
def check_in(reservation_id):
    return run_step(reservation_id, lambda r: services.check_in(r, current_user.id, clock.now()),
                    _("Kehadiran dicatat: ruang sedang dipakai."))


@bp.route("/reservasi/<int:reservation_id>/selesai", methods=["POST"])
@allow(RESERVERS)
def complete(reservation_id):
    def finish_early(reservation):
        now = clock.now()
        services.complete(reservation, now)
        queue_reservation_survey(reservation, now)  # the survey link by e-mail, with SMTP set

    return run_step(reservation_id, finish_early,
                    _("Pemakaian ruang selesai; sisa waktunya dapat dipesan lagi."))


def _mine(feed_links=None):
    now = clock.now()
    history = paginate(services.history_query(current_user.id, now), request.args.get("hal"),
                       current_app.config["PAGE_SIZE"])
    return render("rooms/mine.html", upcoming=services.upcoming_of(current_user.id, now), history=history,
                  now=now, has_feed=feed_links is not None or feeds.has_key(current_user.id),
                  feed_links=feed_links)


@bp.route("/saya")
@allow(RESERVERS)
def mine():
    return _mine()


@bp.route("/saya/tautan-kalender", methods=["POST"])
@allow(RESERVERS)
def new_feed_key():
    """A new secret calendar link, shown once (only its hash is kept); the old one stops."""
    key = feeds.new_key(current_user.id)
    db.session.commit()
    links = {"mine": url_for("room_feeds.mine", key=key, _external=True),
             "rooms": [(room, url_for("room_feeds.room", key=key, room_id=room.id, _external=True))
                       for room in services.active_rooms()]}
    return _mine(feed_links=links)
