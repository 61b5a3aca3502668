"""The roles of DOMAIN.md. One person may hold several."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    VENDOR = "vendor"  # Penyedia: an outsider, sees only its own records
    VERIFIKATOR = "verifikator"  # registration & verification staff at the counter
    HELPDESK = "helpdesk"  # Layanan Pengguna
    ASSET_MANAGER = "asset_manager"  # Admin Sistem / Pengelola Aset
    RISK_MANAGER = "risk_manager"  # Pengelola Risiko
    SURVEY_MANAGER = "survey_manager"  # Pengelola Hubungan dengan Pengguna Layanan
    ROOM_USER = "room_user"  # Pokja Pemilihan / Pejabat Pengadaan / PPK
    MANAGER = "manager"  # Kepala LPSE / Koordinator / Sekretaris
    ADMIN = "admin"  # Administrator (IT)


ROLE_LABELS = {
    Role.VENDOR: _l("Penyedia"),
    Role.VERIFIKATOR: _l("Verifikator"),
    Role.HELPDESK: _l("Helpdesk / Layanan Pengguna"),
    Role.ASSET_MANAGER: _l("Pengelola Aset"),
    Role.RISK_MANAGER: _l("Pengelola Risiko"),
    Role.SURVEY_MANAGER: _l("Pengelola Hubungan Pengguna Layanan"),
    Role.ROOM_USER: _l("Pejabat Pengadaan / Pokja / PPK"),
    Role.MANAGER: _l("Pimpinan (Kepala / Koordinator / Sekretaris)"),
    Role.ADMIN: _l("Administrator"),
}

STAFF_ROLES = frozenset(Role) - {Role.VENDOR}
