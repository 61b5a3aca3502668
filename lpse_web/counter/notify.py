"""The booking confirmation e-mail, queued in the booking's own transaction."""

from flask import request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from lpse_web import clock
from lpse_web.counter.booking import is_official
from lpse_web.counter.models import Booking
from lpse_web.counter.tickets import ics
from lpse_web.mail.services import mail_configured, queue_mail
from lpse_web.office.services import get_office, zone_label


def queue_confirmation(booking: Booking, rescheduled: bool = False) -> None:
    if not mail_configured() or booking.visitor is None:
        return
    office = get_office()
    when = f"{format_datetime(booking.scheduled_at, 'EEEE, d MMMM y HH.mm')} {zone_label(office.timezone)}"
    subject = (_("Jadwal diubah: %(service)s, %(when)s", service=booking.service.name, when=when)
               if rescheduled else
               _("Tiket layanan loket: %(service)s, %(when)s", service=booking.service.name, when=when))
    lines = [
        _("Kode pemesanan: %(code)s", code=booking.code),
        _("Layanan: %(service)s", service=booking.service.name),
        _("Waktu: %(when)s", when=when),
        _("Tempat: %(office)s, %(address)s", office=office.name, address=office.address),
        "",
        _("Tiket: %(url)s", url=url_for("booking.ticket", code=booking.code, _external=True)),
        "",
        _("Bawa dokumen berikut:"),
        *(f"- {item}" for item in booking.service.checklist_for(
            official=is_official(booking.visitor))),
    ]
    queue_mail(booking.visitor.email, subject, "\n".join(lines), attachment_name=f"lpse-{booking.code}.ics",
               attachment=ics(booking, office_name=office.name, address=office.address,
                              host=request.host, now=clock.now()))
