"""The asset register's rules: create and change assets, classify them, hand them out
and take them back, record stocktakes. No request, no session, no flash: callers commit.

Tag and serial uniqueness is the database's (unique constraints on normalised values):
`save` turns the refusal into `DuplicateError`, naming the field, also when two people
create the same tag at the same instant."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lpse_web.assets.alerts import AUDIT, is_alert, settings
from lpse_web.assets.classification import asset_value, normal_code
from lpse_web.assets.models import CLASSES, CONDITIONS, LABELS, STATUSES, Asset, AssetAssignment, Stocktake
from lpse_web.database import utcnow
from lpse_web.extensions import db

# Fields a form or an import row may set directly on an asset.
EDITABLE = ("tag", "name", "asset_class", "category", "owner_id", "location", "status", "serial",
            "supplier", "purchased_on", "purchase_cost", "warranty_ends", "end_of_life",
            "licence_seats", "licence_expires", "notes", "next_audit_on")


class DuplicateError(Exception):
    """Another asset already has this tag or serial."""

    def __init__(self, field: str, value: str):
        super().__init__(f"{field} {value!r} is taken")
        self.field, self.value = field, value


class AssignmentError(Exception):
    """An assignment that cannot be made (already assigned, not assigned, retired)."""


def tag_taken(tag: str, except_id: int | None = None) -> bool:
    query = select(Asset.id).where(Asset.tag == normal_code(tag))
    if except_id:
        query = query.where(Asset.id != except_id)
    return db.session.scalar(query) is not None


def serial_taken(serial: str | None, except_id: int | None = None) -> bool:
    serial = normal_code(serial)
    if serial is None:
        return False
    query = select(Asset.id).where(Asset.serial == serial)
    if except_id:
        query = query.where(Asset.id != except_id)
    return db.session.scalar(query) is not None


def _apply(asset: Asset, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for key, value in fields.items():
        if key in ("tag", "serial"):
            value = normal_code(value)
        elif key in ("category", "location", "supplier", "notes"):  # NOT NULL text: absent is empty
            value = (value or "").strip()
        elif isinstance(value, str):
            value = value.strip()
        setattr(asset, key, value)
    if asset.asset_class not in CLASSES or asset.status not in STATUSES:
        raise ValueError(f"unknown class or status: {asset.asset_class}, {asset.status}")


def _flush_unique(asset: Asset, change) -> None:
    """Make the change and flush it inside a savepoint; a unique refusal becomes
    DuplicateError and undoes only the change (the session stays usable for the error
    page). The change happens inside: begin_nested() flushes what is pending first."""
    attempted = {}
    try:
        with db.session.begin_nested():
            with db.session.no_autoflush:  # reading an expired column would flush half-way
                change()
                attempted.update(tag=asset.tag, serial=asset.serial)  # the rollback expires them
            db.session.flush()
    except IntegrityError as error:
        # The first line names the constraint; PostgreSQL's next line quotes the value
        # (a tag "SERIAL-7" must not read as a serial). Other refusals are not duplicates.
        message = str(error.orig).splitlines()[0].lower()
        if "unique" not in message:
            raise
        field = "serial" if "serial" in message else "tag"
        raise DuplicateError(field, attempted.get(field)) from error


def create_asset(today: date, **fields) -> Asset:
    """A new asset; its first stocktake falls due one audit interval from today unless
    the caller gives a date."""
    interval = settings().audit_interval_days
    asset = Asset(status=fields.pop("status", "in_use"), category="", location="", supplier="", notes="")
    asset.asset_class = fields.get("asset_class")
    _apply(asset, fields)
    if asset.next_audit_on is None:
        asset.next_audit_on = today + timedelta(days=interval)
    _flush_unique(asset, lambda: db.session.add(asset))
    return asset


def update_asset(asset: Asset, **fields) -> Asset:
    _flush_unique(asset, lambda: _apply(asset, fields))
    return asset


def classify(asset: Asset, confidentiality: int, integrity: int, availability: int,
             label: str | None, agreed_on: date) -> Asset:
    """Record the classification agreed with the owner (Pasal 13 c): all three ratings,
    each in range (the database's check lets a partial one through: NULL passes a CHECK)."""
    ratings = (confidentiality, integrity, availability)
    if asset_value(*ratings) is None and any(r is not None for r in ratings):
        raise ValueError(f"C, I and A are rated together: {ratings}")
    if label is not None and label not in LABELS:
        raise ValueError(f"unknown label {label}")
    asset.confidentiality, asset.integrity, asset.availability = confidentiality, integrity, availability
    asset.label = label
    asset.classified_on = agreed_on
    db.session.flush()
    return asset


def open_assignment(asset: Asset) -> AssetAssignment | None:
    return db.session.scalar(select(AssetAssignment).where(
        AssetAssignment.asset_id == asset.id, AssetAssignment.returned_at.is_(None)))


def assign(asset: Asset, user_id: int, by_id: int | None, note: str = "") -> AssetAssignment:
    """Hand the asset to a staff member. One open assignment per asset (a partial unique
    index): a second, also a simultaneous one, is refused."""
    if asset.status == "retired":
        raise AssignmentError("retired")
    if open_assignment(asset) is not None:
        raise AssignmentError("assigned")
    assignment = AssetAssignment(asset_id=asset.id, user_id=user_id, assigned_by_id=by_id,
                                 assigned_at=utcnow(), note=note.strip())
    try:
        with db.session.begin_nested():
            db.session.add(assignment)
            db.session.flush()
    except IntegrityError as error:
        raise AssignmentError("assigned") from error
    asset.custodian_id = user_id
    db.session.flush()
    return assignment


def give_back(asset: Asset, by_id: int | None, note: str = "") -> AssetAssignment:
    """The holder returned the asset: the assignment is closed, the history kept."""
    assignment = open_assignment(asset)
    if assignment is None:
        raise AssignmentError("not_assigned")
    assignment.returned_at = utcnow()
    assignment.returned_by_id = by_id
    if note.strip():
        assignment.note = (assignment.note + "\n" + note.strip()).strip()
    asset.custodian_id = None
    db.session.flush()
    return assignment


def assignments(asset: Asset) -> list[AssetAssignment]:
    return list(db.session.scalars(select(AssetAssignment).where(AssetAssignment.asset_id == asset.id)
                                   .order_by(AssetAssignment.assigned_at.desc(), AssetAssignment.id.desc())))


def record_stocktake(asset: Asset, seen_on: date, by_id: int | None, condition: str, location: str = "",
                     note: str = "", next_audit_on: date | None = None) -> Stocktake:
    """The asset was looked for in a stocktake. The next one is due on the date given,
    or one audit interval after this one. A found asset's location is updated."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition}")
    if next_audit_on is None:
        next_audit_on = seen_on + timedelta(days=settings().audit_interval_days)
    if next_audit_on <= seen_on:
        raise ValueError("the next stocktake must come after this one")
    entry = Stocktake(asset_id=asset.id, seen_on=seen_on, by_id=by_id, condition=condition,
                      location=location.strip(), note=note.strip(), next_audit_on=next_audit_on)
    db.session.add(entry)
    if asset.last_audited_on is None or seen_on >= asset.last_audited_on:
        asset.last_audited_on = seen_on
        asset.next_audit_on = next_audit_on
        if location.strip() and condition != "not_found":
            asset.location = location.strip()
    db.session.flush()
    return entry


def stocktakes(asset: Asset) -> list[Stocktake]:
    return list(db.session.scalars(select(Stocktake).where(Stocktake.asset_id == asset.id)
                                   .order_by(Stocktake.seen_on.desc(), Stocktake.id.desc())))


def is_audit_overdue(asset: Asset, today: date) -> bool:
    """Overdue the day after the due date; retired assets are never overdue (the alerts'
    own rule, for one asset)."""
    return is_alert(asset, AUDIT, today, window_days=0)
