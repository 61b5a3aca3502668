"""Words for the rooms' codes, built once (the day view shows many of them)."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "requested": _l("Menunggu persetujuan"),
    "approved": _l("Disetujui"),
    "rejected": _l("Ditolak"),
    "checked_in": _l("Sedang dipakai"),
    "completed": _l("Selesai"),
    "cancelled": _l("Dibatalkan"),
    "released": _l("Dilepas (tidak hadir)"),
    "expired": _l("Kedaluwarsa (belum diputuskan)"),  # shown only: a request released undecided
}
PURPOSE_LABELS = {
    "bid_submission": _l("Pemasukan penawaran (paket)"),
    "training": _l("Pelatihan"),
    "verification": _l("Verifikasi dokumen"),
    "meeting": _l("Rapat"),
    "other": _l("Lainnya"),
}
FREQUENCY_LABELS = {"daily": _l("setiap hari kerja"), "weekly": _l("setiap minggu")}
