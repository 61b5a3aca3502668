"""Words for the risk register's codes, built once."""

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "operational": _l("Operasional"),
    "security": _l("Keamanan informasi"),
    "continuity": _l("Kelangsungan layanan"),
    "compliance": _l("Kepatuhan"),
    "financial": _l("Keuangan"),
    "reputation": _l("Reputasi"),
}
TREATMENT_LABELS = {
    "mitigate": _l("Mitigasi (kurangi)"),
    "accept": _l("Terima"),
    "transfer": _l("Alihkan"),
    "avoid": _l("Hindari"),
}
STATUS_LABELS = {
    "open": _l("Terbuka"),
    "in_treatment": _l("Dalam penanganan"),
    "accepted": _l("Diterima"),
    "closed": _l("Ditutup"),
}
SCORE_REASON_LABELS = {
    "created": _l("Dicatat"),
    "edited": _l("Diubah"),
    "reviewed": _l("Ditinjau"),
    "rescored": _l("Dinilai ulang (metodologi baru)"),
}
RULE_MESSAGES = {
    "accepted_needs_accept": _l("Status “Diterima” hanya untuk risiko dengan penanganan “Terima”."),
    "residual_above_inherent": _l("Skor residual tidak boleh lebih tinggi dari skor inheren: pengendalian "
                                  "dan penanganan hanya menurunkan risiko."),
    "outside_scale": _l("Kemungkinan atau dampak di luar skala metodologi yang berlaku."),
    "concurrent_version": _l("Metodologi baru saja diubah orang lain; muat ulang halaman dan coba lagi."),
}
