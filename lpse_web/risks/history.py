"""A risk's change history for its page, from the audit log (the risk, its actions and
its reviews), and what a review changed, field by field, in words a person reads:
status and treatment codes as their labels, people by name, dates formatted."""

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, or_, select

from lpse_web.audit.models import AuditEntry
from lpse_web.auth.models import User
from lpse_web.extensions import db
from lpse_web.risks.labels import CATEGORY_LABELS, STATUS_LABELS, TREATMENT_LABELS
from lpse_web.risks.models import Risk, RiskAction, RiskReview

HISTORY_LIMIT = 100

FIELD_LABELS = {
    "code": _l("Kode"), "title": _l("Judul"), "description": _l("Uraian"), "category": _l("Kategori"),
    "threat": _l("Ancaman"), "vulnerability": _l("Kerentanan"), "owner_id": _l("Pemilik"),
    "existing_controls": _l("Kontrol yang ada"), "methodology_version": _l("Versi metodologi"),
    "inherent_likelihood": _l("Kemungkinan inheren"), "inherent_impact": _l("Dampak inheren"),
    "inherent_score": _l("Skor inheren"), "inherent_level": _l("Tingkat inheren (urutan)"),
    "treatment": _l("Penanganan"), "treatment_plan": _l("Rencana penanganan"),
    "residual_likelihood": _l("Kemungkinan residual"), "residual_impact": _l("Dampak residual"),
    "residual_score": _l("Skor residual"), "residual_level": _l("Tingkat residual (urutan)"),
    "status": _l("Status"), "next_review_on": _l("Tinjauan berikutnya"),
    "last_reviewed_on": _l("Tinjauan terakhir"),
    "closed_on": _l("Ditutup pada"), "created_at": _l("Dicatat"), "assets": _l("Aset terdampak"),
    "risk_id": _l("Risiko"), "due_on": _l("Tenggat"), "done_on": _l("Selesai pada"), "note": _l("Catatan"),
    "reviewed_on": _l("Tanggal tinjauan"), "reviewer_id": _l("Peninjau"), "changes": _l("Perubahan"),
    "id": _l("ID"),
}
TABLE_LABELS = {"risk": _l("Risiko"), "risk_action": _l("Tindakan"), "risk_review": _l("Tinjauan")}
_CODED = {"status": STATUS_LABELS, "treatment": TREATMENT_LABELS, "category": CATEGORY_LABELS}
_PEOPLE = ("owner_id", "reviewer_id")
# The level ranks follow from the scores (and the version): their names are on the page.
_HIDDEN = ("id", "risk_id", "changes", "created_at", "inherent_level", "residual_level")


def shown_value(key: str, value, people: dict[int, str]) -> str:
    """A stored value (audit log or review record) as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if key in _CODED:
        return str(_CODED[key].get(value, value))
    if key in _PEOPLE:
        return people.get(value, f"#{value}")
    if key.endswith("_on") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]), "d MMM y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass
class Change:
    label: str
    before: str | None
    after: str | None


@dataclass
class HistoryEntry:
    entry: AuditEntry
    what: str  # Risiko / Tindakan / Tinjauan
    changes: list[Change]


def people_named(ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def review_changes(reviews) -> dict[int, list[Change]]:
    """{review id: what it changed, field by field} (one query for the names)."""
    people = people_named(v for r in reviews for k, pair in (r.changes or {}).items() if k in _PEOPLE
                          for v in pair)
    return {r.id: [Change(FIELD_LABELS.get(k, k), shown_value(k, pair[0], people),
                          shown_value(k, pair[1], people))
                   for k, pair in (r.changes or {}).items()] for r in reviews}


def change_history(risk: Risk) -> list[HistoryEntry]:
    """The audit log of the risk and of its actions and reviews, newest first, the last
    HISTORY_LIMIT entries (the full log is on the audit page)."""
    actions = select(cast(RiskAction.id, String)).where(RiskAction.risk_id == risk.id)
    reviews = select(cast(RiskReview.id, String)).where(RiskReview.risk_id == risk.id)
    query = (select(AuditEntry).where(or_(
        and_(AuditEntry.table_name == "risk", AuditEntry.record_id == str(risk.id)),
        and_(AuditEntry.table_name == "risk_action", AuditEntry.record_id.in_(actions)),
        and_(AuditEntry.table_name == "risk_review", AuditEntry.record_id.in_(reviews))))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(HISTORY_LIMIT))
    entries = list(db.session.scalars(query))
    people = people_named(v for e in entries for d in (e.before or {}, e.after or {})
                          for k, v in d.items() if k in _PEOPLE)
    found = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = []
        for key in after or before:
            if key in _HIDDEN or (entry.before and entry.after and before.get(key) == after.get(key)):
                continue
            shown = (shown_value(key, before.get(key), people) if entry.before else None,
                     shown_value(key, after.get(key), people) if entry.after else None)
            if entry.before is None and shown[1] == "—":  # a new record's empty fields say nothing
                continue
            changes.append(Change(FIELD_LABELS.get(key, key), *shown))
        found.append(HistoryEntry(entry, TABLE_LABELS.get(entry.table_name, entry.table_name), changes))
    return found
