"""Telling visitors about their survey link: the box on their ticket or reservation page,
and a short e-mail when the visit or the room use is finished (only with SMTP set).

A link is offered only while an open survey period holds the day of the service: a link
that leads to "the survey is not open" helps nobody. It stays valid (links are signed,
surveys/invitations.py), so the box appears once the period opens, as long as the link
has not expired."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from lpse_web.counter.models import Booking
from lpse_web.mail.services import mail_configured, queue_mail
from lpse_web.office.services import get_office, zone_label
from lpse_web.rooms.models import Reservation
from lpse_web.surveys import invitations
from lpse_web.surveys.periods import open_period_for

OPEN, USED, EXPIRED = "open", "used", "expired"


@dataclass(frozen=True)
class SurveyOffer:
    state: str  # OPEN (with the link), USED, EXPIRED
    url: str | None = None
    expires_at: datetime | None = None


def offer(invitation: invitations.Invitation | None, now: datetime) -> SurveyOffer | None:
    """What the visitor's own page shows about the survey; None: nothing to show."""
    state = invitations.offer(invitation, now)
    if state is None:
        return None
    if state == OPEN:
        if open_period_for(invitation.served.day) is None:
            return None
        return SurveyOffer(OPEN, url_for("survey.respond", token=invitation.token), invitation.expires_at)
    return SurveyOffer(state)


def _queue(recipient: str | None, invitation: invitations.Invitation | None, service: str,
           now: datetime) -> None:
    if not recipient or invitations.offer(invitation, now) != OPEN \
            or open_period_for(invitation.served.day) is None:
        return
    office = get_office()
    until = f"{format_datetime(invitation.expires_at, 'EEEE, d MMMM y HH.mm')} {zone_label(office.timezone)}"
    lines = [
        _("Terima kasih telah menggunakan layanan %(service)s di %(office)s.",
          service=service, office=office.name),
        "",
        _("Bagaimana layanan kami? Mohon isi survei kepuasan masyarakat (sekitar 1 menit). "
          "Jawaban Anda tidak disimpan bersama nama atau akun Anda."),
        "",
        _("Isi survei: %(url)s", url=url_for("survey.respond", token=invitation.token, _external=True)),
        "",
        _("Tautan ini berlaku sampai %(until)s dan hanya dapat dipakai sekali.", until=until),
    ]
    queue_mail(recipient, _("Survei kepuasan layanan %(office)s", office=office.name), "\n".join(lines))


def queue_booking_survey(booking: Booking, now: datetime) -> None:
    """After a counter visit is finished, in its transaction: the link to the visitor."""
    if not mail_configured() or booking.visitor is None:
        return
    _queue(booking.visitor.email, invitations.for_booking(booking), booking.service.name, now)


def queue_reservation_survey(reservation: Reservation, now: datetime) -> None:
    """After a room use is finished early, in its transaction: the link to the requester."""
    if not mail_configured():
        return
    _queue(reservation.requester.email, invitations.for_reservation(reservation, now),
           _("peminjaman ruang %(room)s", room=reservation.room.name), now)
