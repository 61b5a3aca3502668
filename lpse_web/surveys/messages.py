"""What the survey manager's and the follow-up pages say: the labels of the statuses, and
the sentence for each refusal of the period rules (`periods.PeriodError.code`)."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lpse_web.surveys.models import (
    ANSWERED,
    CLOSED,
    DRAFT,
    IN_PROGRESS,
    NEW,
    OPEN,
    PENGADUAN,
    SARAN,
)
from lpse_web.surveys.periods import PeriodError

PERIOD_STATUS_LABELS = {DRAFT: _l("Draf"), OPEN: _l("Dibuka"), CLOSED: _l("Ditutup")}
FOLLOW_UP_LABELS = {NEW: _l("Baru"), IN_PROGRESS: _l("Diproses"), ANSWERED: _l("Dijawab")}
KIND_LABELS = {SARAN: _l("Saran"), PENGADUAN: _l("Pengaduan")}

# Which field of the period form a refusal belongs next to.
PERIOD_ERROR_FIELDS = {"order": "ends_on", "name": "name", "name_blank": "name", "overlap": "starts_on",
                       "has_answers": "starts_on"}


def days_of(period) -> str:
    """"1 Okt 2026 – 31 Des 2026": a period's days as the pages show them."""
    return f"{format_date(period.starts_on, 'd MMM y')} – {format_date(period.ends_on, 'd MMM y')}"


def period_message(error: PeriodError) -> str:
    """The refusal in a sentence; an overlap names the period it collides with."""
    other = error.other
    if error.code == "overlap" and other is not None:
        return _("Tanggalnya bertumpang tindih dengan periode %(name)s (%(days)s). Periode survei "
                 "tidak boleh saling tumpang tindih.", name=other.name, days=days_of(other))
    messages = {
        "order": _("Tanggal akhir tidak boleh sebelum tanggal mulai."),
        "name": _("Nama periode sudah dipakai. Pilih nama lain."),
        "name_blank": _("Isi nama periode (paling banyak 60 karakter)."),
        "overlap": _("Tanggalnya bertumpang tindih dengan periode lain."),
        "has_answers": _("Periode ini sudah memiliki jawaban: rentang tanggalnya hanya dapat "
                         "diperpanjang, tidak dipersempit."),
        "not_open": _("Hanya periode yang sedang dibuka yang dapat ditutup."),
        "not_closed": _("Hasil hanya dapat diterbitkan setelah periode ditutup."),
        "no_answers": _("Periode ini belum memiliki jawaban: tidak ada hasil untuk diterbitkan."),
        "in_use": _("Hanya periode berstatus draf yang belum memiliki jawaban yang dapat dihapus."),
    }
    return messages.get(error.code, _("Perubahan periode ditolak."))


def follow_up_message(code: str) -> str:
    if code == "reply":
        return _("Jawaban wajib diisi untuk status Dijawab.")
    return _("Status tindak lanjut tidak dikenal.")
