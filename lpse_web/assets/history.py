"""An asset's change history, read from the audit log (every change of an Audited model
is logged by lpse_web/audit/recorder.py): the asset's own rows, and those of its
assignments and stocktakes, field by field in the register's words, newest first."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from lpse_web.assets.labels import CIA_LABELS, CLASS_LABELS, CONDITION_LABELS, LABEL_LABELS, STATUS_LABELS
from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.extensions import db

LIMIT = 100
TABLE_LABELS = {"asset": _l("Aset"), "asset_assignment": _l("Penyerahan"),
                "asset_stocktake": _l("Stock opname")}
ACTION_LABELS = {"create": _l("dibuat"), "update": _l("diubah"), "delete": _l("dihapus")}
FIELD_LABELS = {
    "tag": _l("Nomor aset"), "name": _l("Nama"), "asset_class": _l("Kelas"), "category": _l("Kategori"),
    "owner_id": _l("Pemilik"), "custodian_id": _l("Pemegang"), "location": _l("Lokasi"),
    "status": _l("Status"), "serial": _l("Nomor seri"), "supplier": _l("Pemasok"),
    "purchased_on": _l("Tanggal pembelian"), "purchase_cost": _l("Harga pembelian"),
    "warranty_ends": _l("Garansi berakhir"), "end_of_life": _l("Akhir masa pakai"),
    "licence_seats": _l("Jumlah lisensi"), "licence_expires": _l("Lisensi berakhir"), "notes": _l("Catatan"),
    "confidentiality": _l("Kerahasiaan"), "integrity": _l("Integritas"), "availability": _l("Ketersediaan"),
    "label": _l("Label"), "classified_on": _l("Diklasifikasi pada"),
    "last_audited_on": _l("Stock opname terakhir"), "next_audit_on": _l("Stock opname berikutnya"),
    # assignments and stocktakes
    "user_id": _l("Diserahkan kepada"), "assigned_at": _l("Diserahkan pada"),
    "assigned_by_id": _l("Diserahkan oleh"), "returned_at": _l("Dikembalikan pada"),
    "returned_by_id": _l("Diterima kembali oleh"), "note": _l("Catatan"), "seen_on": _l("Tanggal diperiksa"),
    "by_id": _l("Diperiksa oleh"), "condition": _l("Kondisi"),
}
PEOPLE = ("owner_id", "custodian_id", "user_id", "assigned_by_id", "returned_by_id", "by_id")
CODES = {"asset_class": CLASS_LABELS, "status": STATUS_LABELS, "label": LABEL_LABELS,
         "condition": CONDITION_LABELS, "confidentiality": CIA_LABELS, "integrity": CIA_LABELS,
         "availability": CIA_LABELS}
SKIPPED = {"id", "asset_id", "created_at"}  # bookkeeping, not the asset's facts


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Event:
    at: datetime
    who: str  # the person's name, or "sistem" / the e-mail of a deleted account
    account: str  # the e-mail the log recorded
    what: str  # Aset / Penyerahan / Stock opname
    action: str
    changes: list[Change]


def _entries(asset_id: int, assignment_ids, stocktake_ids, limit: int):
    conditions = [and_(AuditEntry.table_name == "asset", AuditEntry.record_id == str(asset_id))]
    for table, ids in (("asset_assignment", assignment_ids), ("asset_stocktake", stocktake_ids)):
        if ids:
            conditions.append(and_(AuditEntry.table_name == table,
                                   AuditEntry.record_id.in_([str(i) for i in ids])))
    return list(db.session.scalars(select(AuditEntry).where(or_(*conditions))
                                   .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)))


def _shown(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field in PEOPLE:
        return names.get(value, f"#{value}")
    if field in CODES:
        label = CODES[field].get(value)
        return f"{value} ({label})" if field in ("confidentiality", "integrity", "availability") and label \
            else str(label or value)
    if field == "purchase_cost":
        return "Rp " + f"{int(float(value)):,}".replace(",", ".")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return format_date(date.fromisoformat(value), "d MMM y")
        except ValueError:
            return value
    if isinstance(value, str) and "T" in value and len(value) >= 19:
        try:
            return format_datetime(datetime.fromisoformat(value), "d MMM y HH.mm")
        except ValueError:
            return value
    return str(value)


def asset_history(asset_id: int, assignment_ids=(), stocktake_ids=(), limit: int = LIMIT):
    """(events newest first, whether there are more than `limit`). Two queries: the log
    rows, and the names of the people they mention (actors, owners, holders)."""
    rows = _entries(asset_id, assignment_ids, stocktake_ids, limit)
    more, rows = len(rows) > limit, rows[:limit]
    ids = {row.actor_id for row in rows if row.actor_id}
    for row in rows:
        for values in (row.before or {}, row.after or {}):
            ids.update(v for k, v in values.items() if k in PEOPLE and isinstance(v, int))
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) \
        if ids else {}
    events = []
    for row in rows:
        before, after = row.before or {}, row.after or {}
        keys = [k for k in (after or before) if k not in SKIPPED]
        if row.action == "create":  # what was filled in, not every empty column
            keys = [k for k in keys if after.get(k) not in (None, "")]
        changes = [Change(str(FIELD_LABELS.get(k, k)), _shown(k, before.get(k), names) if before else "",
                          _shown(k, after.get(k), names) if after else "") for k in keys]
        changes = [c for c in changes if c.before != c.after]  # set again to the same value
        if row.action == "update" and not changes:
            continue
        who = names.get(row.actor_id, row.actor_name) if row.actor_id else row.actor_name
        events.append(Event(at=row.at, who=who, account=row.actor_name,
                            what=str(TABLE_LABELS.get(row.table_name, row.table_name)),
                            action=str(ACTION_LABELS.get(row.action, row.action)), changes=changes))
    return events, more
