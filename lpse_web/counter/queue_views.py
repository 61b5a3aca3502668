"""The staff's side of the counter: the day's queue (check in, walk-in tickets, call
next, outcome, no-show) and the waiting-room display board.

Each step answers an htmx request with the refreshed queue block, and a plain form
post with a redirect back to the queue (303) and a flash message."""

from flask import Blueprint, abort, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lpse_web import clock
from lpse_web.auth.roles import Role
from lpse_web.counter import queue
from lpse_web.counter.booking import is_official
from lpse_web.counter.forms import VERIFICATION_OUTCOMES, CallForm, CheckInForm, FinishForm, WalkInForm
from lpse_web.counter.labels import OUTCOME_LABELS, STATUS_LABELS
from lpse_web.counter.models import SERVED, Booking
from lpse_web.extensions import db
from lpse_web.office.models import Counter, CounterService
from lpse_web.office.services import load_calendar
from lpse_web.surveys.notify import queue_booking_survey
from lpse_web.web.access import PUBLIC, allow
from lpse_web.web.forms import choices
from lpse_web.web.render import render, wants_fragment

bp = Blueprint("queue", __name__, url_prefix="/antrian")
bp.add_app_template_global(queue.REJECTION_REASONS, "REJECTION_REASONS")
bp.add_app_template_global(STATUS_LABELS, "STATUS_LABELS")
bp.add_app_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
COUNTER_STAFF = (Role.VERIFIKATOR, Role.HELPDESK)
# The queue page lists the latest finished visits only: it is polled every 10 seconds by
# every desk, and the day's full list is the report's job.
FINISHED_SHOWN = 20

MESSAGES = {
    queue.UnknownCodeError: lambda: _("Kode pemesanan tidak ditemukan. Periksa kembali kodenya."),
    queue.NotTodayError: lambda: _("Pemesanan itu bukan untuk hari ini."),
    queue.WrongStateError: lambda: _("Langkah itu tidak dapat dilakukan pada status kunjungan ini."),
    queue.CounterBusyError: lambda: _("Loket ini masih melayani pengunjung. Selesaikan dulu."),
    queue.CounterClosedError: lambda: _("Loket ini tutup hari ini."),
    queue.NobodyWaitingError: lambda: _("Tidak ada pengunjung yang menunggu untuk layanan loket ini."),
    queue.OutcomeError: lambda: _("Hasil tidak sesuai dengan layanan."),
    queue.RebookedError: lambda: _("Pengunjung ini sudah memesan jadwal baru untuk layanan ini: "
                                   "gunakan kode tiket yang baru."),
}


def _today():
    now = clock.now()
    return load_calendar().local_day(now), now


def _forms(day):
    services = db.session.scalars(select(CounterService).where(CounterService.active)
                                  .order_by(CounterService.code)).all()
    walk_in = WalkInForm(formdata=None)
    walk_in.service.choices = choices((s.id, f"{s.code} · {s.name}") for s in services)
    # Most walk-ins come for verification: offer it first.
    walk_in.service.data = next((s.id for s in services if s.is_verification), None)
    call = CallForm(formdata=None)
    counters = queue.open_counters(day)
    call.counter.choices = choices((c.id, c.name) for c in counters)
    call.counter.data = session.get("counter_id")
    return {"checkin_form": CheckInForm(formdata=None), "walk_in_form": walk_in, "call_form": call}


def _queue_page(status: int = 200):
    day, now = _today()
    return render("counter/queue.html", block="queue", status=status, day=day, now=now,
                  queue=queue.day_queue(day, now), finished_shown=FINISHED_SHOWN, **_forms(day))


def _done(message: str, category: str = "success"):
    """After a queue step: the refreshed queue (htmx) or a redirect to it."""
    flash(message, category)
    if wants_fragment():
        return _queue_page(status=200 if category == "success" else 422)
    return redirect(url_for(".index"), 303)


def _step(action, success):
    """Run a queue step in its own transaction; a refused step changes nothing."""
    try:
        result = action()
        db.session.commit()
    except queue.QueueError as error:
        db.session.rollback()
        return _done(MESSAGES[type(error)](), "error")
    return _done(success(result))


@bp.route("/")
@allow(*COUNTER_STAFF)
def index():
    return _queue_page()


@bp.route("/check-in", methods=["POST"])
@allow(*COUNTER_STAFF)
def check_in():
    form = CheckInForm()
    if not form.validate_on_submit():
        return _done(_("Ketik atau pindai kode pemesanan."), "error")
    day, now = _today()
    return _step(lambda: queue.check_in(form.code.data, day, now),
                 lambda b: _("%(name)s tercatat hadir. Nomor antrean: %(ticket)s",
                             name=b.visitor_name, ticket=b.ticket))


@bp.route("/walk-in", methods=["POST"])
@allow(*COUNTER_STAFF)
def walk_in():
    form = WalkInForm()
    form.service.choices = choices((s.id, s.name) for s in db.session.scalars(
        select(CounterService).where(CounterService.active)))
    if not form.validate_on_submit():
        return _done(_("Pilih layanan untuk tiket pengunjung langsung."), "error")
    service = db.session.get(CounterService, form.service.data)
    day, now = _today()
    return _step(lambda: queue.issue_walk_in(service, form.name.data, day, now),
                 lambda b: _("Tiket pengunjung langsung: %(ticket)s", ticket=b.ticket))


@bp.route("/panggil", methods=["POST"])
@allow(*COUNTER_STAFF)
def call_next():
    day, now = _today()
    form = CallForm()
    form.counter.choices = choices((c.id, c.name) for c in queue.open_counters(day))
    if not form.validate_on_submit():
        return _done(_("Pilih loket yang buka hari ini."), "error")
    counter = db.session.get(Counter, form.counter.data)
    session["counter_id"] = counter.id  # this desk's counter, remembered for the next call
    # Verification is decided by a verifikator (DOMAIN.md): helpdesk desks call the others.
    may_verify = current_user.has_role(Role.VERIFIKATOR)
    return _step(lambda: queue.call_next(counter, current_user.id, day, now, may_verify=may_verify),
                 lambda b: _("%(ticket)s dipanggil ke %(counter)s.", ticket=b.ticket, counter=counter.name))


def _booking_today_or_404(booking_id: int) -> Booking:
    booking = db.get_or_404(Booking, booking_id)
    if booking.day != _today()[0]:
        abort(404)
    return booking


def _finish_form(booking: Booking) -> FinishForm:
    form = FinishForm()
    if booking.service.is_verification:
        form.outcome.choices = VERIFICATION_OUTCOMES
    else:
        form.outcome.choices = choices([(SERVED, _("Dilayani"))])
        if not form.is_submitted():
            form.outcome.data = SERVED
    if booking.visitor is not None:
        documents = booking.service.checklist_for(official=is_official(booking.visitor))
    else:  # a walk-in: whoever it is, either list may apply
        service = booking.service
        documents = service.checklist_for(official=False) + service.checklist_for(official=True)
    form.documents.choices = choices((d, d) for d in dict.fromkeys(documents))
    return form


@bp.route("/<int:booking_id>/selesai", methods=["GET", "POST"])
@allow(*COUNTER_STAFF)
def finish(booking_id):
    booking = _booking_today_or_404(booking_id)
    if booking.service.is_verification and not current_user.has_role(Role.VERIFIKATOR):
        abort(403)  # approving or rejecting a registration is the verifikator's decision
    form = _finish_form(booking)
    if form.validate_on_submit():
        now = clock.now()
        try:
            queue.finish(booking, outcome=form.outcome.data, reason=form.reason.data or None,
                         note=form.note.data, documents=form.documents.data or [],
                         staff_id=current_user.id, now=now)
            queue_booking_survey(booking, now)  # the survey link by e-mail, with SMTP set
            db.session.commit()
        except queue.QueueError as error:
            db.session.rollback()
            flash(MESSAGES[type(error)](), "error")
        else:
            flash(_("Kunjungan %(ticket)s selesai.", ticket=booking.ticket), "success")
        return redirect(url_for(".index"), 303)
    return render("counter/finish.html", block="form", status=422 if form.is_submitted() else 200,
                  booking=booking, form=form)


@bp.route("/<int:booking_id>/tidak-hadir", methods=["POST"])
@allow(*COUNTER_STAFF)
def absent(booking_id):
    booking = _booking_today_or_404(booking_id)
    # (CSRFProtect has checked the token of this form-less post already.)
    now = clock.now()
    return _step(lambda: queue.mark_absent(booking, now),
                 lambda _b: _("%(name)s dicatat tidak hadir.", name=booking.visitor_name or booking.ticket))


@bp.route("/layar")
@allow(PUBLIC)
def board():
    day, now = _today()
    return render("counter/board.html", block="board", day=day, now=now, board=queue.board(day, now))
