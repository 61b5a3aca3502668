"""How visit statuses and outcomes are named on screen (one place for every page)."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "booked": _l("Dipesan"),
    "checked_in": _l("Sudah datang, menunggu"),
    "called": _l("Dipanggil ke loket"),
    "done": _l("Selesai"),
    "no_show": _l("Tidak hadir"),
    "cancelled": _l("Dibatalkan"),
}
OUTCOME_LABELS = {"approved": _l("Disetujui"), "rejected": _l("Ditolak"), "served": _l("Dilayani")}
