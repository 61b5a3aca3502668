"""Words for the asset register's codes, built once. The import accepts the code or
its Indonesian word (`assets/columns.py`)."""

from flask_babel import lazy_gettext as _l

CLASS_LABELS = {
    "hardware": _l("Perangkat keras"),
    "software": _l("Perangkat lunak"),
    "licence": _l("Lisensi"),
    "information": _l("Informasi / data"),
    "service": _l("Layanan"),
    "facility": _l("Fasilitas"),
    "people": _l("SDM / peran"),
}
# Categories proposed per class (a datalist: the office may type its own).
CATEGORY_SUGGESTIONS = {
    "hardware": ("Server", "PC / laptop", "Perangkat jaringan", "UPS", "Printer / pemindai", "Penyimpanan"),
    "software": ("Sistem operasi", "Aplikasi", "Basis data", "Antivirus"),
    "licence": ("Lisensi perangkat lunak", "Sertifikat SSL", "Nama domain"),
    "information": ("Basis data", "Cadangan (backup)", "Dokumen", "Arsip"),
    "service": ("Koneksi internet", "Hosting", "SPSE", "E-mail"),
    "facility": ("Ruang server", "Ruang pemasukan penawaran", "Ruang pelatihan"),
    "people": ("Pengelola", "Verifikator", "Helpdesk", "Administrator"),
}
STATUS_LABELS = {
    "in_use": _l("Dipakai"),
    "in_stock": _l("Di gudang"),
    "in_repair": _l("Diperbaiki"),
    "retired": _l("Dihapus / pensiun"),
}
LABEL_LABELS = {"rahasia": _l("Rahasia"), "terbatas": _l("Terbatas"), "publik": _l("Publik")}
CIA_LABELS = {1: _l("Rendah"), 2: _l("Sedang"), 3: _l("Tinggi")}
VALUE_BAND_LABELS = {"rendah": _l("Rendah"), "sedang": _l("Sedang"), "tinggi": _l("Tinggi")}
CONDITION_LABELS = {
    "good": _l("Baik"),
    "needs_repair": _l("Perlu perbaikan"),
    "broken": _l("Rusak"),
    "not_found": _l("Tidak ditemukan"),
}
ALERT_LABELS = {
    "licence": _l("Lisensi berakhir"),
    "warranty": _l("Garansi berakhir"),
    "end_of_life": _l("Akhir masa pakai"),
    "audit": _l("Stock opname terlambat"),
}
