"""What a refused reservation tells the person: which rule, or which reservation is in
the way. Who reserved it and why is named only to those who may see it."""

from flask_babel import format_date
from flask_babel import gettext as _

from lpse_web.rooms import services


def _range(start, end, zone, zone_label) -> str:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = format_date(local_start.date(), "EEEE, d MMMM y")
    return _("%(day)s pukul %(start)s–%(end)s %(zone)s", day=day, start=local_start.strftime("%H.%M"),
             end=local_end.strftime("%H.%M"), zone=zone_label)


def describe(problem: services.ReservationError, viewer, zone, zone_label) -> str:
    if isinstance(problem, services.ConflictError):
        other = problem.other
        if other is None:
            return _("Ruang sudah dipesan pada waktu itu.")
        when = _range(other.starts_at, other.ends_at, zone, zone_label)
        if services.may_see_details(viewer, other):
            return _("Bentrok dengan reservasi lain: %(room)s, %(when)s — %(title)s (%(who)s).",
                     room=other.room.name, when=when, title=other.title, who=other.requester.name)
        return _("Bentrok dengan reservasi lain: %(room)s sudah dipesan %(when)s.",
                 room=other.room.name, when=when)
    if isinstance(problem, services.BlackoutError):
        b = problem.blackout
        return _("Ruang ditutup %(when)s: %(reason)s.",
                 when=_range(b.starts_at, b.ends_at, zone, zone_label), reason=b.reason)
    if isinstance(problem, services.ClosedDayError):
        return _("Kantor tutup hari itu: %(reason)s.", reason=problem.reason) if problem.reason \
            else _("Ruang tidak dapat dipesan hari itu.")
    if isinstance(problem, services.OutsideHoursError):
        start, end = (t.astimezone(zone).strftime("%H.%M") for t in problem.hours)
        return _("Di luar jam pemakaian ruang (%(start)s–%(end)s %(zone)s).", start=start, end=end,
                 zone=zone_label)
    if isinstance(problem, services.TooManyOccurrencesError):
        return _("Satu permintaan paling banyak %(n)d jadwal: jadwal ini dan sesudahnya tidak dipesan; "
                 "ajukan permintaan baru untuknya.", n=problem.limit)
    if isinstance(problem, services.TooManyPeopleError):
        return _("Jumlah orang melebihi kapasitas ruang (%(n)d kursi).", n=problem.seats)
    messages = {
        services.RoomUnavailableError: _("Ruang ini sedang tidak dapat dipesan."),
        services.OffGridError: _("Waktu mulai dan selesai harus pada hari yang sama, dalam kelipatan "
                                 "15 menit."),
        services.TooSoonError: _("Terlalu mendadak: reservasi harus diajukan lebih awal (batas pemberitahuan "
                                 "minimum ruang ini)."),
        services.TooFarError: _("Terlalu jauh ke depan untuk ruang ini."),
        services.WrongStateError: _("Langkah itu tidak dapat dilakukan pada status reservasi ini."),
        services.NothingToReserveError: _("Tidak ada satu pun jadwal yang dapat dipesan."),
    }
    return messages.get(type(problem), _("Reservasi tidak dapat dibuat."))
