"""What a booked visitor takes away: the QR code of the booking code (the counter's
scanner types it into the check-in box) and a calendar entry (ICS)."""

from datetime import datetime, timedelta

import segno
from icalendar import Calendar, Event

from lpse_web.counter.models import Booking


def qr_svg(code: str) -> str:
    """An inline SVG (no data: URL, so the strict CSP needs no exception)."""
    # omitsize: a viewBox instead of a fixed size, so the stylesheet decides how large.
    return segno.make(code, error="m").svg_inline(omitsize=True, dark="#111", light="#fff")


def ics(booking: Booking, *, office_name: str, address: str, host: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//LPSE Web//Loket//ID")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"{booking.code}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", booking.scheduled_at)
    event.add("dtend", booking.scheduled_at + timedelta(minutes=booking.service.duration_minutes))
    event.add("summary", f"{booking.service.name} – {office_name}")
    event.add("location", address or office_name)
    event.add("description", f"Kode pemesanan: {booking.code}")
    calendar.add_component(event)
    return calendar.to_ical()

