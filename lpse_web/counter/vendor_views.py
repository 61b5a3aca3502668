"""The visitor's side of the counter: choose a service, a day and a slot, confirm,
and keep the ticket; reschedule or cancel it; see past visits and their outcomes.

A ticket is found by its code, and shown only to its owner and to counter staff:
anyone else gets 404, as if it did not exist (codes cannot be probed)."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.counter import booking as bookings
from lpse_web.counter.forms import ConfirmForm
from lpse_web.counter.notify import queue_confirmation
from lpse_web.counter.tickets import ics, qr_svg
from lpse_web.extensions import db
from lpse_web.office.calendar import WEEKDAY_NAMES
from lpse_web.office.models import CounterService
from lpse_web.office.services import get_office, load_calendar
from lpse_web.surveys import invitations as survey_invitations
from lpse_web.surveys.notify import offer as survey_offer
from lpse_web.web.access import SIGNED_IN, allow
from lpse_web.web.render import render

bp = Blueprint("booking", __name__)
bp.add_app_template_global(WEEKDAY_NAMES, "WEEKDAY_NAMES")
BOOKERS = (Role.VENDOR, Role.ROOM_USER)  # vendors, and officials who register at the counter
TICKET_READERS = (Role.VERIFIKATOR, Role.HELPDESK, Role.MANAGER, Role.ADMIN)

MESSAGES = {
    bookings.SlotFullError: lambda: _("Maaf, slot itu baru saja penuh. Silakan pilih slot lain."),
    bookings.AlreadyBookedError: lambda: _(
        "Anda sudah memiliki pemesanan aktif untuk layanan ini. Ubah jadwal atau batalkan dulu."),
    bookings.NotBookableError: lambda: _("Slot itu tidak dapat dipesan (di luar jam layanan atau "
                                         "di luar batas waktu pemesanan)."),
    bookings.TooLateError: lambda: _("Pemesanan ini tidak dapat diubah lagi: batas waktunya sudah lewat."),
}


def _service_or_404(service_id: int) -> CounterService:
    service = db.get_or_404(CounterService, service_id)
    if not service.active:
        abort(404)
    return service


def _chosen_day(days: list[date]) -> date | None:
    wanted = request.args.get("hari", "")
    try:
        chosen = date.fromisoformat(wanted[:10]) if wanted else None
    except ValueError:
        chosen = None
    if chosen in days:
        return chosen
    return days[0] if days else None


def _day_grid(days: list[tuple[date, int]], calendar) -> tuple[list[int], list[list[tuple]]]:
    """The bookable days laid out as calendar weeks, one column per weekday the office
    opens. A cell is (day, places left) or (day, None): past, closed or out of reach."""
    columns = sorted(calendar.hours) or list(range(5))
    left = dict(days)
    weeks = sorted({d - timedelta(days=d.weekday()) for d in left})
    return columns, [[(monday + timedelta(days=w), left.get(monday + timedelta(days=w))) for w in columns]
                     for monday in weeks]


def _slot_page(service: CounterService, *, template: str, picker_url, mode: str, **context):
    """The day list and the chosen day's slots; the `slots` block alone for htmx (the
    day links and the 15-second refresh of the remaining places)."""
    now, calendar = clock.now(), load_calendar()
    days = bookings.open_days(service, now, calendar)
    day = _chosen_day([d for d, _left in days])
    offers = bookings.day_offers(service, day, now, calendar) if day else []
    columns, weeks = _day_grid(days, calendar)
    return render(template, block="slots", service=service, days=days, day=day, offers=offers,
                  columns=columns, weeks=weeks,
                  start_of=lambda at: bookings.format_start(at, calendar), picker_url=picker_url,
                  mode=mode, **context)


def _ticket_or_404(code: str):
    booking = bookings.find_booking(code)
    if booking is None:
        abort(404)
    if booking.visitor_id != current_user.id and not current_user.has_role(*TICKET_READERS):
        abort(404)
    return booking


@bp.route("/loket/")
@allow(*BOOKERS)
def services():
    return render("counter/services.html", services=bookings.bookable_services())


@bp.route("/loket/<int:service_id>")
@allow(*BOOKERS)
def slots(service_id):
    service = _service_or_404(service_id)
    return _slot_page(service, template="counter/slots.html", mode="book",
                      picker_url=lambda d: url_for(".slots", service_id=service.id, hari=d.isoformat()),
                      open_booking=bookings.open_booking(current_user.id, service.id))


@bp.route("/loket/<int:service_id>/<start>", methods=["GET", "POST"])
@allow(*BOOKERS)
def confirm(service_id, start):
    service = _service_or_404(service_id)
    calendar = load_calendar()
    starts_at = bookings.parse_start(start, calendar)
    if starts_at is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            booking = bookings.book(service, current_user, starts_at, clock.now())
            queue_confirmation(booking)
            db.session.commit()
        except bookings.BookingError as error:
            db.session.rollback()
            flash(MESSAGES[type(error)](), "error")
            return redirect(url_for(".slots", service_id=service.id,
                                    hari=calendar.local_day(starts_at).isoformat()), 303)
        flash(_("Pemesanan berhasil. Simpan atau cetak tiket ini."), "success")
        return redirect(url_for(".ticket", code=booking.code), 303)
    official = bookings.is_official(current_user)
    return render("counter/confirm.html", service=service, starts_at=starts_at, start=start, form=form,
                  checklist=service.checklist_for(official=official), official=official)


@bp.route("/tiket/<code>")
@allow(SIGNED_IN)
def ticket(code):
    booking = _ticket_or_404(code)
    now = clock.now()
    # The survey link of a finished visit: for the visitor only, not for staff reading it.
    survey = (survey_offer(survey_invitations.for_booking(booking), now)
              if booking.visitor_id == current_user.id else None)
    return render("counter/ticket.html", booking=booking, qr=qr_svg(booking.code), now=now, survey=survey,
                  can_change=bookings.can_change(booking, now) and booking.visitor_id == current_user.id,
                  checklist=booking.service.checklist_for(official=bookings.is_official(booking.visitor))
                  if booking.visitor else [])


@bp.route("/tiket/<code>/kalender.ics")
@allow(SIGNED_IN)
def ticket_ics(code):
    booking = _ticket_or_404(code)
    if booking.scheduled_at is None:
        abort(404)
    office = get_office()
    body = ics(booking, office_name=office.name, address=office.address, host=request.host,
               now=clock.now())
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="lpse-{booking.code}.ics"'
    return response


@bp.route("/tiket/<code>/jadwal-ulang", methods=["GET", "POST"])
@allow(*BOOKERS)
def reschedule(code):
    booking = _ticket_or_404(code)
    if booking.visitor_id != current_user.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        calendar = load_calendar()
        starts_at = bookings.parse_start(form.start.data, calendar)
        try:
            if starts_at is None:
                raise bookings.NotBookableError()
            bookings.reschedule(booking, starts_at, clock.now())
            queue_confirmation(booking, rescheduled=True)
            db.session.commit()
        except bookings.BookingError as error:
            db.session.rollback()
            flash(MESSAGES[type(error)](), "error")
            return redirect(url_for(".reschedule", code=code), 303)
        flash(_("Jadwal diubah. Tempat lama sudah dilepas."), "success")
        return redirect(url_for(".ticket", code=booking.code), 303)
    if form.is_submitted():  # a start no slot can have (too long, control characters)
        flash(MESSAGES[bookings.NotBookableError](), "error")
        return redirect(url_for(".reschedule", code=code), 303)
    if not bookings.can_change(booking, clock.now()):
        flash(MESSAGES[bookings.TooLateError](), "error")
        return redirect(url_for(".ticket", code=code), 303)
    return _slot_page(booking.service, template="counter/reschedule.html", mode="reschedule",
                      picker_url=lambda d: url_for(".reschedule", code=code, hari=d.isoformat()),
                      booking=booking, form=form)


@bp.route("/tiket/<code>/batal", methods=["POST"])
@allow(*BOOKERS)
def cancel(code):
    booking = _ticket_or_404(code)
    if booking.visitor_id != current_user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            bookings.cancel(booking, clock.now())
            db.session.commit()
        except bookings.BookingError as error:
            db.session.rollback()
            flash(MESSAGES[type(error)](), "error")
        else:
            flash(_("Pemesanan dibatalkan."), "success")
    return redirect(url_for(".ticket", code=code), 303)


@bp.route("/tiket-saya")
@allow(*BOOKERS)
def mine():
    return render("counter/mine.html", bookings=bookings.visitor_bookings(current_user.id), now=clock.now())
