"""The register list read from the URL: filters, active search and sorting (every value
whitelisted or cleaned, so a bad query string is ignored, never a 500), and the other
reads the register pages share.

The list stays one COUNT and one page query however long the register: the owner and
custodian are joined in that page query, their roles are not loaded (the list shows
names only), and nothing per row touches a lazy relationship."""

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import defaultload, joinedload, lazyload

from lpse_web import clock
from lpse_web.assets.alerts import KINDS, alert_condition
from lpse_web.assets.classification import normal_code
from lpse_web.assets.models import CLASSES, LABELS, RETIRED, STATUSES, Asset
from lpse_web.auth.models import User, UserRole
from lpse_web.auth.roles import STAFF_ROLES, Role
from lpse_web.extensions import db
from lpse_web.office.services import get_office
from lpse_web.web.forms import clean_arg

PAGE_SIZE = 25
UNCLASSIFIED = "belum"  # the label filter's "not classified yet" (C, I, A not rated)
ASC, DESC = "naik", "turun"
VALUE = Asset.confidentiality + Asset.integrity + Asset.availability  # NULL until classified


def _in_order(column, codes):
    """Sort codes in their defined order (hardware before software...), not alphabetically."""
    return case({code: i for i, code in enumerate(codes)}, value=column, else_=len(codes))


# `urut` -> the column sorted on; anything else in the URL falls back to the tag.
SORTS = {
    "tag": Asset.tag,
    "nama": func.lower(Asset.name),
    "kelas": _in_order(Asset.asset_class, CLASSES),
    "status": _in_order(Asset.status, STATUSES),
    "nilai": VALUE,
    "audit": Asset.next_audit_on,
    "beli": Asset.purchased_on,
}
NULLABLE_SORTS = ("nilai", "audit", "beli")


def office_today() -> date:
    """Today in the office's zone (the office row is held for the request: no query)."""
    return clock.now().astimezone(ZoneInfo(get_office().timezone)).date()


@dataclass(frozen=True)
class Filters:
    """The list's state as it stands in the URL (the argument names are Indonesian)."""

    q: str = ""
    kelas: str = ""
    status: str = ""
    label: str = ""
    pemilik: int | None = None
    lokasi: str = ""
    peringatan: str = ""
    urut: str = "tag"
    arah: str = ASC

    @classmethod
    def from_args(cls, args) -> "Filters":
        def pick(name, allowed):
            value = clean_arg(args.get(name), 30)
            return value if value in allowed else ""

        owner = clean_arg(args.get("pemilik"), 12)
        sort = clean_arg(args.get("urut"), 10)
        return cls(
            q=clean_arg(args.get("q"), 100),
            kelas=pick("kelas", CLASSES),
            status=pick("status", STATUSES),
            label=pick("label", (*LABELS, UNCLASSIFIED)),
            pemilik=int(owner) if owner.isdigit() and len(owner) < 10 else None,
            lokasi=clean_arg(args.get("lokasi"), 120),
            peringatan=pick("peringatan", KINDS),
            urut=sort if sort in SORTS else "tag",
            arah=DESC if clean_arg(args.get("arah"), 5) == DESC else ASC,
        )

    def args(self, **changes) -> dict:
        """The non-default values, for url_for: pager and sort links keep the whole state."""
        state = replace(self, **changes)
        default = Filters()
        return {f.name: getattr(state, f.name) for f in fields(self)
                if getattr(state, f.name) != getattr(default, f.name)}

    def sorted_by(self, key: str) -> dict:
        """The link of a column header: sort by it, or reverse it if it is already the key."""
        direction = DESC if self.urut == key and self.arah == ASC else ASC
        return self.args(urut=key, arah=direction)

    @property
    def narrowed(self) -> bool:
        return any((self.q, self.kelas, self.status, self.label, self.pemilik, self.lokasi, self.peringatan))


def _contains(column, needle: str):
    return func.lower(column).contains(needle, autoescape=True)


def filtered(filters: Filters, today: date, window_days: int):
    """select(Asset) narrowed by the filters, not yet sorted."""
    query = select(Asset)
    if filters.q:
        needle, code = filters.q.lower(), normal_code(filters.q) or ""
        query = query.where(or_(
            Asset.tag.contains(code, autoescape=True),  # tags and serials are stored normalised
            Asset.serial.contains(code, autoescape=True),
            _contains(Asset.name, needle), _contains(Asset.category, needle),
            _contains(Asset.location, needle), _contains(Asset.supplier, needle)))
    if filters.kelas:
        query = query.where(Asset.asset_class == filters.kelas)
    if filters.status:
        query = query.where(Asset.status == filters.status)
    if filters.label == UNCLASSIFIED:
        query = query.where(Asset.confidentiality.is_(None))
    elif filters.label:
        query = query.where(Asset.label == filters.label)
    if filters.pemilik:
        query = query.where(Asset.owner_id == filters.pemilik)
    if filters.lokasi:
        query = query.where(_contains(Asset.location, filters.lokasi.lower()))
    if filters.peringatan:
        query = query.where(alert_condition(filters.peringatan, today, window_days))
    return query


def without_roles(query):
    """The joined owner and custodian without their roles (User.role_rows is selectin:
    one more query the list has no use for)."""
    return query.options(defaultload(Asset.owner).lazyload(User.role_rows),
                         defaultload(Asset.custodian).lazyload(User.role_rows))


def register_query(filters: Filters, today: date, window_days: int):
    """The list's rows in the order asked for; unknown values (unclassified, no date) last
    either way, then by tag so paging is stable (the default, by tag alone, can walk the
    tag's unique index)."""
    column = SORTS[filters.urut]
    order = [column.desc() if filters.arah == DESC else column.asc()]
    if filters.urut in NULLABLE_SORTS:
        order.insert(0, column.is_(None))
    if filters.urut != "tag":
        order.append(Asset.tag)
    return without_roles(filtered(filters, today, window_days).order_by(*order))


def export_query(filters: Filters, today: date, window_days: int):
    """The list's rows for a download (assets/columns.py export_row): the owner's e-mail
    is joined, the custodian is not read at all (a file of 20,000 rows is mostly ORM time)."""
    return register_query(filters, today, window_days).options(
        lazyload(Asset.custodian), joinedload(Asset.owner).load_only(User.email, User.name))


def staff_users(include_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active LPSE staff, who may own or hold an asset. Officials of
    other units (room users only) and vendors are not; an inactive account already set
    on the asset (`include_id`) stays choosable so editing does not silently drop it."""
    roles = [r.value for r in STAFF_ROLES - {Role.ROOM_USER}]
    staff = select(UserRole.user_id).where(UserRole.role.in_(roles))
    condition = User.active & User.id.in_(staff)
    if include_id:
        condition = condition | (User.id == include_id)
    rows = db.session.execute(select(User.id, User.name).where(condition).order_by(User.name, User.id))
    return [(row.id, row.name) for row in rows]


def is_staff_user(user_id: int) -> bool:
    return any(uid == user_id for uid, _name in staff_users())


def audit_due_query(today: date, days: int = 30):
    """Stocktakes to do: (overdue, due within `days`), live assets, soonest first."""
    live = select(Asset).where(Asset.status != RETIRED)
    overdue = live.where(Asset.next_audit_on < today)
    soon = live.where(Asset.next_audit_on >= today, Asset.next_audit_on <= today + timedelta(days=days))
    return tuple(without_roles(q.order_by(Asset.next_audit_on, Asset.tag)) for q in (overdue, soon))
